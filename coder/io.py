"""Reading and writing coded-documents files and golden directories.

Two on-disk layouts hold the same `CodedDocument` records:

- a coded-documents file: JSON Lines, one record per line (what coders write);
- a golden directory: for each document `<id>.txt` (the text, byte for byte)
  and `<id>.json` (the record without `document.text`). Adding a golden
  document is adding these two files.

Every error names the file and line (or file) and what was expected.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from .errors import InputError as InputError  # defined with the other errors; imported from here too
from .errors import OutputError as OutputError
from .models import CodedDocument


@dataclass
class RawRecord:
    where: str  # "file:line" or "file"
    data: dict[str, Any]


def read_text(path: Path) -> str:
    """A text file exactly as stored (UTF-8), or an InputError naming it."""
    try:
        # newline="" keeps \r\n as it is: span offsets count every character.
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise InputError(str(path), f"not UTF-8 text (invalid byte at offset {exc.start})") from None
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None


def read_stdin_text() -> str:
    """Standard input exactly as sent (UTF-8, no newline translation: span offsets count every character)."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError("stdin", f"not UTF-8 text (invalid byte at offset {exc.start})") from None


def is_stdin(path: str | Path) -> bool:
    """`-` names standard input wherever an input path is taken (as it names standard output for outputs)."""
    return str(path) == "-"


def _golden_records(directory: Path) -> Iterator[RawRecord]:
    json_files = sorted(directory.glob("*.json"))
    if not json_files:
        raise InputError(str(directory), "no <id>.json files here; expected a golden directory or a .jsonl file")
    for json_file in json_files:
        try:
            data = json.loads(read_text(json_file))
        except json.JSONDecodeError as exc:
            raise InputError(f"{json_file}:{exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})") from None
        if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
            raise InputError(str(json_file), "expected an object with a 'document' object")
        text_file = json_file.with_suffix(".txt")
        if "text" not in data["document"]:
            if not text_file.exists():
                raise InputError(str(json_file), f"document text missing: expected {text_file.name} beside it")
            data["document"]["text"] = read_text(text_file)
        yield RawRecord(str(json_file), data)


def _jsonl_records(path: Path) -> Iterator[RawRecord]:
    if is_stdin(path):
        yield from _jsonl_lines((line.decode("utf-8") for line in sys.stdin.buffer), "stdin")
        return
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    with handle:
        yield from _jsonl_lines(handle, str(path))


def _jsonl_lines(lines: Iterable[str], name: str) -> Iterator[RawRecord]:
    line_no = 0
    try:
        for line_no, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError(f"{name}:{line_no}", f"invalid JSON: {exc.msg} (column {exc.colno})") from None
            if not isinstance(data, dict):
                raise InputError(f"{name}:{line_no}", f"expected a JSON object, found {type(data).__name__}")
            yield RawRecord(f"{name}:{line_no}", data)
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}:{line_no + 1}", f"not UTF-8 text (invalid byte at offset {exc.start})") from None


def iter_raw(path: str | Path) -> Iterator[RawRecord]:
    """Raw records of a coded-documents file or a golden directory, with locations."""
    path = Path(path)
    if path.is_dir():
        yield from _golden_records(path)
    elif is_stdin(path):
        yield from _jsonl_records(path)
    elif path.exists():
        if path.suffix == ".json":
            # A single record written as a pretty JSON object.
            try:
                data = json.loads(read_text(path))
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}:{exc.lineno}", f"invalid JSON: {exc.msg} (column {exc.colno})") from None
            records = data if isinstance(data, list) else [data]
            for index, item in enumerate(records):
                yield RawRecord(f"{path}[{index}]" if isinstance(data, list) else str(path), item)
        else:
            yield from _jsonl_records(path)
    else:
        raise InputError(str(path), "no such file or directory")


def describe_validation_error(exc: ValidationError, limit: int = 3) -> str:
    parts = []
    for err in exc.errors()[:limit]:
        loc = ".".join(str(s) for s in err["loc"]) or "record"
        parts.append(f"{loc}: {err['msg']}")
    more = len(exc.errors()) - limit
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def parse_record(raw: RawRecord) -> CodedDocument:
    try:
        return CodedDocument.model_validate(raw.data)
    except ValidationError as exc:
        raise InputError(raw.where, describe_validation_error(exc)) from None


def load_located(path: str | Path) -> list[tuple[str, CodedDocument]]:
    """Records with where each was read (file:line); duplicate ids are an error."""
    located: list[tuple[str, CodedDocument]] = []
    seen: dict[str, str] = {}
    for raw in iter_raw(path):
        doc = parse_record(raw)
        if doc.document.id in seen:
            raise InputError(raw.where, f"document id '{doc.document.id}' already appears at {seen[doc.document.id]}")
        seen[doc.document.id] = raw.where
        located.append((raw.where, doc))
    return located


def load_coded(path: str | Path) -> list[CodedDocument]:
    """All records of a coded-documents file or golden directory; duplicate ids are an error."""
    return [doc for _, doc in load_located(path)]


def dump_record(doc: CodedDocument) -> str:
    """One JSONL line; deterministic so the same coding gives the same bytes (field order is the
    models', non-ASCII text kept as it is). pydantic writes it in Rust straight from the models:
    a dict tree from model_dump and Python's encoder took four times as long and, on a long
    article, allocated hundreds of thousands of objects."""
    return doc.model_dump_json()


def write_coded(docs: Iterable[CodedDocument], out: IO[str]) -> int:
    count = 0
    for doc in docs:
        out.write(dump_record(doc) + "\n")
        count += 1
    return count


def write_golden(doc: CodedDocument, directory: Path) -> tuple[Path, Path]:
    """Write a record as the two files of a golden document (each written atomically)."""
    directory.mkdir(parents=True, exist_ok=True)
    text_path = directory / f"{doc.document.id}.txt"
    json_path = directory / f"{doc.document.id}.json"
    data = doc.model_dump(mode="json", exclude_none=True)
    data["document"].pop("text", None)
    if not data.get("diagnostics"):
        data.pop("diagnostics", None)  # hand-coded gold has none; keep its files as they were
    # The text first: a .json without its .txt is an error when the directory is read,
    # a .txt without its .json is simply not a document yet.
    write_text_atomic(text_path, doc.document.text, newline="")
    write_text_atomic(json_path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return text_path, json_path


# -- atomic output ------------------------------------------------------------------------


def is_stdout(path: str | Path | None) -> bool:
    """`-` names standard output wherever an output path is taken."""
    return path is not None and str(path) == "-"


def _new_file_mode() -> int:
    # mkstemp creates 0600 files; an output should get the mode any new file gets (umask).
    # os.umask can only be read by setting it: set it back at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


@contextmanager
def atomic_output(
    path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", newline: str | None = None
) -> Iterator[IO[Any]]:
    """An output file that appears whole or not at all.

    Writes go to a temporary file in the same folder (so the final rename
    stays on one file system and is atomic); on success it is flushed, fsynced
    and renamed over `path`, on any error (or Ctrl-C) it is removed and `path`
    keeps what it held before. A kill -9 can leave a hidden `.NAME.*.tmp`
    behind, never a truncated `path`. `-` is standard output (left open).
    """
    if is_stdout(path):
        if "b" in mode:
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        sys.stdout.flush()
        return
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    try:
        target_mode = path.stat().st_mode & 0o7777  # replacing a file keeps its permissions
    except OSError:
        target_mode = _new_file_mode()
    try:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        # Before anything is written: a clear message, and `path` untouched.
        raise OutputError(str(path), f"cannot write: {exc.strerror}") from None
    tmp = Path(tmp_name)
    try:
        binary = "b" in mode
        with os.fdopen(fd, mode, encoding=None if binary else encoding, newline=None if binary else newline) as handle:
            os.chmod(tmp, target_mode)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable; not every platform can open a folder, which is fine."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def write_text_atomic(path: str | Path, text: str, *, encoding: str = "utf-8", newline: str | None = None) -> None:
    """Write a whole text file atomically (`-`: standard output)."""
    with atomic_output(path, encoding=encoding, newline=newline) as handle:
        handle.write(text)
