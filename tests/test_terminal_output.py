"""Issue 12: what the commands print from articles, names, file names and messages never acts on the
terminal (no escape sequence, no C1 control, no bidi override, no Rich markup read from text), and huge
numbers are refused with one sentence. The commands run for real (click's runner) over a real store.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from onrecord.cli import main
from onrecord.output import json_text, make_console, plain, printable
from onrecord.records import Skip
from onrecord.store import open_store
from onrecord.views import IngestProgress, counts_line
from web_store import Said, Story, add_story

ACTING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""What must not reach the terminal raw (line feeds and tabs may)."""
NAME = "Rahel Otto\u202e\x1b[31m"
QUOTE = "Pay the \x1b[2Jfine\x9b now, [bold]please[/bold] :smile:"
ROLE = "chair\x1b]0;pwned\x07 of the board"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2J", "\\x1b[2J"),
        ("\x1b]0;title\x07", "\\x1b]0;title\\x07"),
        ("a\x9b31mb\x7f", "a\\x9b31mb\\x7f"),
        ("Ot\u202eto \u2066x\u2069", "Ot\\u202eto \\u2066x\\u2069"),
        ("line\nbreak\r\n\tend\rover", "line\\x0abreak\\x0d\\x0a\\x09end\\x0dover"),
        ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
        ("Zoë 🚢 مرحبا \u200f e\u0301 ZW\u200dJ [b]x[/b]", "Zoë 🚢 مرحبا \u200f e\u0301 ZW\u200dJ [b]x[/b]"),
    ],
)
def test_printable_shows_what_would_act_on_the_terminal(text: str, shown: str) -> None:
    assert printable(text) == shown
    assert not ACTING.search(printable(text, lines=True).replace("\r\n", "\n"))


def test_printable_keeps_line_ends_and_tabs_in_text() -> None:
    assert printable("one\r\ntwo\n\tthree\rfour", lines=True) == "one\r\ntwo\n\tthree\\x0dfour"


def test_json_escapes_what_json_dumps_leaves_raw() -> None:
    value = {"quote": QUOTE, "name": NAME, "odd": "\u2028\ud800"}
    line = json_text(value)
    assert not ACTING.search(line) and "\u2028" not in line
    assert json.loads(line) == value  # the same data, only escaped


def test_the_console_reads_no_markup_and_blanks_what_slips_through(
    capsys: pytest.CaptureFixture[str],
) -> None:
    console = make_console()
    console.print("[bold]x[/bold] :smile:")
    console.print(plain(QUOTE))
    console.print("\x1b[2Jraw\x9b")  # a string given without plain(): still nothing raw
    printed = capsys.readouterr().out
    assert "[bold]x[/bold] :smile:" in printed and "\\x1b[2Jfine" in printed
    assert not ACTING.search(printed)


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args))


def assert_safe(result: Result) -> None:
    assert not ACTING.search(result.output), result.output
    assert "Traceback" not in result.output


def test_extract_table_and_messages_are_safe(tmp_path: Path) -> None:
    article = tmp_path / "quote\x1b]0;x\x07.txt"
    article.write_text(f'"{QUOTE}," said {NAME}, the {ROLE}.\n', encoding="utf-8")
    binary = tmp_path / "bin\x1b[2J.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    table = run("extract", "--fast", "--with-text", str(article), str(binary))
    assert_safe(table)
    assert "\\x1b[2J" in table.output and "[bold]please[/bold]" in table.output
    assert "bin\\x1b[2J.txt" in table.output  # the skip names the file, escaped
    lines = run("extract", "--fast", "--format", "jsonl", str(article))
    assert_safe(lines)
    assert QUOTE in json.loads(lines.stdout)["statements"][0]["content"][0]["text"]


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = str(tmp_path_factory.mktemp("terminal") / "record.db")
    text = f'Harbour news.\n\n"{QUOTE}," said {NAME}.\n'
    story = Story(
        "spoof",
        text,
        (Said((f"{QUOTE},",), NAME, NAME, "said", ROLE),),
        title="Title \u202eevil\x1b[31m",
        site="site\x1b]8;;http://x\x07",
        url="https://x.example/\x1b[2J",
        published="2024-04-01",
    )
    conn = open_store(path)
    try:
        add_story(conn, story)
    finally:
        conn.close()
    return path


@pytest.mark.parametrize(
    "args",
    [
        ["search", "please"],
        ["search", "please", "--json"],
        ["search", "[bold]\x1b[2J please"],
        ["people"],
        ["people", "--json"],
        ["person", "#1"],
        ["person", "#1", "--json"],
        ["person", "Ot\x1b[2Jto"],
        ["people", "merge", "#1", "\x1b[2Jnobody"],
    ],
)
def test_record_commands_are_safe(hostile_db: str, args: list[str]) -> None:
    result = run(*args, "--db", hostile_db)
    assert_safe(result)
    assert result.exit_code == (1 if "merge" in args or "Ot\x1b[2Jto" in args else 0), result.output
    if "--json" in args:
        assert NAME in strings(json.loads(result.stdout))  # the data itself is intact, only escaped


def strings(value: object) -> list[str]:
    """Every string in a decoded JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [text for item in value for text in strings(item)] if isinstance(value, list) else []


HUGE = "99999999999999999999999"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["person", f"#{HUGE}"], 1),
        (["person", "#" + "9" * 5000], 1),
        (["people", "merge", f"#{HUGE}", "#1"], 1),
        (["people", "split", f"#{HUGE}", "Otto"], 1),
        (["search", "please", "--limit", HUGE], 2),
        (["search", "please", "--offset", HUGE], 2),
        (["people", "--limit", HUGE], 2),
        (["person", "#1", "--limit", HUGE], 2),
    ],
)
def test_huge_numbers_are_one_sentence(hostile_db: str, args: list[str], code: int) -> None:
    result = run(*args, "--db", hostile_db)
    assert result.exit_code == code, result.output
    assert ("Traceback" not in result.output and result.exception is None) or isinstance(
        result.exception, SystemExit
    )
    assert result.stderr.strip(), "one sentence on stderr"
    largest = run("search", "please", "--limit", "9223372036854775807", "--db", hostile_db)
    assert largest.exit_code == 0


def test_an_ingest_skip_is_one_line_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    source = "feeds/" + "very-long-name-" * 10 + "\x1b[2J.rss"
    skip = Skip(source, "not-a-feed", f"{source}: is not well-formed RSS or Atom (line 1, column 0).")
    with IngestProgress(make_console(stderr=True), counts_line) as progress:
        progress.skip(skip)
    printed = capsys.readouterr().err
    assert printed.count("\n") == 1 and "\\x1b[2J.rss" in printed  # not wrapped at 80 columns
    assert not ACTING.search(printed.rstrip("\n"))
