"""JSON Lines, CSV and JSON dumps: one document per line, row or object.

Readers take a binary stream so that a dump inside a zip or tar.gz is read
the same way as one on disk, and a line at a time so that a dump larger than
memory streams. Text and metadata come from the columns the options name,
else from the first default present (text/body/content, id, url, title,
date/published/publication_date, source).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any, BinaryIO

from ..io import InputError
from .common import TEXT_KEYS, Item, SourceOptions, bad_bytes, decode, failed, make_document, record_fields


def _stem(name: str) -> str:
    return PurePath(name).name.split(".")[0] or "doc"


def _item_from_record(key: str, record: Any, options: SourceOptions, default_id: str) -> Item:
    if not isinstance(record, dict):
        return failed(key, f"expected a JSON object, found {type(record).__name__}")
    text, fields = record_fields(record, options)
    fields["id"] = fields.get("id") or default_id
    for value in record.values():
        reason = isinstance(value, str) and bad_bytes(value)
        if reason:
            return failed(key, reason, str(fields["id"]))
    if text is None:
        wanted = options.text_column or "/".join(TEXT_KEYS)
        found = ", ".join(map(str, record)) or "none"
        return failed(key, f"no text: key {wanted!r} missing or null (keys found: {found})", str(fields["id"]))
    if not isinstance(text, str):
        return failed(key, f"text is a {type(text).__name__}, expected a string", str(fields["id"]))
    return make_document(key, text, fields)


def iter_jsonl(name: str, stream: BinaryIO, options: SourceOptions) -> Iterator[Item]:
    stem = _stem(name)
    for line_no, raw in enumerate(stream, start=1):
        key = f"{name}:{line_no}"
        line = decode(raw)
        if not line.strip():
            continue
        reason = bad_bytes(line)
        if reason:
            yield failed(key, reason, f"{stem}-{line_no}")
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield failed(key, f"invalid JSON: {exc.msg} (column {exc.colno})", f"{stem}-{line_no}")
            continue
        yield _item_from_record(key, record, options, f"{stem}-{line_no}")


def iter_json(name: str, data: bytes, options: SourceOptions) -> Iterator[Item]:
    """A .json file: one document object, a coded-documents record, or a list of them."""
    stem = _stem(name)
    text = decode(data)
    reason = bad_bytes(text)
    if reason:
        yield failed(name, reason, stem)
        return
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        yield failed(name, f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", stem)
        return
    if isinstance(value, list):
        for index, record in enumerate(value):
            yield _item_from_record(f"{name}[{index}]", record, options, f"{stem}-{index}")
    else:
        yield _item_from_record(name, value, options, stem)


def _check_columns(name: str, header: list[str], options: SourceOptions) -> None:
    """A missing column is a problem with the whole file: say which and what is there."""
    found = ", ".join(repr(h) for h in header) or "none"
    if options.text_column is not None:
        if options.text_column not in header:
            raise InputError(name, f"text column {options.text_column!r} not found; columns found: {found}")
    elif not any(k in header for k in TEXT_KEYS):
        raise InputError(
            name,
            f"no text column: expected one of {', '.join(map(repr, TEXT_KEYS))} "
            f"(or name it with --text-column); columns found: {found}",
        )
    for option in ("id_column", "url_column", "title_column", "date_column", "source_column"):
        column = getattr(options, option)
        if column is not None and column not in header:
            flag = "--" + option.replace("_", "-")
            raise InputError(name, f"{flag}: column {column!r} not found; columns found: {found}")


def iter_csv(name: str, stream: BinaryIO, options: SourceOptions) -> Iterator[Item]:
    stem = _stem(name)
    # surrogateescape: a row with bad bytes fails alone (see common.bad_bytes).
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="surrogateescape", newline="")
    # Articles are longer than csv's default 128 KiB field limit.
    csv.field_size_limit(max(csv.field_size_limit(), options.max_member_bytes))
    reader = csv.DictReader(text)
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise InputError(name, f"not a readable CSV file: {exc}") from None
    _check_columns(name, list(header), options)
    row_no = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a broken quote ruins the rest of the file
            yield failed(f"{name}:{reader.line_num}", f"CSV error, rest of the file not read: {exc}")
            break
        row_no += 1
        key = f"{name}:{row_no}"
        record = {k: v for k, v in row.items() if k is not None}
        yield _item_from_record(key, record, options, f"{stem}-{row_no}")
