"""The command line: thin wrappers, each command calling one library function."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path

import click
from rich.console import Console

from onrecord.evaluation import polnear
from onrecord.extraction import extract
from onrecord.output import jsonl_line, statements_table
from onrecord.pipeline import ExtractResult, extract_paths
from onrecord.records import Skip

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
def extract_command(paths: tuple[str, ...], output_format: str, with_text: bool) -> None:
    """Extract the statements in PATH... (.txt, .html or .htm files, or directories of them)."""
    try:
        skipped = _write_results(extract_paths(paths), output_format, with_text)
    except BrokenPipeError:  # e.g. `onrecord extract ... | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_SKIPPED)
    sys.exit(EXIT_SKIPPED if skipped else EXIT_OK)


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
# Evaluation commands: another engineer adds the evaluation command group here
# (registered on `main` with main.add_command(...)). Keep this block last.
# ---------------------------------------------------------------------------------------------------------


@main.group(name="eval")
def evaluate_group() -> None:
    """Score the extractor against annotated corpora."""


@evaluate_group.command(name="polnear")
@click.argument("split_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
def eval_polnear(split_dir: Path, as_json: bool) -> None:
    """Score extraction on a PolNeAR split directory (e.g. ../shared/polnear/dev) by the recipe."""
    try:
        scores = polnear.evaluate(split_dir, extract)
    except polnear.PolnearError as error:
        click.echo(f"onrecord: {error}", err=True)
        sys.exit(EXIT_SKIPPED)
    if as_json:
        click.echo(json.dumps(polnear.scores_to_dict(scores), indent=2))
    else:
        Console().print(polnear.render_table(scores))
