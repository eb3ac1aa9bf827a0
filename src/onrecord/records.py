"""Frozen records that cross stage boundaries: no spaCy objects ever leave extraction.

The strings in a `Document`, an `Article` and a `Skip` are valid Unicode: a lone surrogate (from a JSON
`\\udc00` escape, a feed's character reference, a file name that is not UTF-8) becomes U+FFFD, one
character for one, so offsets are kept; everything stored or printed is made from these records, and UTF-8
cannot encode a lone surrogate. `Statement` spans are not changed: they slice the text `extract` was given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from typing import Literal

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # in a str, a well-formed pair is already one code point


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate replaced by U+FFFD: the same length (`text` itself if it has none)."""
    return _LONE_SURROGATE.sub("\ufffd", text) if _LONE_SURROGATE.search(text) else text


def _valid_strings(record: Document | Article | Skip) -> None:
    """Replace the lone surrogates in a frozen record's string fields (and tuples of strings) in place."""
    for name in (item.name for item in fields(record)):
        value = getattr(record, name)
        if isinstance(value, str):
            cleaned: object = without_surrogates(value)
        elif isinstance(value, tuple) and all(isinstance(part, str) for part in value):
            cleaned = tuple(without_surrogates(part) for part in value)
        else:
            continue
        if cleaned != value:
            object.__setattr__(record, name, cleaned)


SpeakerType = Literal["person", "organization", "media", "unknown"]
StatementKind = Literal["direct", "mixed", "indirect"]
StatementMode = Literal["speech", "attitude"]


@dataclass(frozen=True)
class Span:
    """A slice of `Article.text`: `text == article_text[start:end]`."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Speaker:
    """Who made a statement: the local mention in the text and who it resolves to."""

    name: str | None
    type: SpeakerType = "unknown"
    role: str | None = None
    mention: Span | None = None
    co_speakers: tuple[str, ...] = ()  # others named with this speaker: `Leahy` in `Grassley and Leahy said`


@dataclass(frozen=True)
class Statement:
    """One attributed statement: what was said (possibly discontinuous), the cue and the speaker."""

    id: str
    kind: StatementKind
    content: tuple[Span, ...]
    cue: Span | None
    speaker: Speaker
    confidence: float
    mode: StatementMode = "speech"  # "attitude": a reported belief, wish or stance (`hopes`, `wants to`)


@dataclass(frozen=True)
class Document:
    """Raw input as read from a source, before any cleaning."""

    source: str
    data: bytes
    media_type: Literal["text", "html"]
    url: str | None = None
    published: str | None = None
    title: str | None = None
    site: str | None = None

    def __post_init__(self) -> None:
        _valid_strings(self)


@dataclass(frozen=True)
class Post:
    """One post of a live blog: `Article.text[start:end]`, and its own time where the page gives one (an
    ISO 8601 date or timestamp, in UTC when the page gives a zone)."""

    start: int
    end: int
    published: str | None = None


@dataclass(frozen=True)
class Article:
    """Clean article text plus metadata; statement offsets index `text`."""

    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    site: str | None = None
    language: str = "en"
    author: str | None = None
    notes: tuple[str, ...] = field(default=())
    extractor: str | None = None  # HTML: "trafilatura", "fundus:<publisher>" or "liveblog:<how>"
    posts: tuple[Post, ...] = ()  # a live blog's posts, in page order (onrecord.liveblog); else empty

    def __post_init__(self) -> None:
        _valid_strings(self)

    def time_at(self, offset: int) -> str | None:
        """The time of the live post holding `offset` of `text`: a statement's own time when `offset` is
        where its content starts. None outside the posts, in an undated post, or for an ordinary article."""
        return next((post.published for post in self.posts if post.start <= offset < post.end), None)


@dataclass(frozen=True)
class Skip:
    """An input that could not be processed, with a machine-readable reason and a sentence for humans."""

    source: str
    reason: str
    message: str

    def __post_init__(self) -> None:
        _valid_strings(self)
