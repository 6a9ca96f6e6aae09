"""Documents to code, from files and from archives.

Two entry points:

- `iter_documents(paths)` (used by `coder code`): text and HTML files and
  directories of them; any problem raises `InputError`. Unchanged from the
  single-module version (see `files.py`).
- `iter_items(paths, options)` (used by `coder batch`): everything an
  analyst's archive may hold: directories (recursively: txt, html, json and
  any dump or archive inside), JSON Lines, CSV, JSON, zip, tar(.gz) and WARC.
  One bad document is an `Item` with an `error`, never an exception; only a
  source that cannot be read at all raises.

The readers live in `tabular`, `archives` and `warc`; the dispatch by file
kind is here so that archives reuse it for their members.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from ..io import InputError
from .common import (
    Item,
    SourceOptions,
    decode,
    decode_html,
    failed,
    guarded,
    make_document,
    name_problem,
    printable,
    safe_id,
    skipped,
)
from .files import HTML_SUFFIXES, TEXT_SUFFIXES, dateline_date, iter_documents, read_document  # noqa: F401 (public API)

__all__ = [
    "Item",
    "SourceOptions",
    "iter_documents",
    "iter_items",
    "read_document",
    "dateline_date",
    "check_sources",
    "count_hint",
    "kind_of",
]


def kind_of(name: str) -> str | None:
    """The reader for a file name: text, html, json, jsonl, csv, zip, tar, warc (None: not a document)."""
    lower = PurePosixPath(name.replace("\\", "/")).name.lower()
    suffix = "." + lower.rsplit(".", 1)[-1] if "." in lower else ""
    if lower.endswith((".warc", ".warc.gz", ".arc.gz")):
        return "warc"
    if lower.endswith((".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz")):
        return "tar"
    if suffix in TEXT_SUFFIXES:
        return "text"
    if suffix in HTML_SUFFIXES:
        return "html"
    return {".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".zip": "zip"}.get(suffix)


def _member_id(name: str) -> str:
    path = PurePosixPath(name.replace("\\", "/"))
    return safe_id(str(path.with_suffix("")) if path.suffix else str(path))


def items_from_bytes(
    key: str, name: str, data: bytes, options: SourceOptions, meta: dict | None = None
) -> Iterator[Item]:
    """Items of one file's bytes (an archive member), by its kind."""
    from .tabular import iter_csv, iter_json, iter_jsonl

    kind = kind_of(name)
    try:
        if kind in ("text", "html"):
            fields = {"id": _member_id(name), **(meta or {})}
            yield make_document(key, decode_html(data) if kind == "html" else decode(data), fields, html=kind == "html")
        elif kind == "json":
            yield from iter_json(key, data, options)
        elif kind == "jsonl":
            yield from iter_jsonl(key, io.BytesIO(data), options)
        elif kind == "csv":
            yield from iter_csv(key, io.BytesIO(data), options)
        else:
            yield skipped(key, "not a document file (txt, html, json, jsonl, csv)")
    except InputError as exc:  # a bad dump inside an archive fails that member, not the run
        yield failed(key, exc.message)


def _is_sidecar(path: Path) -> bool:
    """`<stem>.json` / `<stem>.meta.json` beside a text or HTML file holds its metadata."""
    name = path.name
    stem = name[: -len(".meta.json")] if name.endswith(".meta.json") else path.stem
    return any((path.parent / (stem + suffix)).exists() for suffix in (*TEXT_SUFFIXES, *HTML_SUFFIXES))


def _file_items(path: Path, options: SourceOptions) -> Iterator[Item]:
    from .archives import iter_tar, iter_zip
    from .tabular import iter_csv, iter_json, iter_jsonl
    from .warc import iter_warc

    kind = kind_of(path.name)
    key = str(path)
    reason = name_problem(path.name)
    if reason:  # its id would be the undecodable name; the key is made printable on the way out
        yield failed(key, reason)
        return
    if kind in ("text", "html"):
        try:
            document = read_document(path)
        except InputError as exc:  # the sidecar beside it is named when it is the one at fault
            yield failed(key, exc.message if exc.where == key else f"{Path(exc.where).name}: {exc.message}", path.stem)
            return
        if not document.text.strip():
            reason = "no main text found in the HTML" if kind == "html" else "empty text"
            yield failed(key, reason, document.id)
            return
        yield Item(key=key, document=document, doc_id=document.id)
    elif kind == "json":
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield failed(key, f"cannot read: {exc.strerror}", path.stem)
            return
        yield from iter_json(key, data, options)
    elif kind in ("jsonl", "csv"):
        try:
            handle = path.open("rb")
        except OSError as exc:
            raise InputError(key, f"cannot read: {exc.strerror}") from None
        with handle:
            yield from (iter_jsonl if kind == "jsonl" else iter_csv)(key, handle, options)
    elif kind == "zip":
        yield from iter_zip(path, options)
    elif kind == "tar":
        yield from iter_tar(path, options)
    elif kind == "warc":
        yield from iter_warc(path, options)
    else:
        yield skipped(key, "not a document file")


def _walk_entries(path: Path) -> Iterator[Path | Item]:
    """Files under a directory in a stable order, and a failed Item for each
    folder that cannot be listed (pathlib's rglob would skip it without a word).
    READMEs, sidecars and hidden files are not documents."""
    found: list[Path | Item] = []

    def unreadable(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else str(path)
        where = os.fsdecode(where) if isinstance(where, bytes) else str(where)
        found.append(failed(printable(where) + os.sep, f"cannot read folder: {exc.strerror}; its files were not read"))

    # Symlinked folders are not followed (a link loop would never end).
    for folder, dirs, files in os.walk(path, onerror=unreadable):
        base = Path(folder)
        dirs[:] = [d for d in dirs if not d.startswith(".")]  # hidden folders (.git)
        for name in files:
            child = base / name
            if name.startswith(".") or child.stem.upper() == "README" or kind_of(name) is None:
                continue
            if not child.is_file():
                continue
            if child.suffix.lower() == ".json" and _is_sidecar(child):
                continue
            found.append(child)
    # Same order as before (sorted paths); a failed folder sorts where the folder is.
    return iter(sorted(found, key=lambda e: e.parts if isinstance(e, Path) else Path(e.key).parts))


def _walk(path: Path) -> Iterator[Path]:
    return (e for e in _walk_entries(path) if isinstance(e, Path))


def _dir_items(path: Path, options: SourceOptions) -> Iterator[Item]:
    for entry in _walk_entries(path):
        if isinstance(entry, Item):
            yield entry
            continue
        try:
            yield from _file_items(entry, options)
        except InputError as exc:  # one unreadable file in a folder fails that file, not the folder
            yield failed(printable(str(entry)), exc.message)


def iter_items(paths: Iterable[str | Path], options: SourceOptions | None = None) -> Iterator[Item]:
    """Every document (or the reason it is not one) in files, directories and archives, in a stable order."""
    options = options or SourceOptions()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            items = _dir_items(path, options)
        elif path.is_file():
            items = _file_items(path, options)
        else:
            raise InputError(str(path), "no such file or directory")
        for item in items:
            yield guarded(item)


def check_sources(paths: Iterable[str | Path], options: SourceOptions | None = None) -> None:
    """Raise InputError now for a source that cannot be read at all (before hours of coding)."""
    from .tabular import _check_columns

    options = options or SourceOptions()
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise InputError(str(path), "no such file or directory")
        if path.is_file() and kind_of(path.name) is None:
            raise InputError(
                str(path),
                "unknown kind of file; expected a directory, .txt, .html, .json, .jsonl, "
                ".csv, .zip, .tar.gz or .warc(.gz)",
            )
        files = [path] if path.is_file() else [c for c in _walk(path) if kind_of(c.name) == "csv"]
        for file in files:
            if kind_of(file.name) == "csv":
                import csv

                csv.field_size_limit(max(csv.field_size_limit(), options.max_member_bytes))
                try:
                    with file.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as handle:
                        header = next(csv.reader(handle), [])
                except (OSError, csv.Error) as exc:
                    if file == path:
                        raise InputError(str(file), f"cannot read: {getattr(exc, 'strerror', None) or exc}") from None
                    continue  # in a folder: recorded as that file's failure when it is read
                _check_columns(str(file), header, options)


def count_hint(paths: Iterable[str | Path]) -> int | None:
    """How many documents there probably are, when that is cheap to know (for the ETA); else None.

    Only a hint: a file it cannot read or parse makes it unknown, never an
    error (the readers record what is wrong with the file)."""
    import csv
    import zipfile

    try:
        return _count(paths)
    except (OSError, ValueError, csv.Error, zipfile.BadZipFile, RecursionError):
        return None


def _count(paths: Iterable[str | Path]) -> int | None:
    total = 0
    for p in paths:
        path = Path(p)
        files = list(_walk(path)) if path.is_dir() else [path]
        for file in files:
            kind = kind_of(file.name)
            if kind in ("text", "html"):
                total += 1
            elif kind == "jsonl":
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            elif kind == "zip":
                import zipfile

                try:
                    with zipfile.ZipFile(file) as archive:
                        total += sum(1 for i in archive.infolist() if not i.is_dir())
                except zipfile.BadZipFile:
                    return None
            elif kind == "json":
                try:
                    value = json.loads(file.read_bytes())
                except (ValueError, OSError):
                    value = None
                total += len(value) if isinstance(value, list) else 1
            elif kind == "csv":  # rows can span lines: count records, not lines
                import csv

                with file.open(encoding="utf-8", errors="replace", newline="") as handle:
                    total += max(sum(1 for _ in csv.reader(handle)) - 1, 0)
            else:  # tar and WARC need a full decompressing pass: unknown
                return None
    return total
