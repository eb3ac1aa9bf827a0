"""Live blogs: team-written live pages (JSON-LD, <time> per post, a summary box above the posts, posts with
and without times, hostile times) become one article whose body is the posts in page order, each with its
time; statements are dated by their post in the store, search, person pages, stance, export and JSON."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path

import pytest

import onrecord
from onrecord.articles import to_article
from onrecord.blocks import page_tree
from onrecord.liveblog import live_blog, post_time
from onrecord.output import document_json
from onrecord.queries import export, search
from onrecord.records import Article, Document, Post, Skip
from onrecord.store import open_store
from onrecord.store.migrations import MIGRATIONS, migrate
from onrecord.web.lookups import article as article_record
from onrecord.web.lookups import person_view
from onrecord.web.lookups import statement as statement_record
from record_factory import add_article, said

POSTS = (
    ("2024-03-05T14:10:00+01:00", "The Quillbury bridge is closed until further notice, said Odile Marsh."),
    ("2024-03-05T11:45:00Z", '"We are doing all we can to reopen it," said Greta Holloway, the engineer.'),
    (None, "An update without a time says the buses run as usual on every line today."),
    (
        "2024-03-05T08:02:00Z",
        "Ferries stopped at dawn after the storm reached the harbour, Ivo Brandling said.",
    ),
)


def json_ld_page(updates: list[dict[str, object]], summary: str = "") -> bytes:
    data = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Storm: live"}
    data["liveBlogUpdate"] = updates
    return (
        "<html><head><title>Storm: live</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f"<body><h1>Storm: live</h1><div class='summary'><p>{summary}</p></div></body></html>"
    ).encode()


def markup_page(posts: tuple[tuple[str | None, str], ...], summary: str = "") -> bytes:
    items = []
    for when, text in posts:
        stamp = f'<header><time datetime="{when}">{(when or "")[11:16]}</time></header>' if when else ""
        items.append(
            f'<article class="post">{stamp}<p>{text}</p><footer><button>Share</button></footer></article>'
            '<div class="ad"><p>Advertisement: the best mattress deals of the week, chosen for you.</p></div>'
        )
    return (
        "<html><head><title>Storm: live</title></head><body><main><h1>Storm: live</h1>"
        f"<div class='summary'><p>{summary}</p></div><div class='feed'>{''.join(items)}</div>"
        "</main></body></html>"
    ).encode()


def read(html: bytes, source: str = "live.html") -> Article:
    article = to_article(Document(source, html, "html", url="https://news.example/live/storm"))
    assert isinstance(article, Article), article
    return article


def post_texts(article: Article) -> list[str]:
    return [article.text[post.start : post.end] for post in article.posts]


SUMMARY = "Key points: a storm hit Quillbury overnight and the ferries and the bridge are closed today."


def test_json_ld_posts_are_the_body_in_page_order_each_with_its_time() -> None:
    updates = [
        {"@type": "BlogPosting", "datePublished": when, "articleBody": text} for when, text in POSTS if when
    ]
    updates.insert(2, {"@type": "BlogPosting", "articleBody": POSTS[2][1]})
    article = read(json_ld_page(updates, SUMMARY))
    assert article.extractor == "liveblog:json-ld"
    assert post_texts(article) == [text for _, text in POSTS]
    assert [post.published for post in article.posts] == [
        "2024-03-05T13:10:00+00:00",  # the zone given, read in UTC
        "2024-03-05T11:45:00+00:00",
        None,
        "2024-03-05T08:02:00+00:00",
    ]
    assert SUMMARY not in article.text


def test_a_json_ld_headline_is_kept_above_its_body_and_markup_in_a_body_is_read_as_text() -> None:
    updates = [
        {
            "headline": "Bridge shut",
            "datePublished": "2024-03-05",
            "articleBody": "<p>The bridge is shut.</p>",
        },
        {"headline": "Harbour", "articleBody": "Ferries stopped <b>at dawn</b> today, the harbour said."},
        {"headline": "Rain", "articleBody": "Rain is easing, forecasters said."},  # starts with its headline
    ]
    article = read(json_ld_page(updates))
    assert post_texts(article) == [
        "Bridge shut\nThe bridge is shut.",
        "Harbour\nFerries stopped at dawn today, the harbour said.",
        "Rain is easing, forecasters said.",
    ]
    assert article.posts[0].published == "2024-03-05"


def test_time_per_post_markup_keeps_the_posts_and_drops_what_lies_between_them() -> None:
    article = read(markup_page(POSTS, SUMMARY))
    assert article.extractor == "liveblog:markup"
    assert post_texts(article) == [text for _, text in POSTS]
    assert [post.published for post in article.posts] == [
        "2024-03-05T13:10:00+00:00",
        "2024-03-05T11:45:00+00:00",
        None,  # a post of the series without a <time> is kept, undated
        "2024-03-05T08:02:00+00:00",
    ]
    for furniture in ("Advertisement", "Share", "14:10", SUMMARY):
        assert furniture not in article.text


def test_a_page_with_a_summary_box_keeps_the_posts_not_only_the_summary() -> None:
    long_summary = " ".join([SUMMARY] * 3)
    article = read(markup_page(POSTS, long_summary))
    assert len(article.posts) == len(POSTS)
    assert all(text in article.text for _, text in POSTS)


def test_posts_and_their_offsets_slice_the_text_exactly() -> None:
    article = read(markup_page(POSTS))
    ends = [post.end for post in article.posts]
    assert [post.start for post in article.posts][1:] == [end + 1 for end in ends[:-1]]
    assert article.posts[-1].end == len(article.text)


def test_an_ordinary_article_with_a_list_of_dated_teasers_is_not_a_live_blog() -> None:
    body = "".join(
        f"<p>Paragraph {n}: the council of Quillbury debated the harbour budget for a long time today, "
        "and the mayor said a decision on the ferry contract would come before the summer recess.</p>"
        for n in range(12)
    )
    teasers = "".join(
        f'<li class="teaser"><time datetime="2024-03-0{n}">March {n}</time><p>Another story in town.</p></li>'
        for n in range(1, 6)
    )
    page = f"<html><body><article><h1>Budget</h1>{body}</article><ul>{teasers}</ul></body></html>"
    article = read(page.encode())
    assert article.extractor == "trafilatura"
    assert article.posts == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-05T14:10:00+01:00", "2024-03-05T13:10:00+00:00"),
        ("2024-03-05T14:10:00Z", "2024-03-05T14:10:00+00:00"),
        ("2024-03-05T14:10:00", "2024-03-05T14:10:00"),
        (" 2024-03-05 ", "2024-03-05"),
        ("2024-02-30", None),  # no such day
        ("2024-02-30T10:00:00Z", None),
        ("99999-01-01T00:00:00Z", None),  # a year past the calendar
        ("9999-12-31T23:30:00-05:00", None),  # UTC of it is past the calendar's end
        ("yesterday", None),
        ("", None),
        ("2024-03-05T14:10:00" + "0" * 100, None),
        (20240305, None),
        (None, None),
    ],
)
def test_post_times_are_valid_iso_times_or_none(value: object, expected: str | None) -> None:
    assert post_time(value) == expected


@pytest.mark.parametrize(
    "page",
    [
        json_ld_page(
            [{"datePublished": "2024-02-30", "articleBody": "The bridge is shut, the mayor said today."}]
        ),
        json_ld_page(
            [{"datePublished": "99999-01-01", "articleBody": "The bridge is shut, the mayor said today."}]
        ),
        json_ld_page([{"datePublished": ["2024"], "articleBody": {"x": 1}, "headline": 5}, "post", None, 7]),
        b'<script type="application/ld+json">{"@type": "LiveBlogPosting", "liveBlogUpdate": ' + b"[" * 5000,
        b'<script type="application/ld+json">' + b'{"a":' * 3000 + b'"LiveBlogPosting"' + b"}" * 3000,
        b"<div>"
        + b'<div class="p"><time datetime="2024-02-30">x</time><p>A post with a bad time.</p></div>' * 3,
        b'<div class="p"><time datetime="2024-03-01">' * 2000 + b"<p>Nested deep.</p>",
        b"<time datetime=\x00>" * 500 + b"\xff\xfe datetime datetime",
    ],
)
def test_hostile_live_pages_never_crash(page: bytes) -> None:
    result = to_article(Document("hostile.html", page, "html"))
    assert isinstance(result, Article | Skip)
    if isinstance(result, Article):
        assert all(0 <= p.start <= p.end <= len(result.text) for p in result.posts)
        assert all(p.published is None or p.published[:4].isdigit() for p in result.posts)


def test_hostile_times_leave_the_post_kept_and_undated() -> None:
    updates = [
        {"datePublished": "2024-02-30T10:00:00Z", "articleBody": "The bridge is shut, the mayor said today."},
        {"datePublished": "99999-01-01", "articleBody": "Ferries stopped at dawn, the harbour master said."},
    ]
    article = read(json_ld_page(updates))
    assert [post.published for post in article.posts] == [None, None]
    assert len(article.posts) == 2


def test_a_page_without_live_markup_is_left_alone() -> None:
    page = "<html><body><p>Nothing live here at all.</p></body></html>"
    assert live_blog(page, page_tree(page), 5) is None


def test_real_pages_in_shared_are_not_read_as_live_blogs() -> None:
    """None of ../shared/news-html's pages is a live blog (no LiveBlogPosting anywhere): none may be read
    as one by the markup rule either."""
    root = Path(__file__).resolve().parents[2] / "shared" / "news-html"
    if not root.is_dir():
        pytest.skip("../shared/news-html is absent")
    pages = sorted(root.glob("*/**/*.html"))
    assert pages
    for path in pages:
        page = path.read_text(encoding="utf-8", errors="replace")
        assert "LiveBlogPosting" not in page, path
        found = live_blog(page, page_tree(page), len(page.split()) // 50)
        assert found is None or found.extractor != "liveblog:json-ld", path


# --- the store: migration 5, statements dated by their post ------------------------------------------

LIVE_TEXT = (
    '"The bridge will reopen in March," said Odile Marsh.\n'
    '"The bridge will stay closed until June," said Odile Marsh.\n'
    '"The ferries are safe," said Ivo Brandling.'
)
LINES = LIVE_TEXT.split("\n")
LIVE_POSTS = (
    Post(0, len(LINES[0]), "2024-03-02T09:00:00+00:00"),
    Post(len(LINES[0]) + 1, len(LINES[0]) + 1 + len(LINES[1]), "2024-06-20T18:30:00+00:00"),
    Post(len(LINES[0]) + len(LINES[1]) + 2, len(LIVE_TEXT), None),
)


def live_store(path: Path) -> sqlite3.Connection:
    conn = open_store(str(path))
    statements = [
        said(LIVE_TEXT, "The bridge will reopen in March", "Odile Marsh"),
        said(LIVE_TEXT, "The bridge will stay closed until June", "Odile Marsh"),
        said(LIVE_TEXT, "The ferries are safe", "Ivo Brandling"),
    ]
    add_article(
        conn,
        LIVE_TEXT,
        statements,
        url="https://news.example/live",
        published="2024-01-15",
        posts=LIVE_POSTS,
        extractor="liveblog:markup",
    )
    return conn


def test_statements_are_stored_with_their_posts_times_and_the_article_with_its_extractor(
    tmp_path: Path,
) -> None:
    with contextlib.closing(live_store(tmp_path / "live.db")) as conn:
        rows = conn.execute("SELECT text, published FROM statements ORDER BY id").fetchall()
        assert [row[1] for row in rows] == ["2024-03-02T09:00:00+00:00", "2024-06-20T18:30:00+00:00", None]
        assert conn.execute("SELECT extractor FROM articles").fetchone()[0] == "liveblog:markup"
        record = article_record(conn, 1)
        assert record.extractor == "liveblog:markup"
        assert record.posts == LIVE_POSTS
        assert [s.published for s in record.statements] == [p.published for p in LIVE_POSTS]
        ids = [int(row[0]) for row in conn.execute("SELECT id FROM statements ORDER BY id")]
        assert statement_record(conn, ids[1]).published == "2024-06-20T18:30:00+00:00"
        assert statement_record(conn, ids[2]).published == "2024-01-15"  # no post time: the article's date
        view = person_view(conn, 1, min_confidence=0)
        assert [(p.period, p.statements) for p in view.timeline] == [("2024-03", 1), ("2024-06", 1)]


def test_search_since_and_until_use_the_statements_own_time(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    live_store(path).close()
    assert [h.text for h in search(path, "bridge", since="2024-06")] == [
        "The bridge will stay closed until June"
    ]
    assert [h.text for h in search(path, "bridge", until="2024-03-02")] == ["The bridge will reopen in March"]
    assert search(path, "bridge", until="2024-02") == []  # the article's own date no longer dates them
    assert [h.text for h in search(path, "ferries", until="2024-01")] == ["The ferries are safe"]


def test_export_has_the_extractor_and_when_each_statement_was_made(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    live_store(path).close()
    out = tmp_path / "export.jsonl"
    assert export(path, "jsonl", str(out), min_confidence=0) == 3
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["extractor"] for r in records} == {"liveblog:markup"}
    assert [r["said_at"] for r in records] == [
        "2024-03-02T09:00:00+00:00",
        "2024-06-20T18:30:00+00:00",
        "2024-01-15",
    ]
    assert {r["published"] for r in records} == {"2024-01-15"}  # the article's date, as before


def test_an_old_store_migrates_with_unknown_extractors_and_undated_statements(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for script in MIGRATIONS[:4]:  # a store as the onrecord before migration 5 made it
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 4")
    conn.execute(
        "INSERT INTO articles (source, language, text, text_hash, ingested_at, published) "
        "VALUES ('old', 'en', 'Old text.', 'h', '2020-01-01', '2020-01-01')"
    )
    assert migrate(conn) == len(MIGRATIONS)
    assert conn.execute("SELECT extractor FROM articles").fetchone() == (None,)
    columns = {row[1] for row in conn.execute("PRAGMA table_info(statements)")}
    assert "published" in columns
    assert conn.execute("SELECT count(*) FROM article_posts").fetchone() == (0,)
    conn.close()


def test_extract_jsonl_carries_the_extractor_the_posts_and_each_statements_time() -> None:
    updates = [{"datePublished": when, "articleBody": text} for when, text in POSTS]
    article = read(json_ld_page(updates))
    statements = onrecord.extraction.extract(article.text, fast=True)
    found = document_json(article, statements)
    assert found["extractor"] == "liveblog:json-ld"
    assert found["posts"][0] == {
        "start": 0,
        "end": len(POSTS[0][1]),
        "published": "2024-03-05T13:10:00+00:00",
    }
    dated = {s["content"][0]["text"]: s["published"] for s in found["statements"]}
    assert dated.get("We are doing all we can to reopen it,") == "2024-03-05T11:45:00+00:00"
    assert dated.get("the buses run as usual on every line", "absent") is None  # its post has no time


def test_stance_positions_and_shifts_are_dated_by_the_posts(tmp_path: Path) -> None:
    path = tmp_path / "live.db"
    with contextlib.closing(live_store(path)) as conn:
        ids = [int(row[0]) for row in conn.execute("SELECT id FROM statements ORDER BY id")]
    report = onrecord.stance(
        path, "The Quillbury bridge should reopen soon", marks={ids[0]: "support", ids[1]: "oppose"}
    )
    marsh = [p for p in report.positions if p.speaker == "Odile Marsh"]
    assert [(p.period, p.stance) for p in marsh] == [("2024-03", "support"), ("2024-06", "oppose")]
    assert [(s.before_date, s.after_date) for s in report.shifts] == [("2024-03-02", "2024-06-20")]


def test_readers_comments_each_with_a_time_are_not_a_live_blog() -> None:
    body = "".join(f"<p>{text}</p>" for _, text in POSTS)
    comments = "".join(
        f'<li class="comment"><time datetime="2024-03-0{n}T10:00:00Z">March {n}</time><p>Comment {n}: I '
        "think the council is wrong about the bridge and the ferry, and I have said so for years.</p></li>"
        for n in range(1, 9)
    )
    page = (
        f'<html><body><article><h1>Storm</h1>{body}</article><ol id="comments">{comments}</ol></body></html>'
    )
    article = read(page.encode())
    assert article.posts == () and article.extractor == "trafilatura"
