"""Explicit, versioned schema migrations: script N takes a store from version N-1 to N.

`PRAGMA user_version` holds the version of a store; a store newer than `LATEST` is refused, never touched.
The SQL is plain (tables, indexes, triggers); only the FTS5 virtual table and its triggers are SQLite's own.
"""

from __future__ import annotations

import sqlite3

SCHEMA_1 = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    url TEXT,
    domain TEXT,
    title TEXT,
    published TEXT,
    site TEXT,
    author TEXT,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    text_hash TEXT NOT NULL UNIQUE,
    minhash BLOB,
    syndicated_from INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    similarity REAL,
    ingested_at TEXT NOT NULL
);
CREATE UNIQUE INDEX articles_url ON articles(url) WHERE url IS NOT NULL;
CREATE INDEX articles_published ON articles(published);
CREATE INDEX articles_syndicated_from ON articles(syndicated_from) WHERE syndicated_from IS NOT NULL;

CREATE TABLE article_bands (
    band INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE INDEX article_bands_article ON article_bands(article_id);

CREATE TABLE inputs (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('stored', 'near-duplicate', 'duplicate', 'skipped')),
    article_id INTEGER REFERENCES articles(id) ON DELETE CASCADE,
    seen_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX inputs_article ON inputs(article_id) WHERE article_id IS NOT NULL;

CREATE TABLE speakers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    key TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('person', 'organization', 'media', 'unknown')),
    surname TEXT,
    given TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX speakers_key ON speakers(key);
CREATE INDEX speakers_surname ON speakers(surname) WHERE surname IS NOT NULL;

CREATE TABLE aliases (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (speaker_id, key)
) WITHOUT ROWID;
CREATE INDEX aliases_key ON aliases(key);

CREATE TABLE roles (
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    role TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (speaker_id, key)
) WITHOUT ROWID;

CREATE TABLE overrides (
    alias TEXT PRIMARY KEY,
    action TEXT NOT NULL CHECK (action IN ('merge', 'split')),
    speaker_id INTEGER NOT NULL REFERENCES speakers(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX overrides_speaker ON overrides(speaker_id);

CREATE TABLE statements (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker_id INTEGER REFERENCES speakers(id) ON DELETE SET NULL,
    speaker_name TEXT,
    speaker_type TEXT NOT NULL,
    role TEXT,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    content_key TEXT NOT NULL,
    cue TEXT,
    confidence REAL NOT NULL
);
CREATE INDEX statements_article ON statements(article_id);
CREATE INDEX statements_speaker ON statements(speaker_id);
CREATE INDEX statements_content_key ON statements(content_key);

CREATE TABLE appearances (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    extract_id TEXT NOT NULL,
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    spans TEXT NOT NULL,
    PRIMARY KEY (article_id, extract_id)
) WITHOUT ROWID;
CREATE INDEX appearances_statement ON appearances(statement_id);

CREATE TABLE skips (
    source TEXT NOT NULL,
    reason TEXT NOT NULL,
    message TEXT NOT NULL,
    skipped_at TEXT NOT NULL,
    PRIMARY KEY (source, reason)
) WITHOUT ROWID;

CREATE VIRTUAL TABLE statements_fts USING fts5(
    text, content='statements', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER statements_fts_update AFTER UPDATE OF text ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO statements_fts(rowid, text) VALUES (new.id, new.text);
END;
"""

SCHEMA_2 = """
CREATE INDEX statements_speaker_article ON statements(speaker_id, article_id);
CREATE INDEX appearances_statement_article ON appearances(statement_id, article_id);
CREATE INDEX articles_dates ON articles(id, published, site, domain);
"""
"""Covering indexes for a person's page: their statements' dates and outlets without reading article text."""

SCHEMA_3 = """
CREATE TABLE propositions (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    key TEXT NOT NULL UNIQUE,
    terms TEXT NOT NULL DEFAULT '',
    model TEXT,
    scored_through INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

CREATE TABLE stance_marks (
    proposition_id INTEGER NOT NULL REFERENCES propositions(id) ON DELETE CASCADE,
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    label TEXT NOT NULL CHECK (label IN ('support', 'oppose', 'neutral', 'irrelevant')),
    marked_at TEXT NOT NULL,
    PRIMARY KEY (proposition_id, statement_id)
) WITHOUT ROWID;
CREATE INDEX stance_marks_statement ON stance_marks(statement_id);

CREATE TABLE stance_scores (
    proposition_id INTEGER NOT NULL REFERENCES propositions(id) ON DELETE CASCADE,
    statement_id INTEGER NOT NULL REFERENCES statements(id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    relevance REAL NOT NULL,
    stance TEXT NOT NULL CHECK (stance IN ('support', 'oppose', 'neutral')),
    confidence REAL NOT NULL,
    PRIMARY KEY (proposition_id, model, statement_id)
) WITHOUT ROWID;
CREATE INDEX stance_scores_statement ON stance_scores(statement_id);

CREATE TABLE statement_embeddings (
    statement_id INTEGER PRIMARY KEY REFERENCES statements(id) ON DELETE CASCADE,
    encoder TEXT NOT NULL,
    vector BLOB NOT NULL
);
"""
"""Stance: saved propositions, people's marks, cached model scores, and each statement's embedding (a
float32 vector of the statement in its context, by the encoder named). Stores made before lack the
embeddings; `onrecord stance` builds them on first use."""

SCHEMA_4 = """
ALTER TABLE statements ADD COLUMN mode TEXT NOT NULL DEFAULT 'speech' CHECK (mode IN ('speech', 'attitude'));
ALTER TABLE statements ADD COLUMN co_speakers TEXT;
"""
"""Speech or attitude (a reported belief, wish or stance: `hopes`, `wants to`), older rows read as speech;
and the others named with the speaker (`Leahy` in `Grassley and Leahy said`): a JSON list of names, NULL
when there are none."""

SCHEMA_5 = """
ALTER TABLE articles ADD COLUMN extractor TEXT;
ALTER TABLE statements ADD COLUMN published TEXT;
CREATE TABLE article_posts (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    published TEXT,
    PRIMARY KEY (article_id, start)
) WITHOUT ROWID;
"""
"""Which extractor gave an article its text ("trafilatura", "fundus:<publisher>", "liveblog:<how>"; NULL:
unknown, the stores made before); a live blog's posts (offsets into the article's text, each one's time);
and a statement's own time, its post's (NULL: the article's date is the statement's)."""

MIGRATIONS: tuple[str, ...] = (SCHEMA_1, SCHEMA_2, SCHEMA_3, SCHEMA_4, SCHEMA_5)
"""Script i (0-based) takes a store from version i to i + 1. Append, never edit a released script."""

LATEST = len(MIGRATIONS)


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration the store lacks, each in its own transaction; the version reached."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    for number in range(version, LATEST):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _statements(MIGRATIONS[number]):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (a full disk)
                conn.execute("ROLLBACK")
            raise
    return max(version, LATEST)


def _statements(script: str) -> list[str]:
    """The statements of a script, split where SQLite says a statement is complete (triggers included)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
