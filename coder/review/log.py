"""The decision log: an append-only SQLite table, one row per reviewer decision.

Every decision is committed before the screen changes, so a reviewer whose
terminal dies (or whose process is killed) loses nothing already decided.
Rows are never updated or deleted: an undo is a row of its own that names the
decision it takes back. The schema is versioned with PRAGMA user_version and
migrated forward on open; a log written by a newer eventcoder is refused
rather than misread.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models import CodedDocument
    from .reattach import Attachment

from ..errors import StorageError

# Each entry migrates from user_version == index to index + 1 (statements split on ';').
# `cursor` is where each reviewer stopped: not part of the record, only for resuming.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE decisions (
        id        INTEGER PRIMARY KEY AUTOINCREMENT,
        reviewer  TEXT NOT NULL,
        at        TEXT NOT NULL,
        document  TEXT NOT NULL,
        event     TEXT,
        kind      TEXT NOT NULL,
        before    TEXT,
        after     TEXT
    );
    CREATE INDEX decisions_document ON decisions(document);
    CREATE TABLE cursor (
        reviewer  TEXT PRIMARY KEY,
        document  TEXT NOT NULL,
        event     TEXT
    );
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: the event's identity by content (Event.id), so a decision finds its event again after
    # re-coding; `event` stays the position shown to the reviewer when it was taken (e3, n1).
    """
    ALTER TABLE decisions ADD COLUMN event_key TEXT;
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)


class LogError(StorageError, RuntimeError):
    pass


@dataclass(frozen=True)
class Decision:
    id: int
    reviewer: str
    at: str
    document: str
    event: str | None
    kind: str
    before: Any
    after: Any
    # The event's content id (Event.id) when it was taken; None for added events ("n1", which
    # live in the log itself), document-wide decisions and logs older than schema 2.
    event_key: str | None = None


class DecisionLog:
    """An open decision log. Writes are committed (and synced by WAL) one by one."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        # isolation_level=None: we issue BEGIN/COMMIT ourselves, one per decision.
        self._db = sqlite3.connect(str(self.path), isolation_level=None, timeout=10)
        self._db.execute("PRAGMA journal_mode=WAL")
        # FULL: a committed decision survives even a power cut, not only a killed process.
        self._db.execute("PRAGMA synchronous=FULL")
        self._migrate()
        # Set by `attach`: decisions are then keyed by event identity, not position.
        self.attachment: Attachment | None = None

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise LogError(
                f"{self.path}: review log schema {version} is newer than this eventcoder "
                f"understands ({SCHEMA_VERSION}); upgrade eventcoder"
            )
        while version < SCHEMA_VERSION:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                version += 1
                self._db.execute(f"PRAGMA user_version = {version}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    def close(self) -> None:
        self._db.close()

    # -- decisions --------------------------------------------------------------------
    def attach(self, proposals: Iterable[CodedDocument]) -> Attachment:
        """Key decisions by event identity against these proposals (list of CodedDocument).

        From now on `append` stores each decision's event identity, and `decisions`
        returns every decision re-attached to its event's current position, leaving out
        (and reporting in `self.attachment.orphaned`) those whose event no longer exists.
        Returns the attachment (coder.review.reattach.Attachment).
        """
        from .reattach import Attachment  # its module imports this one

        self.attachment = Attachment(proposals)
        return self.attachment

    def append(
        self,
        reviewer: str,
        at: str,
        document: str,
        event: str | None,
        kind: str,
        before: Any,
        after: Any,
        event_key: str | None = None,
    ) -> Decision:
        if event_key is None and self.attachment is not None:
            event_key = self.attachment.key_of(document, event)
        cur = self._db.execute(
            "INSERT INTO decisions (reviewer, at, document, event, kind, before, after, event_key) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (reviewer, at, document, event, kind, _dump(before), _dump(after), event_key),
        )
        return Decision(cur.lastrowid, reviewer, at, document, event, kind, before, after, event_key)

    def decisions(self, document: str | None = None) -> list[Decision]:
        """The decisions in order; once attached, re-attached to their events (orphans left out)."""
        raw = self.stored_decisions(document)
        return raw if self.attachment is None else self.attachment.reattach(raw)

    def stored_decisions(self, document: str | None = None) -> list[Decision]:
        """The decisions as written, positions as the reviewer saw them."""
        sql = "SELECT id, reviewer, at, document, event, kind, before, after, event_key FROM decisions"
        args: tuple = ()
        if document is not None:
            sql += " WHERE document = ?"
            args = (document,)
        rows = self._db.execute(sql + " ORDER BY id", args).fetchall()
        return [Decision(r[0], r[1], r[2], r[3], r[4], r[5], _load(r[6]), _load(r[7]), r[8]) for r in rows]

    # -- resuming ---------------------------------------------------------------------
    def save_cursor(self, reviewer: str, document: str, event: str | None) -> None:
        self._db.execute(
            "INSERT INTO cursor (reviewer, document, event) VALUES (?,?,?) "
            "ON CONFLICT(reviewer) DO UPDATE SET document=excluded.document, event=excluded.event",
            (reviewer, document, event),
        )

    def cursor(self, reviewer: str) -> tuple[str, str | None] | None:
        row = self._db.execute("SELECT document, event FROM cursor WHERE reviewer = ?", (reviewer,)).fetchone()
        return (row[0], row[1]) if row else None

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value",
            (key, value),
        )


def _dump(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


def _load(text: str | None) -> Any:
    return None if text is None else json.loads(text)
