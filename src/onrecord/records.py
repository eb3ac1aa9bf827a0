"""Frozen records that cross stage boundaries: no spaCy objects ever leave extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

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


@dataclass(frozen=True)
class Skip:
    """An input that could not be processed, with a machine-readable reason and a sentence for humans."""

    source: str
    reason: str
    message: str
