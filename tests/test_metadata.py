"""Article metadata: what trafilatura finds in the page wins; the document's own metadata (a WARC record's,
a JSON Lines record's, a feed entry's) fills the gaps; an HTML file's time is the last resort, noted."""

from __future__ import annotations

import datetime
import os
from pathlib import Path

import pytest

from onrecord.articles import iso_date, to_article
from onrecord.records import Article, Document
from onrecord.sources import read_documents

BODY = (
    "<article><h1>Night buses for Quillbury</h1><p>Night buses will run between Quillbury and the "
    "airport on weekends from the autumn, the regional transport office said on Friday, after a long "
    "campaign by shift workers at the terminal.</p><p>“People who keep the airport running have had no way "
    "home after midnight,” union organiser Bettina Lowry said.</p></article>"
)
BARE_PAGE = f"<html><head></head><body>{BODY}</body></html>"
RICH_PAGE = f"""<html><head><title>Night buses for Quillbury</title>
<meta property="og:site_name" content="Quillbury Evening Star">
<meta name="author" content="Petra Lindqvist">
<meta property="article:published_time" content="2024-09-13T06:00:00+00:00">
<link rel="canonical" href="https://star.example/transport/night-buses">
</head><body>{BODY}</body></html>"""


def html_document(page: str, **metadata: str) -> Document:
    return Document(source="capture.warc.gz#1234", data=page.encode(), media_type="html", **metadata)


def as_article(document: Document) -> Article:
    article = to_article(document)
    assert isinstance(article, Article), article
    return article


def test_page_metadata_wins_over_the_documents() -> None:
    article = as_article(
        html_document(
            RICH_PAGE,
            url="https://star.example/capture?id=9",
            published="2024-10-01T00:00:00Z",
            title="Captured page",
            site="star.example",
        )
    )
    assert (article.url, article.published, article.title, article.site, article.author) == (
        "https://star.example/transport/night-buses",
        "2024-09-13",
        "Night buses for Quillbury",
        "Quillbury Evening Star",
        "Petra Lindqvist",
    )
    assert article.notes == ()


def test_document_metadata_fills_what_the_page_lacks() -> None:
    article = as_article(
        html_document(
            BARE_PAGE,
            url="https://star.example/night-buses",
            published="2024-10-01T23:15:00-02:00",
            title="Night buses",
            site="Quillbury Evening Star",
        )
    )
    assert (article.url, article.published, article.title, article.site) == (
        "https://star.example/night-buses",
        "2024-10-02",  # an ISO date, in UTC
        "Night buses for Quillbury",  # trafilatura finds the headline
        "Quillbury Evening Star",  # beats trafilatura's guess from the host name
    )


def test_a_date_that_cannot_be_read_is_left_out_with_a_note() -> None:
    article = as_article(html_document(BARE_PAGE, published="2008-10-294T05:21:46-0700"))
    assert article.published is None
    assert article.notes == ("publication date '2008-10-294T05:21:46-0700' could not be read; left out",)


def test_html_file_without_a_date_falls_back_to_the_file_time_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "night-buses.html"
    path.write_text(BARE_PAGE, encoding="utf-8")
    moment = datetime.datetime(2024, 11, 5, 12, 0, tzinfo=datetime.UTC).timestamp()
    os.utime(path, (moment, moment))
    [document] = read_documents([str(path)])
    assert isinstance(document, Document)
    article = as_article(document)
    assert article.published == "2024-11-05"
    assert article.notes == ("publication date is the file's modification time (the page gives none)",)


def test_html_file_with_a_date_keeps_it(tmp_path: Path) -> None:
    path = tmp_path / "night-buses.html"
    path.write_text(RICH_PAGE, encoding="utf-8")
    [document] = read_documents([str(path)])
    assert isinstance(document, Document)
    article = as_article(document)
    assert (article.published, article.notes) == ("2024-09-13", ())


def test_plain_text_file_has_no_metadata(tmp_path: Path) -> None:
    path = tmp_path / "wire.txt"
    path.write_text("Night buses will run from the autumn, the transport office said.", encoding="utf-8")
    [document] = read_documents([str(path)])
    assert isinstance(document, Document)
    article = as_article(document)
    assert (article.title, article.url, article.published, article.site, article.notes) == (
        None,
        None,
        None,
        None,
        (),
    )


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2025-03-04", "2025-03-04"),
        ("2025-03-04T08:15:00Z", "2025-03-04"),
        ("2025-03-04T23:15:00-05:00", "2025-03-05"),
        ("Tue, 04 Mar 2025 08:15:00 +0100", "2025-03-04"),
        ("  2025-03-04 08:15  ", "2025-03-04"),
        ("last Tuesday", None),
        ("2008-10-294T05:21:46-0700", None),
        ("", None),
    ],
)
def test_iso_date(value: str, date: str | None) -> None:
    assert iso_date(value) == date
