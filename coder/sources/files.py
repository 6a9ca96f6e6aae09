"""Reading documents to code from paths: text files, HTML files, directories.

    iter_documents(["article.txt", "pages/"]) -> Iterator[Document]

- The id is the file stem ("golden/abc.txt" -> "abc").
- Text is read as UTF-8 with newlines kept as they are (offsets count every
  character). HTML goes through trafilatura's main-text extraction.
- The publication date comes from a sidecar, else from the article's
  dateline when it is clear ("Deir Ezzor, March 14, 2021 - ..."), else it is
  left unknown (relative dates then stay unresolved rather than invented).
  Sidecars: `<stem>.json` holding a coded-documents record or a bare
  document object (publication_date, source, source_scale, title, url), or
  `<stem>.meta.json` with the same keys.

Kept small on purpose: archive formats (JSONL, CSV, zip, WARC) are added by
the batch runner on top of this.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..io import InputError, is_stdin, read_stdin_text, read_text
from ..models import Document
from ..text.html import html_to_text, looks_like_html
from .common import bad_bytes, decode_html, metadata_problem

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_META_KEYS = ("publication_date", "source", "source_scale", "title", "url", "split", "language")

_DATELINE = re.compile(
    r"^[^\n.!?]{0,60}?\b(?P<date>(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December)\s+\d{1,2},\s+(?:19|20)\d\d|\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|"
    r"October|November|December)\s+(?:19|20)\d\d)\s*(?:\([^)]{0,30}\))?\s*[-–—:]",
    re.M,
)


def _sidecar(path: Path) -> tuple[dict[str, Any], Path | None]:
    """The metadata beside a file, and the file it came from."""
    for candidate in (path.with_suffix(".meta.json"), path.with_suffix(".json")):
        if candidate.exists() and candidate != path:
            try:
                data = json.loads(read_text(candidate))
            except json.JSONDecodeError as exc:
                raise InputError(f"{candidate}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
            except (ValueError, RecursionError) as exc:  # json's limits (a 5,000-digit number, deep nesting)
                raise InputError(str(candidate), f"cannot be read: {str(exc).split(';')[0]}") from None
            if isinstance(data, dict) and isinstance(data.get("document"), dict):
                data = data["document"]
            if isinstance(data, dict):
                return {k: data[k] for k in _META_KEYS if data.get(k) is not None}, candidate
    return {}, None


def _read_html(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror or exc}") from None
    text = decode_html(data)
    reason = bad_bytes(text)
    if reason:
        raise InputError(str(path), reason)
    return text


def dateline_date(text: str, head: int = 1500) -> date | None:
    """The date of a dateline near the top ("Deir Ezzor, March 14, 2021 - ..."), if one is clear."""
    from ..normalize import resolve_date

    found = {
        resolve_date(m.group("date")).date
        for m in _DATELINE.finditer(text[:head])
        if resolve_date(m.group("date")) is not None
    }
    # Two different datelines: not clear, so not used.
    return found.pop() if len(found) == 1 else None


def read_document(path: str | Path, publication_date: date | None = None) -> Document:
    path = Path(path)
    if is_stdin(path):  # one document on standard input, no sidecar
        raw, meta, sidecar, doc_id = read_stdin_text(), {}, None, "stdin"
    else:
        raw = _read_html(path) if path.suffix.lower() in HTML_SUFFIXES else read_text(path)
        meta, sidecar = _sidecar(path)
        doc_id = path.stem
    if sidecar is not None:
        try:
            Document.model_validate({"id": doc_id, "text": "-", **meta})
        except ValueError as exc:
            raise InputError(str(sidecar), f"invalid document metadata: {metadata_problem(exc)}") from None
    title = url = source = None
    published = None
    if path.suffix.lower() in HTML_SUFFIXES or (path.suffix.lower() not in TEXT_SUFFIXES and looks_like_html(raw)):
        extracted = html_to_text(raw)
        raw, title, url, source, published = (
            extracted.text,
            extracted.title,
            extracted.url,
            extracted.source,
            extracted.publication_date,
        )
    fields: dict[str, Any] = {"id": doc_id, "text": raw, "title": title, "url": url, "source": source}
    fields.update({k: v for k, v in meta.items()})
    if publication_date is not None:
        fields["publication_date"] = publication_date
    elif "publication_date" not in fields or fields["publication_date"] is None:
        fields["publication_date"] = published or dateline_date(raw)
    try:
        return Document.model_validate(fields)
    except Exception as exc:  # a bad sidecar value names the file
        raise InputError(str(path), f"invalid document metadata: {metadata_problem(exc)}") from None


def _expand(paths: Iterable[str | Path]) -> Iterator[Path]:
    for p in paths:
        path = Path(p)
        if is_stdin(path):
            yield path
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                suffix = child.suffix.lower()
                # A folder's README describes the folder (golden/README.md); it is not an article.
                if child.stem.upper() == "README":
                    continue
                if child.is_file() and (suffix in TEXT_SUFFIXES or suffix in HTML_SUFFIXES):
                    yield child
        elif path.exists():
            yield path
        else:
            raise InputError(str(path), "no such file or directory")


def iter_documents(paths: Iterable[str | Path], publication_date: date | None = None) -> Iterator[Document]:
    """Documents from text files, HTML files and directories of them, in a stable order."""
    for path in _expand(paths):
        yield read_document(path, publication_date)
