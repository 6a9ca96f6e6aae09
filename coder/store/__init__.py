"""The batch store: one SQLite file (WAL mode) holding documents, runs, results, events and errors.

- documents are keyed by the hash of everything a coder sees (text and
  metadata), so a rerun recognises what it has already coded;
- a run is a coder, its version and model, the codebook version and the
  settings; the same command finds the same run, a changed codebook version or
  coder makes a new one (`fingerprint`);
- a result and its events are written in one transaction per document, and
  only if that document has no result in the run yet: a write is idempotent,
  so a process killed at any moment loses at most the documents in flight and
  never duplicates one.

WAL with synchronous=NORMAL: a committed result survives the process being
killed (it is in the WAL, which the next open replays); only a power cut can
lose the last few commits, which a rerun then simply redoes.

    load_coded_documents("run.sqlite")           # the latest run's coded documents
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..errors import StorageError
from ..io import InputError
from ..models import CodedDocument, Document
from .migrations import LATEST, SchemaTooNew, migrate

__all__ = ["Store", "StoreError", "Run", "load_coded_documents", "document_hash", "LATEST", "SchemaTooNew"]


class StoreError(StorageError, InputError):
    """The store cannot be opened, read or written: one line naming the file and what to do."""


def _reason(exc: sqlite3.Error) -> str:
    """SQLite's message in the user's terms (its own words kept at the end for a search)."""
    text = str(exc)
    low = text.lower()
    if "not a database" in low or "malformed" in low:
        return f"not an eventcoder store (not an SQLite database, or a damaged one: {text})"
    if "disk is full" in low or "database or disk is full" in low:
        return (
            "the disk is full; free some space and run the same command again (every result written "
            f"so far is kept) ({text})"
        )
    if "readonly" in low or "read-only" in low:
        return f"the store is read-only: check the permissions of the file and of its folder ({text})"
    if "unable to open" in low:
        return f"cannot open the store: its folder is missing or not writable ({text})"
    if "locked" in low or "busy" in low:
        return f"another process holds the store; wait for it or give another --db ({text})"
    if "i/o error" in low:
        return f"a disk error while using the store ({text})"
    return f"the store failed: {text}"


def _guarded(method):
    """Every store operation fails as one StoreError line, never a bare sqlite3 traceback."""

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), _reason(exc)) from None

    return call


def _rollback(db: sqlite3.Connection) -> None:
    # After a full disk or an I/O error SQLite may have rolled back by itself, and a
    # second ROLLBACK would replace the real cause with "no transaction is active".
    if db.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def document_hash(document: Document) -> str:
    # model_dump_json is deterministic for a given document (field order is the model's).
    return hashlib.sha256(document.model_dump_json().encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Run:
    id: int
    coder: str
    coder_version: str | None
    model: str | None
    codebook_version: str
    settings: dict[str, Any]
    created_at: str


@dataclass
class Status:
    run: Run | None
    documents: int = 0
    done: int = 0
    ok: int = 0
    failed: int = 0
    skipped: int = 0
    events: int = 0
    events_by_type: dict[str, int] = field(default_factory=dict)
    failures: list[tuple[str, str, int]] = field(default_factory=list)  # (stage, reason, count)
    skips: list[tuple[str, int]] = field(default_factory=list)
    cost_usd: float | None = None
    tokens: int = 0

    @property
    def pending(self) -> int:
        return max(self.documents - self.done, 0)


class Store:
    def __init__(self, path: str | Path, *, create: bool = True):
        self.path = Path(path)
        if self.path.is_dir():
            raise StoreError(str(self.path), "is a directory, not a store; give a file such as run.sqlite")
        if not create and not self.path.exists():
            raise StoreError(str(self.path), "no such store (run `coder batch ... --db` first)")
        if create and not self.path.exists() and not self.path.parent.is_dir():
            raise StoreError(str(self.path), f"the folder {self.path.parent} does not exist")
        try:
            self.db = self._connect(read_only=False)
        except StoreError as exc:
            # A read-only store can still be looked at (status, export): open it read-only.
            if create or "read-only" not in exc.message and "cannot open" not in exc.message:
                raise
            try:
                self.db = self._connect(read_only=True)
            except StoreError:
                raise exc from None

    def _connect(self, read_only: bool) -> sqlite3.Connection:
        db = None
        try:
            if read_only:
                db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
            else:
                # isolation_level=None: transactions are explicit (BEGIN IMMEDIATE ... COMMIT).
                db = sqlite3.connect(self.path, isolation_level=None, timeout=60)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
            if version == 0 and tables:  # another program's database: never add our tables to it
                raise StoreError(
                    str(self.path),
                    f"not an eventcoder store (an SQLite database of another "
                    f"program, with tables {', '.join(sorted(tables)[:5])})",
                )
            migrate(db)
            return db
        except (sqlite3.Error, InputError) as exc:
            if db is not None:
                db.close()
            if isinstance(exc, StoreError):
                raise
            if isinstance(exc, SchemaTooNew):
                raise SchemaTooNew(str(self.path), exc.message) from None
            raise StoreError(str(self.path), _reason(exc)) from None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- runs ----------------------------------------------------------------------
    @_guarded
    def get_run(
        self,
        coder: str,
        coder_version: str | None,
        model: str | None,
        codebook_version: str,
        settings: dict[str, Any] | None = None,
    ) -> Run:
        """The run with these parameters, created if new."""
        settings = settings or {}
        key = json.dumps([coder, coder_version, model, codebook_version, settings], sort_keys=True, default=str)
        fingerprint = hashlib.sha256(key.encode()).hexdigest()
        self.db.execute(
            "INSERT OR IGNORE INTO runs (fingerprint, coder, coder_version, model, codebook_version, settings, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                fingerprint,
                coder,
                coder_version,
                model,
                codebook_version,
                json.dumps(settings, sort_keys=True, default=str),
                _now(),
            ),
        )
        row = self.db.execute("SELECT id FROM runs WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return self.run(row[0])

    @_guarded
    def run(self, run_id: int | str | None = None) -> Run:
        """A run by id, or the latest one."""
        if run_id is None:
            row = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT 1").fetchone()
            if row is None:
                raise InputError(str(self.path), "the store holds no run yet")
        else:
            try:
                run_id = int(run_id)
            except ValueError:
                raise InputError(str(self.path), f"run id {run_id!r} is not a number") from None
            row = self.db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                known = [r[0] for r in self.db.execute("SELECT id FROM runs ORDER BY id")]
                raise InputError(str(self.path), f"no run {run_id}; runs: {', '.join(map(str, known)) or 'none'}")
        return _run(row)

    @_guarded
    def runs(self) -> list[Run]:
        return [_run(row) for row in self.db.execute("SELECT * FROM runs ORDER BY id")]

    # -- writing -------------------------------------------------------------------
    @_guarded
    def add_documents(self, run_id: int, rows: list[tuple[int, str, str, Document | None, str | None]]) -> None:
        """Register read documents (seq, hash, source key, document or None for a failure, doc id); idempotent."""
        now = _now()
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.executemany(
                "INSERT OR IGNORE INTO documents (hash, id, text_hash, source_key, data, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(h, d.id, d.content_hash, key, d.model_dump_json(), now) for _, h, key, d, _ in rows if d is not None],
            )
            self.db.executemany(
                "INSERT OR IGNORE INTO run_documents (run_id, doc_hash, seq) VALUES (?, ?, ?)",
                [(run_id, h, seq) for seq, h, _, _, _ in rows],
            )
            self.db.execute("COMMIT")
        except BaseException:
            _rollback(self.db)
            raise

    @_guarded
    def is_done(self, run_id: int, doc_hash: str, *, retry_failed: bool = True) -> bool:
        """Has this document a result in the run? A failed coding counts as not done when retrying:
        it was often transient (a rate limit, an unreachable endpoint, a refused key since fixed)."""
        row = self.db.execute(
            "SELECT status FROM results WHERE run_id = ? AND doc_hash = ?", (run_id, doc_hash)
        ).fetchone()
        if row is not None:
            return row[0] == "ok" or not retry_failed
        return (
            self.db.execute(
                "SELECT 1 FROM errors WHERE run_id = ? AND doc_hash = ? AND stage != 'code'", (run_id, doc_hash)
            ).fetchone()
            is not None
        )

    @_guarded
    def write_result(
        self,
        run_id: int,
        doc_hash: str,
        source_key: str,
        record: dict[str, Any],
        usage: dict[str, Any] | None = None,
        cost_usd: float | None = None,
    ) -> bool:
        """Write one coded document and its events in one transaction; False if it was already there."""
        status = record.get("status", "ok")
        error = record.get("error")
        events = record.get("events") or []
        document = record.get("document") or {}
        self.db.execute("BEGIN IMMEDIATE")
        try:
            row = self.db.execute(
                "SELECT status FROM results WHERE run_id = ? AND doc_hash = ?", (run_id, doc_hash)
            ).fetchone()
            if row is not None and (row[0] == "ok" or status == "failed"):
                # Already coded (a duplicate in the input, or a retry that failed again): keep the first.
                _rollback(self.db)
                return False
            if row is not None:  # a failed coding now succeeded: it replaces the failure
                for table in ("results", "events"):
                    self.db.execute(f"DELETE FROM {table} WHERE run_id = ? AND doc_hash = ?", (run_id, doc_hash))
                self.db.execute(
                    "DELETE FROM errors WHERE run_id = ? AND doc_hash = ? AND stage = 'code'", (run_id, doc_hash)
                )
            self.db.execute(
                "INSERT INTO results (run_id, doc_hash, status, error, record, coded_at, usage, cost_usd) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    run_id,
                    doc_hash,
                    status,
                    error,
                    # the text is in documents already; events have their own rows
                    json.dumps(
                        {k: v for k, v in record.items() if k not in ("events", "document")}, ensure_ascii=False
                    ),
                    _now(),
                    json.dumps(usage) if usage else None,
                    cost_usd,
                ),
            )
            self.db.executemany(
                "INSERT INTO events (run_id, doc_hash, seq, type, data) VALUES (?, ?, ?, ?, ?)",
                [
                    (run_id, doc_hash, i, e.get("type", ""), json.dumps(e, ensure_ascii=False))
                    for i, e in enumerate(events)
                ],
            )
            if status == "failed":
                self.db.execute(
                    "INSERT OR IGNORE INTO errors (run_id, key, doc_id, doc_hash, stage, reason, at) "
                    "VALUES (?, ?, ?, ?, 'code', ?, ?)",
                    (run_id, source_key, document.get("id"), doc_hash, error or "failed", _now()),
                )
            self.db.execute("COMMIT")
            return True
        except BaseException:
            _rollback(self.db)
            raise

    @_guarded
    def write_error(
        self,
        run_id: int,
        key: str,
        reason: str,
        *,
        doc_id: str | None = None,
        doc_hash: str | None = None,
        stage: str = "read",
    ) -> None:
        """Record a document that could not be read (or was skipped on purpose); idempotent."""
        self.db.execute(
            "INSERT OR IGNORE INTO errors (run_id, key, doc_id, doc_hash, stage, reason, at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (run_id, key, doc_id, doc_hash, stage, reason, _now()),
        )

    # -- reading -------------------------------------------------------------------
    def coded(self, run_id: int) -> Iterator[tuple[str, CodedDocument, str]]:
        """(doc hash, coded document, coded_at) of a run, in reading order."""
        try:
            rows = self.db.execute(
                "SELECT r.doc_hash, r.record, d.data, r.coded_at FROM results r JOIN documents d "
                "ON d.hash = r.doc_hash LEFT JOIN run_documents rd ON rd.run_id = r.run_id "
                "AND rd.doc_hash = r.doc_hash WHERE r.run_id = ? ORDER BY rd.seq, r.rowid",
                (run_id,),
            )
            for doc_hash, record_json, doc_json, coded_at in rows:
                record = json.loads(record_json)
                record["document"] = json.loads(doc_json)
                record["events"] = [
                    json.loads(data)
                    for (data,) in self.db.execute(
                        "SELECT data FROM events WHERE run_id = ? AND doc_hash = ? ORDER BY seq", (run_id, doc_hash)
                    )
                ]
                yield doc_hash, CodedDocument.model_validate(record), coded_at
        except sqlite3.Error as exc:
            raise StoreError(str(self.path), _reason(exc)) from None

    @_guarded
    def status(self, run_id: int | str | None = None) -> Status:
        try:
            run = self.run(run_id)
        except InputError:
            if run_id is not None:
                raise
            return Status(run=None)
        q = self.db.execute
        st = Status(run=run)
        st.documents = q("SELECT count(*) FROM run_documents WHERE run_id = ?", (run.id,)).fetchone()[0]
        st.ok = q("SELECT count(*) FROM results WHERE run_id = ? AND status = 'ok'", (run.id,)).fetchone()[0]
        coded_failed = q("SELECT count(*) FROM results WHERE run_id = ? AND status = 'failed'", (run.id,)).fetchone()[0]
        read_failed = q("SELECT count(*) FROM errors WHERE run_id = ? AND stage = 'read'", (run.id,)).fetchone()[0]
        st.skipped = q("SELECT count(*) FROM errors WHERE run_id = ? AND stage = 'skip'", (run.id,)).fetchone()[0]
        st.failed = coded_failed + read_failed
        st.done = st.ok + st.failed + st.skipped
        st.events_by_type = dict(
            q("SELECT type, count(*) FROM events WHERE run_id = ? GROUP BY type ORDER BY type", (run.id,)).fetchall()
        )
        st.events = sum(st.events_by_type.values())
        st.failures = [
            (stage, reason, n)
            for stage, reason, n in q(
                "SELECT stage, reason, count(*) AS n FROM errors WHERE run_id = ? AND stage != 'skip' "
                "GROUP BY stage, reason ORDER BY n DESC, reason",
                (run.id,),
            )
        ]
        st.skips = [
            (reason, n)
            for reason, n in q(
                "SELECT reason, count(*) AS n FROM errors WHERE run_id = ? AND stage = 'skip' "
                "GROUP BY reason ORDER BY n DESC, reason",
                (run.id,),
            )
        ]
        (cost,) = q("SELECT sum(cost_usd) FROM results WHERE run_id = ?", (run.id,)).fetchone()
        st.cost_usd = cost
        for (usage,) in q("SELECT usage FROM results WHERE run_id = ? AND usage IS NOT NULL", (run.id,)):
            data = json.loads(usage)
            st.tokens += int(data.get("prompt_tokens", 0)) + int(data.get("completion_tokens", 0))
        return st


def _run(row: tuple) -> Run:
    run_id, _fingerprint, coder, coder_version, model, codebook_version, settings, created_at = row
    return Run(run_id, coder, coder_version, model, codebook_version, json.loads(settings), created_at)


def load_coded_documents(db_path: str | Path, run_id: int | str | None = None) -> list[CodedDocument]:
    """The coded documents of a run (the latest when run_id is None), in reading order."""
    with Store(db_path, create=False) as store:
        run = store.run(run_id)
        return [doc for _, doc, _ in store.coded(run.id)]
