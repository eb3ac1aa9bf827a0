"""The web layer through FastAPI's test client over a real store (tests/web_store.py): every page and its
JSON twin, pagination, the error shape (404, 422, 503), hostile article content, security headers, static
files, and the token-guarded ingest endpoint."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import web_store
from onrecord.store import open_store
from onrecord.web import create_app
from onrecord.web.app import CONTENT_SECURITY_POLICY
from onrecord.web.db import Database
from onrecord.web.lookups import NotFound
from web_store import HOSTILE, ODD_UNICODE, PIER, Ids, Said, Story, add_story, build_store, local_client

TOKEN = "s3cret-test-token"
FARES_TEXT = """Ferry fares in Kessing will rise by a tenth in April, the harbour company said.

"Nobody likes paying more, but the new pier has to be paid for," said Odile Brandt.

"Commuters will feel this every single day," said Lene Voss of the passengers' association.
"""
FARES = Story(
    "fares",
    FARES_TEXT,
    (
        Said(
            ("Nobody likes paying more, but the new pier has to be paid for,",),
            "Odile Brandt",
            "Odile Brandt",
            "said",
        ),
        Said(("Commuters will feel this every single day,",), "Lene Voss", "Lene Voss", "said"),
    ),
    title="Harbour ferry fares to rise",
    site="Marlow Courier",
    published="2024-06-02",
)

store = web_store.store  # the test store and its ids, as module fixtures
ids = web_store.ids


@pytest.fixture(scope="module")
def client(store: tuple[Path, Ids]) -> Iterator[TestClient]:
    with local_client(create_app(store[0])) as test_client:
        yield test_client


class Tags(HTMLParser):
    """Every start tag of a page with its attributes, and the page's text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Tags:
    tags = Tags()
    tags.feed(html)
    tags.close()
    return tags


def assert_inert(html: str) -> None:
    """Only the page's own markup: one script (ours, from /static), no event handlers, no javascript:
    links, no element that articles could have brought in."""
    tags = parse(html)
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert scripts == [{"src": "/static/app.js", "defer": None}]
    for tag, attrs in tags.tags:
        assert tag not in ("img", "iframe", "object", "embed", "i", "style", "base", "frame"), tag
        if tag == "b":
            assert attrs == {"class": "mention"}
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, name, value)


def error_of(response: Any) -> dict[str, Any]:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}
    error: dict[str, Any] = body["error"]
    return error


# --- pages and their JSON twins -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/search", "/search?q=pier", "/people", "/people?q=brandt", "/people/{person}", "/articles/{pier}"],
)
def test_pages_render(client: TestClient, ids: Ids, path: str) -> None:
    response = client.get(path.format(person=ids.people["Odile Brandt"], pier=ids.articles["pier"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_inert(response.text)


def test_home_counts_and_links(client: TestClient, ids: Ids) -> None:
    page = client.get("/").text
    assert f'href="/people/{ids.people["Odile Brandt"]}"' in page
    assert f'href="/articles/{ids.articles["works"]}"' in page
    assert "Pile drivers arrive in Kessing" in page


def test_search_json_and_page_agree(client: TestClient, ids: Ids) -> None:
    found = client.get("/api/search", params={"q": "pier"}).json()
    assert found["offset"] == 0 and found["limit"] == 20 and found["next_offset"] is None
    statements = {hit["statement_id"] for hit in found["items"]}
    assert statements == {ids.statements["pier", 0], ids.statements["works", 0]}
    first = found["items"][0]
    assert ["pier", True] in first["snippet"]
    page = client.get("/search", params={"q": "pier"}).text
    for statement in statements:
        assert f'href="/statements/{statement}"' in page
    assert "<mark>pier</mark>" in page


def test_search_filters(client: TestClient, ids: Ids) -> None:
    def found(**params: str) -> set[int]:
        response = client.get("/api/search", params={"q": "pier", **params})
        assert response.status_code == 200, response.text
        return {hit["statement_id"] for hit in response.json()["items"]}

    brandt, works, pier = ids.people["Odile Brandt"], ids.statements["works", 0], ids.statements["pier", 0]
    assert found(speaker=f"#{brandt}") == {pier, works}
    assert found(speaker="Tomas Reyes") == set()
    assert found(since="2024-03") == {works}
    assert found(until="2024-02-28") == {pier}
    assert found(site="marlow courier") == {pier, works}
    assert found(site="wire.example") == set()  # the statement was first carried by the Courier
    assert found(speaker="", site="", since="", until="") == {pier, works}  # empty form fields


def test_search_without_a_word_finds_nothing(client: TestClient) -> None:
    found = client.get("/api/search", params={"q": "!!! ???"})
    assert found.status_code == 200 and found.json()["items"] == []
    page = client.get("/search", params={"q": "!!! ???"})
    assert page.status_code == 200 and "Nothing was said matching" in page.text


def test_search_pagination(client: TestClient) -> None:
    first = client.get("/api/search", params={"q": "pier", "limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_offset"] == 1
    second = client.get("/api/search", params={"q": "pier", "limit": 1, "offset": 1}).json()
    assert len(second["items"]) == 1 and second["next_offset"] is None
    assert first["items"][0]["statement_id"] != second["items"][0]["statement_id"]
    page = client.get("/search", params={"q": "pier", "limit": 1}).text
    assert 'rel="next" href="/search?q=pier&amp;limit=1&amp;offset=1"' in page
    last = client.get("/search", params={"q": "pier", "limit": 1, "offset": 1}).text
    assert 'rel="prev"' in last and 'rel="next"' not in last


def test_people(client: TestClient, ids: Ids) -> None:
    listed = client.get("/api/people").json()
    names = [person["name"] for person in listed["items"]]
    assert names[0] == "Odile Brandt"  # most statements first
    assert set(names) == set(ids.people)
    assert listed["items"][0]["id"] == ids.people["Odile Brandt"]
    page = client.get("/api/people", params={"limit": 2}).json()
    assert len(page["items"]) == 2 and page["next_offset"] == 2
    rest = client.get("/api/people", params={"limit": 2, "offset": 2}).json()
    assert {p["name"] for p in rest["items"]} | {p["name"] for p in page["items"]} == set(ids.people)
    filtered = client.get("/api/people", params={"q": "reyes"}).json()
    assert [p["name"] for p in filtered["items"]] == ["Tomas Reyes"]


def test_person(client: TestClient, ids: Ids) -> None:
    brandt = ids.people["Odile Brandt"]
    record = client.get(f"/api/people/{brandt}").json()
    person = record["person"]
    assert person["name"] == "Odile Brandt" and person["total"] == 3 and person["undated"] == 0
    assert person["timeline"] == [
        {"period": "2024-02", "statements": 2},
        {"period": "2024-05", "statements": 1},
    ]
    dates = [s["published"] for s in person["statements"]]
    assert dates == sorted(dates, reverse=True)  # newest first
    assert {o["site"] for o in person["outlets"]} == {"Marlow Courier", "Northern Wire"}
    assert [r["role"] for r in person["roles"]] == ["Mayor"]
    page = client.get(f"/people/{brandt}").text
    tags = parse(page)
    bars = [attrs for tag, attrs in tags.tags if tag == "rect"]
    assert len(bars) == 4  # February to May, two empty months between
    assert any(tag == "svg" for tag, _ in tags.tags)
    assert "2024-02: 2 statements" in page
    paged = client.get(f"/api/people/{brandt}", params={"limit": 2}).json()
    assert len(paged["person"]["statements"]) == 2 and paged["next_offset"] == 2


def test_article_highlights(client: TestClient, ids: Ids) -> None:
    pier = ids.articles["pier"]
    record = client.get(f"/api/articles/{pier}").json()
    assert record["text"] == PIER and record["site"] == "Marlow Courier"
    for statement in record["statements"]:
        for span in [*statement["content"], statement["cue"], statement["mention"]]:
            if span is not None:
                assert PIER[span["start"] : span["end"]] == span["text"]
    page = client.get(f"/articles/{pier}").text
    tags = parse(page.split('<div class="text">')[1].split("</div>")[0])
    marks = [attrs for tag, attrs in tags.tags if tag == "a" and "q" in (attrs.get("class") or "").split()]
    assert len(marks) >= 4  # three statements, the first in two parts
    colours = {attrs["class"] for attrs in marks}
    assert len(colours) == 2  # Brandt and Reyes
    assert sum(1 for tag, attrs in tags.tags if tag == "u" and attrs.get("class") == "cue") == 3
    assert sum(1 for tag, attrs in tags.tags if tag == "b" and attrs.get("class") == "mention") == 3
    assert f'id="s{ids.statements["pier", 0]}"' in page
    assert 'href="https://courier.example/kessing-pier"' in page
    assert "".join(parse(page.split('<div class="text">')[1].split("</div>")[0]).text) == PIER


def test_statement(client: TestClient, ids: Ids) -> None:
    shared = ids.statements["pier", 0]
    record = client.get(f"/api/statements/{shared}").json()
    assert record["speaker"] == "Odile Brandt" and record["role"] == "Mayor"
    assert [a["site"] for a in record["appearances"]] == ["Marlow Courier", "Northern Wire"]
    assert ["We cannot let the pier fall into the sea,", True] in record["context"]
    assert "said Mayor Odile Brandt" in "".join(text for text, _ in record["context"])
    assert record["citation"].startswith("Odile Brandt, Mayor: “We cannot let the pier")
    assert "Marlow Courier" in record["citation"] and f"#{shared}" in record["citation"]
    page = client.get(f"/statements/{shared}").text
    assert 'id="citation"' in page and "Northern Wire" in page
    assert f'href="/articles/{ids.articles["pier"]}#s{shared}"' in page


# --- errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["articles", "statements", "people"])
def test_unknown_ids_are_404(client: TestClient, kind: str) -> None:
    response = client.get(f"/api/{kind}/987654")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"
    page = client.get(f"/{kind}/987654")
    assert page.status_code == 404 and "Not found" in page.text
    assert page.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/api/search", {}, "q"),
        ("/api/search", {"q": "x" * 501}, "q"),
        ("/api/search", {"q": "pier", "limit": "0"}, "limit"),
        ("/api/search", {"q": "pier", "limit": "101"}, "limit"),
        ("/api/search", {"q": "pier", "offset": "-1"}, "offset"),
        ("/api/search", {"q": "pier", "offset": "10001"}, "offset"),
        ("/api/search", {"q": "pier", "since": "last week"}, "since"),
        ("/api/search", {"q": "pier", "until": "2024-13"}, "until"),
        ("/api/search", {"q": "pier", "speaker": "x" * 201}, "speaker"),
        ("/api/people", {"limit": "many"}, "limit"),
        ("/api/people/abc", {}, "person_id"),
        ("/api/people/0", {}, "person_id"),
        ("/api/articles/99999999999999999999999", {}, "article_id"),
        ("/api/statements/-4", {}, "statement_id"),
    ],
)
def test_invalid_parameters_are_422_naming_the_field(
    client: TestClient, path: str, params: dict[str, str], field: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "invalid" and error["field"] == field
    assert error["message"].endswith(".")
    page = client.get(path.replace("/api", "", 1), params=params)
    if path != "/api/search" or params:  # the search page without words is just the form
        assert page.status_code == 422 and "Not a valid request" in page.text


def test_unknown_paths_and_methods(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = client.delete("/api/search")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"
    assert client.get("/no/such/page").status_code == 404


# --- untrusted content ----------------------------------------------------------------------------------


def test_hostile_article_is_escaped(client: TestClient, ids: Ids) -> None:
    hostile = ids.articles["hostile"]
    quill = ids.people["Ada Quill"]
    pages = [
        f"/articles/{hostile}",
        f"/statements/{ids.statements['hostile', 0]}",
        f"/statements/{ids.statements['hostile', 1]}",
        f"/people/{quill}",
        "/search?q=final",
        "/search?q=statement",
        "/",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_inert(response.text)
    article = client.get(f"/articles/{hostile}").text
    assert "&lt;script&gt;alert(&#39;text&#39;)&lt;/script&gt;" in article
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt; Ferry board &lt;i&gt;row&lt;/i&gt;" in article
    assert "javascript:alert(document.cookie)" in article  # shown as text, never as a link
    assert 'href="javascript:' not in article
    assert "".join(parse(article.split('<div class="text">')[1].split("</div>")[0]).text) == HOSTILE
    record = client.get(f"/api/articles/{hostile}").json()
    assert record["text"] == HOSTILE and record["url"] == "javascript:alert(document.cookie)"


def test_odd_unicode_renders(client: TestClient, ids: Ids) -> None:
    page = client.get(f"/articles/{ids.articles['unicode']}")
    assert page.status_code == 200
    assert "".join(parse(page.text.split('<div class="text">')[1].split("</div>")[0]).text) == ODD_UNICODE
    statement = client.get(f"/api/statements/{ids.statements['unicode', 0]}").json()
    assert "\ue000mark\ue001" in statement["text"]
    assert client.get("/search", params={"q": "Ｆｕｌｌ"}).status_code == 200
    assert client.get("/api/search", params={"q": "\u202e\ue000 \U0001f6a2"}).json()["items"] == []


def test_invalid_utf8_in_the_store_renders(client: TestClient, ids: Ids) -> None:
    page = client.get(f"/articles/{ids.articles['bad-bytes']}")
    assert page.status_code == 200
    assert "Bad bytes: \ufffd\ufffd end" in page.text
    assert (
        client.get(f"/api/articles/{ids.articles['bad-bytes']}").json()["text"]
        == "Bad bytes: \ufffd\ufffd end"
    )


# --- headers and static files ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/api/people", "/static/style.css", "/api/articles/987654", "/nowhere"]
)
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


def test_no_inline_script_or_style(client: TestClient, ids: Ids) -> None:
    for path in ("/", f"/articles/{ids.articles['pier']}", f"/people/{ids.people['Odile Brandt']}"):
        tags = parse(client.get(path).text)
        assert all("style" not in attrs for _, attrs in tags.tags), path
        assert not any(tag == "style" for tag, _ in tags.tags)
        assert all(attrs.get("src") for tag, attrs in tags.tags if tag == "script")


@pytest.mark.parametrize(
    "path",
    [
        "/static/../pyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/templates/../../app.py",
    ],
)
def test_no_path_traversal(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert (
        "[project]" not in response.text
        and "root:" not in response.text
        and "create_app" not in response.text
    )


def test_static_files(client: TestClient) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/search",
        "/api/people",
        "/api/people/{person_id}",
        "/api/articles/{article_id}",
        "/api/statements/{statement_id}",
        "/api/articles",
    ):
        assert path in paths
    assert not any(path.startswith(("/search", "/people", "/articles", "/statements")) for path in paths)
    search = paths["/api/search"]["get"]
    assert search["responses"]["422"]["content"]["application/json"]["schema"]["$ref"].endswith("ErrorBody")
    assert client.get("/docs").status_code == 404  # no CDN-hosted docs page (the CSP would block it)


def test_pages_follow_the_store(tmp_path: Path) -> None:
    """Cached pages (front page, people, a person) change as soon as anything else writes the store."""
    path = tmp_path / "changing.db"
    build_store(str(path))
    with local_client(create_app(path)) as client:
        before = client.get("/api/people").json()["items"]
        brandt = next(p["id"] for p in before if p["name"] == "Odile Brandt")
        assert client.get(f"/api/people/{brandt}").json()["person"]["total"] == 3
        assert "Harbour ferry fares" not in client.get("/").text
        conn = open_store(str(path))
        try:
            add_story(conn, FARES)
        finally:
            conn.close()
        after = client.get("/api/people").json()["items"]
        assert {p["name"] for p in after} - {p["name"] for p in before} == {"Lene Voss"}
        assert client.get(f"/api/people/{brandt}").json()["person"]["total"] == 4
        assert "Harbour ferry fares" in client.get("/").text


# --- a store that is missing, broken or locked ----------------------------------------------------------


def test_missing_database_then_created(tmp_path: Path, ids: Ids) -> None:
    path = tmp_path / "later.db"
    with local_client(create_app(path)) as client:
        page = client.get("/")
        assert page.status_code == 503 and "There is no database yet" in page.text
        assert "onrecord ingest" in page.text and str(tmp_path) not in page.text  # no server path shown
        response = client.get("/api/search", params={"q": "pier"})
        assert response.status_code == 503 and error_of(response)["code"] == "database_unavailable"
        assert response.headers["retry-after"] == "5"
        build_store(str(path))
        assert client.get("/").status_code == 200  # the same server, now with a store
        assert client.get("/api/search", params={"q": "pier"}).json()["items"]


@pytest.mark.parametrize(
    "content", [b"", b"not a database at all, just words " * 200, b"SQLite format 3\x00junk"]
)
def test_unusable_database(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.db"
    path.write_bytes(content)
    with local_client(create_app(path)) as client:
        response = client.get("/api/people")
        assert response.status_code == 503
        message = error_of(response)["message"]
        assert message.startswith("The database ") and str(tmp_path) not in message  # no server path
        page = client.get("/people")
        assert page.status_code == 503 and str(tmp_path) not in page.text
    directory = tmp_path / "a-directory.db"
    directory.mkdir()
    with local_client(create_app(directory)) as client:
        page = client.get("/")
        assert page.status_code == 503 and "is a directory" in page.text and str(tmp_path) not in page.text


def test_foreign_sqlite_database(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE things (id INTEGER)")
    with local_client(create_app(path)) as client:
        response = client.get("/api/people")
        assert response.status_code == 503 and "another program" in error_of(response)["message"]


def test_locked_database(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    build_store(str(path))
    with sqlite3.connect(path) as conn:  # a rollback-journal store: a writer's lock keeps readers out
        conn.execute("PRAGMA journal_mode = DELETE")
    with local_client(create_app(path, busy_timeout_ms=100)) as client:
        assert client.get("/api/people").status_code == 200
        locker = sqlite3.connect(path, isolation_level=None)
        locker.execute("BEGIN EXCLUSIVE")
        try:
            response = client.get("/api/people")
            assert response.status_code == 503
            assert error_of(response)["code"] == "database_locked"
            page = client.get("/people")
            assert page.status_code == 503 and "locked" in page.text
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert client.get("/api/people").status_code == 200  # the server kept running


# --- ingest ---------------------------------------------------------------------------------------------

ARTICLE = """Greyhaven's library will open on Sundays from next month, the town's cultural office said on
Wednesday.

"Families have asked for this for years, and we listened," said librarian Mirela Dovcic. She added that
volunteers would staff the reading rooms.
"""


FRENCH = """Le conseil municipal de Greyhaven a voté mardi la construction d'une nouvelle passerelle sur la
rivière. « Nous attendons ce projet depuis dix ans », a déclaré la maire, qui a ajouté que les travaux
commenceraient au printemps et dureraient environ deux ans, selon les services techniques de la ville.
"""

GERMAN = """Der Stadtrat von Greyhaven hat am Dienstag den Bau einer neuen Fußgängerbrücke über den Fluss
beschlossen. „Wir warten seit zehn Jahren auf dieses Projekt“, sagte die Bürgermeisterin, die hinzufügte,
dass die Arbeiten im Frühjahr beginnen und etwa zwei Jahre dauern würden.
"""


def article_count(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


@pytest.fixture
def ingest_client(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    path = tmp_path / "ingest.db"
    with local_client(create_app(path, allow_ingest=True, token=TOKEN, max_upload=20_000)) as client:
        yield client, path


def test_ingest_disabled_by_default(client: TestClient) -> None:
    headers = {"Content-Type": "text/plain", "Authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/articles", content=ARTICLE, headers=headers)
    assert response.status_code == 403 and error_of(response)["code"] == "ingest_disabled"
    anonymous = client.post("/api/articles", content=ARTICLE, headers={"Content-Type": "text/plain"})
    assert anonymous.status_code == 401


def test_ingest_needs_the_token(ingest_client: tuple[TestClient, Path]) -> None:
    client, path = ingest_client
    plain = {"Content-Type": "text/plain"}
    missing = client.post("/api/articles", content=ARTICLE, headers=plain)
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    wrong = client.post("/api/articles", content=ARTICLE, headers={**plain, "Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and error_of(wrong)["code"] == "unauthorized"
    basic = client.post("/api/articles", content=ARTICLE, headers={**plain, "Authorization": "Basic eDp5"})
    assert basic.status_code == 401
    assert article_count(path) == 0


@pytest.mark.parametrize(
    ("body", "content_type", "status", "code"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "text/plain", 415, "binary"),
        (b"GIF89a\x00\x01" * 100, "text/html", 415, "binary"),
        (ARTICLE.encode(), "application/octet-stream", 415, "unsupported_media_type"),
        (ARTICLE.encode(), "image/png", 415, "unsupported_media_type"),
        (b"x" * 20_001, "text/plain", 413, "too-large"),
        (b"   \n\t ", "text/plain", 422, "empty"),
        (
            b"<html><head><title>T</title></head><body><script>x</script></body></html>",
            "text/html",
            422,
            "no-article",
        ),
        (GERMAN.encode(), "text/plain", 422, "not-english"),
    ],
)
def test_ingest_rejects_with_the_reason(
    ingest_client: tuple[TestClient, Path], body: bytes, content_type: str, status: int, code: str
) -> None:
    client, path = ingest_client
    headers = {"Content-Type": content_type, "Authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/articles", content=body, headers=headers)
    assert response.status_code == status, response.text
    assert error_of(response)["code"] == code
    assert article_count(path) == 0
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM skips").fetchone()[0] == 0


def test_ingest_stores_an_article(ingest_client: tuple[TestClient, Path]) -> None:
    client, path = ingest_client
    headers = {"Content-Type": "text/plain; charset=utf-8", "Authorization": f"Bearer {TOKEN}"}
    params = {"url": "https://greyhaven.example/library", "title": "Library opens on Sundays"}
    response = client.post("/api/articles", content=ARTICLE.encode(), headers=headers, params=params)
    assert response.status_code == 201, response.text
    posted = response.json()
    assert posted["outcome"] == "stored" and posted["statements"] >= 1
    record = client.get(posted["article"]).json()
    assert record["text"] == ARTICLE and record["title"] == "Library opens on Sundays"
    assert any(s["speaker"] == "Mirela Dovcic" for s in record["statements"])
    again = client.post("/api/articles", content=ARTICLE.encode(), headers=headers, params=params)
    assert again.status_code == 200 and again.json()["outcome"] == "duplicate"
    assert article_count(path) == 1
    bad = client.post("/api/articles", content=b"text", headers=headers, params={"url": "javascript:x"})
    assert bad.status_code == 422 and error_of(bad)["field"] == "url"


def test_ingest_stores_a_french_article_with_its_statements(ingest_client: tuple[TestClient, Path]) -> None:
    client, _ = ingest_client
    headers = {"Content-Type": "text/plain; charset=utf-8", "Authorization": f"Bearer {TOKEN}"}
    response = client.post("/api/articles", content=FRENCH.encode(), headers=headers)
    assert response.status_code == 201, response.text
    record = client.get(response.json()["article"]).json()
    assert record["language"] == "fr"
    said = [(s["content"][0]["text"], s["speaker"], s["mention"]["text"]) for s in record["statements"]]
    assert ("Nous attendons ce projet depuis dix ans", "maire", "la maire") in said, said


def test_ingest_needs_a_token_to_be_enabled(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="token"):
        create_app(tmp_path / "x.db", allow_ingest=True)


def test_ingest_creates_the_store(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    create_app(path, allow_ingest=True, token=TOKEN)
    open_store(str(path), create=False).close()


def test_serve_needs_a_token_for_ingest(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from onrecord.cli import main

    result = CliRunner().invoke(
        main, ["serve", "--db", str(tmp_path / "x.db"), "--allow-ingest"], env={"ONRECORD_TOKEN": None}
    )
    assert result.exit_code == 2 and "--allow-ingest needs --token" in result.output


# --- the server's cache ---------------------------------------------------------------------------------


def test_a_result_many_threads_ask_for_at_once_is_computed_once(store: tuple[Path, Ids]) -> None:
    db = Database(store[0])
    calls: list[int] = []

    def slow_page() -> bytes:
        calls.append(1)
        time.sleep(0.3)
        return b"<p>page</p>"

    with ThreadPoolExecutor(8) as pool:
        pages = list(pool.map(lambda _: db.remember("page", slow_page), range(8)))
    assert pages == [b"<p>page</p>"] * 8 and len(calls) == 1
    assert db.remember("page", slow_page) == b"<p>page</p>" and len(calls) == 1  # kept

    def failing() -> bytes:
        calls.append(1)
        raise NotFound("no such page.")

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(lambda _: _outcome(lambda: db.remember("gone", failing)), range(4)))
    assert outcomes == ["no such page."] * 4  # each asker gets the error; none waits forever


def _outcome(call: Any) -> str:
    try:
        return str(call())
    except NotFound as error:
        return str(error)
