"""The store's schema as an ordered list of migrations, numbered by PRAGMA user_version.

As sqlite-utils and llm do it: the database records how many migrations it
has had (`PRAGMA user_version`); opening it applies the missing ones in order,
each in its own transaction together with the version bump, so a crash
mid-migration leaves the previous version intact. Migrations are only ever
appended; an applied one is never edited.
"""

from __future__ import annotations

import sqlite3

from ..errors import StorageError
from ..io import InputError

# Each migration is plain SQL (no ';' inside strings or triggers), run
# statement by statement inside one transaction with its version bump.
_M1_INITIAL = """
        -- A document is identified by the hash of everything a coder sees
        -- (text and metadata): the same text with another publication date
        -- codes differently, so it is another document.
        CREATE TABLE documents (
            hash TEXT PRIMARY KEY,
            id TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            source_key TEXT NOT NULL,
            data TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            fingerprint TEXT NOT NULL UNIQUE,
            coder TEXT NOT NULL,
            coder_version TEXT,
            model TEXT,
            codebook_version TEXT NOT NULL,
            settings TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        -- Which documents belong to a run, in the order they were read.
        CREATE TABLE run_documents (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            doc_hash TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (run_id, doc_hash)
        );
        CREATE TABLE results (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            doc_hash TEXT NOT NULL REFERENCES documents(hash),
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            error TEXT,
            record TEXT NOT NULL,
            coded_at TEXT NOT NULL,
            PRIMARY KEY (run_id, doc_hash)
        );
        CREATE TABLE events (
            run_id INTEGER NOT NULL,
            doc_hash TEXT NOT NULL,
            seq INTEGER NOT NULL,
            type TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (run_id, doc_hash, seq)
        );
        -- Documents that could not be read or coded, and records skipped on purpose.
        CREATE TABLE errors (
            run_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            doc_id TEXT,
            doc_hash TEXT,
            stage TEXT NOT NULL CHECK (stage IN ('read', 'code', 'skip')),
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (run_id, key)
        );
"""

# Version 2: what an LLM run spent per document, and a faster "events per type".
_M2_USAGE = """
        ALTER TABLE results ADD COLUMN usage TEXT;
        ALTER TABLE results ADD COLUMN cost_usd REAL;
        CREATE INDEX events_by_type ON events (run_id, type);
"""

MIGRATIONS: list[str] = [_M1_INITIAL, _M2_USAGE]
LATEST = len(MIGRATIONS)


class SchemaTooNew(StorageError, InputError):
    """A store written by a newer eventcoder: its tables may mean things this version does not know."""


def migrate(db: sqlite3.Connection, target: int = LATEST) -> int:
    """Bring the database to `target` migrations; returns the version it had before."""
    before = db.execute("PRAGMA user_version").fetchone()[0]
    if before > LATEST:
        where = next((row[2] for row in db.execute("PRAGMA database_list") if row[1] == "main"), "") or "store"
        raise SchemaTooNew(
            where,
            f"written by a newer eventcoder (store schema version {before}, this one knows "
            f"up to {LATEST}); upgrade eventcoder to read it",
        )
    for version in range(before, target):
        # BEGIN IMMEDIATE: the step and its version bump are one transaction,
        # and two processes opening an old store do not both migrate it.
        db.execute("BEGIN IMMEDIATE")
        try:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current != version:  # another process migrated meanwhile
                db.execute("ROLLBACK")
                continue
            for statement in statements(MIGRATIONS[version]):
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {version + 1}")
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:  # SQLite has already rolled back after a full disk or an I/O error
                db.execute("ROLLBACK")
            raise
    return before


def statements(script: str) -> list[str]:
    lines = [line for line in script.splitlines() if not line.strip().startswith("--")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]
