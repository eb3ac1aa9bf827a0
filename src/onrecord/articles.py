"""Articles: a raw `Document` in, clean `Article` text plus metadata (or a `Skip`) out.

Plain text is decoded exactly as read, so statement offsets index the file's own text. HTML goes through
trafilatura, which drops page furniture (navigation, comments, "Leave a Reply" forms) and finds the
title, URL, publication date, site name and author.

Metadata: what trafilatura finds in the page wins; the document's own (a WARC record's target URI and
capture date, a JSON Lines record's or feed entry's fields) fills the gaps. For an HTML file with no
date anywhere, the file's modification time is the last resort, and a note says so. Publication dates
are ISO dates (YYYY-MM-DD); one that cannot be read is dropped, with a note.

Language: texts of `language.MIN_WORDS` words or more are checked (py3langid, offline); the extractor
reads English only, so a text that is surely in another language is skipped.

Size: a page over `MAX_HTML_BYTES` once its scripts and styles are removed is refused (``too-large``).

HTML is decoded here (`decoding.decode_html`: byte-order mark, UTF-8, the declared charset, detection)
and trafilatura is given the text. What it finds is an article only when it holds a sentence (see
`MIN_SENTENCE_WORDS`); page furniture alone is ``no-article``.

Reason codes: ``encoding``, ``no-article``, ``empty``, ``not-english``, ``too-large``.
"""

from __future__ import annotations

import datetime
import email.utils
import os
import re
from dataclasses import replace
from typing import Any

from onrecord.decoding import decode_html, decode_text
from onrecord.language import MIN_CONFIDENCE, count_words, detect_language
from onrecord.records import Article, Document, Skip

MAX_HTML_BYTES = 5_000_000
"""A page with more HTML than this once its scripts and styles are gone is refused: the longest news
articles are a small fraction of it, and trafilatura spends about a minute and 650 MB on 20 MB of HTML."""
_SLIM_ABOVE = 1_000_000
_BULK = re.compile(
    rb"<(script|style|svg|noscript)\b(?![^>]*application/ld\+json)[^>]*>.*?</\1\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
MIN_SENTENCE_WORDS = 4
LONG_LINE_WORDS = 25
"""The text found in a page is an article only when it holds a sentence: `MIN_SENTENCE_WORDS` words or
more ending in a full stop, a question or exclamation mark or an ellipsis (a statement needs at least "X
said Y."), or a line of `LONG_LINE_WORDS` words. What trafilatura finds in a page of navigation only
("menu", a list of section names) is not one."""
_SENTENCE_END = re.compile(r"[.!?…。！？](?!\w)")


def to_article(document: Document, fast: bool = False) -> Article | Skip:
    """The article in `document`: decoded text for plain text, the extracted main text for HTML.

    `fast` lets trafilatura skip its fallback extractors (about a quarter less time on HTML)."""
    result = _from_html(document, fast) if document.media_type == "html" else _from_text(document)
    if isinstance(result, Skip):
        return result
    if not result.text.strip():
        return Skip(document.source, "empty", f"{document.source}: the text is only whitespace.")
    checked = _check_language(result)
    if document.media_type == "html" and isinstance(checked, Article) and not holds_a_sentence(checked.text):
        words = count_words(checked.text)
        why = f"{words:,} word{'s' * (words != 1)} and no sentence of {MIN_SENTENCE_WORDS} words or more"
        return Skip(document.source, "no-article", f"{document.source}: no article in the HTML ({why}).")
    return checked


def _check_language(article: Article) -> Article | Skip:
    """The article, or a `not-english` Skip when its text is surely in another language."""
    detected = detect_language(article.text)
    if detected is None or detected.code == "en":
        return article
    sure = f"{detected.confidence:.0%}"
    if detected.confidence >= MIN_CONFIDENCE:
        language = f"{detected.name} ({detected.code}, {sure} sure)"
        message = f"{article.source}: the text is in {language}; onrecord reads English only for now."
        return Skip(article.source, "not-english", message)
    note = f"language unclear (most like {detected.name}, {sure} sure); read as English"
    return replace(article, notes=(*article.notes, note))


def _from_text(document: Document) -> Article | Skip:
    published, notes = _published(None, document)
    try:
        text = document.data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_text(document.data)
        if decoded is None:
            return Skip(
                document.source,
                "encoding",
                f"{document.source}: is not valid UTF-8 and its encoding could not be detected.",
            )
        text, encoding = decoded
        notes = (f"decoded as {encoding} (not valid UTF-8)", *notes)
    return Article(
        source=document.source,
        text=text,
        title=document.title,
        url=document.url,
        published=published,
        site=document.site,
        notes=notes,
    )


def _from_html(document: Document, fast: bool) -> Article | Skip:
    data = slim_html(document.data)
    if len(data) > MAX_HTML_BYTES:
        size = f"{len(data):,} bytes of HTML without its scripts and styles"
        message = f"{document.source}: {size} is over the {MAX_HTML_BYTES:,}-byte limit for one page."
        return Skip(document.source, "too-large", message)
    page, decoding = decode_html(data)
    extracted = _extract_html(page, document.url, fast)
    if isinstance(extracted, Exception):
        why = f"trafilatura failed with {type(extracted).__name__}"
        return Skip(
            document.source, "no-article", f"{document.source}: no article could be extracted ({why})."
        )
    text = _field(extracted, "text")
    if text is None or not text.strip():
        return Skip(document.source, "no-article", f"{document.source}: no article text found in the HTML.")
    published, notes = _published(_field(extracted, "date"), document)
    notes = (decoding, *notes) if decoding else notes
    return Article(
        source=document.source,
        text=text,
        title=_field(extracted, "title") or document.title,
        url=_field(extracted, "url") or document.url,
        published=published,
        site=_site(_field(extracted, "sitename"), document.site),
        author=_field(extracted, "author"),
        notes=notes,
    )


def slim_html(data: bytes) -> bytes:
    """A page over 1 MB without its scripts, styles, inline SVG and comments (JSON-LD metadata is kept):
    trafilatura drops them anyway, and on big pages they are most of the bytes. Smaller pages as given."""
    return data if len(data) <= _SLIM_ABOVE else _BULK.sub(b"", data)


def holds_a_sentence(text: str) -> bool:
    """Whether `text` has `MIN_SENTENCE_WORDS` words or more before a sentence's end mark, or a line of
    `LONG_LINE_WORDS` words."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if count_words(text[start : end.start()]) >= MIN_SENTENCE_WORDS:
            return True
        start = end.end()
    return any(count_words(line) >= LONG_LINE_WORDS for line in text.splitlines())


def _extract_html(page: str, url: str | None, fast: bool) -> Any:
    """trafilatura's result (a `trafilatura.settings.Document` or None), or the exception it raised.

    It is given text, never bytes: decoded here (`decoding.decode_html`), as trafilatura reads no
    declared charset, and so that it does not try to decompress the page."""
    from trafilatura import bare_extraction  # imported here: slow to load and only needed for HTML

    try:
        return bare_extraction(page, url=url, include_comments=False, with_metadata=True, fast=fast)
    except Exception as error:  # a malformed page must not sink the batch: it becomes a Skip
        return error


def _site(found: str | None, given: str | None) -> str | None:
    """trafilatura's site name, unless it is only a host name (its guess when the page names none) and
    the document names the site (a JSON Lines record's or a feed's own `site`)."""
    if found and given and " " not in found and "." in found:
        return given
    return found or given


def _published(found: str | None, document: Document) -> tuple[str | None, tuple[str, ...]]:
    """The publication date (the page's, else the document's, else an HTML file's time) and any note."""
    if found:
        return iso_date(found) or found, ()
    if document.published:
        date = iso_date(document.published)
        if date is None:
            return None, (f"publication date {document.published!r} could not be read; left out",)
        return date, ()
    if document.media_type == "html" and os.path.isfile(document.source):
        try:
            mtime = os.path.getmtime(document.source)
        except OSError:
            return None, ()
        date = datetime.datetime.fromtimestamp(mtime, datetime.UTC).date().isoformat()
        return date, ("publication date is the file's modification time (the page gives none)",)
    return None, ()


def iso_date(value: str) -> str | None:
    """An ISO 8601 or RFC 2822 date or timestamp as an ISO date (YYYY-MM-DD, in UTC when it has a zone)."""
    text = value.strip()
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.date().isoformat()


def _field(extracted: Any, name: str) -> str | None:
    value = getattr(extracted, name, None)
    return value if isinstance(value, str) and value else None
