"""sources.web: URLs fetched from a local server on 127.0.0.1 with a timeout, a size cap and a user agent;
every failure is a `fetch-failed` (or `too-large`) Skip naming the URL, and the other inputs go on."""

from __future__ import annotations

import socket
from pathlib import Path

from local_server import Route, serve
from onrecord import __version__
from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip
from onrecord.sources import read_documents, web

PAGE = b"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour quay to reopen</title><meta property="og:site_name" content="Lindenport Ledger"></head>
<body><nav><a href="/">Home</a></nav><article><h1>Harbour quay to reopen</h1>
<p>The northern quay of Lindenport harbour will reopen to ferries next Monday, the port authority said on
Thursday, after three weeks of repairs to the storm-damaged pier and its lighting.</p>
<p>"We are confident the pier is safe for passengers again," harbour master Ilse Brandauer told
reporters at the quay, adding that cargo traffic would follow a week later.</p></article></body></html>
"""


def only(results: list[Document | Skip]) -> Document | Skip:
    assert len(results) == 1, results
    return results[0]


def fetch_one(url: str, limit: int = 20_000_000, timeout: float = 5.0) -> Document | Skip:
    return only(list(web.read_url(url, limit, timeout)))


def test_html_page_is_one_document_with_the_url_as_source_and_a_clear_user_agent() -> None:
    with serve({"/news/quay": Route(body=PAGE)}) as server:
        document = fetch_one(server.url("/news/quay"))
        [(_path, headers)] = server.requests
    assert isinstance(document, Document)
    assert (document.source, document.url, document.media_type) == (
        server.url("/news/quay"),
        server.url("/news/quay"),
        "html",
    )
    assert document.data == PAGE
    assert headers["User-Agent"] == f"onrecord/{__version__} (+https://github.com/onrecord)"
    article = to_article(document)
    assert isinstance(article, Article)
    assert "harbour master Ilse Brandauer" in article.text
    assert article.url == server.url("/news/quay")  # no canonical link: the fetched URL fills in


def test_redirect_is_followed_and_the_final_url_kept() -> None:
    routes = {
        "/old": Route(status=301, headers={"Location": "/new"}, body=b""),
        "/new": Route(body=PAGE),
    }
    with serve(routes) as server:
        document = fetch_one(server.url("/old"))
    assert isinstance(document, Document)
    assert (document.source, document.url) == (server.url("/old"), server.url("/new"))


def assert_failed(result: Document | Skip, url: str, *words: str, reason: str = "fetch-failed") -> None:
    assert isinstance(result, Skip), result
    assert (result.reason, result.source) == (reason, url)
    assert result.message.startswith(url) and result.message.endswith(".")
    for word in words:
        assert word in result.message, result.message


def test_error_statuses() -> None:
    with serve({"/broken": Route(status=500, body=b"<p>oops</p>")}) as server:
        assert_failed(fetch_one(server.url("/missing")), server.url("/missing"), "404", "Not Found")
        assert_failed(fetch_one(server.url("/broken")), server.url("/broken"), "500")


def test_slow_server_times_out() -> None:
    with serve({"/slow": Route(body=PAGE, delay=1.5)}) as server:
        result = fetch_one(server.url("/slow"), timeout=0.3)
    assert_failed(result, server.url("/slow"), "timed out", "0.3 s")


def test_oversized_page_is_refused_from_its_declared_length() -> None:
    with serve({"/big": Route(body=PAGE * 10)}) as server:
        result = fetch_one(server.url("/big"), limit=1000)
    assert_failed(result, server.url("/big"), f"{len(PAGE) * 10:,}", "1,000-byte limit", reason="too-large")


def test_oversized_page_without_a_length_is_cut_off_while_streaming() -> None:
    body = PAGE * 40
    with serve({"/stream": Route(body=body, chunked=True)}) as server:
        result = fetch_one(server.url("/stream"), limit=5000)
    assert_failed(result, server.url("/stream"), "5,000-byte limit", reason="too-large")


def test_non_html_is_refused_without_reading_it() -> None:
    with serve(
        {"/logo.png": Route(body=b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, content_type="image/png")}
    ) as server:
        assert_failed(fetch_one(server.url("/logo.png")), server.url("/logo.png"), "image/png")


def test_empty_page() -> None:
    with serve({"/empty": Route(body=b"  \n")}) as server:
        assert_failed(fetch_one(server.url("/empty")), server.url("/empty"), "empty")


def test_refused_connection_and_invalid_url() -> None:
    with socket.socket() as probe:  # a port on 127.0.0.1 that nothing listens on
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/"
    assert_failed(fetch_one(url), url, "ConnectError")
    assert_failed(fetch_one("http://"), "http://")


def test_page_with_no_content_type_is_read_as_html() -> None:
    with serve({"/bare": Route(body=PAGE, content_type=None)}) as server:
        document = fetch_one(server.url("/bare"))
    assert isinstance(document, Document) and document.media_type == "html"


def test_read_documents_takes_urls_among_paths_and_one_failure_does_not_stop_the_rest(tmp_path: Path) -> None:
    (tmp_path / "wire.txt").write_text("The mayor said the bridge would reopen.", encoding="utf-8")
    with serve({"/ok": Route(body=PAGE)}) as server:
        inputs = [server.url("/missing"), str(tmp_path / "wire.txt"), server.url("/ok")]
        results = list(read_documents(inputs, timeout=2.0))
    assert [type(result).__name__ for result in results] == ["Skip", "Document", "Document"]
    assert [result.source for result in results] == inputs


def test_is_url() -> None:
    assert web.is_url("https://example.org/a") and web.is_url("HTTP://example.org")
    assert not web.is_url("example.org/a.html") and not web.is_url("ftp://example.org/a")
