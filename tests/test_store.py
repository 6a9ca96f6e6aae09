"""The batch store: migrations from older schemas, idempotent writes, runs, loading coded documents."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coder.io import InputError
from coder.models import CodedDocument, Document, Event
from coder.store import LATEST, SchemaTooNew, Store, document_hash, load_coded_documents
from coder.store.migrations import migrate


def _record(doc: Document, n_events: int = 1, status: str = "ok") -> dict:
    coded = CodedDocument(
        document=doc,
        events=[Event(type="troop_movement") for _ in range(n_events)],
        status=status,
        error="boom" if status == "failed" else None,
    )
    return coded.model_dump(mode="json")


def test_migrates_a_version_1_store_keeping_its_data(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    migrate(db, target=1)
    db.execute("INSERT INTO runs VALUES (1, 'fp', 'rules', '0.1.0', NULL, '1.0.0', '{}', 'then')")
    doc = Document(id="d1", text="a convoy")
    db.execute(
        "INSERT INTO documents VALUES (?, 'd1', 'th', 'k', ?, 'then')", (document_hash(doc), doc.model_dump_json())
    )
    db.execute("INSERT INTO results VALUES (1, ?, 'ok', NULL, '{\"format\": 1}', 'then')", (document_hash(doc),))
    db.close()
    with Store(path) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST == 2
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        columns = [row[1] for row in store.db.execute("PRAGMA table_info(results)")]
        assert {"usage", "cost_usd"} <= set(columns)
        assert store.run(1).coder == "rules"
    [loaded] = load_coded_documents(path, run_id="1")
    assert loaded.document == doc and loaded.events == []


def test_a_store_from_a_newer_eventcoder_is_refused(tmp_path: Path):
    path = tmp_path / "new.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {LATEST + 1}")
    db.close()
    with pytest.raises(SchemaTooNew):
        Store(path)


def test_writes_are_idempotent_and_a_failure_can_be_replaced(tmp_path: Path):
    doc = Document(id="d1", text="a convoy arrived")
    h = document_hash(doc)
    with Store(tmp_path / "s.sqlite") as store:
        run = store.get_run("rules", "0.1.0", None, "1.0.0")
        assert store.get_run("rules", "0.1.0", None, "1.0.0") == run
        assert store.get_run("rules", "0.1.0", None, "1.0.1").id != run.id  # codebook changed: new run
        store.add_documents(run.id, [(0, h, "k", doc, "d1")])
        store.add_documents(run.id, [(0, h, "k", doc, "d1")])
        assert store.write_result(run.id, h, "k", _record(doc, status="failed"))
        assert not store.is_done(run.id, h) and store.is_done(run.id, h, retry_failed=False)
        assert store.status(run.id).failed == 1
        assert store.write_result(run.id, h, "k", _record(doc, 2))
        assert not store.write_result(run.id, h, "k", _record(doc, 3))  # already coded: the first stays
        st = store.status(run.id)
        assert (st.documents, st.ok, st.failed, st.events, st.pending) == (1, 1, 0, 2, 0)
        assert store.db.execute("SELECT count(*) FROM errors").fetchone()[0] == 0
    [coded] = load_coded_documents(tmp_path / "s.sqlite", run_id=run.id)
    assert len(coded.events) == 2


def test_missing_store_and_run_are_clear_errors(tmp_path: Path):
    with pytest.raises(InputError, match="no such store"):
        load_coded_documents(tmp_path / "none.sqlite")
    Store(tmp_path / "empty.sqlite").close()
    with pytest.raises(InputError, match="no run yet"):
        load_coded_documents(tmp_path / "empty.sqlite")
    with pytest.raises(InputError, match="no run 5"):
        load_coded_documents(tmp_path / "empty.sqlite", run_id=5)


def test_a_full_disk_is_one_clear_error_and_keeps_what_was_written(tmp_path: Path):
    """SQLite rolls back by itself when the disk fills; the error must be that, not 'cannot rollback'."""
    from coder.store import StoreError

    with Store(tmp_path / "s.sqlite") as store:
        run = store.get_run("rules", "0.1.0", None, "1.0.0")
        pages = store.db.execute("PRAGMA page_count").fetchone()[0]
        store.db.execute(f"PRAGMA max_page_count = {pages + 3}")
        written = 0
        with pytest.raises(StoreError, match="the disk is full") as caught:
            for i in range(500):
                doc = Document(id=f"d{i}", text="a convoy arrived " * 50 + str(i))
                store.add_documents(run.id, [(i, document_hash(doc), "k", doc, doc.id)])
                store.write_result(run.id, document_hash(doc), "k", _record(doc, 3))
                written += 1
        assert "rollback" not in str(caught.value)
        assert not store.db.in_transaction
    assert len(load_coded_documents(tmp_path / "s.sqlite")) == written > 0


def test_stores_that_are_not_ours_are_named_and_left_alone(tmp_path: Path):
    from coder.store import StoreError

    (tmp_path / "dir.sqlite").mkdir()
    with pytest.raises(StoreError, match="is a directory"):
        Store(tmp_path / "dir.sqlite")
    (tmp_path / "text.sqlite").write_text("hello\n" * 100)
    with pytest.raises(StoreError, match="not an eventcoder store"):
        Store(tmp_path / "text.sqlite", create=False)
    other = tmp_path / "other.sqlite"
    db = sqlite3.connect(other)
    db.execute("CREATE TABLE notes (x)")
    db.commit()
    db.close()
    with pytest.raises(StoreError, match="another program"):
        Store(other)
    assert [r[0] for r in sqlite3.connect(other).execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_a_read_only_store_can_be_read_but_not_written(tmp_path: Path, monkeypatch):
    from coder.store import StoreError

    path = tmp_path / "s.sqlite"
    doc = Document(id="d1", text="a convoy arrived")
    with Store(path) as store:
        run = store.get_run("rules", "0.1.0", None, "1.0.0")
        store.add_documents(run.id, [(0, document_hash(doc), "k", doc, "d1")])
        store.write_result(run.id, document_hash(doc), "k", _record(doc))
    real = sqlite3.connect

    def read_only(database, *args, **kwargs):  # as the OS refuses writes to a file without write permission
        if kwargs.pop("uri", False):
            return real(database, *args, uri=True, **kwargs)
        return real(f"{Path(database).resolve().as_uri()}?mode=ro", *args, uri=True, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", read_only)
    assert len(load_coded_documents(path)) == 1
    with Store(path) as store, pytest.raises(StoreError, match="read-only"):
        store.get_run("rules", "0.1.0", None, "2.0.0")
