"""`onrecord extract`: the output contract, exact offsets, skips on stderr and the exit-code policy."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import onrecord
from onrecord import pipeline
from onrecord.cli import main
from onrecord.records import Span, Speaker, Statement

ONRECORD = Path(sys.executable).parent / "onrecord"

STATEMENT_KEYS = ["id", "kind", "content", "cue", "speaker", "confidence", "mode", "published"]
DOCUMENT_KEYS = [
    "document", "title", "url", "published", "site", "language", "extractor", "posts", "statements"
]  # fmt: skip


def fake_extract(text: str, fast: bool = False, language: str = "en") -> list[Statement]:
    """A stand-in extractor: every “...” quote, with the next "said" as cue and the next "he" as mention."""
    statements = []
    for number, quote in enumerate(re.finditer(r"“([^”]*)”", text)):
        cue = re.compile(r"\bsaid\b").search(text, quote.end())
        mention = re.compile(r"\bhe\b").search(text, quote.end())
        statements.append(
            Statement(
                id=f"s{number}",
                kind="direct",
                content=(Span(quote.start(1), quote.end(1), quote.group(1)),),
                cue=Span(cue.start(), cue.end(), cue.group()) if cue else None,
                speaker=Speaker(
                    name="John Kirby" if mention else None,
                    type="person" if mention else "unknown",
                    role="[b]spokesman[/b]" if mention else None,
                    mention=Span(mention.start(), mention.end(), mention.group()) if mention else None,
                ),
                confidence=1,
            )
        )
    return statements


EXTRACTORS: dict[str, Callable[[str], list[Statement]]] = {"fake": fake_extract, "real": onrecord.extract}


@pytest.fixture(params=sorted(EXTRACTORS))
def extractor(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(pipeline, "extract", EXTRACTORS[request.param])
    return str(request.param)


@pytest.fixture
def use_fake(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "extract", fake_extract)


def invoke(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["extract", *map(str, args)])


def jsonl(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def assert_span(span: Any, text: str) -> None:
    assert set(span) == {"start", "end", "text"}
    assert isinstance(span["start"], int) and isinstance(span["end"], int) and isinstance(span["text"], str)
    assert text[span["start"] : span["end"]] == span["text"]


KIRBY = (
    "\ufeffWASHINGTON — “We have not changed our position,” he said on Thursday.\r\n"
    "\r\n"
    "John Kirby, a spokesman, added: “Nothing has changed,” and left.\r\n"
)


@pytest.mark.usefixtures("use_fake")
def test_jsonl_follows_the_output_contract(tmp_path: Path) -> None:
    (tmp_path / "kirby.txt").write_text(KIRBY, encoding="utf-8", newline="")
    result = invoke(tmp_path / "kirby.txt", "--format", "jsonl")
    assert (result.exit_code, result.stderr) == (0, "")
    [document] = jsonl(result)
    assert list(document) == DOCUMENT_KEYS
    assert document["document"] == str(tmp_path / "kirby.txt")
    assert (document["title"], document["url"], document["published"], document["site"]) == (None,) * 4
    assert document["language"] == "en"
    assert document["extractor"] is None and document["posts"] == []  # plain text: no extractor, no posts
    first, second = document["statements"]
    assert list(first) == STATEMENT_KEYS
    assert isinstance(first["id"], str) and first["kind"] == "direct"
    assert isinstance(first["confidence"], float)
    assert list(first["speaker"]) == ["name", "type", "role", "mention", "co_speakers"]
    assert first["mode"] == "speech" and first["speaker"]["co_speakers"] == [] and first["published"] is None
    assert first["speaker"]["name"] == "John Kirby" and first["speaker"]["type"] == "person"
    assert first["cue"]["text"] == "said" and first["speaker"]["mention"]["text"] == "he"
    assert (
        second["cue"] is None and second["speaker"]["mention"] is None and second["speaker"]["role"] is None
    )
    assert "text" not in document


def test_offsets_slice_the_files_decoded_text_exactly(tmp_path: Path, extractor: str) -> None:
    (tmp_path / "kirby.txt").write_text(KIRBY, encoding="utf-8", newline="")
    result = invoke(tmp_path / "kirby.txt", "--format", "jsonl", "--with-text")
    assert result.exit_code == 0, result.output
    [document] = jsonl(result)
    text = (tmp_path / "kirby.txt").read_bytes().decode("utf-8")
    assert document["text"] == text  # BOM, CRLF and curly quotes untouched
    if extractor == "fake":
        assert len(document["statements"]) == 2
    for statement in document["statements"]:
        for span in statement["content"]:
            assert_span(span, text)
        for span in (statement["cue"], statement["speaker"]["mention"]):
            if span is not None:
                assert_span(span, text)


def test_a_quote_that_never_closes_does_not_crash(tmp_path: Path, extractor: str) -> None:
    (tmp_path / "open.txt").write_text("He said: “this never closes\nand «neither does this „one\n", "utf-8")
    result = invoke(tmp_path / "open.txt", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    assert len(jsonl(result)) == 1
    assert invoke(tmp_path / "open.txt").exit_code == 0


@pytest.mark.usefixtures("use_fake")
def test_a_batch_with_bad_inputs_still_outputs_the_good_ones_and_exits_1(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("“Fine,” he said.", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    (tmp_path / "latin.txt").write_bytes(
        "“Très bien,” he said in the café, smiling at everybody.".encode("cp1252")
    )
    (tmp_path / "nothing").mkdir()
    paths = ["good.txt", "missing.txt", "empty.txt", "binary.txt", "nothing", "latin.txt"]
    result = invoke(*(tmp_path / name for name in paths), "--format", "jsonl", "--with-text")
    assert result.exit_code == 1
    documents = jsonl(result)
    assert [Path(document["document"]).name for document in documents] == ["good.txt", "latin.txt"]
    assert documents[1]["text"] == "“Très bien,” he said in the café, smiling at everybody."
    assert documents[1]["statements"][0]["content"][0]["text"] == "Très bien,"
    errors = result.stderr.splitlines()
    assert len(errors) == 5  # four skips and the note on the assumed encoding, one line each
    assert all(line.startswith("onrecord: ") for line in errors)
    for name in ("missing.txt", "empty.txt", "binary.txt", "nothing", "latin.txt"):
        assert sum(name in line for line in errors) == 1
    assert any("decoded as cp1252 (not valid UTF-8)" in line for line in errors)


@pytest.mark.usefixtures("use_fake")
def test_a_directory_is_processed_in_sorted_order(tmp_path: Path) -> None:
    for name in ("b.txt", "a.txt", "skip.md"):
        (tmp_path / name).write_text("“Yes,” he said.", encoding="utf-8")
    result = invoke(tmp_path, "--format", "jsonl")
    assert result.exit_code == 0
    assert [Path(document["document"]).name for document in jsonl(result)] == ["a.txt", "b.txt"]


@pytest.mark.usefixtures("use_fake")
def test_table_shows_speaker_role_cue_quote_kind(tmp_path: Path) -> None:
    (tmp_path / "kirby.txt").write_text(KIRBY, encoding="utf-8")
    result = invoke(tmp_path / "kirby.txt")
    assert result.exit_code == 0, result.output
    header = next(line for line in result.stdout.splitlines() if "┃" in line)
    assert re.search(r"speaker.*role.*cue.*quote.*kind", header)
    for cell in ("John Kirby (he)", "said", "direct", "Nothing", "[b]spokesman[/b]"):
        assert cell in result.stdout  # text is shown literally, never read as rich markup
    assert "2 statements" in result.stdout


PAGE = """<html><head><title>Kirby: position unchanged</title>
<link rel="canonical" href="https://example.org/kirby"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Kirby: position unchanged</h1>
<p>“We have not changed our position,” he said on Thursday at a briefing in Washington, according to
reporters who attended the briefing at the White House.</p>
<p>The administration will keep consulting its allies about weapons supplied to Ukraine, officials said.</p>
</article>
<div id="comments"><h3>Leave a Reply</h3><div class="comment"><p>What a load of rubbish, honestly.</p></div>
<form><p>Your email address will not be published.</p><textarea></textarea></form></div>
</body></html>"""


@pytest.mark.usefixtures("use_fake")
def test_html_input_drops_furniture_and_offsets_index_the_extracted_text(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(PAGE, encoding="utf-8")
    result = invoke(tmp_path / "page.html", "--format", "jsonl", "--with-text")
    assert result.exit_code == 0, result.output
    [document] = jsonl(result)
    assert document["title"] == "Kirby: position unchanged" and document["url"] == "https://example.org/kirby"
    assert "We have not changed our position" in document["text"]
    for furniture in ("Leave a Reply", "rubbish", "email address", "Home"):
        assert furniture not in document["text"]
    [statement] = document["statements"]
    assert_span(statement["content"][0], document["text"])


@pytest.mark.parametrize(
    "args",
    [[], ["--format", "xml", "x.txt"], ["--colour", "x.txt"]],
    ids=["no-path", "bad-format", "bad-option"],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(main, ["extract", *args])
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_python_dash_m_runs_the_same_command_line(tmp_path: Path) -> None:
    text = "“The bridge will open in May,” Mayor Anna Berg told reporters on Monday.\n"
    (tmp_path / "good.txt").write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "onrecord", "extract", str(tmp_path / "good.txt"), "--format", "jsonl"]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["statements"][0]["speaker"]["name"] == "Anna Berg"


def test_the_installed_command_never_shows_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("“Fine,” he said.\n", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")

    def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
        command = [str(ONRECORD), "extract", *map(str, args)]
        return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)

    good = run(tmp_path / "good.txt", "--format", "jsonl")
    assert (good.returncode, good.stderr) == (0, "")
    assert json.loads(good.stdout)["document"] == str(tmp_path / "good.txt")

    bad = run(tmp_path / "good.txt", tmp_path / "missing.txt", tmp_path / "binary.txt", "--format", "jsonl")
    assert bad.returncode == 1
    assert len(bad.stdout.splitlines()) == 1
    assert [line.split(":")[0] for line in bad.stderr.splitlines()] == ["onrecord", "onrecord"]

    usage = run("--format", "nope", tmp_path / "good.txt")
    assert usage.returncode == 2
    for completed in (good, bad, usage):
        assert "Traceback" not in completed.stderr + completed.stdout


def test_quote_text_joins_discontinuous_content_and_truncates_at_a_word() -> None:
    from onrecord.output import quote_text

    def statement(*texts: str) -> Statement:
        spans = tuple(Span(0, len(text), text) for text in texts)
        return Statement("s", "direct", spans, None, Speaker(None), 0.5)

    assert quote_text(statement("A,", "B\n  and C.")) == "A, … B and C."
    long = quote_text(statement("word " * 100), limit=50)
    assert len(long) <= 50 and long.endswith("word…")


def test_an_unreadable_path_is_one_skip_and_the_other_inputs_are_read(tmp_path: Path) -> None:
    # click's readable=True check once ended the whole command with exit 2 before reading anything
    (tmp_path / "good.txt").write_text("“Fine,” he said.", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    unreadable = [tmp_path / "pipe.txt", tmp_path / ("x" * 300 + ".txt")]  # a FIFO; a name too long
    if os.geteuid() != 0:  # permissions bite only when not root
        (tmp_path / "locked.txt").write_text("“Locked,” he said.", encoding="utf-8")
        (tmp_path / "locked.txt").chmod(0)
        unreadable.append(tmp_path / "locked.txt")
    result = invoke(*unreadable, tmp_path / "good.txt", "--format", "jsonl", "--fast")
    assert result.exit_code == 1
    assert [Path(document["document"]).name for document in jsonl(result)] == ["good.txt"]
    errors = result.stderr.splitlines()
    assert len(errors) == len(unreadable) and all(line.startswith("onrecord: ") for line in errors)
    assert all("cannot be read" in line or "not a regular file" in line for line in errors)


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("bad.arc", b"filedesc://t.arc 0.0.0.0 20250101000000 text/plain -1\n", "damaged at the record"),
        ("abc.arc", b"filedesc://t.arc 0.0.0.0 20250101000000 text/plain abc\n", "not a number of bytes"),
        ("blank.jsonl", b"\n\n  \n", "only blank lines"),
    ],
)
def test_malformed_archives_and_blank_exports_exit_1(
    tmp_path: Path, name: str, data: bytes, reason: str
) -> None:
    (tmp_path / name).write_bytes(data)
    result = invoke(tmp_path / name, "--format", "jsonl", "--fast")
    assert (result.exit_code, result.stdout) == (1, "")
    [error] = result.stderr.splitlines()
    assert reason in error


def test_ingest_skip_sentences_are_one_line_each_off_a_terminal(tmp_path: Path) -> None:
    missing = tmp_path / ("a-very-long-folder-name-" * 6) / "and-a-long-file-name-that-does-not-exist.txt"
    result = CliRunner().invoke(
        main, ["ingest", str(missing), "--fast", "--workers", "0", "--db", str(tmp_path / "s.db")]
    )
    assert result.exit_code == 1
    [line] = [line for line in result.stderr.splitlines() if str(missing) in line]
    assert line == f"onrecord: {missing}: no such file or directory."


@pytest.mark.parametrize("value", ["1.5", "-0.1", "high"])
def test_an_invalid_min_confidence_is_a_usage_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "kirby.txt").write_text(KIRBY, encoding="utf-8")
    for command in (["extract", str(tmp_path / "kirby.txt")], ["search", "x"], ["export", "--format", "csv"]):
        result = CliRunner().invoke(main, [*command, "--min-confidence", value])
        assert result.exit_code == 2, result.output
        assert "--min-confidence" in result.stderr and "Traceback" not in result.output


def test_extract_hides_statements_below_the_min_confidence(tmp_path: Path, extractor: str) -> None:
    (tmp_path / "kirby.txt").write_text(KIRBY, encoding="utf-8")
    every = jsonl(invoke(tmp_path / "kirby.txt", "--format", "jsonl", "--min-confidence", "0"))[0]
    confidences = sorted(s["confidence"] for s in every["statements"])
    assert confidences, "the text has statements"
    above = jsonl(
        invoke(tmp_path / "kirby.txt", "--format", "jsonl", "--min-confidence", str(confidences[-1]))
    )
    assert [s["confidence"] for s in above[0]["statements"]] == [
        c for c in confidences if c >= confidences[-1]
    ]
    assert jsonl(invoke(tmp_path / "kirby.txt", "--format", "jsonl", "--min-confidence", "1"))[0][
        "statements"
    ] == [s for s in every["statements"] if s["confidence"] >= 1]
