"""The frozen records of a stance report: statements with a stance each, positions, shifts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from onrecord.records import Span

Stance = Literal["support", "oppose", "neutral"]
Position = Literal["support", "oppose", "neutral", "mixed"]
Label = Literal["support", "oppose", "neutral", "irrelevant"]
LABELS: tuple[Label, ...] = ("support", "oppose", "neutral", "irrelevant")


class StanceError(Exception):
    """A stance question that cannot be answered as asked (a one-word proposition, an unknown statement
    in a mark, a missing model); one sentence for humans."""


class StanceInputError(StanceError):
    """A stance question asked wrongly (a proposition of one word, a mark of an unknown statement or with
    an unknown label): the command line's usage error."""


@dataclass(frozen=True)
class StanceStatement:
    """A relevant statement and its stance toward the proposition.

    `speaker`/`speaker_id`: who the stance is credited to (for a second-hand report, the person it is
    about, with `reported` true and `said_by` the outlet or person reporting it). `by`: "model" or
    "person" (a mark). `period`: the month the stance is dated to (the month the text describes, when
    it says so, else the month published); `past`: it describes an earlier stance without a date (left
    out of positions and shifts). `counted`: in positions (confident enough, and not such a description).
    """

    statement_id: int
    url: str | None
    document: str
    published: str | None
    speaker: str | None
    speaker_id: int | None
    content: tuple[Span, ...]
    stance: Stance
    confidence: float
    reported: bool
    by: Literal["model", "person"]
    text: str
    said_by: str | None
    relevance: float
    period: str | None
    past: bool
    counted: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "statement_id": self.statement_id,
            "url": self.url,
            "document": self.document,
            "published": self.published,
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "content": [{"start": s.start, "end": s.end, "text": s.text} for s in self.content],
            "stance": self.stance,
            "confidence": round(self.confidence, 4),
            "reported": self.reported,
            "by": self.by,
        }


@dataclass(frozen=True)
class SpeakerPosition:
    """A speaker's position in one month: counted statements of each stance; `reported` positions
    (from second-hand reports) are kept apart from first-hand ones."""

    speaker: str
    speaker_id: int | None
    period: str
    stance: Position
    support: int
    oppose: int
    neutral: int
    reported: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "period": self.period,
            "stance": self.stance,
            "support": self.support,
            "oppose": self.oppose,
            "neutral": self.neutral,
            "reported": self.reported,
        }


@dataclass(frozen=True)
class Shift:
    """A finding to review: a speaker's first-hand position in one period against a later one.
    `before`/`after`: the ids of the statements that show each side, with their dates."""

    speaker: str
    speaker_id: int | None
    from_stance: Position
    to_stance: Position
    before: int
    after: int
    before_date: str
    after_date: str

    def to_json(self) -> dict[str, Any]:
        return {
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "from": self.from_stance,
            "to": self.to_stance,
            "before": self.before,
            "after": self.after,
            "before_date": self.before_date,
            "after_date": self.after_date,
        }


@dataclass(frozen=True)
class StanceReport:
    """Where each speaker stands on `proposition`: the relevant statements (most relevant first), the
    positions per speaker per month, and the shifts."""

    proposition: str
    statements: tuple[StanceStatement, ...]
    positions: tuple[SpeakerPosition, ...]
    shifts: tuple[Shift, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "proposition": self.proposition,
            "statements": [s.to_json() for s in self.statements],
            "positions": [p.to_json() for p in self.positions],
            "shifts": [s.to_json() for s in self.shifts],
        }
