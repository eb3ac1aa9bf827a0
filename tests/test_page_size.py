"""Big pages: up to 20 MB a page is read, but trafilatura only sees it without its scripts and styles,
and a page that is still over 5 MB of HTML is refused as `too-large` rather than parsed for a minute."""

from __future__ import annotations

import time

from onrecord.articles import MAX_HTML_BYTES, slim_html, to_article
from onrecord.records import Article, Document, Skip

ARTICLE = (
    "<article><h1>Tamsworth works wins tram order</h1><p>The tram works in Tamsworth has won an order for "
    "twelve trams from the Marrowfield transport board, the company said on Monday, securing work for its "
    "four hundred staff until the end of the decade.</p><p>“This order keeps the lights on,” works manager "
    "Nell Ambrose told reporters at the gates.</p></article>"
)


def page(head: str, body: str) -> bytes:
    return f"<html><head><title>Tram order</title>{head}</head><body>{body}</body></html>".encode()


def test_page_bloated_by_scripts_is_slimmed_and_read() -> None:
    bloat = "".join(f"<script>window.state{i} = '{'x' * 100_000}';</script>" for i in range(80))  # 8 MB
    styles = "<style>" + "p { margin: 0 }\n" * 50_000 + "</style>"
    ld = '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-05-12"}</script>'
    data = page(ld + styles, bloat + ARTICLE + "<!-- " + "c" * 100_000 + " -->")
    assert len(data) > MAX_HTML_BYTES
    started = time.perf_counter()
    article = to_article(Document(source="tram.html", data=data, media_type="html"))
    assert isinstance(article, Article), article
    assert "works manager Nell Ambrose told reporters" in article.text
    assert article.published == "2025-05-12"  # the JSON-LD metadata survives the slimming
    assert time.perf_counter() - started < 10


def test_page_with_too_much_html_is_refused_without_parsing_it() -> None:
    paragraphs = "<p>The works said it would hire forty welders for the new line.</p>\n" * 90_000  # 6 MB
    started = time.perf_counter()
    result = to_article(Document(source="huge.html", data=page("", paragraphs), media_type="html"))
    assert isinstance(result, Skip)
    assert (result.reason, result.source) == ("too-large", "huge.html")
    assert f"{MAX_HTML_BYTES:,}-byte limit for one page" in result.message
    assert time.perf_counter() - started < 2


def test_small_pages_are_given_to_trafilatura_as_they_are() -> None:
    data = page("<script>var a = 1;</script>", ARTICLE)
    assert slim_html(data) is data
