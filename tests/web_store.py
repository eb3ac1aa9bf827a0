"""A small store for the web tests, built with the library's writer from articles written for these tests
(invented places and people), including hostile ones: markup, event handlers, javascript: URLs, odd
Unicode. Statements are given by hand (quote → offsets), so the tests do not depend on the model.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.types import ASGIApp

from onrecord.records import Article, Span, Speaker, SpeakerType, Statement, StatementKind
from onrecord.store import open_store
from onrecord.store.dedup import fingerprint
from onrecord.store.writer import Extracted, store_article


def local_client(app: ASGIApp) -> TestClient:
    """A test client whose requests name the host 127.0.0.1, one the server answers by default."""
    return TestClient(app, base_url="http://127.0.0.1")


PIER = """Kessing harbour council voted on Tuesday to rebuild the old pier before the summer season, ending a
dispute that has split the town for two years.

"We cannot let the pier fall into the sea," said Mayor Odile Brandt. "The ferries need it by June."

Brandt told reporters that the work would cost about four million euros and would be paid from the
regional harbour fund.

Opposition councillor Tomas Reyes disagreed with the plan. "This is money we do not have," he said.
"""

PIER_COPY = PIER + "\nThe council will publish the contract for the works next month, officials added.\n"

WORKS = """Work on the Kessing pier began on Friday with the arrival of the first pile drivers.

"The pier will be ready by July, not June," Odile Brandt said on Friday, blaming a late delivery of steel.
"""

HOSTILE = """<script>alert('text')</script> The ferry board met behind closed doors.

"Nobody will <b>ever</b> close this line & that's final <img src=x onerror="alert(2)">," said Ada Quill.

Quill added: "Read <a href="javascript:alert(3)">our statement</a> online."
"""

ODD_UNICODE = """Zoë Ångström‮ reversed text‬ met the night‍shift crew 🚢 at the quay.

"Ｆｕｌｌ-width words, a private \ue000mark\ue001 and e\u0301 must survive," Zoë Ångström said.
"""


@dataclass(frozen=True)
class Said:
    quote: tuple[str, ...]
    name: str | None
    mention: str | None = None
    cue: str | None = None
    role: str | None = None
    type: SpeakerType = "person"
    kind: StatementKind = "direct"


@dataclass(frozen=True)
class Story:
    key: str
    text: str
    statements: tuple[Said, ...]
    title: str | None = None
    url: str | None = None
    site: str | None = None
    published: str | None = None
    source: str = field(default="")


MAYOR_ON_PIER = Said(
    ("We cannot let the pier fall into the sea,", "The ferries need it by June."),
    "Odile Brandt",
    "Mayor Odile Brandt",
    "said",
    "Mayor",
)
"""The mayor's quote, carried by the pier story and by its syndicated copy."""

STORIES = (
    Story(
        "pier",
        PIER,
        (
            MAYOR_ON_PIER,
            Said(
                ("the work would cost about four million euros",),
                "Odile Brandt",
                "Brandt",
                "told reporters",
                kind="indirect",
            ),
            Said(("This is money we do not have,",), "Tomas Reyes", "he", "said", "Opposition councillor"),
        ),
        title="Kessing votes to rebuild its pier",
        url="https://courier.example/kessing-pier",
        site="Marlow Courier",
        published="2024-02-10",
    ),
    Story(
        "copy",
        PIER_COPY,
        (MAYOR_ON_PIER,),
        title="Pier to be rebuilt, council decides",
        url="https://wire.example/2024/pier",
        site="Northern Wire",
        published="2024-02-11",
    ),
    Story(
        "works",
        WORKS,
        (Said(("The pier will be ready by July, not June,",), "Odile Brandt", "Odile Brandt", "said"),),
        title="Pile drivers arrive in Kessing",
        url="https://courier.example/kessing-works",
        site="Marlow Courier",
        published="2024-05-03",
    ),
    Story(
        "hostile",
        HOSTILE,
        (
            Said(
                ('Nobody will <b>ever</b> close this line & that\'s final <img src=x onerror="alert(2)">,',),
                "Ada Quill",
                "Ada Quill",
                "said",
                "<script>alert('role')</script> chair",
            ),
            Said(
                ('Read <a href="javascript:alert(3)">our statement</a> online.',),
                "Ada Quill",
                "Quill",
                "added",
            ),
        ),
        title="<script>alert('title')</script> Ferry board <i>row</i>",
        url="javascript:alert(document.cookie)",
        site='<img src=x onerror="alert(1)">',
        published="2024-03-01",
    ),
    Story(
        "unicode",
        ODD_UNICODE,
        (
            Said(
                ("Ｆｕｌｌ-width words, a private \ue000mark\ue001 and e\u0301 must survive,",),
                "Zoë Ångström",
                "Zoë Ångström",
                "said",
            ),
        ),
        title="Night shift ‮at the quay",
        site="Quay Times",
        published="2024-03-15",
    ),
)


def statement(text: str, said: Said, number: int) -> Statement:
    """The statement `said` describes, its spans found in `text` (each quote at its first occurrence)."""
    content = tuple(_span(text, part) for part in said.quote)
    after = content[-1].end
    cue = _span(text, said.cue, near=content[0].start) if said.cue else None
    mention = _span(text, said.mention, near=content[0].start) if said.mention else None
    return Statement(
        id=hashlib.sha1(f"{number}:{after}".encode()).hexdigest()[:16],
        kind=said.kind,
        content=content,
        cue=cue,
        speaker=Speaker(said.name, said.type if said.name else "unknown", said.role, mention),
        confidence=0.9,
    )


def _span(text: str, part: str, near: int = 0) -> Span:
    """`part` in `text` (as whole words): its occurrence nearest to `near`."""
    pattern = (r"\b" if part[0].isalnum() else "") + re.escape(part) + (r"\b" if part[-1].isalnum() else "")
    starts = [match.start() for match in re.finditer(pattern, text)]
    assert starts, f"{part!r} is not in the text"
    start = min(starts, key=lambda i: abs(i - near))
    return Span(start, start + len(part), part)


def add_story(conn: sqlite3.Connection, story: Story) -> int:
    """Store one story with the library's writer; the article id."""
    article = Article(
        source=story.source or f"test:{story.key}",
        text=story.text,
        title=story.title,
        url=story.url,
        published=story.published,
        site=story.site,
    )
    statements = tuple(statement(story.text, said, n) for n, said in enumerate(story.statements))
    item = Extracted(f"key:{story.key}", article, fingerprint(story.text), statements)
    conn.execute("BEGIN IMMEDIATE")
    written = store_article(conn, item)
    conn.execute("COMMIT")
    return written.article_id


@dataclass(frozen=True)
class Ids:
    """Ids in the test store: articles by story key, statements by (story key, index), people by name."""

    articles: dict[str, int]
    statements: dict[tuple[str, int], int]
    people: dict[str, int]


def build_store(path: str) -> Ids:
    """Write the test stories into a new store at `path`, plus one article whose stored text is not
    valid UTF-8 (as a damaged or foreign file might leave it); the ids of everything."""
    conn = open_store(path)
    try:
        articles = {story.key: add_story(conn, story) for story in STORIES}
        bad = add_story(conn, Story("bad-bytes", "Placeholder text for bad bytes.", ()))
        bad_bytes = "CAST(X'4261642062797465733A20FFFE20656E64' AS TEXT)"  # "Bad bytes: \xff\xfe end"
        conn.execute(f"UPDATE articles SET text = {bad_bytes} WHERE id = ?", (bad,))
        articles["bad-bytes"] = bad
        statements = {
            (key, index): row[0]
            for key, article_id in articles.items()
            for index, row in enumerate(
                conn.execute(
                    "SELECT statement_id FROM appearances WHERE article_id = ? ORDER BY statement_id",
                    (article_id,),
                )
            )
        }
        people = {row[1]: row[0] for row in conn.execute("SELECT id, name FROM speakers")}
    finally:
        conn.close()
    return Ids(articles, statements, people)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Ids]:
    """A fixture: the test store, built once per test module that imports it; its path and ids."""
    path = tmp_path_factory.mktemp("web") / "record.db"
    return path, build_store(str(path))


@pytest.fixture(scope="module")
def ids(store: tuple[Path, Ids]) -> Ids:
    """A fixture: the ids in the `store` fixture's store."""
    return store[1]
