"""onrecord.stance on a real store: retrieval, marks that persist and override, cached scores, shifts on an
invented record, the old-store migration with embeddings built on the fly, the CLI and its JSON."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import onrecord
import stance_store
from onrecord.cli import main
from onrecord.records import Span
from onrecord.stance import saved, vectors
from onrecord.stance.context import described_time
from onrecord.stance.records import StanceInputError, StanceReport
from onrecord.store import open_store

STATEMENT_KEYS = [
    "statement_id", "url", "document", "published", "speaker", "speaker_id", "content", "stance",
    "confidence", "reported", "by",
]  # fmt: skip
POSITION_KEYS = ["speaker", "speaker_id", "period", "stance", "support", "oppose", "neutral", "reported"]
SHIFT_KEYS = ["speaker", "speaker_id", "from", "to", "before", "after", "before_date", "after_date"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """The invented record, asked once with the team's marks (embeddings built on the fly)."""
    path = tmp_path_factory.mktemp("stance") / "ellery.db"
    with contextlib.closing(open_store(str(path))) as conn:
        ids = stance_store.build(conn)
    calls: list[tuple[int, int]] = []
    onrecord.stance(
        path,
        stance_store.PROPOSITION,
        marks=stance_store.marks(ids),
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls and calls[-1] == (len(ids), len(ids))
    return path, ids


@pytest.fixture
def store(built: tuple[Path, dict[str, int]], tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """A fresh copy of the record for a test that changes it."""
    copy = tmp_path / "ellery.db"
    shutil.copy(built[0], copy)
    return copy, built[1]


def ask(path: Path, **options: object) -> StanceReport:
    return onrecord.stance(path, stance_store.PROPOSITION, **options)  # type: ignore[arg-type]


def test_a_real_shift_is_found_with_its_evidence(built: tuple[Path, dict[str, int]]) -> None:
    path, ids = built
    report = ask(path)
    voss = [s for s in report.shifts if s.speaker == "Clara Voss"]
    assert [(s.from_stance, s.to_stance) for s in voss] == [("support", "oppose")]
    assert voss[0].before == ids["We must build the tidal barrage across the estuary now"]
    assert voss[0].after == ids["The tidal barrage would be a costly mistake and we should not build it"]
    assert (voss[0].before_date, voss[0].after_date) == ("2023-03-14", "2024-06-02")


def test_a_described_past_stance_is_dated_by_the_time_it_describes(
    built: tuple[Path, dict[str, int]],
) -> None:
    path, ids = built
    report = ask(path)
    said = {s.statement_id: s for s in report.statements}
    dated = said[ids["the tidal barrage the only sensible plan for the estuary"]]
    assert (dated.period, dated.published, dated.counted) == ("2019-01", "2024-07-20", True)
    undated = said[ids["a barrage of some kind"]]
    assert undated.past and not undated.counted
    hale = [(s.from_stance, s.to_stance, s.before_date) for s in report.shifts if s.speaker == "Dmitri Hale"]
    assert hale == [("support", "oppose", "2019-01-01")]  # never the reversed oppose → support


def test_a_second_hand_report_counts_for_its_subject_apart_from_first_hand(
    built: tuple[Path, dict[str, int]],
) -> None:
    path, ids = built
    report = ask(path)
    reported = next(
        s
        for s in report.statements
        if s.statement_id == ids["Clara Voss was pushing the council to build the tidal barrage"]
    )
    assert (reported.speaker, reported.reported, reported.said_by) == (
        "Clara Voss",
        True,
        "Ellery Gazette",
    )
    april = [p for p in report.positions if p.speaker == "Clara Voss" and p.period == "2023-04"]
    assert {(p.reported, p.stance) for p in april} == {(True, "support"), (False, "neutral")}
    assert all(s.before != reported.statement_id and s.after != reported.statement_id for s in report.shifts)


def test_a_report_counts_for_a_known_person_who_does_not_speak_in_that_article(
    built: tuple[Path, dict[str, int]],
) -> None:
    path, ids = built
    said = {s.statement_id: s for s in ask(path).statements}
    reported = said[ids["Tomas Reyes no longer wanted the tidal barrage built"]]
    credited = (reported.speaker, reported.reported, reported.said_by)
    assert credited == ("Tomas Reyes", True, "Harbour Post")


def test_irrelevant_marks_and_unrelated_statements_are_not_listed(built: tuple[Path, dict[str, int]]) -> None:
    path, ids = built
    listed = {s.statement_id for s in ask(path).statements}
    assert ids["Our sourdough won because we never rush the rise"] not in listed
    assert ids["We must build the tidal barrage across the estuary now"] in listed


def test_marks_persist_and_a_new_mark_overrides_the_old(store: tuple[Path, dict[str, int]]) -> None:
    path, ids = store
    target = ids["The estuary needs protection"]
    assert next(s for s in ask(path).statements if s.statement_id == target).by == "person"
    ask(path, marks={target: "support"})
    again = next(s for s in ask(path).statements if s.statement_id == target)
    assert (again.stance, again.by, again.confidence) == ("support", "person", 1.0)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        labels = conn.execute("SELECT label FROM stance_marks WHERE statement_id = ?", (target,)).fetchall()
    assert labels == [("support",)]


def test_a_bad_mark_stores_nothing(store: tuple[Path, dict[str, int]]) -> None:
    path, ids = store
    good = ids["The estuary needs protection"]
    for bad in (
        {good: "oppose", 999_999: "support"},
        {good: "oppose", ids["a barrage of some kind"]: "maybe"},
    ):
        with pytest.raises(StanceInputError, match="--mark"):
            ask(path, marks=bad)
    with contextlib.closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT label FROM stance_marks WHERE statement_id = ?", (good,)).fetchall() == [
            ("neutral",)
        ]


def test_a_repeated_question_reuses_the_cached_scores_and_scores_only_new_statements(
    store: tuple[Path, dict[str, int]],
) -> None:
    path, _ = store
    first = ask(path)
    started = time.perf_counter()
    assert ask(path) == first
    assert time.perf_counter() - started < 1.0
    with contextlib.closing(open_store(str(path))) as conn:
        proposition = saved.find(conn, stance_store.PROPOSITION)
        assert proposition is not None
        top = conn.execute("SELECT max(id) FROM statements").fetchone()[0]
        assert proposition.scored_through == top
        text = 'Barrage vote\n\n"The tidal barrage across the estuary must be built," said Dmitri Hale.\n'
        quote = "The tidal barrage across the estuary must be built"
        stance_store.add_article(
            conn, text, [stance_store.said(text, quote, "Dmitri Hale")], published="2024-09-01"
        )
    later = ask(path)
    new = [s for s in later.statements if s.published == "2024-09-01"]
    assert [s.text for s in new] == ["The tidal barrage across the estuary must be built"]
    with contextlib.closing(open_store(str(path))) as conn:
        proposition = saved.find(conn, stance_store.PROPOSITION)
        assert proposition is not None and proposition.scored_through == top + 1


def test_filters_by_speaker_and_dates(built: tuple[Path, dict[str, int]]) -> None:
    path, _ = built
    hale = ask(path, speaker="Dmitri Hale")
    assert hale.statements and {s.speaker for s in hale.statements} == {"Dmitri Hale"}
    recent = ask(path, since="2024-06", until="2024-06-30")
    assert recent.statements and {s.published for s in recent.statements} == {"2024-06-02"}


def test_an_old_store_is_migrated_and_its_embeddings_built(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with contextlib.closing(open_store(str(path))) as conn:
        ids = stance_store.build(conn)
        conn.execute("PRAGMA foreign_keys = OFF")
        for table in ("stance_scores", "stance_marks", "statement_embeddings", "propositions"):
            conn.execute(f"DROP TABLE {table}")  # back to schema 2: no stance tables (migration 3) ...
        for column in ("co_speakers", "mode", "published"):
            conn.execute(f"ALTER TABLE statements DROP COLUMN {column}")  # ... nor migration 4's columns
        conn.execute("DROP TABLE article_posts")  # ... nor migration 5's
        conn.execute("ALTER TABLE articles DROP COLUMN extractor")
        conn.execute("PRAGMA user_version = 2")
    with contextlib.closing(open_store(str(path))) as conn:
        assert vectors.missing(conn) == len(ids)
    report = ask(path)
    assert report.statements
    with contextlib.closing(open_store(str(path))) as conn:
        assert vectors.missing(conn) == 0


def test_a_read_only_question_needs_the_embeddings_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bare.db"
    with contextlib.closing(open_store(str(path))) as conn:
        stance_store.build(conn)
    with pytest.raises(onrecord.stance.__globals__["StanceError"], match="no embeddings yet"):
        ask(path, save=False)


@pytest.mark.parametrize("proposition", ["", "   ", "barrage", "!!", "barrage !"])
def test_a_proposition_of_one_word_is_refused(built: tuple[Path, dict[str, int]], proposition: str) -> None:
    with pytest.raises(StanceInputError, match="too short"):
        onrecord.stance(built[0], proposition)


def test_a_huge_proposition_or_term_list_is_bounded(built: tuple[Path, dict[str, int]]) -> None:
    with pytest.raises(StanceInputError, match="keep it under 500"):
        onrecord.stance(built[0], "barrage " * 100)
    terms = ", ".join(f"word{n}" for n in range(5_000))
    assert onrecord.stance(built[0], stance_store.PROPOSITION, terms=terms, save=False).statements


# ---------------------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["stance", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_is_exactly_the_contract(built: tuple[Path, dict[str, int]]) -> None:
    code, out, _ = run(stance_store.PROPOSITION, "--db", str(built[0]), "--json")
    assert code == 0
    report = json.loads(out)
    assert list(report) == ["proposition", "statements", "positions", "shifts"]
    assert report["statements"] and all(list(s) == STATEMENT_KEYS for s in report["statements"])
    assert all(list(p) == POSITION_KEYS for p in report["positions"])
    assert report["shifts"] and all(list(s) == SHIFT_KEYS for s in report["shifts"])
    for statement in report["statements"]:
        assert statement["stance"] in ("support", "oppose", "neutral")
        assert statement["by"] in ("model", "person")
        assert all(set(span) == {"start", "end", "text"} for span in statement["content"])


def test_content_offsets_index_the_article_text(built: tuple[Path, dict[str, int]]) -> None:
    report = ask(built[0])
    texts = {story.published: story.text for story in stance_store.STORIES}
    for statement in report.statements:
        for span in statement.content:
            assert texts[statement.published or ""][span.start : span.end] == span.text


def test_tables_show_positions_shifts_and_statements(built: tuple[Path, dict[str, int]]) -> None:
    code, out, _ = run(stance_store.PROPOSITION, "--db", str(built[0]))
    assert code == 0
    assert "Positions by month" in out and "support → oppose" in out and "Clara Voss" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["one"], "too short"),
        ([stance_store.PROPOSITION, "--mark", "999999=support"], "no statement has the id 999999"),
        ([stance_store.PROPOSITION, "--mark", "1=maybe"], "the label must be one of"),
        ([stance_store.PROPOSITION, "--mark", "one=support"], "is not STATEMENT_ID=LABEL"),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(
    store: tuple[Path, dict[str, int]], args: list[str], message: str
) -> None:
    before = sqlite3.connect(store[0]).execute("SELECT count(*) FROM stance_marks").fetchone()
    code, _out, err = run(*args, "--db", str(store[0]))
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert sqlite3.connect(store[0]).execute("SELECT count(*) FROM stance_marks").fetchone() == before


def test_nothing_relevant_is_said_and_the_report_is_empty(built: tuple[Path, dict[str, int]]) -> None:
    code, out, err = run(
        "Quantum chromodynamics explains the colour of quarks", "--db", str(built[0]), "--json"
    )
    assert code == 0 and "no statement" in err
    assert json.loads(out)["statements"] == []


def test_a_missing_store_is_one_sentence(tmp_path: Path) -> None:
    code, _, err = run(stance_store.PROPOSITION, "--db", str(tmp_path / "none.db"))
    assert code == 1 and "no such database" in err


def test_a_mark_from_the_command_line_is_kept(store: tuple[Path, dict[str, int]]) -> None:
    path, ids = store
    target = ids["a barrage of some kind"]
    code, out, _ = run(stance_store.PROPOSITION, "--db", str(path), "--json", "--mark", f"{target}=oppose")
    assert code == 0
    shown = next(s for s in json.loads(out)["statements"] if s["statement_id"] == target)
    assert (shown["stance"], shown["by"]) == ("oppose", "person")


@pytest.mark.parametrize(
    ("sentence", "period", "past"),
    [
        ("In 2019, Hale said [the barrage was the only sensible plan].", "2019-01", True),
        ("Hale said in March 2021 that [the barrage must be built].", "2021-03", True),
        ("Hale said [the aid promised in 2022 must finally be delivered].", None, False),
        ("Hale, who was mayor in 2012, said [the barrage must be built].", None, False),
        ("Hale said [he had supported the barrage in 2019 but no longer does].", "2019-01", True),
        ("Hale said [the council had backed the plan].", None, True),
        ("Hale said in 2024 that [the barrage must be built].", None, False),
    ],
)
def test_the_time_a_stance_was_held_comes_from_the_frame_not_from_what_it_speaks_of(
    sentence: str, period: str | None, past: bool
) -> None:
    """[...] marks the words said."""
    text = f"The council met on Monday.\n{sentence}\n"
    start, end = text.index("["), text.index("]") - 1
    text = text.replace("[", "").replace("]", "")
    described = described_time(text, [Span(start, end, text[start:end])], "2024-07-20")
    assert (described.period, described.past) == (period, past)
