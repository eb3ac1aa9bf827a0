"""http(s) URLs: a page becomes one Document, a feed one Document per entry (see `feeds`).

Downloads go through httpx with a clear user agent (`USER_AGENT`), redirects followed (at most
`MAX_REDIRECTS`), `TIMEOUT` seconds to connect and between two reads, at most `TOTAL_TIMEOUTS` times that
for the whole download, and the size limit checked while the body streams in (an oversize page is never
held in memory). `Document.source` is the URL as given; `Document.url` is the URL after redirects.

Reason codes: ``fetch-failed`` (an invalid URL, no connection, a timeout, an HTTP error status, a page
that is neither HTML nor a feed, an empty body: the message gives the status or reason), ``too-large``
(over the size limit), plus `feeds`' codes for a feed.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx

from onrecord import __version__
from onrecord.records import Document, Skip
from onrecord.sources import feeds, files

TIMEOUT = 10.0
"""Seconds to connect, and between two reads of a response."""
TOTAL_TIMEOUTS = 6
"""The whole download may take this many times `TIMEOUT`."""
MAX_REDIRECTS = 5
USER_AGENT = f"onrecord/{__version__} (+https://github.com/onrecord)"

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
XML_TYPES = frozenset({"application/xml", "text/xml"})
_FEED_STARTS = (b"<rss", b"<feed", b"<rdf:rdf")
_SNIFF_BYTES = 2048


@dataclass(frozen=True)
class Fetched:
    """A downloaded body: the URL it came from after redirects and its media type (lowercase, no
    parameters; empty when the server sent none)."""

    url: str
    media_type: str
    data: bytes


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def read_url(url: str, limit: int, timeout: float = TIMEOUT) -> Iterator[Document | Skip]:
    """The page at `url` as one Document, or the entries of the feed there, or a Skip saying why not."""
    with client(timeout) as session:
        fetched = fetch(session, url, limit, timeout)
        if isinstance(fetched, Skip):
            yield fetched
        elif is_feed(fetched):

            def page(source: str, link: str) -> Document | Skip:
                return fetch_page(session, source, link, limit, timeout)

            yield from feeds.read_feed(url, fetched.data, page)
        elif fetched.media_type in HTML_TYPES or not fetched.media_type:
            yield Document(source=url, data=fetched.data, media_type="html", url=fetched.url)
        else:
            yield _failed(url, url, f"it is {fetched.media_type}, not an HTML page or a feed")


def fetch_page(session: httpx.Client, source: str, url: str, limit: int, timeout: float) -> Document | Skip:
    """The HTML page at `url` as a Document with the given `source` key (a feed entry's)."""
    fetched = fetch(session, url, limit, timeout, source)
    if isinstance(fetched, Skip):
        return fetched
    if fetched.media_type and fetched.media_type not in HTML_TYPES:
        return _failed(source, url, f"it is {fetched.media_type}, not an HTML page")
    return Document(source=source, data=fetched.data, media_type="html", url=fetched.url)


def client(timeout: float = TIMEOUT) -> httpx.Client:
    return httpx.Client(
        timeout=httpx.Timeout(timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT},
    )


def fetch(
    session: httpx.Client, url: str, limit: int, timeout: float = TIMEOUT, source: str | None = None
) -> Fetched | Skip:
    """The body at `url`, or a Skip (for `source`, by default the URL) saying why it could not be had."""
    key = source or url
    deadline = time.monotonic() + timeout * TOTAL_TIMEOUTS
    try:
        with session.stream("GET", url) as response:
            media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
            refused = _refusal(key, url, response, media_type, limit)
            if refused is not None:
                return refused
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > limit:
                    stopped = f"stopped after {size:,} bytes"
                    message = f"{key}: the download is over the {limit:,}-byte limit ({stopped})."
                    return Skip(key, "too-large", message)
                if time.monotonic() > deadline:
                    return _failed(key, url, f"the download took longer than {timeout * TOTAL_TIMEOUTS:g} s")
                chunks.append(chunk)
            final = str(response.url)
    except httpx.TimeoutException:
        return _failed(key, url, f"no answer within {timeout:g} s (timed out)")
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        return _failed(key, url, _describe(error))
    data = b"".join(chunks)
    if not data.strip():
        return _failed(key, url, "the server sent an empty page")
    return Fetched(url=final, media_type=media_type, data=data)


def _refusal(key: str, url: str, response: httpx.Response, media_type: str, limit: int) -> Skip | None:
    """Why the response is refused before its body is read: an error status, a type, a declared size."""
    if response.status_code >= 300:
        return _failed(
            key, url, f"the server answered {response.status_code} {response.reason_phrase}".rstrip()
        )
    acceptable = HTML_TYPES | FEED_TYPES | XML_TYPES
    if media_type and media_type not in acceptable:
        return _failed(key, url, f"it is {media_type}, not an HTML page or a feed")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return files.too_large(key, int(declared), limit, "one download")
    return None


def is_feed(fetched: Fetched) -> bool:
    """A feed by its media type (generic XML counts), or with no type, a body that starts like one."""
    if fetched.media_type:
        return fetched.media_type in FEED_TYPES | XML_TYPES
    start = fetched.data[:_SNIFF_BYTES].lower()
    return any(tag in start for tag in _FEED_STARTS)


def _failed(key: str, url: str, why: str) -> Skip:
    subject = url if key == url else f"{key}: {url}"
    return Skip(key, "fetch-failed", f"{subject}: {why}.")


def _describe(error: Exception) -> str:
    text = " ".join(str(error).split()).rstrip(".")
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
