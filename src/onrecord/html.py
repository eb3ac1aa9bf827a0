"""The main text of an HTML page: a publisher's own parser where one exists, trafilatura for the rest.

trafilatura reads every page first (its metadata, and the text when no other extractor does better). When
the page's URL (the document's, else the one trafilatura found in the page) belongs to a publisher that
fundus has a hand-written parser for, that parser reads the same HTML; its body wins when it holds a
sentence. A publisher parser that raises or finds no body is passed over: the page keeps trafilatura's text
(never a skip because one extractor failed). Nothing is fetched: fundus is only given the HTML in hand, and
the URL only chooses which parser reads it.

fundus is imported on the first page whose URL has a host (it takes about a second to load its publisher
table); a build without fundus reads every page with trafilatura.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, replace
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from onrecord.blocks import page_tree, restore
from onrecord.boilerplate import trim_furniture
from onrecord.liveblog import LiveBlog, live_blog
from onrecord.records import Post

TRAFILATURA = "trafilatura"
FUNDUS = "fundus"


@dataclass(frozen=True)
class Extracted:
    """What one page yields: its text and metadata, and which extractor produced the text."""

    text: str
    extractor: str  # "trafilatura", "fundus:<publisher>" (the parser that read the page), "liveblog:<how>"
    title: str | None = None
    author: str | None = None
    date: str | None = None
    url: str | None = None
    sitename: str | None = None
    posts: tuple[Post, ...] = ()  # a live blog's posts (onrecord.liveblog)


def extract_html(
    page: str,
    url: str | None,
    fast: bool,
    published: str | None = None,
) -> Extracted | Exception | None:
    """The page's text and metadata; None when no extractor finds text; trafilatura's exception if it
    raised (a publisher parser's exceptions are never returned: the page falls back to trafilatura).

    `published` (an ISO date the document gives, such as a WARC capture date) picks the publisher parser's
    version valid then. trafilatura's text loses the furniture at its edges (`boilerplate.trim_furniture`)
    and gets back a lost lead paragraph and the later blocks of a split body (`blocks.restore`); a
    publisher parser's is taken as it is. A live blog's body is its posts (`liveblog.live_blog`), whichever
    extractor would have read the page."""
    found = _trafilatura(page, url, fast)
    if isinstance(found, Exception):
        return found
    text = _field(found, "text")
    page_url = _field(found, "url")
    title = _field(found, "title")
    root = page_tree(page)
    extracted = Extracted(
        text=_restored(trim_furniture(text, title), root) if text else "",
        extractor=TRAFILATURA,
        title=title,
        author=_field(found, "author"),
        date=_field(found, "date"),
        url=page_url,
        sitename=_field(found, "sitename"),
    )
    live = _live_blog(page, root, len(extracted.text.split()))
    if live is not None:
        return replace(extracted, text=live.text, extractor=live.extractor, posts=live.posts)
    publisher = next((p for p in map(fundus_publisher, (url, page_url)) if p is not None), None)
    if publisher is not None:
        extracted = _with_publisher_text(extracted, page, publisher, published)
    return extracted if extracted.text.strip() else None


def _restored(text: str, root: Any) -> str:
    try:
        return restore(text, root)
    except Exception:  # a structural rule tripping over a page never costs it trafilatura's text
        return text


def _live_blog(page: str, root: Any, words: int) -> LiveBlog | None:
    try:
        return live_blog(page, root, words)
    except Exception:  # the same: a page that trips the live-blog rules is read as an ordinary one
        return None


def _trafilatura(page: str, url: str | None, fast: bool) -> Any:
    """trafilatura's result (a `trafilatura.settings.Document` or None), or the exception it raised.

    It is given text, never bytes: decoded by the caller, as trafilatura reads no declared charset, and so
    that it does not try to decompress the page."""
    from trafilatura import bare_extraction  # imported here: slow to load and only needed for HTML

    try:
        return bare_extraction(page, url=url, include_comments=False, with_metadata=True, fast=fast)
    except Exception as error:  # a malformed page must not sink the batch: it becomes a Skip
        return error


def _with_publisher_text(extracted: Extracted, page: str, publisher: Any, published: str | None) -> Extracted:
    """`extracted` with the publisher parser's text (and its title, author and date where it has them),
    or as it is when that parser raises or finds no text holding a sentence."""
    from onrecord.articles import holds_a_sentence  # the article test lives with the articles

    parsed = _parse_with(publisher, page, published)
    if parsed is None:
        return extracted
    body = parsed.get("body")
    try:
        text = body.text() if body else ""
    except Exception:  # a body fundus built but cannot print: trafilatura's text stays
        return extracted
    if not isinstance(text, str) or not holds_a_sentence(text):
        return extracted
    title = parsed.get("title")
    authors = [name for name in parsed.get("authors") or () if isinstance(name, str) and name.strip()]
    date = parsed.get("publishing_date")
    return Extracted(
        text=text,
        extractor=f"{FUNDUS}:{publisher.name}",
        title=title if isinstance(title, str) and title.strip() else extracted.title,
        author="; ".join(authors) or extracted.author,
        date=date.isoformat() if isinstance(date, datetime.datetime | datetime.date) else extracted.date,
        url=extracted.url,
        sitename=extracted.sitename or publisher.name,
    )


def _parse_with(publisher: Any, page: str, published: str | None) -> dict[str, Any] | None:
    """The publisher parser's attributes for `page`, or None when it raised."""
    when = None
    if published:
        try:
            when = datetime.date.fromisoformat(published[:10])
        except ValueError:
            when = None
    try:
        parsed = publisher.parser(when).parse(page, "suppress")
    except Exception:  # a publisher parser failing is never a skip: trafilatura's text stays
        return None
    return parsed if isinstance(parsed, dict) else None


def fundus_publisher(url: str | None) -> Any:
    """The fundus publisher whose site `url` is on (its host, or a parent domain of it), or None."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    if "." not in host:
        return None
    publishers = _fundus_publishers()
    labels = host.split(".")
    for start in range(len(labels) - 1):
        found = publishers.get(".".join(labels[start:]))
        if found is not None:
            return found
    return None


@cache
def _fundus_publishers() -> dict[str, Any]:
    """fundus's publishers by host (without `www.`), current and former domains; empty without fundus."""
    try:
        from fundus import PublisherCollection
        from fundus import logging as fundus_logging
    except ImportError:
        return {}
    for logger in fundus_logging.loggers.values():  # its parsers log every attribute they miss
        logger.setLevel(logging.CRITICAL + 1)
    fundus_logging.set_log_level(logging.CRITICAL + 1)
    table: dict[str, Any] = {}
    for publisher in PublisherCollection:
        for domain in (publisher.domain, *(publisher.deprecated_domains or ())):
            host = (urlsplit(domain).hostname or "").lower().removeprefix("www.")
            if host:
                table.setdefault(host, publisher)
    return table


def _field(extracted: Any, name: str) -> str | None:
    value = getattr(extracted, name, None)
    return value if isinstance(value, str) and value else None
