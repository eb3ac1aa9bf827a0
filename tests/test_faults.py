"""Fault injection: real `onrecord ingest` processes killed with SIGKILL at random points, interrupted
(once, twice), run two at once, starved of disk, and pointed at damaged stores. Afterwards the store
equals a clean run's, table by table (times aside), or is left byte for byte as it was; stderr never
holds a traceback."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

import onrecord
from news_factory import write_articles
from onrecord import ingest as ingest_module
from onrecord.cli import main
from onrecord.ingest import IngestError, ingest
from onrecord.store import StoreError, open_store
from onrecord.store.lock import writer_lock
from onrecord.workers import Extractor, Inline
from onrecord.writing import Counts, Writer
from processes import alive, children, committed

ARTICLES = 120
LONG_ARTICLES = 600
ONRECORD = [sys.executable, "-c", "import sys; from onrecord.cli import main; sys.exit(main())"]
TIMES = {"ingested_at", "seen_at", "skipped_at", "created_at"}
"""Columns that say when a row was written: the only ones that differ between two runs."""
INTERRUPTED = "onrecord: interrupted; everything committed is kept, and a rerun resumes."

Snapshot = dict[str, list[tuple[object, ...]]]


def snapshot(db: Path) -> Snapshot:
    """Every table's rows, ids included, without the time columns; the full-text index is checked."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("INSERT INTO statements_fts (statements_fts) VALUES ('integrity-check')")
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                "AND name NOT LIKE 'statements_fts%' ORDER BY name"
            )
        ]
        taken: Snapshot = {}
        for table in tables:
            columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[1] not in TIMES]
            order = ", ".join(str(number) for number in range(1, len(columns) + 1))
            query = f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"
            taken[table] = conn.execute(query).fetchall()
        return taken
    finally:
        conn.close()


def environment() -> dict[str, str]:
    env = dict(os.environ)
    source = str(Path(onrecord.__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [source, env.get("PYTHONPATH")]))
    env["COLUMNS"] = "200"
    return env


def start(corpus: Path, db: Path, workers: int) -> subprocess.Popen[bytes]:
    """`onrecord ingest CORPUS --db DB --fast --workers N` in a session of its own (like a terminal job)."""
    return subprocess.Popen(
        [*ONRECORD, "ingest", str(corpus), "--db", str(db), "--fast", "--workers", str(workers)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(),
        start_new_session=True,
    )


def finish(corpus: Path, db: Path) -> str:
    """Run an ingest to its end; its stderr (one skip: the blank file)."""
    process = start(corpus, db, 0)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 1, err.decode()
    stderr = err.decode()
    assert "Traceback" not in stderr and "leaked" not in stderr and "Exception ignored" not in stderr
    return stderr


def all_gone(pids: list[int]) -> bool:
    """Whether every process in `pids` has ended (or does within a second: exiting takes a moment)."""
    deadline = time.monotonic() + 1.0
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.01)
    return not any(alive(pid) for pid in pids)


def wait_for(condition: Callable[[], bool], process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)


def clean_run(folder: Path, articles: int) -> tuple[Path, Path, Snapshot]:
    """A corpus (`articles` articles and a blank file), a store of one uninterrupted run, its snapshot."""
    corpus = folder / "news"
    write_articles(corpus, articles)
    (corpus / "blank.txt").write_text("  \n", encoding="utf-8")
    db = folder / "clean.db"
    finish(corpus, db)
    taken = snapshot(db)
    assert len(taken["articles"]) == articles and taken["skips"] and taken["statements"]
    return corpus, db, taken


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Snapshot]:
    return clean_run(tmp_path_factory.mktemp("faults"), ARTICLES)


@pytest.fixture(scope="module")
def long_clean(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Snapshot]:
    """A corpus long enough that an ingest still runs well after its first commit, on a fast machine."""
    return clean_run(tmp_path_factory.mktemp("faults-long"), LONG_ARTICLES)


def test_kill_9_at_random_points_then_a_rerun_equals_a_clean_run(
    long_clean: tuple[Path, Path, Snapshot], tmp_path: Path
) -> None:
    corpus, _, expected = long_clean
    db = tmp_path / "killed.db"
    pick = random.Random(9)
    killed = 0
    for workers in (1, 0, 1):
        before = committed(db)
        process = start(corpus, db, workers)
        wait_for(lambda before=before: committed(db) > before, process)  # type: ignore[misc]
        time.sleep(pick.uniform(0.0, 0.6))
        assert process.poll() is None, "the ingest still runs when it is killed"
        helpers = children(process.pid)
        process.kill()
        _, err = process.communicate(timeout=5)  # ends only when no worker holds stderr any more
        assert "Traceback" not in err.decode() and "leaked semaphore" not in err.decode()
        assert helpers if workers else True
        assert all_gone(helpers), "workers die with the ingest"
        killed += process.returncode == -signal.SIGKILL
    assert killed >= 2, "killed mid-run"
    assert committed(db) < LONG_ARTICLES
    finish(corpus, db)
    assert snapshot(db) == expected


def test_a_worker_killed_mid_run_stops_the_ingest_in_one_sentence_and_a_rerun_equals_a_clean_run(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path
) -> None:
    """What the kernel's out-of-memory killer does: one worker dies, the ingest says so and keeps its work."""
    corpus, _, expected = clean
    db = tmp_path / "worker-killed.db"
    process = start(corpus, db, 1)
    wait_for(lambda: committed(db) > 0, process)
    (worker,) = children(process.pid)
    os.kill(worker, signal.SIGKILL)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 1
    assert err.decode().splitlines()[-1] == (
        "onrecord: a worker process ended before answering (out of memory?); everything stored so far is "
        "kept, rerun to resume."
    )
    assert 0 < committed(db) < ARTICLES
    finish(corpus, db)
    assert snapshot(db) == expected


@pytest.mark.parametrize("twice", [False, True], ids=["sigint", "ctrl-c-twice"])
def test_an_interrupted_ingest_stops_at_once_with_exit_130_and_a_rerun_equals_a_clean_run(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path, twice: bool
) -> None:
    corpus, _, expected = clean
    db = tmp_path / "interrupted.db"
    process = start(corpus, db, 1)
    wait_for(lambda: committed(db) > 0, process)
    helpers = children(process.pid)
    began = time.monotonic()
    if twice:  # Ctrl-C at a terminal signals the whole job, and impatient people press it again
        os.killpg(process.pid, signal.SIGINT)
        time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert time.monotonic() - began < 2.0, "stops promptly"
    assert process.returncode == 130
    stderr = err.decode()
    assert stderr.strip().splitlines()[-1] == INTERRUPTED
    assert not any(trace in stderr for trace in ("Traceback", "Exception ignored", "KeyboardInterrupt"))
    assert helpers and all_gone(helpers)
    assert 0 < committed(db) < ARTICLES
    finish(corpus, db)
    assert snapshot(db) == expected


def test_a_second_ingest_into_the_same_store_is_refused_while_readers_go_on(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path
) -> None:
    corpus, _, expected = clean
    db = tmp_path / "shared.db"
    first = start(corpus, db, 0)
    wait_for(lambda: committed(db) > 0, first)
    first.send_signal(signal.SIGSTOP)  # paused mid-run, lock held, so the test does not race its end
    second = subprocess.run(
        [*ONRECORD, "ingest", str(corpus), "--db", str(db), "--fast", "--workers", "0"],
        capture_output=True,
        env=environment(),
        timeout=60,
    )
    searched = CliRunner().invoke(main, ["search", "answer", "--db", str(db), "--json"])
    running = first.poll() is None
    first.send_signal(signal.SIGCONT)
    assert running, "the first ingest was still writing"
    assert second.returncode == 1
    assert second.stderr.decode().splitlines() == [
        f"onrecord: {db}: another ingest (process {first.pid}) is writing to it; wait for it to end, or "
        "ingest into another database."
    ]
    assert searched.exit_code == 0 and '"statement_id"' in searched.stdout, "readers work during an ingest"
    _, err = first.communicate(timeout=120)
    assert first.returncode == 1 and "Traceback" not in err.decode()
    assert not Path(f"{db}.lock").exists()
    assert snapshot(db) == expected


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A 320 KB tmpfs (needs root and mount); skipped, saying why, where there is none."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a full disk needs root to mount a small tmpfs")
    mount = tmp_path / "small"
    mount.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=320k", "tmpfs", str(mount)]
    made = subprocess.run(command, capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {made.stderr.decode().strip()}")
    yield mount  # type: ignore[misc]
    subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_stops_the_ingest_in_one_sentence_and_a_rerun_after_freeing_space_finishes(
    clean: tuple[Path, Path, Snapshot], small_disk: Path
) -> None:
    corpus, _, expected = clean
    db = small_disk / "record.db"
    process = start(corpus, db, 0)
    _, err = process.communicate(timeout=120)
    stderr = err.decode()
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert stderr.splitlines()[-1] == (
        f"onrecord: {db}: the disk is full (or the database reached its size limit); everything "
        "committed is kept, and a rerun resumes."
    )
    assert committed(db) < ARTICLES
    subprocess.run(["mount", "-o", "remount,size=64m", str(small_disk)], check=True)
    finish(corpus, db)
    assert snapshot(db) == expected


def test_a_store_at_its_size_limit_stops_the_ingest_in_one_sentence_and_a_rerun_finishes(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path
) -> None:
    """The full-disk path without root: SQLite's page limit raises the same error as a full disk."""
    corpus, _, expected = clean
    db = tmp_path / "limited.db"
    conn = open_store(str(db))
    pages = int(conn.execute("PRAGMA page_count").fetchone()[0])
    conn.execute(f"PRAGMA max_page_count = {pages + 60}")
    writer = Writer(conn, str(db), Counts(), lambda _: None, lambda _: None)
    writer.commit_every = 5  # small batches, so some commit before the limit whatever the machine's speed
    with pytest.raises(IngestError, match=r"the disk is full .*everything committed is kept, and a rerun"):
        ingest_module._drive([str(corpus)], Inline(Extractor(conn, fast=True)), writer, 4)
    assert not conn.in_transaction
    conn.close()
    assert 0 < committed(db) < ARTICLES
    ingest([str(corpus)], str(db), workers=0, fast=True)
    assert snapshot(db) == expected


def _page_headers_damaged(db: Path) -> None:
    data = bytearray(db.read_bytes())
    for start in range(4096, len(data), 4096):
        data[start] ^= 0xFF
    db.write_bytes(bytes(data))


def _truncated(db: Path) -> None:
    os.truncate(db, db.stat().st_size * 6 // 10)


@pytest.mark.parametrize("damage", [_page_headers_damaged, _truncated], ids=["page-headers", "truncated"])
def test_every_command_refuses_a_damaged_store_in_one_sentence_and_changes_nothing(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    corpus, clean_db, _ = clean
    folder = tmp_path / "damaged"
    folder.mkdir()
    db = folder / "record.db"
    shutil.copyfile(clean_db, db)
    damage(db)
    before = db.read_bytes()
    commands = [
        ["search", "council"],
        ["people"],
        ["person", "Odile Marsh"],
        ["export", "--format", "csv"],
        ["people", "merge", "Odile Marsh", "Ivo Brandling"],
        ["people", "split", "Odile Marsh", "Marsh"],
    ]
    for command in commands:
        result = CliRunner().invoke(main, [*command, "--db", str(db)])
        assert result.exit_code == 1, (command, result.output)
        assert isinstance(result.exception, SystemExit), command
        assert result.stderr.splitlines() == [
            f"onrecord: {db}: is damaged (database disk image is malformed); restore it from a backup, "
            f"or recover it with `sqlite3 {db} .recover`."
        ], command
    process = start(corpus, db, 0)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1 and err.decode().splitlines()[-1].startswith(f"onrecord: {db}: is damaged")
    assert db.read_bytes() == before
    assert sorted(path.name for path in folder.iterdir()) == ["record.db"], "no -wal, -shm or lock left"


def test_an_ingest_refuses_a_store_that_only_quick_check_finds_damaged(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path
) -> None:
    """Damage deep in the tables, where opening still works: nothing may be written before it is found."""
    corpus, clean_db, _ = clean
    db = tmp_path / "record.db"
    pick = random.Random(0)
    for _ in range(100):
        data = bytearray(clean_db.read_bytes())
        for _ in range(40):
            data[pick.randrange(4096, len(data))] ^= 0xFF
        db.write_bytes(bytes(data))
        conn = sqlite3.connect(db)
        conn.text_factory = bytes
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            if conn.execute("PRAGMA quick_check").fetchone()[0] != b"ok":
                break
        except (sqlite3.DatabaseError, UnicodeDecodeError):  # damage that opening finds already
            pass
        finally:
            conn.close()
    before = db.read_bytes()
    process = start(corpus, db, 0)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1
    (line,) = err.decode().splitlines()
    assert line.startswith(f"onrecord: {db}: is damaged (") and "nothing was written to it" in line
    merged = CliRunner().invoke(main, ["people", "merge", "Odile Marsh", "Ivo Brandling", "--db", str(db)])
    assert merged.exit_code == 1 and "nothing was written to it" in merged.stderr
    assert db.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["record.db"]


def test_the_ingest_lock_belongs_to_the_file_whatever_names_it(tmp_path: Path) -> None:
    db = tmp_path / "record.db"
    link = tmp_path / "link.db"
    link.symlink_to(db)
    with writer_lock(str(db)):
        assert (tmp_path / "record.db.lock").read_text(encoding="ascii") == f"{os.getpid()}\n"
        with pytest.raises(StoreError, match=rf"another ingest \(process {os.getpid()}\) is writing to it"):
            ingest([str(tmp_path)], str(link), workers=0, fast=True)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["link.db"], "nothing created, lock removed"


@pytest.mark.parametrize("export_format", ["csv", "jsonl", "parquet"])
def test_an_export_onto_a_full_disk_is_one_sentence(
    clean: tuple[Path, Path, Snapshot], export_format: str
) -> None:
    _, clean_db, _ = clean
    result = CliRunner().invoke(
        main, ["export", "--format", export_format, "--out", "/dev/full", "--db", str(clean_db)]
    )
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    (line,) = result.stderr.splitlines()
    assert line.startswith("onrecord: /dev/full: cannot be written (") and "No space left on device" in line


def test_a_store_whose_schema_is_not_text_is_refused_in_one_sentence(
    clean: tuple[Path, Path, Snapshot], tmp_path: Path
) -> None:
    """Python's sqlite3 raises UnicodeDecodeError, not a database error, when SQLite's message about a
    damaged schema holds bytes that are not UTF-8: it is damage all the same."""
    corpus, clean_db, _ = clean
    db = tmp_path / "record.db"
    pick = random.Random(1)
    for _ in range(500):
        data = bytearray(clean_db.read_bytes())
        for _ in range(40):
            data[pick.randrange(4096, len(data))] ^= 0xFF
        db.write_bytes(bytes(data))
        conn = sqlite3.connect(db)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except UnicodeDecodeError:
            break
        except sqlite3.DatabaseError:
            pass
        finally:
            conn.close()
    else:
        pytest.fail("no damage of that kind was made")
    before = db.read_bytes()
    for command in (
        ["search", "harbour"],
        ["people"],
        ["person", "Havel"],
        ["stance", "The harbour should reopen"],
    ):
        result = CliRunner().invoke(main, [*command, "--db", str(db)])
        assert result.exit_code == 1 and isinstance(result.exception, SystemExit), (command, result.output)
        [line] = result.stderr.splitlines()
        assert line.startswith(f"onrecord: {db}: is damaged (its schema holds bytes that are not text)")
    process = start(corpus, db, 0)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1 and err.decode().splitlines()[-1].startswith(f"onrecord: {db}: is damaged")
    assert db.read_bytes() == before
