"""The best available extractor per page: fundus's publisher parsers where the URL is theirs, else (and on
any failure of theirs) trafilatura. The pages here are written by the team in a publisher's layout; real
pages from ../shared/news-html are read when it is present."""

from __future__ import annotations

import json
from pathlib import Path

import lxml
import pytest

from onrecord.articles import to_article
from onrecord.blocks import page_tree, restore
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


# --- blocks.restore: a lost lead paragraph and the later blocks of a split body --------------------------

PARAGRAPHS = [
    f"Paragraph {n} of the report says the harbour council of Quillbury met again on Tuesday to argue over "
    "the ferry contract."
    for n in range(9)
]
LEAD = (
    "QUILLBURY (AP) — The harbour council voted on Tuesday to end the ferry contract after a year of delays."
)


def split_body(related: str = "") -> str:
    """A body cut into three blocks (each in its own wrapper) between advertisements, as WIRED's is."""
    chunks = [PARAGRAPHS[i : i + 3] for i in range(0, 9, 3)]
    wrapped = (
        "<div class='ad'><p>Advertisement: the best ferry deals of the week, picked for you.</p></div>".join(
            "<div class='grid chunk'><div class='body'><div class='inner'>"
            + "".join(f"<p>{text}</p>" for text in chunk)
            + "</div></div></div>"
            for chunk in chunks
        )
    )
    return f"<html><body><main>{wrapped}{related}</main></body></html>"


def test_the_later_blocks_of_a_split_body_are_put_back_in_page_order() -> None:
    first_block = "\n".join(PARAGRAPHS[:3])  # what trafilatura keeps of such a body
    assert restore(first_block, page_tree(split_body())).split("\n") == PARAGRAPHS


def test_related_stories_and_link_lists_beside_a_body_are_not_blocks_of_it() -> None:
    teasers = "".join(
        f"<div class='grid chunk'><div class='teaser'><p>Related story {n}: the bridge over the harbour is "
        "closed for repairs until the spring, the council said.</p></div></div>"
        for n in range(3)
    )
    links = (
        "<div class='grid chunk'><div class='body'><div class='inner'><p><a href='/a'>Read more: the ferry "
        "contract and the council's vote, explained in full for readers</a></p></div></div></div>"
    )
    first_block = "\n".join(PARAGRAPHS[:3])
    restored = restore(first_block, page_tree(split_body(teasers + links))).split("\n")
    assert restored == PARAGRAPHS  # the teasers are not of the body's kind, the link paragraph is a link
    assert restore(first_block, page_tree("<html><body><p>Other text.</p></body></html>")) == first_block


def test_a_lead_paragraph_without_its_tag_is_put_back_before_the_body() -> None:
    page = (
        "<html><body><div class='story'><div class='byline'><span>By AP</span></div>"
        f"{LEAD}</p>{''.join(f'<p>{text}</p>' for text in PARAGRAPHS[:3])}</div></body></html>"
    )
    text = "\n".join(PARAGRAPHS[:3])
    assert restore(text, page_tree(page)).split("\n") == [LEAD, *PARAGRAPHS[:3]]
    assert restore(f"{LEAD}\n{text}", page_tree(page)) == f"{LEAD}\n{text}"  # already there: kept once


@pytest.mark.parametrize(
    "before",
    [
        "Share this story on Facebook Twitter Email Print Comments and more of the social networks today",
        "By AP.",  # too short
        "",
    ],
)
def test_text_before_the_body_that_is_no_lead_is_left_out(before: str) -> None:
    page = (
        f"<html><body><div>{before}{''.join(f'<p>{text}</p>' for text in PARAGRAPHS[:3])}</div></body></html>"
    )
    text = "\n".join(PARAGRAPHS[:3])
    assert restore(text, page_tree(page)) == text


@pytest.mark.skipif(not NEWS_HTML.is_dir(), reason="needs ../shared/news-html")
@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("postlight_fixtures/fixtures/www.wired.com.html", 950),  # trafilatura alone: 532 words, fundus 981
        ("postlight_fixtures/fixtures/www.newyorker.com--magazine.html", 3400),  # 2,136; fundus 3,500
    ],
)
def test_real_split_bodies_are_read_whole_without_the_publisher_parser(path: str, words: int) -> None:
    import trafilatura

    page = (NEWS_HTML / path).read_text(encoding="utf-8", errors="replace")
    raw = trafilatura.extract(page, include_comments=False) or ""
    assert len(raw.split()) < words * 0.7
    assert len(restore(raw, page_tree(page)).split()) >= words


@pytest.mark.skipif(not NEWS_HTML.is_dir(), reason="needs ../shared/news-html")
def test_a_real_lost_lead_is_put_back() -> None:
    path = NEWS_HTML / "goose3_content/content/test_yahoo.html"
    article = as_article(to_article(Document(str(path), path.read_bytes(), "html")))
    assert article.text.startswith("SAN FRANCISCO (AP) — Steve Jobs, the mind behind the iPhone")


def test_comments_and_processing_instructions_around_the_body_are_passed_over() -> None:
    page = (
        f"<html><body><div><!-- lead -->{LEAD}<!-- end --><?pi x?>"
        f"{''.join(f'<p>{text}</p><!-- c -->' for text in PARAGRAPHS[:3])}</div></body></html>"
    )
    text = "\n".join(PARAGRAPHS[:3])
    assert restore(text, page_tree(page)).split("\n") == [LEAD, *PARAGRAPHS[:3]]
    assert isinstance(to_article(html_document(page)), Article)


def test_a_paragraph_the_text_holds_over_several_lines_or_a_short_line_is_not_added_again() -> None:
    heading, rest = PARAGRAPHS[3].split(" of the report ", 1)
    page = split_body()
    first_blocks = "\n".join([*PARAGRAPHS[:3], heading, "of the report " + rest, *PARAGRAPHS[4:]])
    assert restore(first_blocks, page_tree(page)) == first_blocks
    short = page.replace(PARAGRAPHS[8], "NMLS #1136")
    assert restore("\n".join(PARAGRAPHS[:3]), page_tree(short)).split("\n") == PARAGRAPHS[:8]
