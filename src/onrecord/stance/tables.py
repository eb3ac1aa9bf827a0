"""Rich renderings of a stance report: positions over time, shifts with their evidence, the statements.

Text from the store is always shown as plain text (markup off), never interpreted as Rich markup.
"""

from __future__ import annotations

from types import TracebackType

from rich.console import Console, Group
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from onrecord.output import plain, printable
from onrecord.stance.records import Shift, SpeakerPosition, StanceReport, StanceStatement

STYLES = {"support": "green", "oppose": "red", "neutral": "dim", "mixed": "yellow"}
MAX_TEXT = 200
MAX_PERIODS = 12
"""The positions table shows the latest this many months (the JSON has them all)."""


def report_view(report: StanceReport) -> Group:
    return Group(
        Text(printable(f"Proposition: {report.proposition}"), style="bold"),
        positions_table(report.positions),
        shifts_table(report.shifts, report.statements),
        statements_table(report.statements),
    )


def positions_table(positions: tuple[SpeakerPosition, ...]) -> Table:
    periods = sorted({p.period for p in positions})[-MAX_PERIODS:]
    table = Table(title="Positions by month (support/oppose/neutral)", title_justify="left")
    table.add_column("speaker", overflow="fold")
    for period in periods:
        table.add_column(period)
    rows: dict[tuple[str, int | None, bool], dict[str, SpeakerPosition]] = {}
    for position in positions:
        rows.setdefault((position.speaker, position.speaker_id, position.reported), {})[position.period] = (
            position
        )
    for (speaker, speaker_id, reported), cells in rows.items():
        name = f"{speaker} (#{speaker_id})" if speaker_id is not None else speaker
        cells_shown = [_cell(cells.get(period)) for period in periods]
        table.add_row(plain(name + (" (reported)" if reported else "")), *cells_shown)
    return table


def _cell(position: SpeakerPosition | None) -> Text:
    if position is None:
        return Text("")
    counts = f"{position.support}/{position.oppose}/{position.neutral}"
    return Text(f"{position.stance} {counts}", style=STYLES[position.stance])


def shifts_table(shifts: tuple[Shift, ...], statements: tuple[StanceStatement, ...]) -> Table:
    said = {s.statement_id: s for s in statements}
    table = Table(title=f"{len(shifts)} shift(s): findings to review", title_justify="left", show_lines=True)
    for column in ("speaker", "shift", "before", "after"):
        table.add_column(column, overflow="fold")
    for shift in shifts:
        table.add_row(
            plain(shift.speaker),
            Text(f"{shift.from_stance} → {shift.to_stance}"),
            _evidence(shift.before, shift.before_date, said),
            _evidence(shift.after, shift.after_date, said),
        )
    return table


def _evidence(statement_id: int, date: str, said: dict[int, StanceStatement]) -> Text:
    statement = said.get(statement_id)
    return plain(f"{date} #{statement_id}: {_clip(statement.text) if statement else ''}")


def statements_table(statements: tuple[StanceStatement, ...]) -> Table:
    table = Table(title=f"{len(statements)} relevant statement(s)", title_justify="left", show_lines=True)
    for column in ("#", "date", "speaker", "stance", "statement"):
        table.add_column(column, overflow="fold")
    for statement in statements:
        who = statement.speaker or "(unknown)"
        if statement.reported:
            who += f" (reported by {statement.said_by or 'unknown'})"
        note = "" if statement.counted else " (not counted)"
        table.add_row(
            Text(str(statement.statement_id)),
            plain(statement.published),
            plain(who),
            Text(
                f"{statement.stance} {statement.confidence:.2f} by {statement.by}{note}",
                style=STYLES[statement.stance],
            ),
            plain(_clip(statement.text)),
        )
    return table


class BuildProgress:
    """A progress bar on stderr while missing embeddings are built (a line of text off a terminal)."""

    def __init__(self, console: Console) -> None:
        self.console = console
        self.progress = Progress(
            TextColumn("building embeddings"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            disable=not console.is_terminal,
            transient=True,
        )
        self.task: TaskID | None = None

    def __enter__(self) -> BuildProgress:
        self.progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.progress.stop()

    def update(self, done: int, total: int) -> None:
        if self.task is None:
            self.task = self.progress.add_task("", total=total)
            if not self.console.is_terminal:
                self.console.print(f"onrecord: building embeddings for {total} statement(s), once.")
        self.progress.update(self.task, completed=done)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
