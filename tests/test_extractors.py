"""The best available extractor per page: fundus's publisher parsers where the URL is theirs, else (and on
any failure of theirs) trafilatura. The pages here are written by the team in a publisher's layout; real
pages from ../shared/news-html are read when it is present."""

from __future__ import annotations

import json
from pathlib import Path

import lxml
import pytest

from onrecord.articles import to_article
from onrecord.html import TRAFILATURA, fundus_publisher
from onrecord.records import Article, Document

NEWS_HTML = Path(__file__).resolve().parents[2] / "shared" / "news-html"

LD = {
    "@context": "https://schema.org",
    "@type": "NewsArticle",
    "headline": "Harbour bridge to reopen in spring, minister says",
    "datePublished": "2024-03-05T09:30:00Z",
    "author": [{"@type": "Person", "name": "Ruth Calder"}],
}
BODY = [
    "The harbour bridge will reopen next spring once its cables are replaced, the transport minister "
    "said on Tuesday.",
    "“We owe the people of this town a safe crossing,” Alan Moor told reporters at the site.",
    "Engineers found corrosion in six of the main cables last year, closing the bridge to lorries.",
]


def guardian_page(
    paragraphs: list[str], url: str = "https://www.theguardian.com/uk-news/2024/mar/05/bridge"
) -> str:
    """A page in the Guardian's layout (standfirst, body paragraphs, JSON-LD), with a newsletter promo and
    a list of related stories around the body."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    return (
        f'<html><head><link rel="canonical" href="{url}"><title>Bridge | The Guardian</title>'
        f'<script type="application/ld+json">{json.dumps(LD)}</script></head><body>'
        "<main><article><h1>Harbour bridge to reopen in spring, minister says</h1>"
        "<div data-gu-name='standfirst'><p>Repairs to the cables will take the whole winter</p></div>"
        f'<div class="article-body-viewer-selector">{body}'
        "<aside><p>Sign up to First Edition, our free daily newsletter, every weekday morning at 7am "
        "with the stories you need to know.</p></aside></div>"
        "<section><h2>Most viewed</h2><ul><li><a href='/a'>Council votes to close three libraries in a "
        "row over funding</a></li></ul></section></article></main></body></html>"
    )


def html_document(page: str, url: str | None = None, published: str | None = None) -> Document:
    return Document(source="page.html", data=page.encode(), media_type="html", url=url, published=published)


def as_article(result: object) -> Article:
    assert isinstance(result, Article), result
    return result


def test_fundus_parses_on_the_lxml_installed() -> None:
    """fundus declares lxml<6; its parser reads a page on the lxml 6 that trafilatura needs."""
    assert int(lxml.__version__.split(".")[0]) >= 6
    article = as_article(to_article(html_document(guardian_page(BODY))))
    assert article.extractor == "fundus:The Guardian"
    assert article.text.split("\n\n") == ["Repairs to the cables will take the whole winter", *BODY]
    assert "newsletter" not in article.text and "libraries" not in article.text
    assert (article.title, article.author, article.published) == (LD["headline"], "Ruth Calder", "2024-03-05")


def test_the_document_url_chooses_the_parser() -> None:
    """A WARC record's or feed's URL chooses the publisher when the page names none."""
    page = guardian_page(BODY).replace('<link rel="canonical"', '<link rel="alternate"')
    article = as_article(to_article(html_document(page, url="https://amp.theguardian.com/uk-news/x")))
    assert article.extractor == "fundus:The Guardian"


def test_a_page_of_another_site_is_read_by_trafilatura() -> None:
    page = guardian_page(BODY, url="https://news.example.org/bridge")
    article = as_article(to_article(html_document(page)))
    assert article.extractor == TRAFILATURA
    assert BODY[1] in article.text


def test_a_publisher_parser_that_finds_no_body_falls_back() -> None:
    """The Guardian's URL, another layout: its parser finds no paragraph, trafilatura reads the page."""
    body = "".join(f"<p>{text}</p>" for text in BODY)
    page = (
        '<html><head><link rel="canonical" href="https://www.theguardian.com/uk-news/2010/bridge"></head>'
        f'<body><div id="content"><h1>Bridge</h1>{body}</div></body></html>'
    )
    article = as_article(to_article(html_document(page)))
    assert article.extractor == TRAFILATURA
    assert all(paragraph in article.text for paragraph in BODY)


def test_a_publisher_parser_that_raises_falls_back() -> None:
    """fundus raises on an XHTML page with an XML declaration (lxml refuses a decoded string that names
    its encoding); the page is not skipped: trafilatura reads it."""
    page = '<?xml version="1.0" encoding="utf-8"?>\n' + guardian_page(BODY)
    publisher = fundus_publisher("https://www.theguardian.com/")
    with pytest.raises(ValueError, match="encoding declaration"):
        publisher.parser().parse(page, "suppress")
    article = as_article(to_article(html_document(page)))
    assert article.extractor == TRAFILATURA
    assert BODY[0] in article.text


def test_a_publisher_body_without_a_sentence_falls_back() -> None:
    """A body of captions only (no sentence) is not taken over trafilatura's text of the page."""
    page = guardian_page(["Photograph: Ruth Calder", "Bridge at dusk"])
    article = as_article(to_article(html_document(page + "<p>" + " ".join(BODY) + "</p>")))
    assert article.extractor == TRAFILATURA


@pytest.mark.parametrize(
    ("url", "publisher"),
    [
        ("https://www.theguardian.com/world/2024/x", "The Guardian"),
        ("https://theguardian.com/world/2024/x", "The Guardian"),
        ("https://www.cbc.ca/news/business/x", "CBC News"),
        ("https://news.example.org/x", None),
        ("https://theguardian.com.example.org/x", None),
        ("not a url", None),
        ("https://[::1/x", None),
        (None, None),
    ],
)
def test_publisher_by_url(url: str | None, publisher: str | None) -> None:
    found = fundus_publisher(url)
    assert (found.name if found is not None else None) == publisher


@pytest.mark.skipif(not NEWS_HTML.is_dir(), reason="needs ../shared/news-html")
@pytest.mark.parametrize(
    ("path", "extractor"),
    [
        ("postlight_fixtures/fixtures/www.wired.com.html", "fundus:Wired"),  # body in several blocks
        ("postlight_fixtures/fixtures/www.cbc.ca.html", "fundus:CBC News"),
        ("readability_testpages/test-pages/wapo-1/source.html", TRAFILATURA),  # a 2015 layout: no body
        ("readability_testpages/test-pages/guardian-1/source.html", TRAFILATURA),
    ],
)
def test_real_pages(path: str, extractor: str) -> None:
    article = as_article(to_article(Document(str(NEWS_HTML / path), (NEWS_HTML / path).read_bytes(), "html")))
    assert article.extractor == extractor
    assert len(article.text.split()) > 400


@pytest.mark.skipif(not NEWS_HTML.is_dir(), reason="needs ../shared/news-html")
def test_a_body_in_several_blocks_is_kept_whole() -> None:
    """WIRED splits its body into blocks between ads; trafilatura keeps the first, fundus all of them."""
    path = NEWS_HTML / "postlight_fixtures/fixtures/www.wired.com.html"
    article = as_article(to_article(Document(str(path), path.read_bytes(), "html")))
    assert "Rosetta" in article.text and len(article.text.split()) > 900
