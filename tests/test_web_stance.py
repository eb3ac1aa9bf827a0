"""The stance page and its JSON twin (browser-free): one library call, the same report; the chart, the
shifts with links to statement permalinks, who set each stance; the person page's positions; marking
only with --allow-ingest and the token; everything escaped."""

from __future__ import annotations

import contextlib
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

import onrecord
import stance_store
from onrecord.store import open_store
from onrecord.web import create_app
from web_store import local_client

TOKEN = "s3cret-token"


@pytest.fixture(scope="module")
def record(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("web-stance") / "ellery.db"
    with contextlib.closing(open_store(str(path))) as conn:
        ids = stance_store.build(conn)
    onrecord.stance(path, stance_store.PROPOSITION, marks=stance_store.marks(ids))
    return path, ids


@pytest.fixture(scope="module")
def client(record: tuple[Path, dict[str, int]]) -> TestClient:
    return local_client(create_app(record[0]))


P = quote(stance_store.PROPOSITION)


def test_the_api_twin_is_the_library_report(client: TestClient, record: tuple[Path, dict[str, int]]) -> None:
    response = client.get(f"/api/stance?p={P}")
    assert response.status_code == 200
    assert response.json() == onrecord.stance(record[0], stance_store.PROPOSITION, save=False).to_json()


def test_the_page_shows_chart_shifts_and_who_set_each_stance(
    client: TestClient, record: tuple[Path, dict[str, int]]
) -> None:
    _, ids = record
    page = client.get(f"/stance?p={P}")
    assert page.status_code == 200
    html = page.text
    assert '<svg class="chart stance"' in html and '<rect class="support"' in html
    assert f'href="/statements/{ids["We must build the tidal barrage across the estuary now"]}"' in html
    assert "set by person" in html and "reported by Ellery Gazette" in html
    assert "describes 2019-01" in html


def test_the_person_page_lists_positions_on_saved_propositions(
    client: TestClient, record: tuple[Path, dict[str, int]]
) -> None:
    with contextlib.closing(open_store(str(record[0]))) as conn:
        voss = conn.execute("SELECT id FROM speakers WHERE name = 'Clara Voss'").fetchone()[0]
    html = client.get(f"/people/{voss}").text
    assert "Positions on saved propositions" in html and stance_store.PROPOSITION in html


def test_a_short_proposition_is_422_and_an_empty_one_a_blank_form(client: TestClient) -> None:
    for short in ("barrage", "barrage !"):
        response = client.get(f"/api/stance?p={quote(short)}")
        assert response.status_code == 422 and response.json()["error"]["field"] == "p"
    assert client.get("/stance").status_code == 200


def test_content_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "hostile.db"
    text = 'Barrage row\n\n"<script>alert(1)</script> we must build the tidal barrage," said Clara Voss.\n'
    with contextlib.closing(open_store(str(path))) as conn:
        stance_store.add_article(
            conn,
            text,
            [
                stance_store.said(
                    text, "<script>alert(1)</script> we must build the tidal barrage", "Clara Voss"
                )
            ],
        )
    onrecord.stance(path, stance_store.PROPOSITION)
    html = local_client(create_app(path)).get(f"/stance?p={P}").text
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_store_without_embeddings_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "bare.db"
    with contextlib.closing(open_store(str(path))) as conn:
        stance_store.build(conn)
    response = local_client(create_app(path)).get(f"/api/stance?p={P}")
    assert response.status_code == 503 and "no embeddings yet" in response.json()["error"]["message"]


def test_marking_needs_allow_ingest_and_the_token(
    record: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    path = tmp_path / "marks.db"
    shutil.copy(record[0], path)
    target = record[1]["The estuary needs protection"]
    body = {"statement_id": target, "label": "oppose"}
    read_only = local_client(create_app(path))
    assert read_only.post(f"/api/stance/marks?p={P}", json=body, headers=_bearer()).status_code == 403
    writable = local_client(create_app(path, allow_ingest=True, token=TOKEN))
    assert writable.post(f"/api/stance/marks?p={P}", json=body).status_code == 401
    assert writable.post(f"/api/stance/marks?p={P}", json=body, headers=_bearer("wrong")).status_code == 401
    bad = writable.post(
        f"/api/stance/marks?p={P}", json={"statement_id": 999_999, "label": "oppose"}, headers=_bearer()
    )
    assert bad.status_code == 422
    done = writable.post(f"/api/stance/marks?p={P}", json=body, headers=_bearer())
    assert done.status_code == 200
    shown = next(s for s in done.json()["statements"] if s["statement_id"] == target)
    assert (shown["stance"], shown["by"]) == ("oppose", "person")


def _bearer(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_posted_article_gets_its_embeddings(tmp_path: Path) -> None:
    path = tmp_path / "posted.db"
    client = local_client(create_app(path, allow_ingest=True, token=TOKEN))
    body = '"The tidal barrage across the estuary must be built this year," said Clara Voss on Monday.\n'
    headers = {**_bearer(), "Content-Type": "text/plain"}
    assert client.post("/api/articles", content=body.encode(), headers=headers).status_code == 201
    with contextlib.closing(open_store(str(path))) as conn:
        assert conn.execute("SELECT count(*) FROM statement_embeddings").fetchone()[0] >= 1
        assert (
            conn.execute("SELECT count(*) FROM statements").fetchone()[0]
            == conn.execute("SELECT count(*) FROM statement_embeddings").fetchone()[0]
        )
    assert client.get(f"/api/stance?p={P}").status_code == 200
