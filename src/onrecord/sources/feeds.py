"""RSS and Atom feeds, from files or URLs, read with feedparser: each entry becomes one Document.

An entry's article is, in this order: its full content (`content:encoded`, Atom `content`); for a feed
read from a URL, the page its http(s) link points to (fetched; a summary is usually only a teaser); its
summary (`description`). An entry with only a link in a feed *file* is not fetched: the file may be old,
and reading a file should not reach the network. HTML content is wrapped in a minimal page for
trafilatura. `url`, `title` and `published` come from the entry, `site` from the feed's title.

A feed is parsed from the bytes read and nothing else: feedparser is handed a stream (given bytes or a
str, it opens a file they name and fetches a URL they spell), its XML parser resolves no external entity,
and neither a stylesheet nor an out-of-line `<content src=...>` is fetched.

`Document.source` is `FEED#KEY`, KEY being the entry's id (guid), else its link, else its 1-based
position in the feed: stable while the feed lists the entry, and unique within the feed.

Reason codes: ``not-a-feed`` (not XML, or XML that is not RSS or Atom), ``empty`` (a feed with no
entries), ``no-article`` (an entry with nothing to read), plus `files`' checks and, for fetched links,
`web`'s.
"""

from __future__ import annotations

import calendar
import html
import io
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import feedparser

from onrecord.records import Document, Skip, without_surrogates
from onrecord.sources import files

Fetcher = Callable[[str, str], Document | Skip]
"""Fetches a page for a feed entry: (source key, link) → a Document with that source, or a Skip."""

_TEXT_TYPES = frozenset({"text/plain"})
_CHARACTER_REFERENCE = re.compile(rb"&#([xX][0-9a-fA-F]{1,16}|[0-9]{1,20});")


def read_feed_file(path: str, limit: int) -> Iterator[Document | Skip]:
    """The entries of the feed file at `path` (read whole, so it is subject to the size limit)."""
    data = files.read_bytes(path, limit)
    if isinstance(data, Skip):
        yield data
        return
    yield from read_feed(path, data, None)


def read_feed(source: str, data: bytes, fetch: Fetcher | None) -> Iterator[Document | Skip]:
    """One Document or Skip per entry of the feed in `data`; `fetch` is given for feeds read from a URL."""
    # A stream, never bytes or str: feedparser opens a str or bytes that names a file, and fetches one
    # that looks like a URL; a stream's bytes are all it reads.
    try:
        parsed: Any = feedparser.parse(io.BytesIO(_CHARACTER_REFERENCE.sub(_valid_reference, data)))
    except Exception as error:  # a malformed feed must not sink the batch: it becomes one Skip
        why = f"feedparser failed with {type(error).__name__}"
        yield Skip(source, "not-a-feed", f"{source}: is not an RSS or Atom feed ({why}).")
        return
    if not parsed.entries:
        if parsed.get("version") and not parsed.get("bozo"):
            yield Skip(source, "empty", f"{source}: the feed has no entries.")
        else:
            why = _why_not_a_feed(parsed)
            yield Skip(source, "not-a-feed", f"{source}: is not an RSS or Atom feed ({why}).")
        return
    site = _text(parsed.feed.get("title"))
    keys: set[str] = set()
    for position, entry in enumerate(parsed.entries, start=1):
        key = _key(source, entry, position, keys)
        yield _entry_document(key, position, entry, site, fetch)


def _valid_reference(found: re.Match[bytes]) -> bytes:
    """A character reference as it is, or U+FFFD's when it names no character (a surrogate, NUL, past
    U+10FFFF): feedparser's lenient parser raised UnicodeEncodeError on `&#xD800;`."""
    digits = found.group(1)
    code = int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
    return b"&#xFFFD;" if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF else found.group()


def _why_not_a_feed(parsed: Any) -> str:
    error = parsed.get("bozo_exception")
    if error is None:
        return "no channel, feed or entries in it"
    if hasattr(error, "getLineNumber"):  # xml.sax's SAXParseException, which names no file
        return f"not well-formed XML: {error.getMessage()} at line {error.getLineNumber()}"
    return f"not well-formed XML: {' '.join(str(error).split()) or type(error).__name__}"


def _key(source: str, entry: Any, position: int, taken: set[str]) -> str:
    name = _text(entry.get("id")) or _text(entry.get("link")) or str(position)
    key = f"{source}#{name}"
    if key in taken:
        key = f"{source}#{position}"
    taken.add(key)
    return key


def _entry_document(
    key: str, position: int, entry: Any, site: str | None, fetch: Fetcher | None
) -> Document | Skip:
    title = _text(entry.get("title"))
    link = _text(entry.get("link"))
    metadata = {"url": link, "title": title, "published": _published(entry), "site": site}
    content = _best_content(entry.get("content") or [])
    fetchable = link is not None and link.lower().startswith(("http://", "https://"))
    if content is None and fetch is not None and link and fetchable:
        fetched = fetch(key, link)
        if isinstance(fetched, Skip):
            return fetched
        published = metadata["published"] or fetched.published
        return replace(fetched, title=title or fetched.title, published=published, site=site or fetched.site)
    if content is None:
        summary = entry.get("summary_detail")
        content = (summary.get("value", ""), summary.get("type", "")) if summary else None
    if content is None or not content[0].strip():
        named = f"entry {position}" + (f" ({title})" if title else "")
        if link and not fetchable:
            more = f"; its link {link} is not an http(s) URL"
        else:
            more = f"; its link {link} is fetched only for feeds read from a URL" if link else ""
        return Skip(key, "no-article", f"{key}: feed {named} has no content or summary{more}.")
    value, content_type = content
    if content_type in _TEXT_TYPES:
        return Document(
            source=key, data=without_surrogates(value).encode("utf-8"), media_type="text", **metadata
        )
    return Document(source=key, data=_page(value, metadata), media_type="html", **metadata)


def _best_content(contents: list[Any]) -> tuple[str, str] | None:
    """The longest of an entry's content elements, as (value, type)."""
    values = [(str(item.get("value", "")), str(item.get("type", ""))) for item in contents]
    values = [value for value in values if value[0].strip()]
    return max(values, key=lambda value: len(value[0])) if values else None


def _page(fragment: str, metadata: dict[str, str | None]) -> bytes:
    """An HTML fragment from a feed as a minimal page (trafilatura finds no article in a bare fragment),
    with the entry's metadata as the meta tags a publisher's page has, so that trafilatura finds it
    rather than guessing (a year in the text is no publication date)."""
    head = ['<meta charset="utf-8">']
    for value, template in [
        (metadata["title"], "<title>{}</title>"),
        (metadata["site"], '<meta property="og:site_name" content="{}">'),
        (metadata["published"], '<meta property="article:published_time" content="{}">'),
        (metadata["url"], '<link rel="canonical" href="{}">'),
    ]:
        if value:
            head.append(template.format(html.escape(value)))
    page = f"<html><head>{''.join(head)}</head><body><article>{fragment}</article></body></html>"
    return without_surrogates(page).encode("utf-8")


def _published(entry: Any) -> str | None:
    """The entry's publication (else update) time in UTC, as ISO 8601."""
    for name in ("published_parsed", "updated_parsed"):
        value = entry.get(name)
        if isinstance(value, time.struct_time):
            return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(value)))
    return None


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None
