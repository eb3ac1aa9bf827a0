"""Speech or attitude, and co-speakers, end to end (issue 10 items 2 and 4): stored by migration 4, read
back by search, export, the API, the pages and the CLI; `min_confidence` on the pages and their twins."""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient
from rich.console import Console

from onrecord import queries
from onrecord.cli import main
from onrecord.ingest import IngestSummary
from onrecord.records import Article, Statement, StatementMode
from onrecord.store import open_store
from onrecord.store.dedup import fingerprint
from onrecord.store.migrations import LATEST, MIGRATIONS, _statements
from onrecord.store.writer import Extracted, store_article
from onrecord.views import ingest_table
from onrecord.web.app import create_app
from record_factory import add_article, said
from web_store import local_client

TEXT = (
    "Senator Ada Marsh and Senator Tom Reyes said the dam would be rebuilt. "
    "Marsh hopes the works will start in May. "
    "Marsh said the quarry bids were weak."
)


def _said(quote: str, mode: StatementMode, confidence: float, others: tuple[str, ...] = ()) -> Statement:
    statement = said(TEXT, quote, "Ada Marsh", role="Senator")
    speaker = replace(statement.speaker, co_speakers=others)
    return replace(statement, mode=mode, confidence=confidence, speaker=speaker)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("attitude") / "record.db"
    with contextlib.closing(open_store(str(path))) as conn:
        statements = [
            _said("the dam would be rebuilt", "speech", 0.9, ("Tom Reyes",)),
            _said("the works will start in May", "attitude", 0.8),
            _said("the quarry bids were weak", "speech", 0.1),
        ]
        written = add_article(conn, TEXT, statements, published="2024-05-02", site="Dam Post")
        assert (written.statements, written.unsure) == (3, 0)
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with local_client(create_app(db)) as test_client:
        yield test_client


def _ids(db: Path) -> dict[str, int]:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return {text.split()[1]: sid for sid, text in conn.execute("SELECT id, text FROM statements")}


def test_mode_and_co_speakers_are_stored(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        rows = conn.execute("SELECT text, mode, co_speakers FROM statements ORDER BY id").fetchall()
    assert rows == [
        ("the dam would be rebuilt", "speech", '["Tom Reyes"]'),
        ("the works will start in May", "attitude", None),
        ("the quarry bids were weak", "speech", None),
    ]


def test_the_store_refuses_a_mode_that_is_neither(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("UPDATE statements SET mode = 'rumour'")


def test_a_store_made_at_schema_3_is_migrated_and_its_rows_read_as_speech(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA application_id = 1869509219")
    for number, script in enumerate(MIGRATIONS[:3]):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute(
        "INSERT INTO articles (id, source, language, text, text_hash, ingested_at) "
        "VALUES (1, 'old.txt', 'en', 'Ola Berg said the bridge was safe.', 'h', '2024-01-01')"
    )
    conn.execute(
        "INSERT INTO statements (id, article_id, speaker_name, speaker_type, kind, text, content_key, "
        "confidence) VALUES (1, 1, 'Ola Berg', 'person', 'indirect', 'the bridge was safe', "
        "'the bridge was safe', 0.8)"
    )
    conn.execute("INSERT INTO appearances VALUES (1, 'x', 1, '{\"content\": [[14, 33]]}')")
    conn.close()
    with contextlib.closing(open_store(str(path))) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    [hit] = queries.search(str(path), "bridge")
    assert (hit.mode, hit.co_speakers) == ("speech", ())
    assert queries.search(str(path), "bridge", mode="attitude") == []
    with local_client(create_app(path)) as old:
        article = old.get("/api/articles/1").json()
        assert [s["mode"] for s in article["statements"]] == ["speech"]
        assert old.get("/api/statements/1").json()["co_speakers"] == []


def test_search_filters_by_mode_and_reports_it(db: Path) -> None:
    assert [hit.text for hit in queries.search(str(db), "Marsh")] == [
        "the dam would be rebuilt",
        "the works will start in May",
    ]
    [attitude] = queries.search(str(db), "Marsh", mode="attitude")
    assert (attitude.text, attitude.mode) == ("the works will start in May", "attitude")
    [speech] = queries.search(str(db), "dam", mode="speech")
    assert speech.co_speakers == ("Tom Reyes",)
    assert queries.search(str(db), "dam", mode="attitude") == []
    with pytest.raises(queries.QueryError, match="is not speech or attitude"):
        queries.search(str(db), "dam", mode="rumour")


def test_export_has_mode_and_co_speakers_in_every_format(db: Path, tmp_path: Path) -> None:
    for format in queries.EXPORT_FORMATS:
        assert queries.export(str(db), format, str(tmp_path / f"out.{format}"), 0.0) == 3
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()]
    with open(tmp_path / "out.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = pq.read_table(tmp_path / "out.parquet").to_pylist()
    assert [line["mode"] for line in lines] == ["speech", "attitude", "speech"]
    assert (
        [row["mode"] for row in rows]
        == [record["mode"] for record in table]
        == ["speech", "attitude", "speech"]
    )
    assert [line["co_speakers"] for line in lines] == [["Tom Reyes"], [], []]
    assert [json.loads(row["co_speakers"]) for row in rows] == [["Tom Reyes"], [], []]
    assert json.loads(table[0]["co_speakers"]) == ["Tom Reyes"]


def test_cli_search_mode(db: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["search", "Marsh", "--db", str(db), "--mode", "attitude", "--json"])
    assert result.exit_code == 0
    assert [(hit["text"], hit["mode"]) for hit in json.loads(result.stdout)] == [
        ("the works will start in May", "attitude")
    ]
    table = runner.invoke(main, ["search", "Marsh", "--db", str(db)], env={"COLUMNS": "200"}).stdout
    assert table.count("(attitude)") == 1 and "Ada Marsh and Tom Reyes" in table
    refused = runner.invoke(main, ["search", "Marsh", "--db", str(db), "--mode", "rumour"])
    assert refused.exit_code == 2 and "rumour" in refused.stderr and "Traceback" not in refused.output
    low = runner.invoke(main, ["search", "quarry", "--db", str(db), "--min-confidence", "0", "--json"])
    assert [hit["text"] for hit in json.loads(low.stdout)] == ["the quarry bids were weak"]


def test_api_search_mode_and_min_confidence(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "Marsh", "mode": "attitude"}).json()["items"]
    assert [(hit["text"], hit["mode"]) for hit in found] == [("the works will start in May", "attitude")]
    assert client.get("/api/search", params={"q": "quarry"}).json()["items"] == []
    low = client.get("/api/search", params={"q": "quarry", "min_confidence": "0"}).json()["items"]
    assert [hit["text"] for hit in low] == ["the quarry bids were weak"]
    dam = client.get("/api/search", params={"q": "dam"}).json()["items"]
    assert dam[0]["co_speakers"] == ["Tom Reyes"]


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/search", {"q": "dam", "mode": "rumour"}, "mode"),
        ("/api/search", {"q": "dam", "min_confidence": "1.5"}, "min_confidence"),
        ("/api/search", {"q": "dam", "min_confidence": "-0.1"}, "min_confidence"),
        ("/api/search", {"q": "dam", "min_confidence": "nan"}, "min_confidence"),
        ("/api/search", {"q": "dam", "min_confidence": "high"}, "min_confidence"),
        ("/api/articles/1", {"min_confidence": "2"}, "min_confidence"),
        ("/api/people/1", {"min_confidence": "-1"}, "min_confidence"),
    ],
)
def test_bad_mode_or_min_confidence_is_422(
    client: TestClient, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["field"] == field and error["message"].endswith(".")
    assert client.get(path.replace("/api", "", 1), params=params).status_code == 422


def test_article_and_person_hide_unsure_statements_by_default(client: TestClient, db: Path) -> None:
    shown = client.get("/api/articles/1").json()["statements"]
    assert [s["mode"] for s in shown] == ["speech", "attitude"]
    assert shown[0]["co_speakers"] == ["Tom Reyes"]
    everything = client.get("/api/articles/1", params={"min_confidence": "0"}).json()["statements"]
    assert len(everything) == 3
    person = client.get("/api/people/1").json()["person"]
    assert person["total"] == 2 and {s["mode"] for s in person["statements"]} == {"speech", "attitude"}
    assert client.get("/api/people/1", params={"min_confidence": "0"}).json()["person"]["total"] == 3
    sure = client.get("/api/people/1", params={"min_confidence": "0.85"}).json()["person"]
    assert [s["text"] for s in sure["statements"]] == ["the dam would be rebuilt"]
    page = client.get("/articles/1").text
    assert "quarry bids were weak</a>" not in page and "2 statements in this article" in page
    assert 'href="?min_confidence=0">show all</a>' in page
    everything_page = client.get("/articles/1?min_confidence=0").text
    assert "3 statements in this article" in everything_page and "show all" not in everything_page


def test_pages_show_an_attitude_badge_and_the_filters(client: TestClient, db: Path) -> None:
    ids = _ids(db)
    badge = '<span class="badge attitude"'
    search = client.get("/search", params={"q": "Marsh", "mode": "attitude", "min_confidence": "0.5"}).text
    assert search.count(badge) == 1 and "start in May" in search and "rebuilt" not in search
    assert '<option value="attitude" selected>' in search and 'value="0.5"' in search
    assert client.get("/search", params={"q": "dam"}).text.count(badge) == 0
    assert "with <bdi>Tom Reyes</bdi>" in client.get("/search", params={"q": "dam"}).text
    assert client.get("/articles/1").text.count(badge) == 1
    assert client.get("/people/1").text.count(badge) == 1
    assert badge in client.get(f"/statements/{ids['works']}").text
    assert badge not in client.get(f"/statements/{ids['dam']}").text
    assert 'name="mode"' in client.get("/").text


def test_ingest_counts_what_it_stores_below_the_minimum(tmp_path: Path) -> None:
    with contextlib.closing(open_store(str(tmp_path / "new.db"))) as conn:
        conn.execute("BEGIN")
        low = _said("the quarry bids were weak", "speech", 0.1)
        item = Extracted("key", Article(source="low.txt", text=TEXT), fingerprint(TEXT), (low,))
        written = store_article(conn, item, unsure_below=0.3)
        conn.execute("COMMIT")
        assert (written.statements, written.unsure) == (1, 1)
        assert conn.execute("SELECT count(*) FROM statements").fetchone()[0] == 1
    console = Console(file=io.StringIO(), width=120)
    console.print(ingest_table(IngestSummary(statements=5, unsure=2), "x.db", 0.3))
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    assert re.search(r"│   of which below 0\.3 confidence \(hidden by default\) +│ +2 │", printed)


def test_ingest_refuses_a_minimum_outside_0_to_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--min-confidence", "2"]
    )
    assert result.exit_code == 2 and "--min-confidence" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "x.db").exists()
