"""Issue 12's web cases, one regression test each, over a real store (tests/web_store.py) through the real
app: Host names (DNS rebinding), the slash redirect that echoed Host, server paths in 503s, HEAD,
impossible dates on ingest, huge integers, control characters and right-to-left overrides in what pages
show; and a property test: any text stored and rendered by the pages and the API gives no server error,
no raw control character and no markup of its own.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from itertools import count
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import web_store
from onrecord.store import open_store
from onrecord.web import allowed_hosts, create_app
from onrecord.web.db import without_path
from web_store import Ids, Said, Story, add_story, local_client

store = web_store.store
ids = web_store.ids
TOKEN = "t0ken-for-security-tests"
RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters a page must never carry raw (line ends and tabs are markup whitespace)."""
EVIL = "\u202eevil\u202c"


@pytest.fixture(scope="module")
def client(store: tuple[Path, Ids]) -> Iterator[TestClient]:
    with local_client(create_app(store[0])) as test_client:
        yield test_client


# --- Host names: only loopback names and the ones given are answered -----------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8000", "localhost", "LOCALHOST:9", "[::1]:8000"])
def test_loopback_hosts_are_answered(client: TestClient, host: str) -> None:
    assert client.get("/api/people", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["attacker.example", "localhost.attacker.example", "127.0.0.1.nip.io", "[::2]", "", "a b"]
)
def test_other_hosts_get_400_without_the_record(client: TestClient, host: str) -> None:
    response = client.get("/api/people", headers={"Host": host})
    assert response.status_code == 400
    assert "Brandt" not in response.text and len(response.text) < 100
    assert host not in response.text or not host  # the bad name is not echoed
    assert response.headers["content-security-policy"]  # still under the security headers


def test_allowed_host_names_are_added(store: tuple[Path, Ids]) -> None:
    hosts = allowed_hosts("192.168.1.20", ["Record.Newsroom.example", " "])
    assert hosts == ["127.0.0.1", "localhost", "[::1]", "192.168.1.20", "record.newsroom.example"]
    assert allowed_hosts("::") == ["127.0.0.1", "localhost", "[::1]"]  # a wildcard is no host name
    assert "[fe80::1]" in allowed_hosts("fe80::1")
    with TestClient(create_app(store[0], hosts=hosts), base_url="http://record.newsroom.example") as other:
        assert other.get("/").status_code == 200
        assert other.get("/", headers={"Host": "192.168.1.20:8000"}).status_code == 200
        assert other.get("/", headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("path", ["/static", "/people/", "/search/?q=pier"])
def test_no_redirect_echoes_the_host(client: TestClient, path: str) -> None:
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 404 and "location" not in response.headers


# --- 503s do not tell where the server's files are -------------------------------------------------------


def test_store_messages_lose_the_server_path(tmp_path: Path) -> None:
    path = str(tmp_path / "record.db")
    assert without_path(f"{path}: is a directory, not a database file.", path) == (
        "The database is a directory, not a database file."
    )
    assert without_path(f"cannot open {path} now", path) == "cannot open the database now"
    directory = tmp_path / "store-dir"
    directory.mkdir()
    with local_client(create_app(directory, allow_ingest=True, token=TOKEN)) as ingest:
        response = ingest.post(
            "/api/articles",
            content=b"Some text.",
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
        )
        page = ingest.get("/")
    assert str(tmp_path) not in response.text and str(tmp_path) not in page.text
    assert page.status_code == 503


# --- HEAD is answered like GET ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["/", "/search?q=pier", "/people", "/api/people", "/static/style.css"])
def test_head_is_get_without_a_body(client: TestClient, ids: Ids, kind: str) -> None:
    got, head = client.get(kind), client.head(kind)
    assert head.status_code == got.status_code == 200
    assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
    assert head.headers["content-length"] == got.headers["content-length"]
    person = f"/people/{ids.people['Odile Brandt']}"
    assert client.head(person).status_code == 200
    assert client.head("/articles/987654").status_code == 404


# --- impossible dates and huge integers are refused at the edge -------------------------------------------


@pytest.mark.parametrize("published", ["2024-02-30", "2023-02-29", "2024-13-01", "0000-01-01"])
def test_ingest_refuses_a_date_not_in_the_calendar(tmp_path: Path, published: str) -> None:
    with local_client(create_app(tmp_path / "r.db", allow_ingest=True, token=TOKEN)) as ingest:
        response = ingest.post(
            "/api/articles",
            params={"published": published},
            content=b'"We will win," said Ada Quill.',
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
        )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "published" and published in error["message"]


HUGE = "99999999999999999999999"


def test_a_huge_speaker_id_matches_no_one(client: TestClient) -> None:
    for speaker in (f"#{HUGE}", HUGE, "#" + "9" * 190, "#9223372036854775808", "# 0"):
        response = client.get("/api/search", params={"q": "pier", "speaker": speaker})
        assert response.status_code == 200 and response.json()["items"] == []
        assert client.get("/search", params={"q": "pier", "speaker": speaker}).status_code == 200
    largest = client.get("/api/search", params={"q": "pier", "speaker": "#9223372036854775807"})
    assert largest.status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/api/people/{HUGE}",
        f"/articles/{HUGE}",
        "/api/statements/" + "9" * 5000,
        f"/api/search?q=pier&limit={HUGE}",
        f"/api/search?q=pier&offset={HUGE}",
        f"/people?offset={HUGE}",
    ],
)
def test_huge_numbers_in_the_address_are_422(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 422, response.text


# --- control characters and right-to-left overrides in what pages show ------------------------------------

SPOOF = Story(
    "spoof",
    'Harbour news.\n\n"Pay the \x1b[2Jfine\x9b now \x07please," said Rahel Ot\u202eeh.\n',
    (
        Said(
            ("Pay the \x1b[2Jfine\x9b now \x07please,",),
            "Rahel Ot\u202eeh",
            "Rahel Ot\u202eeh",
            "said",
            "chair\u202e of\x1b]0;pwned\x07 the board",
        ),
    ),
    title=f"Title {EVIL} \x1b[31mred",
    site=f"Site{EVIL}",
    published="2024-04-01",
)


@pytest.fixture(scope="module")
def spoofed(store: tuple[Path, Ids]) -> int:
    conn = open_store(str(store[0]))
    try:
        return add_story(conn, SPOOF)
    finally:
        conn.close()


def test_control_characters_are_shown_as_escapes(client: TestClient, spoofed: int) -> None:
    with sqlite3.connect(client.app.state.db.path) as conn:  # type: ignore[attr-defined]
        statement, speaker = conn.execute(
            "SELECT s.id, s.speaker_id FROM appearances p JOIN statements s ON s.id = p.statement_id "
            "WHERE p.article_id = ?",
            (spoofed,),
        ).fetchone()
    for path in (
        f"/articles/{spoofed}",
        f"/statements/{statement}",
        f"/people/{speaker}",
        "/search?q=please",
    ):
        page = client.get(path)
        assert page.status_code == 200, path
        assert not RAW_CONTROL.search(page.text), path
        assert "\\x1b[2J" in page.text or path.startswith("/people"), path
    api = client.get(f"/api/articles/{spoofed}").json()
    assert "\x1b[2J" in api["text"]  # the JSON twin keeps the text exactly (JSON escapes it)


def test_names_roles_and_titles_are_isolated(client: TestClient, spoofed: int) -> None:
    article = client.get(f"/articles/{spoofed}").text
    assert f"<bdi>Title {EVIL}" in article and f"<bdi>Site{EVIL}</bdi>" in article
    assert "<bdi>Rahel Ot\u202eeh</bdi>" in article
    assert "<bdi>chair\u202e of\\x1b]0;pwned\\x07 the board</bdi>" in article
    people = client.get("/people").text
    assert "<bdi>Rahel Ot\u202eeh</bdi>" in people
    found = client.get("/search", params={"q": "please"}).text
    assert "<bdi>Rahel Ot\u202eeh</bdi>" in found and f"<bdi>Title {EVIL}" in found


# --- any text, stored and shown ---------------------------------------------------------------------------

TEMPLATE_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "header", "a", "span", "form", "label",
    "input", "button", "nav", "main", "footer", "h1", "h2", "p", "ul", "ol", "li", "small", "section",
    "article", "div", "mark", "u", "b", "bdi", "blockquote", "time", "code", "q", "table", "thead",
    "tbody", "tr", "th", "td", "br", "strong", "svg", "line", "text", "rect", "meter", "select", "option",
}  # fmt: skip
HOSTILE_BITS = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(2)">', "[bold]x[/bold]", "\x1b[2J",
    "\x1b]0;title\x07", "\x9b31m", "\u202e", "\u2066", "&amp;", "</div>", "{{ 7*7 }}", "\x00", '"', "'",
]  # fmt: skip


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def texts() -> st.SearchStrategy[str]:
    """Any Unicode (control characters too; lone surrogates, which SQLite cannot store, replaced),
    with hostile bits mixed in."""
    anything = st.text(st.characters(codec=None, exclude_categories=["Cs"]), max_size=60)
    return st.lists(st.one_of(anything, st.sampled_from(HOSTILE_BITS)), min_size=1, max_size=8).map("".join)


NUMBERS = count()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(quote=texts(), around=texts(), name=texts(), title=texts())
def test_any_text_is_shown_safely(
    tmp_path_factory: pytest.TempPathFactory, quote: str, around: str, name: str, title: str
) -> None:
    path = tmp_path_factory.getbasetemp() / "property.db"
    number = next(NUMBERS)
    quote = f"quote{number} {quote}"
    story = Story(
        f"any{number}",
        f"{around}\n\n{quote}\n\nsaid {name}.\n",
        (Said((quote,), name.strip() or None, None, None, title.strip() or None),),
        title=title,
        site=name,
    )
    conn = open_store(str(path))
    try:
        article = add_story(conn, story)
        statement = conn.execute(
            "SELECT statement_id FROM appearances WHERE article_id = ?", (article,)
        ).fetchone()[0]
    finally:
        conn.close()
    with local_client(create_app(path)) as client:
        pages = [f"/articles/{article}", f"/statements/{statement}", "/", "/people"]
        pages += [f"/search?q=quote{number}", f"/api/articles/{article}", f"/api/statements/{statement}"]
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (page, response.text[:300])
            if page.startswith("/api/"):
                continue
            assert not RAW_CONTROL.search(response.text), page
            parser = Tags()
            parser.feed(response.text)
            assert parser.tags <= TEMPLATE_TAGS and not parser.handlers, (page, parser.tags)
            assert response.text.count("<script") == 1, page  # ours alone
