"""Hostile stores: `--db` that is no store, a directory, a store of a newer eventcoder, read-only
files and folders, a full disk (issue 17). Each must end in one `error:` line naming the store,
or (reading a read-only store) in the right answer.

Read-only files and folders cannot be made as root (the tests may run as root) and a full disk
cannot be made without privileges, so those cases run with `sqlite3.connect` wrapped
(`Case.patch`): SQLite then raises the very errors the real conditions raise.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

from .generate import ARTICLE, Case, filler

_STORE = "{case}/store.sqlite"  # run.py removes {db} before each case; a prepared store has its own name


def _good_store(folder: Path, name: str = "store.sqlite", documents: int = 2) -> Path:
    from coder.batch import run_batch

    pages = folder / "pages"
    pages.mkdir(exist_ok=True)
    for i in range(documents):
        (pages / f"p{i}.txt").write_bytes(filler(i))
    run_batch([pages], folder / name, "rules", concurrency=1)
    # Checkpoint: the store is one file, as a user would copy it.
    db = sqlite3.connect(folder / name)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return folder / name


def _garbage(folder: Path) -> None:
    (folder / "store.sqlite").write_bytes(b"this is a text file, not a database\n" * 50)


def _directory(folder: Path) -> None:
    (folder / "store.sqlite").mkdir()


def _newer(folder: Path) -> None:
    path = _good_store(folder)
    db = sqlite3.connect(path)
    db.execute("PRAGMA user_version = 99")
    db.close()


def _truncated(folder: Path) -> None:
    path = _good_store(folder, documents=30)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _foreign(folder: Path) -> None:
    db = sqlite3.connect(folder / "store.sqlite")
    db.execute("CREATE TABLE documents (name TEXT)")
    db.execute("INSERT INTO documents VALUES ('keep me')")
    db.commit()
    db.close()


def _empty_file(folder: Path) -> None:
    (folder / "store.sqlite").write_bytes(b"")


def _pages(folder: Path, n: int = 40) -> None:
    pages = folder / "pages"
    pages.mkdir(exist_ok=True)
    for i in range(n):
        (pages / f"p{i:03}.txt").write_bytes(filler(i) + ARTICLE.encode())


def _good_and_pages(folder: Path) -> None:
    _good_store(folder)


# -- simulated conditions ------------------------------------------------------------------------


@contextlib.contextmanager
def _wrapped_connect(wrap: Callable[..., sqlite3.Connection]) -> Iterator[None]:
    real = sqlite3.connect

    def connect(database, *args, **kwargs):
        return wrap(real, database, *args, **kwargs)

    sqlite3.connect = connect
    try:
        yield
    finally:
        sqlite3.connect = real


def read_only_file() -> contextlib.AbstractContextManager:
    """Every store opened as a read-only file is: SQLite's 'attempt to write a readonly database'."""

    def wrap(real, database, *args, **kwargs):
        if kwargs.get("uri"):
            return real(database, *args, **kwargs)
        kwargs["uri"] = True
        return real(f"{Path(database).resolve().as_uri()}?mode=ro", *args, **kwargs)

    return _wrapped_connect(wrap)


def read_only_folder() -> contextlib.AbstractContextManager:
    """A new store in a folder one may not write: SQLite cannot create the file."""

    def wrap(real, database, *args, **kwargs):
        if not Path(str(database).split("?")[0].removeprefix("file://")).exists():
            raise sqlite3.OperationalError("unable to open database file")
        return real(database, *args, **kwargs)

    return _wrapped_connect(wrap)


def full_disk(pages: int = 4) -> Callable[[], contextlib.AbstractContextManager]:
    """The disk fills after `pages` more pages: SQLite's 'database or disk is full' mid-run."""

    def patch() -> contextlib.AbstractContextManager:
        def wrap(real, database, *args, **kwargs):
            db = real(database, *args, **kwargs)
            count = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(count, 1) + pages}")
            return db

        return _wrapped_connect(wrap)

    return patch


def _batch(db: str = _STORE) -> list[str]:
    return ["batch", "{case}/pages", "--db", db, "-q", "--allow-failures", "--concurrency", "1"]


CASES: list[Case] = [
    Case(
        "batch-db-not-a-database",
        lambda f: (_garbage(f), _pages(f, 2)),
        _batch(),
        {"exit": 1, "error": "store.sqlite: not an eventcoder store"},
    ),
    Case(
        "status-db-not-a-database",
        _garbage,
        ["status", "--db", _STORE],
        {"exit": 1, "error": "store.sqlite: not an eventcoder store"},
    ),
    Case(
        "export-db-not-a-database",
        _garbage,
        ["export", "--db", _STORE],
        {"exit": 1, "error": "store.sqlite: not an eventcoder store"},
    ),
    Case(
        "batch-db-is-a-directory",
        lambda f: (_directory(f), _pages(f, 2)),
        _batch(),
        {"exit": 1, "error": "store.sqlite: is a directory"},
    ),
    Case("status-db-is-a-directory", _directory, ["status", "--db", _STORE], {"exit": 1, "error": "is a directory"}),
    Case("export-db-is-a-directory", _directory, ["export", "--db", _STORE], {"exit": 1, "error": "is a directory"}),
    Case("status-db-missing", lambda f: None, ["status", "--db", _STORE], {"exit": 1, "error": "no such store"}),
    Case(
        "batch-db-in-a-missing-folder",
        lambda f: _pages(f, 2),
        _batch("{case}/none/run.sqlite"),
        {"exit": 1, "error": "does not exist"},
    ),
    Case(
        "status-store-of-a-newer-version", _newer, ["status", "--db", _STORE], {"exit": 1, "error": "newer eventcoder"}
    ),
    Case(
        "export-store-of-a-newer-version", _newer, ["export", "--db", _STORE], {"exit": 1, "error": "newer eventcoder"}
    ),
    Case("batch-store-of-a-newer-version", _newer, _batch(), {"exit": 1, "error": "newer eventcoder"}),
    Case("status-store-cut-in-half", _truncated, ["status", "--db", _STORE], {"exit": 1, "error": "store.sqlite"}),
    Case(
        "status-database-of-another-program",
        _foreign,
        ["status", "--db", _STORE],
        {"exit": 1, "error": "another program"},
    ),
    Case(
        "batch-database-of-another-program",
        lambda f: (_foreign(f), _pages(f, 2)),
        _batch(),
        {"exit": 1, "error": "another program"},
    ),
    Case("status-zero-byte-store", _empty_file, ["status", "--db", _STORE], {"output": ["no run yet"]}),
    Case(
        "export-unknown-run",
        _good_and_pages,
        ["export", "--db", _STORE, "--run", "99"],
        {"exit": 1, "error": "no run 99"},
    ),
    Case(
        "export-run-not-a-number",
        _good_and_pages,
        ["export", "--db", _STORE, "--run", "x\x1b[2J"],
        {"exit": 1, "error": "is not a number"},
    ),
    Case("batch-read-only-store", _good_and_pages, _batch(), {"exit": 1, "error": "read-only"}, patch=read_only_file),
    Case(
        "status-read-only-store",
        _good_and_pages,
        ["status", "--db", _STORE],
        {"output": ["coded"]},
        patch=read_only_file,
    ),
    Case(
        "export-read-only-store",
        _good_and_pages,
        ["export", "--db", _STORE],
        {"output": ['"status"']},
        patch=read_only_file,
    ),
    Case(
        "batch-read-only-folder",
        lambda f: _pages(f, 2),
        _batch(),
        {"exit": 1, "error": "not writable"},
        patch=read_only_folder,
    ),
    Case(
        "batch-disk-full",
        lambda f: _pages(f, 60),
        _batch(),
        {"exit": 1, "error": "the disk is full"},
        patch=full_disk(6),
    ),
]
