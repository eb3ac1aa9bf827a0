"""Hostile feeds and pages: a body is only ever parsed as the bytes that were read. Content that names a
file, a device, a FIFO or a URL is text, never opened or fetched; entities and stylesheets in a feed
reach nothing outside it. Readers that could block or eat memory run in a child process with a memory
limit and a timeout, so a regression fails the test instead of hanging the suite."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from local_server import Route, serve
from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip
from onrecord.sources import read_documents
from test_feeds import STORY, item, rss

SECRET = "Harbourmaster Ilse Brandvold said the lock codes are 4471 and 9902, in confidence."
CHILD = """
import json, sys
from onrecord.sources import read_documents
results = [
    [type(r).__name__, getattr(r, "reason", None), r.source, (getattr(r, "data", b"") or b"").decode()]
    for r in read_documents(sys.argv[1:])
]
print(json.dumps(results))
"""


def secret_feed(tmp_path: Path) -> Path:
    """A real feed file whose entry holds SECRET: what a hostile body must never make onrecord read."""
    path = tmp_path / "private" / "internal.rss"
    path.parent.mkdir()
    path.write_text(rss(item(guid="s1", content=f"<p>{SECRET}</p>")), encoding="utf-8")
    return path


def read_in_child(*paths: str) -> list[list[str | None]]:
    """read_documents(paths) in a child process limited to 1 GiB of memory and 60 seconds."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    completed = subprocess.run(
        [sys.executable, "-c", CHILD, *paths],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=limit_memory,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    results: list[list[str | None]] = json.loads(completed.stdout)
    return results


def test_a_feed_file_whose_content_is_the_path_of_another_feed(tmp_path: Path) -> None:
    other = secret_feed(tmp_path)
    pointer = tmp_path / "pointer.rss"
    pointer.write_text(str(other), encoding="utf-8")
    [skip] = read_documents([str(pointer)])
    assert isinstance(skip, Skip) and (skip.reason, skip.source) == ("not-a-feed", str(pointer))
    assert SECRET not in skip.message


@pytest.mark.parametrize("content", ["/dev/zero", "fifo"])
def test_a_feed_file_naming_a_device_or_a_fifo_is_not_opened(tmp_path: Path, content: str) -> None:
    if content == "fifo":
        content = str(tmp_path / "pipe")
        os.mkfifo(content)  # nobody writes to it: opening it to read would block for ever
    pointer = tmp_path / "pointer.rss"
    pointer.write_text(content, encoding="utf-8")
    [[kind, reason, source, _data]] = read_in_child(str(pointer))
    assert (kind, reason, source) == ("Skip", "not-a-feed", str(pointer))


def test_a_feed_url_answering_with_a_local_path() -> None:
    # `ingest URL` read and stored the file a feed URL's body named; here the body names a real feed file
    routes: dict[str, Route] = {}
    with serve(routes) as server:
        for body_path in (
            "/dev/zero",
            str(Path(__file__).resolve().parents[1] / "samples" / "coastal-desk.rss"),
        ):
            routes["/feed"] = Route(body=body_path.encode(), content_type="application/rss+xml")
            [[kind, reason, source, _data]] = read_in_child(server.url("/feed"))
            assert (kind, reason, source) == ("Skip", "not-a-feed", server.url("/feed"))
        assert [path for path, _headers in server.requests] == ["/feed", "/feed"]


def test_feed_entities_never_reach_a_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    doctype = (
        f'<!DOCTYPE rss [<!ENTITY secret SYSTEM "file://{secret}">'
        f'<!ENTITY % remote SYSTEM "file://{secret}"> %remote;]>'
    )
    feed = rss(item(guid="x", description="The council said that &secret; was settled at last.")).replace(
        "\n<rss", f"\n{doctype}\n<rss"
    )
    path = tmp_path / "entities.rss"
    path.write_text(feed, encoding="utf-8")
    results = list(read_documents([str(path)]))
    assert results and all(SECRET not in repr(result) for result in results)


def test_billion_laughs_in_a_feed_stays_small(tmp_path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{level} "{f"&lol{level - 1};" * 10}">' for level in range(1, 10)
    ]
    feed = rss(item(guid="x", description="&lol9;")).replace(
        "\n<rss", f"\n<!DOCTYPE rss [{''.join(entities)}]>\n<rss"
    )
    path = tmp_path / "laughs.rss"
    path.write_text(feed, encoding="utf-8")
    results = read_in_child(str(path))
    assert all(len(data or "") < 10_000 for *_rest, data in results)  # 10^9 "lol"s if expanded


def test_a_stylesheet_or_out_of_line_content_in_a_feed_is_not_fetched() -> None:
    routes: dict[str, Route] = {"/style.xsl": Route(body=b"<xsl/>", content_type="text/xsl")}
    with serve(routes) as server:
        atom = (
            '<?xml version="1.0"?>\n'
            f'<?xml-stylesheet type="text/xsl" href="{server.url("/style.xsl")}"?>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom"><title>Quay</title><id>urn:q</id>'
            "<updated>2025-06-06T08:00:00Z</updated><entry><title>Notice</title><id>urn:q:1</id>"
            f'<updated>2025-06-06T08:00:00Z</updated><content src="{server.url("/secret")}"/>'
            "<summary>The harbour office said the west quay would close on Sunday.</summary></entry></feed>"
        )
        routes["/feed"] = Route(body=atom.encode(), content_type="application/atom+xml")
        results = list(read_documents([server.url("/feed")]))
        assert [type(result).__name__ for result in results] == ["Document"]
        assert [path for path, _headers in server.requests] == ["/feed"]


def test_a_feed_entry_linking_a_local_file_is_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.html"
    secret.write_text(f"<html><body><article><p>{SECRET}</p></article></body></html>", encoding="utf-8")
    feed = rss(item(guid="local", link=f"file://{secret}"), item(guid="dev", link="file:///dev/zero"))
    with serve({"/feed": Route(body=feed.encode(), content_type="application/rss+xml")}) as server:
        results = list(read_documents([server.url("/feed")]))
        assert [path for path, _headers in server.requests] == ["/feed"]
    assert [(type(result).__name__, getattr(result, "reason", None)) for result in results] == [
        ("Skip", "no-article"),
        ("Skip", "no-article"),
    ]
    assert all("is not an http(s) URL" in result.message for result in results if isinstance(result, Skip))
    assert all(SECRET not in repr(result) for result in results)


def test_page_content_naming_a_url_or_a_file_is_text(tmp_path: Path) -> None:
    secret = secret_feed(tmp_path)
    routes = {"/secret": Route(body=f"<html><body><article><p>{SECRET}</p></article></body></html>".encode())}
    with serve(routes) as server:
        for content in (server.url("/secret"), str(secret), "/dev/zero"):
            for media_type in ("html", "text"):
                result = to_article(Document(source="given", data=content.encode(), media_type=media_type))
                assert SECRET not in repr(result)
                if media_type == "html":
                    assert isinstance(result, Skip) and result.reason == "no-article"
                else:
                    assert isinstance(result, Article) and result.text == content
        assert server.requests == []


def test_feed_html_content_naming_a_url_is_not_fetched() -> None:
    routes: dict[str, Route] = {"/secret": Route(body=f"<p>{SECRET}</p>".encode())}
    with serve(routes) as server:
        feed = rss(
            item(guid="url", content=server.url("/secret")),
            item(guid="img", content=f'{STORY}<img src="{server.url("/secret")}">'),
        )
        routes["/feed"] = Route(body=feed.encode(), content_type="application/rss+xml")
        documents = [
            result for result in read_documents([server.url("/feed")]) if isinstance(result, Document)
        ]
        articles = [to_article(document) for document in documents]
        assert [path for path, _headers in server.requests] == ["/feed"]
    assert [getattr(article, "reason", "article") for article in articles] == ["no-article", "article"]
    assert all(SECRET not in repr(article) for article in articles)


def test_character_references_that_name_no_character(tmp_path: Path) -> None:
    # feedparser's lenient parser raised UnicodeEncodeError on &#xD800; and the whole batch stopped
    references = "&#xD800; &#56320; &#x110000; &#0;"
    path = tmp_path / "references.rss"
    path.write_text(
        rss(item(guid="r", description=f"The council said {references} it was settled.")), "utf-8"
    )
    (tmp_path / "title.rss").write_text(
        rss(item(guid="t", description=STORY), title="Desk &#xDFFF;"), "utf-8"
    )
    documents = list(read_documents([str(path), str(tmp_path / "title.rss")]))
    assert all(isinstance(document, Document) for document in documents)
    first, second = (document for document in documents if isinstance(document, Document))
    article = to_article(first)
    assert isinstance(article, Article)
    assert "The council said \ufffd \ufffd \ufffd \ufffd it was settled." in article.text
    assert second.site == "Desk \ufffd"
