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
from typing import Literal, NoReturn

import click

from onrecord import batch, queries
from onrecord.batch.layout import LayoutError
from onrecord.batch.outcomes import BatchError
from onrecord.batch.plan import DEFAULT_SHARD_BYTES
from onrecord.batch.shards import PART_DOCUMENTS
from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.evaluation import polnear
from onrecord.ingest import IngestError, ingest
from onrecord.models import ModelError, mode
from onrecord.output import json_text, jsonl_line, make_console, plain, printable, statements_table
from onrecord.pipeline import ExtractResult, extract_paths
from onrecord.records import Skip
from onrecord.store import Correction, StoreError, merge_people, opened, split_person
from onrecord.store.lookup import LARGEST_ID
from onrecord.views import (
    IngestProgress,
    batch_line,
    counts_line,
    ingest_table,
    people_table,
    person_view,
    search_table,
)

EXIT_OK = 0
EXIT_SKIPPED = 1  # some input could not be processed; the rest was
# usage errors exit with click's code 2


@click.group()
@click.version_option(package_name="onrecord")
def main() -> None:
    """onrecord: who said what, when, about what — and whether it changed."""


_min_confidence_option = click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_CONFIDENCE,
    show_default=True,
    help="Hide statements less sure than this (calibrated: about this share of them are right).",
)


@main.command("extract")
@click.argument("paths", nargs=-1, required=True)  # no click.Path check: a path that cannot be read is a skip
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
@_min_confidence_option
def extract_command(
    paths: tuple[str, ...], output_format: str, with_text: bool, fast: bool, min_confidence: float
) -> None:
    """Extract the statements in PATH... (.txt, .html or .htm files, or directories of them)."""
    _announce_mode(fast, quiet=output_format == "jsonl")
    try:
        results = extract_paths(paths, fast)
        skipped = _write_results(results, output_format, with_text, min_confidence)
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
        _say(described)
    return described


def _write_results(
    results: Iterable[ExtractResult], output_format: str, with_text: bool, min_confidence: float = 0.0
) -> int:
    """Write each result's statements at least `min_confidence` sure to stdout (skips and notes to
    stderr); the number of skipped inputs."""
    console = make_console()
    skipped = 0
    for result in results:
        if isinstance(result, Skip):
            skipped += 1
            _say(f"onrecord: {result.message}")
            continue
        article, found = result
        statements = [s for s in found if s.confidence >= min_confidence]
        for note in article.notes:
            _say(f"onrecord: {article.source}: {note}.")
        if output_format == "jsonl":
            click.echo(jsonl_line(article, statements, with_text))
            continue
        if with_text:
            console.print(plain(article.text, lines=True))
        console.print(statements_table(article, statements))
    sys.stdout.flush()
    return skipped


# ---------------------------------------------------------------------------------------------------------
# The record: ingest into a store, then search, people, person, export. Each command is one library call.
# ---------------------------------------------------------------------------------------------------------

DEFAULT_DB = "onrecord.db"
EXIT_INTERRUPTED = 130
MAX_DEFAULT_WORKERS = 4
COUNT = click.IntRange(1, LARGEST_ID)
"""A --limit: at least 1, at most what SQLite can count (a larger number is a usage error, not a crash)."""

_db_option = click.option(
    "--db",
    default=DEFAULT_DB,
    envvar="ONRECORD_DB",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="The store file (the environment variable ONRECORD_DB overrides the default).",
)
_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
_since_option = click.option("--since", help="Published on or after this date (YYYY, YYYY-MM or YYYY-MM-DD).")
_until_option = click.option(
    "--until", help="Published on or before this date (YYYY, YYYY-MM or YYYY-MM-DD)."
)


def _say(message: str) -> None:
    """One line on stderr, shown safely (`output.printable`): messages quote file names and content."""
    click.echo(printable(message), err=True)


def _fail(message: str, code: int = EXIT_SKIPPED) -> NoReturn:
    _say(f"onrecord: {message}")
    sys.exit(code)


def _print(renderable: object, as_json: bool) -> None:
    """Print a result: JSON (dataclasses as objects) or a Rich renderable; a closed pipe ends quietly."""
    try:
        if as_json:
            click.echo(json_text(renderable, indent=2))
        else:
            make_console().print(renderable)
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
@click.option(
    "--embeddings/--no-embeddings",
    default=None,
    help="Compute each statement's embedding for `onrecord stance` (default: yes, except with --fast; "
    "the first `onrecord stance` builds those missing).",
)
@click.option(
    "--min-confidence",
    type=click.FloatRange(0, 1),
    default=DEFAULT_MIN_CONFIDENCE,
    show_default=True,
    help="Every statement is stored; the summary counts those less sure than this, which search, export "
    "and the pages hide by default.",
)
def ingest_command(
    paths: tuple[str, ...],
    db: str,
    workers: int | None,
    fast: bool,
    embeddings: bool | None,
    min_confidence: float,
) -> None:
    """Ingest PATH... (files, directories, WARC, JSON Lines, feeds, URLs) into the store."""
    described = _announce_mode(fast, quiet=True)
    console = make_console(stderr=True)
    try:
        with IngestProgress(console, counts_line) as progress:
            summary = ingest(
                paths,
                db,
                workers,
                progress=progress.update,
                on_skip=progress.skip,
                fast=fast,
                embed=embeddings,
                min_confidence=min_confidence,
            )
    except (StoreError, IngestError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C now must not print a traceback
        _fail("interrupted; everything committed is kept, and a rerun resumes.", EXIT_INTERRUPTED)
    make_console().print(ingest_table(summary, db, min_confidence))
    for note in summary.notes:
        _say(f"onrecord: {note}")
    _say(described)
    sys.exit(EXIT_SKIPPED if summary.skipped_total else EXIT_OK)


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option(
    "--out", "out_dir", required=True, help="Folder for the parts (created; a rerun resumes in it)."
)
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True)
@click.option(
    "--address", default=None, help="The Ray cluster to run on (--engine ray; default: a local one)."
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=None,
    help="Extraction processes (default: one per core).",
)
@click.option("--fast", is_flag=True, help="Rules only, as `ingest --fast`.")
@click.option(
    "--embeddings/--no-embeddings", default=None, help="As for `ingest` (default: yes, except --fast)."
)
@click.option(
    "--shard-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_SHARD_BYTES,
    show_default=True,
    help="WARC and JSON Lines files larger than this are split into ranges about this size.",
)
@click.option(
    "--part-documents",
    type=click.IntRange(min=1),
    default=PART_DOCUMENTS,
    show_default=True,
    help="Documents per Parquet part (a killed shard resumes after its last part).",
)
def batch_command(
    inputs: tuple[str, ...],
    out_dir: str,
    engine: Literal["local", "ray"],
    address: str | None,
    workers: int | None,
    fast: bool,
    embeddings: bool | None,
    shard_bytes: int,
    part_documents: int,
) -> None:
    """Extract INPUTS... into Parquet parts under --out, shard by shard (`onrecord merge` stores them)."""
    console = make_console(stderr=True)
    try:
        with IngestProgress(console, batch_line) as progress:
            summary = batch.run(
                inputs,
                out_dir,
                engine,
                address,
                workers,
                fast,
                embeddings,
                shard_bytes,
                progress.update,
                part_documents,
            )
    except (LayoutError, BatchError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _fail("interrupted; the finished parts are kept, and a rerun resumes.", EXIT_INTERRUPTED)
    for sentence in summary.errors:
        _say(f"onrecord: {printable(sentence)}")
    _say(f"onrecord: {batch_line(summary)} in {summary.seconds:.1f} s.")
    sys.exit(EXIT_SKIPPED if summary.skipped_total or summary.errors else EXIT_OK)


@main.command("merge")
@click.argument("out_dir", metavar="DIR")
@_db_option
def merge_command(out_dir: str, db: str) -> None:
    """Merge the finished parts of the batch in DIR into the store, in order (a rerun adds nothing)."""
    console = make_console(stderr=True)
    try:
        with IngestProgress(console, counts_line) as progress:
            summary = batch.merge(out_dir, db, progress=progress.update, on_skip=progress.skip)
    except (LayoutError, StoreError, IngestError) as error:
        _fail(str(error))
    except KeyboardInterrupt:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _fail("interrupted; everything committed is kept, and a rerun resumes.", EXIT_INTERRUPTED)
    make_console().print(ingest_table(summary.counts, db))
    if summary.waiting:
        _say(f"onrecord: {printable(summary.waiting)}")
    sys.exit(EXIT_SKIPPED if summary.counts.skipped_total or summary.waiting else EXIT_OK)


@main.command("search")
@click.argument("text")
@_db_option
@click.option("--speaker", help="Only statements by this person (a name, an alias or #id).")
@_since_option
@_until_option
@click.option("--site", help="Only articles from this site name or domain.")
@click.option(
    "--mode",
    "statement_mode",
    type=click.Choice(queries.MODES),
    help="Only reported speech, or only reported attitudes (beliefs, wishes, stances: `hopes`).",
)
@click.option("--limit", type=COUNT, default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0, LARGEST_ID), default=0, show_default=True)
@_min_confidence_option
@_json_option
def search_command(
    text: str,
    db: str,
    speaker: str | None,
    since: str | None,
    until: str | None,
    site: str | None,
    statement_mode: str | None,
    limit: int,
    offset: int,
    min_confidence: float,
    as_json: bool,
) -> None:
    """Full-text search over what was said (every word of TEXT, "quoted words" as a phrase), and the
    statements of the speaker TEXT names (`Kirby`) first."""
    try:
        hits = queries.search(
            db, text, speaker, since, until, site, limit, offset, min_confidence, statement_mode
        )
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
@click.option("--limit", type=COUNT, default=100, show_default=True)
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
    click.echo(printable(f"{done_message.format(**people)}: {done.statements} statement(s) moved."))


@main.command("person")
@click.argument("name")
@_db_option
@click.option("--limit", type=COUNT, default=None, help="At most this many statements.")
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
@_min_confidence_option
def export_command(export_format: queries.ExportFormat, out: str, db: str, min_confidence: float) -> None:
    """Export every statement (at least --min-confidence sure) with its speaker and article metadata."""
    try:
        count = queries.export(db, export_format, out, min_confidence)
    except StoreError as error:
        _fail(str(error))
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_SKIPPED)
    except OSError as error:  # a full disk while writing, say
        _fail(f"{out if out != '-' else 'standard output'}: cannot be written ({error.strerror or error}).")
    if out != "-":
        _say(f"Wrote {count} statement(s) to {out}.")


@main.command("stance")
@click.argument("proposition")
@_db_option
@click.option("--speaker", help="Only statements credited to this person (a name, an alias or #id).")
@_since_option
@_until_option
@click.option("--terms", help='Extra words or phrases to look for, comma-separated: "strikes, long-range".')
@click.option(
    "--mark",
    "marks",
    multiple=True,
    metavar="ID=LABEL",
    help="Your judgement of a statement for this proposition: support, oppose, neutral or irrelevant "
    "(repeatable; stored, and the model adapts to it).",
)
@_json_option
def stance_command(
    proposition: str,
    db: str,
    speaker: str | None,
    since: str | None,
    until: str | None,
    terms: str | None,
    marks: tuple[str, ...],
    as_json: bool,
) -> None:
    """Where each speaker stands on PROPOSITION, month by month, and who shifted (with the evidence)."""
    from onrecord.stance.records import StanceError, StanceInputError
    from onrecord.stance.report import stance
    from onrecord.stance.tables import BuildProgress, report_view

    console = make_console(stderr=True)
    try:
        with BuildProgress(console) as progress:
            report = stance(
                db,
                proposition,
                speaker=speaker,
                since=since,
                until=until,
                terms=terms,
                marks=_marks(marks),
                progress=progress.update,
            )
    except StanceInputError as error:
        _fail(str(error), EXIT_USAGE)
    except (StanceError, StoreError) as error:
        _fail(str(error))
    if not report.statements:
        _say(f"onrecord: no statement in {db} is relevant to {report.proposition!r}.")
    _print(report.to_json() if as_json else report_view(report), as_json)


EXIT_USAGE = 2


def _marks(given: tuple[str, ...]) -> dict[int, str]:
    """`ID=LABEL` pairs as a dict; one sentence (exit 2) for anything else."""
    marks: dict[int, str] = {}
    for item in given:
        number, _, label = item.partition("=")
        if not number.strip().lstrip("#").isdigit() or not label.strip():
            _fail(f"--mark {item!r} is not STATEMENT_ID=LABEL (e.g. --mark 12=oppose).", EXIT_USAGE)
        marks[int(number.strip().lstrip("#"))] = label.strip().lower()
    return marks


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
        from onrecord.extraction import extract  # spaCy: loaded by the commands that extract

        scores = polnear.evaluate(split_dir, partial(extract, fast=fast))
    except polnear.PolnearError as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(polnear.scores_to_dict(scores), indent=2))
    else:
        make_console().print(polnear.render_table(scores))


@evaluate_group.command(name="stance")
@click.option(
    "--shared",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("../shared"),
    show_default=True,
    help="The folder holding stance/vast_dev.csv and polnear/.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
def eval_stance(shared: Path, as_json: bool) -> None:
    """Score the stance classifier: VAST dev's held-out topics and the team's news set."""
    from onrecord.evaluation import stance  # imported here: loads the sentence encoder

    try:
        scores = stance.evaluate(shared)
    except (stance.StanceEvalError, ModelError) as error:
        _fail(str(error))
    if as_json:
        click.echo(json.dumps(stance.scores_to_dict(scores), indent=2))
    else:
        make_console().print(stance.render_table(scores))


# ---------------------------------------------------------------------------------------------------------
# The newsroom view: `serve` runs the web pages and JSON API over a store (onrecord.web).
# ---------------------------------------------------------------------------------------------------------


@main.command("serve")
@_db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option(
    "--allowed-host",
    "allowed",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (repeatable); loopback names and --host always are.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Server processes (default: one per core, at most 4; always 1 with --allow-ingest).",
)
@click.option("--allow-ingest", is_flag=True, help="Accept articles on POST /api/articles (needs --token).")
@click.option("--token", envvar="ONRECORD_TOKEN", help="Bearer token for ingest (or ONRECORD_TOKEN).")
def serve_command(
    db: str,
    host: str,
    port: int,
    allowed: tuple[str, ...],
    workers: int | None,
    allow_ingest: bool,
    token: str | None,
) -> None:
    """Serve the store as web pages and a JSON API (read-only unless --allow-ingest)."""
    if allow_ingest and not token:
        raise click.UsageError("--allow-ingest needs --token (or the environment variable ONRECORD_TOKEN).")
    if allow_ingest:
        _announce_mode(fast=False)
    from onrecord.web import allowed_hosts, serve  # imported here: only this command needs the web stack

    if not os.path.exists(db) and not allow_ingest:
        _say(f"onrecord: warning: {db} does not exist yet; the pages say so until it does.")
    hosts = allowed_hosts(host, allowed)
    processes = 1 if allow_ingest else workers or min(os.cpu_count() or 1, MAX_DEFAULT_WORKERS)
    shown = f"[{host}]" if ":" in host else host
    _say(f"onrecord: serving {db} at http://{shown}:{port}/ with {processes} process(es) (Ctrl-C stops)")
    _say(f"onrecord: answering requests for {', '.join(hosts)} only (--allowed-host adds a name)")
    serve(db, host, port, allow_ingest, token if allow_ingest else None, hosts=hosts, workers=processes)
