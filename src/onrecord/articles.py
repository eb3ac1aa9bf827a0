"""Articles: a raw `Document` in, clean `Article` text plus metadata (or a `Skip`) out.

Plain text is decoded exactly as read, so statement offsets index the file's own text. HTML goes through
trafilatura, which drops page furniture (navigation, comments, "Leave a Reply" forms) and finds the
title, URL, publication date, site name and author.

Metadata: what trafilatura finds in the page wins; the document's own (a WARC record's target URI and
capture date, a JSON Lines record's or feed entry's fields) fills the gaps. For an HTML file with no
date anywhere, the file's modification time is the last resort, and a note says so. Publication dates
are ISO dates (YYYY-MM-DD); one that cannot be read is dropped, with a note.

Language: texts of `language.MIN_WORDS` words or more are checked (py3langid, offline, and the script
check beside it); a text surely in English or French (with its model installed) is kept with its language
code, one surely in another language is skipped.

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
from functools import cache

from onrecord.decoding import decode_html, decode_text
from onrecord.html import extract_html
from onrecord.language import MODELS, count_words, has_model, language_name, read_language
from onrecord.records import Article, Document, Skip

HEADLINE_CHARS = 200  # a plain text's first line longer than this is not its headline
MAX_HTML_BYTES = 5_000_000
"""A page with more HTML than this once its scripts and styles are gone is refused: the longest news
articles are a small fraction of it, and trafilatura spends about a minute and 650 MB on 20 MB of HTML."""
_SLIM_ABOVE = 1_000_000
MIN_SENTENCE_WORDS = 4
LONG_LINE_WORDS = 25
"""The text found in a page is an article only when it holds a sentence: `MIN_SENTENCE_WORDS` words or
more ending in a full stop, a question or exclamation mark or an ellipsis (a statement needs at least "X
said Y."), or a line of `LONG_LINE_WORDS` words. What trafilatura finds in a page of navigation only
("menu", a list of section names) is not one."""
_SENTENCE_END = re.compile(r"[.!?…。！？](?!\w)")
_BULK_START = re.compile(rb"<(script|style|svg|noscript)\b|<!--", re.IGNORECASE)
_TAG_END = re.compile(rb">")
_COMMENT_END = re.compile(rb"-->")
_LD_JSON = re.compile(rb"application/ld\+json", re.IGNORECASE)


def to_article(document: Document, fast: bool = False) -> Article | Skip:
    """The article in `document`: decoded text for plain text, the extracted main text for HTML.

    `fast` lets trafilatura skip its fallback extractors (about a quarter less time on HTML)."""
    result = html_article(document, fast) if document.media_type == "html" else _from_text(document)
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
    """The article with its language code, or a `not-english` Skip when its text is surely in a language
    onrecord has no model for (the reason code is kept from when English was the only one)."""
    detected = read_language(article.text)
    if detected is None or detected.code == "en":
        return article
    if detected.sure:
        if has_model(detected.code):
            return replace(article, language=detected.code)
        language = f"{detected.name} ({detected.code}, {detected.evidence})"
        read = " and ".join(language_name(code) for code in MODELS if has_model(code))
        message = f"{article.source}: the text is in {language}; onrecord reads {read} only for now."
        return Skip(article.source, "not-english", message)
    note = f"language unclear (most like {detected.name}, {detected.evidence}); read as English"
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
        title=document.title or headline(text),
        url=document.url,
        published=published,
        site=document.site,
        notes=notes,
    )


def headline(text: str) -> str | None:
    """The first line of a plain text when it reads as a headline: short, set apart by a blank line, not
    ending like a sentence (`.`, `,`, `:`, `;`). The text itself is left as it is."""
    lines = text.lstrip("\ufeff").lstrip().split("\n", 2)
    if len(lines) < 3 or lines[1].strip():
        return None
    first = " ".join(lines[0].split())
    if not 3 <= len(first) <= HEADLINE_CHARS or first[-1] in ".,:;" or not lines[2].strip():
        return None
    return first


def html_article(document: Document, fast: bool = False) -> Article | Skip:
    """An HTML document's article before the language and sentence checks of `to_article`."""
    data = slim_html(document.data)
    if len(data) > MAX_HTML_BYTES:
        size = f"{len(data):,} bytes of HTML without its scripts and styles"
        message = f"{document.source}: {size} is over the {MAX_HTML_BYTES:,}-byte limit for one page."
        return Skip(document.source, "too-large", message)
    page, decoding = decode_html(data)
    extracted = extract_html(page, document.url, fast, iso_date(document.published or ""))
    if isinstance(extracted, Exception):
        why = f"trafilatura failed with {type(extracted).__name__}"
        return Skip(
            document.source, "no-article", f"{document.source}: no article could be extracted ({why})."
        )
    if extracted is None:
        return Skip(document.source, "no-article", f"{document.source}: no article text found in the HTML.")
    published, notes = _published(extracted.date, document)
    notes = (decoding, *notes) if decoding else notes
    return Article(
        source=document.source,
        text=extracted.text,
        title=extracted.title or document.title,
        url=extracted.url or document.url,
        published=published,
        site=_site(extracted.sitename, document.site),
        author=extracted.author,
        notes=notes,
        extractor=extracted.extractor,
        posts=extracted.posts,
    )


def slim_html(data: bytes) -> bytes:
    """A page over 1 MB without its scripts, styles, inline SVG and comments (JSON-LD metadata is kept):
    trafilatura drops them anyway, and on big pages they are most of the bytes. Smaller pages as given.

    Each opening tag is matched with the first closing tag of its name after it (the first `-->` for a
    comment), in one pass over the page: a regular expression doing this searched to the end of the page
    again for every tag left open, so a megabyte of unclosed `<script>` tags took hours."""
    if len(data) <= _SLIM_ABOVE:
        return data
    following = _Following(data)
    kept, copied, scan = [], 0, 0
    while (start := _BULK_START.search(data, scan)) is not None:
        end = _bulk_end(start, following)
        if end is None:
            scan = start.start() + 1
            continue
        kept.append(data[copied : start.start()])
        copied = scan = end
    kept.append(data[copied:])
    return b"".join(kept)


def _bulk_end(start: re.Match[bytes], following: _Following) -> int | None:
    """Where the script, style, SVG or comment opening at `start` ends with its closing tag, or None."""
    if start.group(1) is None:
        comment_end = following.match(_COMMENT_END, start.end())
        return comment_end.end() if comment_end else None
    tag_end = following.match(_TAG_END, start.end())
    if tag_end is None:
        return None
    ld_json = following.match(_LD_JSON, start.end())
    if ld_json is not None and ld_json.start() < tag_end.start():
        return None  # JSON-LD metadata is kept
    name = start.group(1).lower()
    closing = following.match(_closing_tag(name), tag_end.end())
    return closing.end() if closing else None


@cache
def _closing_tag(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"</" + name + rb"\s*>", re.IGNORECASE)


class _Following:
    """The first match of a pattern at or after a position, remembered per pattern: asked at positions
    that only grow, each pattern reads each part of the page once."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.last: dict[re.Pattern[bytes], tuple[int, re.Match[bytes] | None]] = {}

    def match(self, pattern: re.Pattern[bytes], at: int) -> re.Match[bytes] | None:
        asked, found = self.last.get(pattern, (-1, None))
        if asked < 0 or at < asked or (found is not None and found.start() < at):
            found = pattern.search(self.data, at)
            self.last[pattern] = (at, found)
        return found


def holds_a_sentence(text: str) -> bool:
    """Whether `text` has `MIN_SENTENCE_WORDS` words or more before a sentence's end mark, or a line of
    `LONG_LINE_WORDS` words."""
    start = 0
    for end in _SENTENCE_END.finditer(text):
        if count_words(text[start : end.start()]) >= MIN_SENTENCE_WORDS:
            return True
        start = end.end()
    return any(count_words(line) >= LONG_LINE_WORDS for line in text.splitlines())


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
