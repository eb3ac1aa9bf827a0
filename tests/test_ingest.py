"""Ingest end to end with the real extractor: counts, skips, rerun, duplicates, syndicated copies,
identity across articles, parallel workers, and an ingest killed with SIGKILL that resumes."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from news_factory import article_text, write_articles
from onrecord.cli import main
from onrecord.ingest import ingest
from onrecord.store import merge_people, open_store
from processes import alive, children, committed

TABLES = ("articles", "statements", "appearances", "speakers", "aliases", "roles", "inputs", "skips")


def counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        conn.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    write_articles(folder, 4)
    (folder / "blank.txt").write_text("   \n\n", encoding="utf-8")
    (folder / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    return folder


def test_ingest_stores_articles_and_statements_and_records_skips(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "record.db"
    summary = ingest([str(corpus), str(tmp_path / "missing.txt")], str(db), workers=0)
    assert (summary.read, summary.stored, summary.duplicates) == (7, 4, 0)
    assert dict(summary.skipped) == {"binary": 1, "empty": 1, "missing": 1}
    stored = counts(db)
    assert stored["articles"] == 4 and stored["skips"] == 3
    assert summary.statements == stored["statements"] == stored["appearances"] >= 8


def test_rerunning_the_same_ingest_adds_nothing(corpus: Path, tmp_path: Path) -> None:
    db = tmp_path / "record.db"
    ingest([str(corpus)], str(db), workers=0)
    before = counts(db)
    again = ingest([str(corpus)], str(db), workers=0)
    assert (again.stored, again.statements, again.already) == (0, 0, 5)
    assert dict(again.skipped) == {"binary": 1}, "a binary file is refused on reading, before any key"
    assert counts(db) == before


def test_the_same_article_twice_is_stored_once(tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    original = write_articles(folder, 1)[0]
    (folder / "same-bytes.txt").write_bytes(original.read_bytes())
    (folder / "same-text.txt").write_text(original.read_text(encoding="utf-8").replace("\n", "\n\n") + "\n\n")
    summary = ingest([str(folder)], str(tmp_path / "record.db"), workers=0)
    assert (summary.stored, summary.duplicates) == (1, 2)
    assert counts(tmp_path / "record.db")["articles"] == 1


WIRE_BODY = (
    "The regional water board of Havelport confirmed on Thursday that the old reservoir dam will be "
    "drained over the winter so engineers can inspect cracks found during the summer drought.\n"
    '"Nobody downstream is in danger today, and we intend to keep it that way," said Ruth Okonkwo, '
    "the board's chief engineer.\n"
    "Ruth Okonkwo said the inspection would take eleven weeks and cost about two million crowns.\n"
    "Farmers along the Greywater valley have asked for compensation for the lost irrigation season.\n"
    "Emil Sandqvist, who speaks for the farmers' association, said the board had ignored three "
    "earlier warnings about the dam.\n"
    '"We are not asking for charity, we are asking for water," Sandqvist said.\n'
)


def test_a_syndicated_copy_is_linked_and_shares_its_statements(tmp_path: Path) -> None:
    folder = tmp_path / "wire"
    folder.mkdir()
    (folder / "a-original.txt").write_text("Havelport dam to be drained\n\n" + WIRE_BODY, encoding="utf-8")
    copy = (
        "Dam inspection: what it means for valley farmers\n\nBy our regional staff\n\n"
        + WIRE_BODY
        + "Tobias Wren, a local councillor, said the town would pay for water deliveries.\n"
    )
    (folder / "b-copy.txt").write_text(copy, encoding="utf-8")
    db = tmp_path / "record.db"
    summary = ingest([str(folder)], str(db), workers=0)
    assert (summary.stored, summary.near_duplicates) == (2, 1)
    assert summary.appearances >= 3, "the wire quotes appear again, not as new statements"
    conn = sqlite3.connect(db)
    (linked,) = conn.execute(
        "SELECT syndicated_from FROM articles WHERE source LIKE '%b-copy.txt'"
    ).fetchone()
    (first,) = conn.execute("SELECT id FROM articles WHERE source LIKE '%a-original.txt'").fetchone()
    assert linked == first
    shared = conn.execute(
        "SELECT count(*) FROM appearances p JOIN statements s ON s.id = p.statement_id "
        "WHERE s.text LIKE 'We are not asking for charity%'"
    ).fetchone()[0]
    assert shared == 2, "one statement, two appearances"
    only_copy = conn.execute(
        "SELECT article_id FROM statements WHERE text LIKE '%water deliveries%'"
    ).fetchall()
    assert only_copy != [] and only_copy[0][0] != first
    assert (
        conn.execute("SELECT count(*) FROM statements WHERE text LIKE 'We are not asking%'").fetchone()[0]
        == 1
    )


def test_one_speaker_across_articles_and_corrections_survive_reingest(tmp_path: Path) -> None:
    folder = tmp_path / "diplomacy"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "Talks resume in Vienna\n\nAnthony Blinken said on Monday the grain talks would continue.\n",
        encoding="utf-8",
    )
    (folder / "two.txt").write_text(
        "Ceasefire plan\n\nUS Secretary of State Antony Blinken told reporters that a deal on the "
        "ceasefire was close.\n",
        encoding="utf-8",
    )
    (folder / "three.txt").write_text(
        "Port strike\n\nJoseph Okafor said the dockers would return to work on Friday.\n", encoding="utf-8"
    )
    db = tmp_path / "record.db"
    ingest([str(folder)], str(db), workers=0)
    conn = open_store(str(db))
    rows = conn.execute("SELECT name FROM speakers WHERE surname = 'blinken'").fetchall()
    assert rows == [("Antony Blinken",)]
    assert conn.execute("SELECT role FROM roles").fetchall() == [("US Secretary of State",)]
    merge_people(conn, "Antony Blinken", "Joseph Okafor")  # a deliberately odd correction, to see it hold
    conn.close()
    (folder / "four.txt").write_text(
        "Dockers back\n\nJoseph Okafor said the strike fund had been spent.\n", encoding="utf-8"
    )
    ingest([str(folder)], str(db), workers=0)
    conn = sqlite3.connect(db)
    speaker = conn.execute("SELECT speaker_id FROM statements WHERE text LIKE '%strike fund%'").fetchone()[0]
    assert (
        conn.execute("SELECT name FROM speakers WHERE id = ?", (speaker,)).fetchone()[0] == "Antony Blinken"
    )


def test_worker_processes_store_what_in_process_extraction_stores(tmp_path: Path) -> None:
    write_articles(tmp_path / "news", 6)
    ingest([str(tmp_path / "news")], str(tmp_path / "inline.db"), workers=0)
    summary = ingest([str(tmp_path / "news")], str(tmp_path / "parallel.db"), workers=2)
    assert summary.stored == 6

    def statements(db: Path) -> list[tuple[str, str]]:
        conn = sqlite3.connect(db)
        query = (
            "SELECT a.source, s.text FROM statements s JOIN articles a ON a.id = s.article_id ORDER BY 1, 2"
        )
        return conn.execute(query).fetchall()

    assert statements(tmp_path / "parallel.db") == statements(tmp_path / "inline.db")


KILLED_INGEST = (
    "import sys\nfrom onrecord.ingest import ingest\n"
    "if __name__ == '__main__':\n"
    "    ingest([sys.argv[1]], sys.argv[2], workers=1, commit_every=1)\n"
)


def test_an_ingest_killed_with_sigkill_keeps_what_it_committed_and_resumes(tmp_path: Path) -> None:
    total = 120
    write_articles(tmp_path / "news", total)
    db = tmp_path / "record.db"
    script = tmp_path / "killed_ingest.py"
    script.write_text(KILLED_INGEST, encoding="utf-8")
    process = subprocess.Popen([sys.executable, str(script), str(tmp_path / "news"), str(db)])
    deadline = time.monotonic() + 60
    while committed(db) < 10 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert workers and not any(alive(pid) for pid in workers), "workers end with their writer"
    conn = sqlite3.connect(db)
    articles = conn.execute("SELECT id, source, text_hash FROM articles ORDER BY id").fetchall()
    statements = conn.execute("SELECT id, article_id, text FROM statements ORDER BY id").fetchall()
    conn.close()
    assert 10 <= len(articles) < total, "killed mid-run"
    summary = ingest([str(tmp_path / "news")], str(db), workers=0)
    assert summary.already == len(articles)
    assert summary.stored == total - len(articles)
    conn = sqlite3.connect(db)
    assert (
        conn.execute("SELECT id, source, text_hash FROM articles ORDER BY id").fetchall()[: len(articles)]
        == articles
    )
    kept = conn.execute("SELECT id, article_id, text FROM statements ORDER BY id").fetchall()
    assert kept[: len(statements)] == statements
    assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == total
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_ingest_reports_counts_and_skips_and_uses_onrecord_db(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ONRECORD_DB", str(tmp_path / "from-env.db"))
    result = CliRunner().invoke(main, ["ingest", str(corpus), "--workers", "0"])
    assert result.exit_code == 1, "two inputs were skipped"
    assert "onrecord: " in result.stderr and "binary" in result.stderr
    assert "stored (new articles)" in result.stdout
    assert (tmp_path / "from-env.db").exists() and not (tmp_path / "onrecord.db").exists()
    clean = tmp_path / "clean"
    write_articles(clean, 1, start=50)
    result = CliRunner().invoke(main, ["ingest", str(clean), "--workers", "0", "--db", "chosen.db"])
    assert result.exit_code == 0 and (tmp_path / "chosen.db").exists()


def test_cli_ingest_refuses_a_file_that_is_not_a_store_and_leaves_it_alone(tmp_path: Path) -> None:
    target = tmp_path / "diary.db"
    target.write_text("Dear diary, today I wrote no SQL at all.\n" * 10, encoding="utf-8")
    before = target.read_bytes()
    (tmp_path / "one.txt").write_text(article_text(1), encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path / "one.txt"), "--db", str(target)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"onrecord: {target}: is not an onrecord database (not an SQLite file)."
    assert target.read_bytes() == before
