"""Rich renderings of the record: the ingest progress bar and summary, search hits, people, one person.

Every string from the store goes through `output.plain`: shown literally (never read as Rich markup),
control characters and bidi controls as visible escapes.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType
from typing import Generic, TypeVar

from rich.console import Console, Group
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from onrecord.batch.outcomes import BatchSummary
from onrecord.ingest import IngestSummary
from onrecord.output import plain, printable
from onrecord.queries import PersonRecord, PersonSummary, SearchHit
from onrecord.records import Skip

MAX_TEXT = 300
Summary = TypeVar("Summary")


def counts_line(summary: IngestSummary) -> str:
    """An ingest's (or merge's) progress: what was read, stored, found again, skipped."""
    skipped = ", ".join(f"{reason} {count}" for reason, count in summary.skipped)
    return (
        f"read {summary.read} · stored {summary.stored} · already {summary.already} · "
        f"duplicates {summary.duplicates} · near-duplicates {summary.near_duplicates} · "
        f"skipped {summary.skipped_total}{f' ({skipped})' if skipped else ''} · "
        f"statements {summary.statements}"
    )


class IngestProgress(Generic[Summary]):
    """A progress line with the counts so far (on a terminal only), skips printed above it; `line` turns
    the counts (an ingest's or merge's by default, a batch's with `batch_line`) into the line."""

    def __init__(self, console: Console, line: Callable[[Summary], str]) -> None:
        self.console = console
        self.line = line
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> IngestProgress[Summary]:
        self.progress.start()
        self.task = self.progress.add_task("starting", total=None)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.progress.stop()

    def update(self, summary: Summary) -> None:
        if self.task is not None:
            self.progress.update(self.task, description=self.line(summary))

    def skip(self, skip: Skip) -> None:
        self.console.print(plain(f"onrecord: {skip.message}"), soft_wrap=True)


def batch_line(summary: BatchSummary) -> str:
    """The batch's progress: shards done and left, articles per second, skips by reason."""
    skipped = ", ".join(f"{reason} {count}" for reason, count in summary.skipped)
    rate = summary.articles / summary.seconds if summary.seconds > 0 else 0.0
    return (
        f"shards done {summary.done} · left {summary.left} · failed {summary.failed} · "
        f"articles {summary.articles} ({rate:.1f}/s) · statements {summary.statements} · "
        f"skipped {summary.skipped_total}{f' ({skipped})' if skipped else ''}"
    )


def ingest_table(summary: IngestSummary, db: str, min_confidence: float = 0.0) -> Table:
    table = Table(title=plain(f"Ingested into {db}"), show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    rate = summary.read / summary.seconds if summary.seconds > 0 else 0.0
    rows: list[tuple[str, str]] = [
        ("read", str(summary.read)),
        ("stored (new articles)", str(summary.stored)),
        ("  of which syndicated copies", str(summary.near_duplicates)),
        ("already ingested before", str(summary.already)),
        ("duplicates (same URL or text)", str(summary.duplicates)),
        *((f"skipped: {reason}", str(count)) for reason, count in summary.skipped),
        ("statements added", str(summary.statements)),
        (f"  of which below {min_confidence:g} confidence (hidden by default)", str(summary.unsure)),
        ("statements found again in copies", str(summary.appearances)),
        ("time", f"{summary.seconds:.1f} s ({rate:.1f} inputs/s)"),
    ]
    for what, count in rows:
        table.add_row(what, count)
    return table


def search_table(hits: list[SearchHit], query: str) -> Table:
    title = plain(f"{len(hits)} statement(s) for {query!r}")
    table = Table(title=title, title_justify="left", show_lines=True)
    for column in ("date", "speaker", "statement", "source", "#"):
        table.add_column(column, overflow="fold")
    for hit in hits:
        snippet = Text()
        for fragment, highlighted in hit.snippet:
            snippet.append(printable(fragment), style="bold yellow" if highlighted else None)
        table.add_row(
            plain((hit.published or "")[:10]),
            plain(_speaker(hit.speaker, hit.role, hit.co_speakers) + _mode(hit.mode)),
            snippet,
            plain(hit.site or hit.url or hit.title or f"article {hit.article_id}"),
            plain(str(hit.appearances)),
        )
    return table


def people_table(found: list[PersonSummary]) -> Table:
    table = Table(title=f"{len(found)} speaker(s)", title_justify="left")
    for column in ("id", "name", "type", "statements", "appearances", "roles", "also known as"):
        table.add_column(column, overflow="fold")
    for person in found:
        table.add_row(
            plain(f"#{person.id}"),
            plain(person.name),
            plain(person.type),
            plain(str(person.statements)),
            plain(str(person.appearances)),
            plain("; ".join(person.roles)),
            plain("; ".join(person.aliases[:5])),
        )
    return table


def person_view(record: PersonRecord) -> Group:
    heading = Text(printable(f"{record.name} (#{record.id}, {record.type})"), style="bold")
    if record.aliases:
        heading.append(f"\nalso known as: {printable('; '.join(record.aliases))}", style="dim")
    roles = Table(title="Roles", title_justify="left")
    for column in ("role", "first seen", "last seen", "mentions"):
        roles.add_column(column)
    for role in record.roles:
        roles.add_row(plain(role.role), plain(role.first_seen), plain(role.last_seen), str(role.mentions))
    outlets = Table(title="Outlets", title_justify="left")
    outlets.add_column("site")
    outlets.add_column("appearances", justify="right")
    for outlet in record.outlets:
        outlets.add_row(plain(outlet.site), str(outlet.appearances))
    said = Table(title=f"Statements ({len(record.statements)})", title_justify="left", show_lines=True)
    for column in ("date", "kind", "statement", "source", "#"):
        said.add_column(column, overflow="fold")
    for statement in record.statements:
        said.add_row(
            plain((statement.published or "")[:10]),
            plain(statement.kind + _mode(statement.mode)),
            plain(_clip(statement.text)),
            plain(statement.site or statement.url or statement.title or ""),
            plain(str(statement.appearances)),
        )
    return Group(heading, roles, outlets, said)


def _speaker(name: str | None, role: str | None, others: tuple[str, ...] = ()) -> str:
    if not name:
        return "(unknown)"
    named = " and ".join((name, *others))
    return f"{named}, {role}" if role else named


def _mode(mode: str) -> str:
    """What a table adds for a statement's mode: nothing for speech, a line "(attitude)" otherwise."""
    return "" if mode == "speech" else f"\n({mode})"


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
