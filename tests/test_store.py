"""The store: migrations, refusal of foreign and newer files (left untouched), FTS kept in sync."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from onrecord.store import StoreError, open_store
from onrecord.store.migrations import LATEST, MIGRATIONS, migrate
from onrecord.store.sqlite import APPLICATION_ID, match_expression
from record_factory import add_article, said

TABLES = {
    "articles",
    "statements",
    "speakers",
    "aliases",
    "roles",
    "appearances",
    "skips",
    "inputs",
    "overrides",
}


def test_new_store_is_migrated_stamped_and_in_wal_mode(tmp_path: Path) -> None:
    conn = open_store(str(tmp_path / "new.db"))
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert names >= TABLES and "statements_fts" in names
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST == len(MIGRATIONS)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    conn.close()


def test_reopening_keeps_the_data_and_migrating_twice_is_a_no_op(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    conn = open_store(path)
    text = "The mayor of Quillbury said the ferry would run again."
    add_article(conn, text, [said(text, "the ferry would run again", "Odile Marsh")])
    conn.close()
    conn = open_store(path)
    assert migrate(conn) == LATEST
    assert conn.execute("SELECT count(*) FROM statements").fetchone()[0] == 1
    conn.close()


def test_an_empty_file_becomes_a_store(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    open_store(str(path)).close()
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == LATEST


def test_a_file_that_is_not_sqlite_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    content = b"These are my notes, not a database.\n" * 20
    path.write_bytes(content)
    with pytest.raises(StoreError, match=r"not an onrecord database \(not an SQLite file\)\.$"):
        open_store(str(path))
    assert path.read_bytes() == content
    assert not (tmp_path / "notes.db-wal").exists()


def test_a_database_of_another_program_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE recipes (name TEXT)")
    other.execute("INSERT INTO recipes VALUES ('bread')")
    other.commit()
    other.close()
    content = path.read_bytes()
    with pytest.raises(StoreError, match="another program, not an onrecord database"):
        open_store(str(path))
    assert path.read_bytes() == content


def test_a_store_from_a_newer_onrecord_is_refused_and_nothing_is_lost(tmp_path: Path) -> None:
    path = str(tmp_path / "future.db")
    conn = open_store(path)
    text = "A spokesman for the Quillbury port authority said the cranes were safe."
    add_article(conn, text, [said(text, "the cranes were safe", "Quillbury port authority", "organization")])
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    content = Path(path).read_bytes()
    with pytest.raises(
        StoreError, match=rf"newer onrecord \(schema version {LATEST + 1}; this one reads up to"
    ):
        open_store(path)
    assert Path(path).read_bytes() == content


def test_a_missing_store_is_refused_when_it_must_exist(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        open_store(str(tmp_path / "absent.db"), create=False)
    assert not (tmp_path / "absent.db").exists()


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        open_store(str(tmp_path))


def _fts(conn: sqlite3.Connection, query: str) -> list[int]:
    return [
        row[0]
        for row in conn.execute("SELECT rowid FROM statements_fts WHERE statements_fts MATCH ?", (query,))
    ]


def test_full_text_index_follows_inserts_updates_and_deletes(tmp_path: Path) -> None:
    conn = open_store(str(tmp_path / "fts.db"))
    text = "Councillor Ivo Brandling said the lighthouse would reopen in spring."
    add_article(conn, text, [said(text, "the lighthouse would reopen in spring", "Ivo Brandling")])
    (statement,) = [row[0] for row in conn.execute("SELECT id FROM statements")]
    assert _fts(conn, "lighthouse") == [statement]
    conn.execute(
        "UPDATE statements SET text = 'the harbour wall would be rebuilt' WHERE id = ?", (statement,)
    )
    assert _fts(conn, "lighthouse") == [] and _fts(conn, "harbour") == [statement]
    conn.execute("DELETE FROM articles")  # cascades to statements, whose trigger cleans the index
    assert _fts(conn, "harbour") == []
    assert conn.execute("SELECT count(*) FROM appearances").fetchone()[0] == 0
    conn.execute("INSERT INTO statements_fts(statements_fts) VALUES ('integrity-check')")


@pytest.mark.parametrize(
    ("typed", "expression"),
    [
        ("lighthouse", '"lighthouse"'),
        ("light house", '"light" "house"'),
        ('"harbour wall" rebuilt', '"harbour wall" "rebuilt"'),
        ("light*", '"light"*'),
        ('AND OR NOT ( ) - : "', '"AND" "OR" "NOT"'),
        ("?!", ""),
    ],
)
def test_what_users_type_becomes_a_safe_match_expression(typed: str, expression: str) -> None:
    assert match_expression(typed) == expression
