"""Query and path parameters shared by the pages and the API: validated and bounded in one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query

from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.store.lookup import LARGEST_ID
from onrecord.web.data import Filters

MAX_QUERY = 500
MAX_NAME = 200
MAX_LIMIT = 100
MAX_OFFSET = 10_000
MAX_ID = LARGEST_ID
DATE = r"^(\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?)?$"

Words = Annotated[
    str,
    Query(
        min_length=1,
        max_length=MAX_QUERY,
        description='What was said: every word must occur; "quoted words" as a phrase; word* a prefix. '
        "Punctuation alone matches nothing.",
    ),
]
OptionalWords = Annotated[str, Query(max_length=MAX_QUERY, description="What was said (empty: no search).")]
Speaker = Annotated[
    str | None,
    Query(max_length=MAX_NAME, description="Only statements by this speaker: a name, alias or #id."),
]
Site = Annotated[
    str | None, Query(max_length=MAX_NAME, description="Only articles from this site or domain.")
]
Since = Annotated[
    str | None,
    Query(pattern=DATE, description="Published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
]
Until = Annotated[
    str | None,
    Query(pattern=DATE, description="Published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)."),
]
Mode = Annotated[
    str | None,
    Query(
        pattern=r"^(speech|attitude)?$",
        description="Only reported speech (`speech`) or only reported attitudes: beliefs, wishes, "
        "stances (`attitude`); empty or absent: both.",
    ),
]
MinConfidence = Annotated[
    float,
    Query(
        ge=0,
        le=1,
        description="Hide statements less sure than this (calibrated: about this share of those shown "
        f"are right; default {DEFAULT_MIN_CONFIDENCE}).",
    ),
]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Offset = Annotated[
    int, Query(ge=0, le=MAX_OFFSET, description="Items to skip (the previous page's next_offset).")
]
NameFilter = Annotated[
    str | None, Query(max_length=MAX_NAME, description="Only speakers whose name or an alias contains this.")
]
ArticleId = Annotated[int, Path(ge=1, le=MAX_ID, description="The article's id.")]
StatementId = Annotated[int, Path(ge=1, le=MAX_ID, description="The statement's id.")]
PersonId = Annotated[int, Path(ge=1, le=MAX_ID, description="The person's (speaker's) id.")]


def filters(
    q: str,
    speaker: str | None,
    site: str | None,
    since: str | None,
    until: str | None,
    mode: str | None = None,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
) -> Filters:
    """A search from form fields: empty fields (as a form sends them) mean "not given"."""
    return Filters(
        q=q.strip(),
        speaker=speaker.strip() or None if speaker else None,
        site=site.strip() or None if site else None,
        since=since or None,
        until=until or None,
        mode=mode or None,
        min_confidence=min_confidence,
    )
