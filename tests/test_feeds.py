"""sources.feeds: RSS and Atom feeds from files and from URLs (a local server on 127.0.0.1); every entry
with something to read is a Document with the entry's url, title and date; a file that is not a feed is
one `not-a-feed` Skip."""

from __future__ import annotations

from pathlib import Path

from local_server import Route, serve
from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip
from onrecord.sources import read_documents
from onrecord.sources.feeds import read_feed

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "coastal-desk.rss"

STORY = (
    "<p>The Marrowfield tram line will run every six minutes at rush hour from September, the transport "
    "board said on Thursday, after a year in which passenger numbers rose by a fifth.</p>"
    "<p>&#8220;The trams are full, and we hear it every day,&#8221; board member Odile Marsh said. She added "
    "that two new trams had been ordered from the works in Tamsworth.</p>"
)
TEASER = "<p>The Elmstead ferry will carry bicycles for free this summer, the council said.</p>"


def rss(*items: str, title: str = "Valley Courier") -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
        f"<title>{title}</title><link>https://courier.example/</link><description>News</description>"
        + "".join(items)
        + "</channel></rss>"
    )


def item(
    guid: str | None = None,
    link: str | None = None,
    content: str | None = None,
    description: str | None = None,
) -> str:
    parts = [
        "<item><title>Trams every six minutes</title>",
        "<pubDate>Thu, 05 Jun 2025 18:30:00 +0200</pubDate>",
    ]
    if guid:
        parts.append(f'<guid isPermaLink="false">{guid}</guid>')
    if link:
        parts.append(f"<link>{link}</link>")
    if content:
        parts.append(f"<content:encoded><![CDATA[{content}]]></content:encoded>")
    if description:
        parts.append(f"<description><![CDATA[{description}]]></description>")
    return "".join(parts) + "</item>"


ATOM = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Harbour Notes</title><id>urn:harbour-notes</id><updated>2025-06-06T08:00:00Z</updated>
  <entry>
    <title>Trams every six minutes</title><id>urn:harbour-notes:trams</id>
    <link href="https://notes.example/trams"/><updated>2025-06-06T08:00:00Z</updated>
    <content type="html">{STORY.replace("&", "&amp;").replace("<", "&lt;")}</content>
  </entry>
  <entry>
    <title>Quay notice</title><id>urn:harbour-notes:quay</id><updated>2025-06-07T09:00:00Z</updated>
    <content type="text">The harbour office said the west quay would close on Sunday for cleaning.</content>
  </entry>
</feed>
"""


def write(path: Path, text: str) -> str:
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_rss_file_entries_become_documents_with_their_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path / "courier.rss",
        rss(
            item(guid="trams-0605", link="https://courier.example/trams", content=STORY, description=TEASER),
            item(link="https://courier.example/ferry", description=TEASER),
        ),
    )
    first, second = read_documents([path])
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.source, second.source) == (f"{path}#trams-0605", f"{path}#https://courier.example/ferry")
    assert (first.url, first.title, first.published, first.site) == (
        "https://courier.example/trams",
        "Trams every six minutes",
        "2025-06-05T16:30:00Z",
        "Valley Courier",
    )
    assert b"board member Odile Marsh" in first.data  # the full content, not the teaser
    assert b"Elmstead ferry" in second.data


def test_feed_entry_becomes_an_article_with_the_feed_metadata(tmp_path: Path) -> None:
    path = write(
        tmp_path / "courier.xml", rss(item(guid="g1", link="https://courier.example/trams", content=STORY))
    )
    [document] = read_documents([path])
    assert isinstance(document, Document)
    article = to_article(document)
    assert isinstance(article, Article)
    assert "board member Odile Marsh said" in article.text
    assert (article.title, article.url, article.published, article.site) == (
        "Trams every six minutes",
        "https://courier.example/trams",
        "2025-06-05",
        "Valley Courier",
    )


def test_entry_with_only_a_link_in_a_file_is_not_fetched(tmp_path: Path) -> None:
    path = write(tmp_path / "courier.rss", rss(item(guid="g1", link="https://courier.example/trams")))
    [skip] = read_documents([path])
    assert isinstance(skip, Skip)
    assert (skip.reason, skip.source) == ("no-article", f"{path}#g1")
    assert (
        "https://courier.example/trams" in skip.message and "only for feeds read from a URL" in skip.message
    )


def test_atom_file(tmp_path: Path) -> None:
    path = write(tmp_path / "notes.atom", ATOM)
    trams, quay = read_documents([path])
    assert isinstance(trams, Document) and isinstance(quay, Document)
    assert (trams.source, trams.media_type, trams.published) == (
        f"{path}#urn:harbour-notes:trams",
        "html",
        "2025-06-06T08:00:00Z",
    )
    assert (quay.media_type, quay.data, quay.site) == (
        "text",
        b"The harbour office said the west quay would close on Sunday for cleaning.",
        "Harbour Notes",
    )


def test_repeated_ids_still_give_unique_sources(tmp_path: Path) -> None:
    path = write(tmp_path / "courier.rss", rss(*(item(guid="same", description=TEASER) for _ in range(3))))
    sources = [result.source for result in read_documents([path])]
    assert sources == [f"{path}#same", f"{path}#2", f"{path}#3"]


def test_files_that_are_not_feeds(tmp_path: Path) -> None:
    cases = {
        "words.rss": "This is a shopping list: bread, apples, lamp oil.",
        "page.xml": "<html><body><p>A web page, not a feed.</p></body></html>",
        "sitemap.xml": '<?xml version="1.0"?><urlset><url><loc>https://courier.example/</loc></url></urlset>',
        "broken.atom": '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Cut off',
    }
    for name, text in cases.items():
        write(tmp_path / name, text)
    (tmp_path / "binary.rss").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    results = list(read_documents([str(tmp_path / name) for name in [*cases, "binary.rss"]]))
    assert [(result.reason, result.source) for result in results if isinstance(result, Skip)] == [
        ("not-a-feed", str(tmp_path / name)) for name in [*cases, "binary.rss"]
    ]
    assert all(
        result.message.startswith(f"{result.source}: is not an RSS or Atom feed (") for result in results
    )


def test_feed_without_entries_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path / "quiet.rss", rss())
    [skip] = read_documents([path])
    assert isinstance(skip, Skip) and (skip.reason, skip.source) == ("empty", path)


def test_feed_from_a_url_fetches_the_pages_of_entries_without_content() -> None:
    page = f"<html><head><title>Ferry</title></head><body><article>{STORY}</article></body></html>"
    routes = {
        "/story/trams": Route(body=page.encode()),
        "/story/ferry": Route(body=page.encode()),
    }
    with serve(routes) as server:
        feed = rss(
            item(guid="inline", link=server.url("/story/inline"), content=STORY),
            item(guid="teaser", link=server.url("/story/trams"), description=TEASER),
            item(guid="bare", link=server.url("/story/ferry")),
            item(guid="gone", link=server.url("/story/gone")),
        )
        routes["/feed"] = Route(body=feed.encode(), content_type="application/rss+xml")
        results = list(read_documents([server.url("/feed")]))
        fetched = [path for path, _headers in server.requests]
    feed_url = server.url("/feed")
    assert fetched == ["/feed", "/story/trams", "/story/ferry", "/story/gone"]  # never the inline one
    inline, teaser, bare, gone = results
    assert isinstance(inline, Document) and isinstance(teaser, Document) and isinstance(bare, Document)
    assert [inline.source, teaser.source, bare.source] == [
        f"{feed_url}#{key}" for key in ("inline", "teaser", "bare")
    ]
    assert teaser.data == page.encode() and teaser.url == server.url("/story/trams")
    assert (teaser.title, teaser.published, teaser.site) == (
        "Trams every six minutes",
        "2025-06-05T16:30:00Z",
        "Valley Courier",
    )
    assert isinstance(gone, Skip)
    assert (gone.reason, gone.source) == ("fetch-failed", f"{feed_url}#gone")
    assert server.url("/story/gone") in gone.message and "404" in gone.message


def test_feed_url_served_as_generic_xml() -> None:
    with serve({"/atom": Route(body=ATOM.encode(), content_type="text/xml")}) as server:
        results = list(read_documents([server.url("/atom")]))
    assert [type(result).__name__ for result in results] == ["Document", "Document"]


def test_xml_url_that_is_not_a_feed() -> None:
    sitemap = b'<?xml version="1.0"?><urlset><url><loc>https://courier.example/</loc></url></urlset>'
    with serve({"/sitemap.xml": Route(body=sitemap, content_type="application/xml")}) as server:
        [skip] = read_documents([server.url("/sitemap.xml")])
    assert isinstance(skip, Skip) and skip.reason == "not-a-feed"


def test_read_feed_never_takes_its_data_for_a_url() -> None:
    [skip] = read_feed("given", b"http://127.0.0.1:9/feed", None)
    assert isinstance(skip, Skip) and skip.reason == "not-a-feed"


def test_bundled_sample_reads_without_a_skip() -> None:
    documents = list(read_documents([str(SAMPLE)]))
    assert all(isinstance(document, Document) for document in documents) and len(documents) == 2
    articles = [to_article(document) for document in documents if isinstance(document, Document)]
    assert [(article.site, article.published) for article in articles if isinstance(article, Article)] == [
        ("Coastal Desk", "2025-03-11"),
        ("Coastal Desk", "2025-03-12"),
    ]
