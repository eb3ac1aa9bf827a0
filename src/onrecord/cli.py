"""The command line: thin wrappers, each command calling one library function."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import sys
from collections.abc import Callable, Iterable
from dataclasses import asdict
from functools import partial
from pathlib import Path
from typing import NoReturn

import click
from rich.console import Console

from onrecord import queries
from onrecord.evaluation import polnear
from onrecord.extraction import ModelError, extract, mode
from onrecord.ingest import IngestError, ingest
from onrecord.output import jsonl_line, statements_table
from onrecord.pipeline import ExtractResult, extract_paths
from onrecord.records import Skip
from onrecord.store import Correction, StoreError, merge_people, opened, split_person
from onrecord.views import IngestProgress, ingest_table, people_table, person_view, search_table

EXIT_OK = 0
EXIT_SKIPPED = 1  # some input could not be processed; the rest was
# usage errors exit with click's code 2


@click.group()
@click.version_option(package_name="onrecord")
def main() -> None:
    """onrecord: who said what, when, about what — and whether it changed."""


@main.command("extract")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "jsonl"]),
    default="table",
    show_default=True,
    help="A table per document, or one JSON object per document per line.",
)
@click.option("--with-text", is_flag=True, help="Also output each article's text (offsets index it).")
@click.option(
    "--fast",
    is_flag=True,
    help="Faster: rules only (no attribution tagger, no statistical NER), trafilatura without fallbacks.",
)
def extract_command(paths: tuple[str, ...], output_format: str, with_text: bool, fast: bool) -> None:
    """Extract the statements in PATH... (.txt, .html or .htm files, or directories of them)."""
    _announce_mode(fast, quiet=output_format == "jsonl")
    try:
        skipped = _write_results(extract_paths(paths, fast), output_format, with_text)
    except BrokenPipeError:  # e.g. `onrecord extract ... | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_SKIPPED)
    sys.exit(EXIT_SKIPPED if skipped else EXIT_OK)


def _announce_mode(fast: bool, quiet: bool = False) -> str:
    """Say on stderr which extractor runs (unless `quiet`); exit with one sentence when a model is missing."""
    try:
        described = f"onrecord: extraction mode: {mode(fast)}"
    except ModelError as error:
        _fail(str(error))
    if not quiet:
        click.echo(described, err=True)
    return described


def _write_results(results: Iterable[ExtractResult], output_format: str, with_text: bool) -> int:
    """Write each result to stdout (skips and notes to stderr); the number of skipped inputs."""
    console = Console(highlight=False)
    skipped = 0
    for result in results:
        if isinstance(result, Skip):
            skipped += 1
            click.echo(f"onrecord: {result.message}", err=True)
            continue
        article, statements = result
        for note in article.notes:
            click.echo(f"onrecord: {article.source}: {note}.", err=True)
        if output_format == "jsonl":
            click.echo(jsonl_line(article, statements, with_text))
            continue
        if with_text:
            console.print(article.text, markup=False)
        console.print(statements_table(article, statements))
    sys.stdout.flush()
    return skipped


# ---------------------------------------------------------------------------------------------------------
# The record: ingest into a store, then search, people, person, export. Each command is one library call.
# ---------------------------------------------------------------------------------------------------------

DEFAULT_DB = "onrecord.db"
EXIT_INTERRUPTED = 130

_db_option = click.option(
    "--db",
    default=DEFAULT_DB,
    envvar="ONRECORD_DB",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The store file (the environment variable ONRECORD_DB overrides the default).",
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")


def _fail(message: str, code: int = EXIT_SKIPPED) -> NoReturn:
    click.echo(f"onrecord: {message}", err=True)
    sys.exit(code)


def _print(renderable: object, as_json: bool) -> None:
    """Print a result: JSON (dataclasses as objects) or a Rich renderable; a closed pipe ends quietly."""
    try:
        if as_json:
            click.echo(json.dumps(renderable, ensure_ascii=False, indent=2))
        else:
            Console(highlight=False).print(renderable)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_SKIPPED)


@main.command("ingest")
@click.argument("paths", nargs=-1, required=True)
@_db_option
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Extraction processes (default: one per core; 0: extract in this process).",
)
@click.option(
    "--fast",
    is_flag=True,
    help="Faster: rules only (no attribution tagger, no statistical NER), trafilatura without fallbacks.",
)
def ingest_command(paths: tuple[str, ...], db: str, workers: int | None, fast: bool) -> None:
    """Ingest PATH... (files, directories, WARC, JSON Lines, feeds, URLs) into the store."""
    described = _announce_mode(fast, quiet=True)
    console = Console(stderr=True, highlight=False)
    try:
        with IngestProgress(console) as progress:
            summary = ingest(paths, db, workers, progress=progress.update, on_skip=progress.skip, fast=fast)
    except (StoreError, IngestError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C now must not print a traceback
        _fail("interrupted; everything committed is kept, and a rerun resumes.", EXIT_INTERRUPTED)
    Console(highlight=False).print(ingest_table(summary, db))
    click.echo(described, err=True)
    sys.exit(EXIT_SKIPPED if summary.skipped_total else EXIT_OK)


@main.command("search")
@click.argument("text")
@_db_option
@click.option("--speaker", help="Only statements by this person (a name, an alias or #id).")
@click.option("--since", help="Published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--until", help="Published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--site", help="Only articles from this site name or domain.")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0, show_default=True)
@_json_option
def search_command(
    text: str,
    db: str,
    speaker: str | None,
    since: str | None,
    until: str | None,
    site: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Full-text search over what was said: every word of TEXT, "quoted words" as a phrase."""
    try:
        hits = queries.search(db, text, speaker, since, until, site, limit, offset)
    except StoreError as error:
        _fail(str(error))
    _print([asdict(hit) for hit in hits] if as_json else search_table(hits, text), as_json)


class _PeopleGroup(click.Group):
    """`people [TEXT]` lists speakers; `people merge|split ...` corrects them."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@main.group("people", cls=_PeopleGroup)
def people_group() -> None:
    """Speakers: `people [TEXT]` lists them; `people merge` and `people split` correct identities."""


@people_group.command("list")
@click.argument("text", required=False)
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=100, show_default=True)
@_json_option
def people_list(text: str | None, db: str, limit: int, as_json: bool) -> None:
    """Speakers whose name or alias contains TEXT (all without it), most statements first."""
    try:
        found = queries.people(db, text, limit)
    except StoreError as error:
        _fail(str(error))
    _print([asdict(person) for person in found] if as_json else people_table(found), as_json)


@people_group.command("merge")
@click.argument("keep")
@click.argument("other")
@_db_option
def people_merge(keep: str, other: str, db: str) -> None:
    """Make OTHER the same speaker as KEEP (names, aliases or #ids); later ingests keep it so."""
    _correct_identity(db, "Merged {other} into {speaker}", partial(merge_people, keep=keep, other=other))


@people_group.command("split")
@click.argument("person")
@click.argument("name")
@_db_option
def people_split(person: str, name: str, db: str) -> None:
    """Credit PERSON's statements made under NAME to a separate person NAME; later ingests keep it so."""
    _correct_identity(db, "Split {other} from {speaker}", partial(split_person, person=person, name=name))


def _correct_identity(
    db: str, done_message: str, correct: Callable[[sqlite3.Connection], Correction]
) -> None:
    """Run one identity correction on the store and report it ("Merged X (#2) into Y (#1): …")."""
    try:
        with opened(db, write=True) as conn:
            done = correct(conn)
    except StoreError as error:
        _fail(str(error))
    people = {"other": f"{done.other} (#{done.other_id})", "speaker": f"{done.speaker} (#{done.speaker_id})"}
    click.echo(f"{done_message.format(**people)}: {done.statements} statement(s) moved.")


@main.command("person")
@click.argument("name")
@_db_option
@click.option("--limit", type=click.IntRange(min=1), default=None, help="At most this many statements.")
@_json_option
def person_command(name: str, db: str, limit: int | None, as_json: bool) -> None:
    """One speaker's record: roles with dates, outlets, statements over time (NAME, alias or #id)."""
    try:
        record = queries.person(db, name, limit)
    except StoreError as error:
        _fail(str(error))
    _print(asdict(record) if as_json else person_view(record), as_json)


@main.command("export")
@click.option("--format", "export_format", type=click.Choice(queries.EXPORT_FORMATS), required=True)
@click.option("--out", default="-", show_default=True, help="Output file (- is standard output).")
@_db_option
def export_command(export_format: queries.ExportFormat, out: str, db: str) -> None:
    """Export every statement with its speaker and article metadata."""
    try:
        count = queries.export(db, export_format, out)
    except StoreError as error:
        _fail(str(error))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_SKIPPED)
    except OSError as error:  # a full disk while writing, say
        _fail(f"{out if out != '-' else 'standard output'}: cannot be written ({error.strerror or error}).")
    if out != "-":
        click.echo(f"Wrote {count} statement(s) to {out}.", err=True)


# ---------------------------------------------------------------------------------------------------------
# Evaluation commands: another engineer adds the evaluation command group here
# (registered on `main` with main.add_command(...)). Keep this block last.
# ---------------------------------------------------------------------------------------------------------


@main.group(name="eval")
def evaluate_group() -> None:
    """Score the extractor against annotated corpora."""


@evaluate_group.command(name="polnear")
@click.argument("split_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option("--fast", is_flag=True, help="Score the fast mode (rules only).")
def eval_polnear(split_dir: Path, as_json: bool, fast: bool) -> None:
    """Score extraction on a PolNeAR split directory (e.g. ../shared/polnear/dev) by the recipe."""
    _announce_mode(fast)
    try:
        scores = polnear.evaluate(split_dir, partial(extract, fast=fast))
    except polnear.PolnearError as error:
        click.echo(f"onrecord: {error}", err=True)
        sys.exit(EXIT_SKIPPED)
    if as_json:
        click.echo(json.dumps(polnear.scores_to_dict(scores), indent=2))
    else:
        Console().print(polnear.render_table(scores))


# ---------------------------------------------------------------------------------------------------------
# The newsroom view: `serve` runs the web pages and JSON API over a store (onrecord.web).
# ---------------------------------------------------------------------------------------------------------


@main.command("serve")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--allow-ingest", is_flag=True, help="Accept articles on POST /api/articles (needs --token).")
@click.option("--token", envvar="ONRECORD_TOKEN", help="Bearer token for ingest (or ONRECORD_TOKEN).")
def serve_command(db: str, host: str, port: int, allow_ingest: bool, token: str | None) -> None:
    """Serve the store as web pages and a JSON API (read-only unless --allow-ingest)."""
    if allow_ingest and not token:
        raise click.UsageError("--allow-ingest needs --token (or the environment variable ONRECORD_TOKEN).")
    if allow_ingest:
        _announce_mode(fast=False)
    from onrecord.web import serve  # imported here: only this command needs the web stack

    if not os.path.exists(db) and not allow_ingest:
        click.echo(f"onrecord: warning: {db} does not exist yet; the pages say so until it does.", err=True)
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"onrecord: serving {db} at http://{shown}:{port}/ (Ctrl-C stops)", err=True)
    serve(db, host, port, allow_ingest, token if allow_ingest else None)
