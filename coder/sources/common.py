"""What every archive reader yields, and the rules they share.

A reader never raises for one bad document: it yields an `Item` whose
`document` is None and whose `error` says why (undecodable bytes, empty text,
an unsafe archive path...), so the batch runner can record it and go on. Only
a problem with the whole source (a missing file, a CSV without its text
column) raises `InputError`, because nothing in it could be read.

`Item.key` names where the document came from ("dump.jsonl:12",
"pages.zip!a/b.html"); it identifies a failure in the store when there is no
text to hash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..models import Document

# Column / key names tried in order when the user names none. The first
# present wins; "text" before "body" before "content" as most dumps do.
TEXT_KEYS = ("text", "body", "content")
ID_KEYS = ("id",)
URL_KEYS = ("url",)
TITLE_KEYS = ("title",)
DATE_KEYS = ("date", "published", "publication_date")
SOURCE_KEYS = ("source",)

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}

# Lone surrogates come from decoding with errors="surrogateescape": they mark
# the bytes that were not UTF-8, so a row can fail without failing its file.
_SURROGATE = re.compile("[\udc80-\udcff]")


@dataclass
class SourceOptions:
    """Which columns/keys hold the text and metadata (None: try the defaults)."""

    text_column: str | None = None
    id_column: str | None = None
    url_column: str | None = None
    title_column: str | None = None
    date_column: str | None = None
    source_column: str | None = None
    # Archive limits: bytes of one member, bytes of all members, and the
    # largest uncompressed/compressed ratio believed (zip bombs exceed 1000).
    max_member_bytes: int = 50 * 1024 * 1024
    max_total_bytes: int = 4 * 1024 * 1024 * 1024
    max_ratio: float = 200.0


@dataclass
class Item:
    key: str
    document: Document | None = None
    error: str | None = None
    # A record that is deliberately not a document (a WARC image): recorded
    # with its reason, but not counted as a failure.
    skipped: bool = False
    doc_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.document is not None

    @property
    def failure_hash(self) -> str:
        """A stable identity for an item without a document: its key."""
        return "err:" + hashlib.sha256(self.key.encode("utf-8", "surrogatepass")).hexdigest()


def failed(key: str, reason: str, doc_id: str | None = None) -> Item:
    return Item(key=key, error=reason, doc_id=doc_id)


def skipped(key: str, reason: str, doc_id: str | None = None) -> Item:
    return Item(key=key, error=reason, skipped=True, doc_id=doc_id)


def decode(data: bytes) -> str:
    """UTF-8 (a BOM dropped) with undecodable bytes kept as lone surrogates."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("utf-8", errors="surrogateescape")


_CHARSET = re.compile(rb"""charset\s*=\s*["']?([A-Za-z0-9_.:-]{1,40})""", re.I)


def decode_html(data: bytes) -> str:
    """An HTML page's text: UTF-8, else the charset the page declares (a page saved as
    windows-1256 or latin-1 says so in its <meta>), else UTF-8 with the bad bytes kept
    as lone surrogates (the page then fails as not UTF-8)."""
    text = decode(data)
    if not _SURROGATE.search(text):
        return text
    declared = _CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"))
        except (LookupError, UnicodeDecodeError):
            pass
    return text


def metadata_problem(exc: Exception) -> str:
    """A pydantic error about document metadata on one line: 'publication_date: 'x' is not ...'."""
    errors = getattr(exc, "errors", None)
    if not callable(errors):
        return " ".join(str(exc).split())[:300]
    parts = []
    for error in errors()[:3]:
        where = ".".join(str(step) for step in error.get("loc", ())) or "value"
        parts.append(f"{where}: {error.get('msg', 'invalid')} (found {printable(repr(error.get('input')))[:60]})")
    return "; ".join(parts)


def bad_bytes(text: str) -> str | None:
    """The reason a decoded string cannot be a document text, or None."""
    m = _SURROGATE.search(text)
    if m:
        return f"not UTF-8 text (invalid byte 0x{ord(m.group()) - 0xDC00:02x} at character {m.start()})"
    return None


def name_problem(name: str) -> str | None:
    """Why a file or member name cannot name a document, or None.

    Names are decoded with surrogateescape, so bytes that are not UTF-8 show up
    as lone surrogates: such a name cannot be stored, printed or used as an id.
    """
    m = _SURROGATE.search(name)
    if m:
        return f"name is not UTF-8 (invalid byte 0x{ord(m.group()) - 0xDC00:02x}); rename it to read it"
    return None


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(name: str) -> str:
    """A name fit for a key: undecodable bytes as \\xNN, control characters
    (terminal escapes hidden in archive names) as \\xNN too."""
    try:
        raw = name.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a surrogate that stands for no byte (from a JSON "\\ud800")
        raw = name.encode("utf-8", "surrogatepass")
    name = raw.decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


_ANY_SURROGATE = re.compile("[\ud800-\udfff]")


def guarded(item: Item) -> Item:
    """The item as it may leave the readers: a key that can be stored and
    printed, and no document carrying a lone surrogate (JSON "\\udce9", an
    undecodable name) into the store, where encoding it would stop the run."""
    key = printable(item.key) if _ANY_SURROGATE.search(item.key) or _CONTROL.search(item.key) else item.key
    doc_id = printable(item.doc_id) if item.doc_id else item.doc_id
    if item.document is not None:
        for name, value in item.document.model_dump(include={"id", "text", "title", "url", "source"}).items():
            if isinstance(value, str) and _ANY_SURROGATE.search(value):
                return failed(key, f"{name} holds a lone surrogate (not valid Unicode text)", doc_id)
    if key != item.key or doc_id != item.doc_id:
        item = Item(
            key=key, document=item.document, error=item.error, skipped=item.skipped, doc_id=doc_id, extra=item.extra
        )
    return item


def pick(record: dict[str, Any], named: str | None, defaults: tuple[str, ...]) -> Any:
    if named is not None:
        return record.get(named)
    for key in defaults:
        if record.get(key) not in (None, ""):
            return record[key]
    # Present but empty is "empty text", not "no text column".
    return next((record[key] for key in defaults if record.get(key) is not None), None)


def parse_date(value: Any) -> date | None:
    """A publication date from an ISO date or datetime; anything else is unknown, not guessed."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def safe_id(value: str) -> str:
    """An id usable as a golden file name: path separators and odd characters folded."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", value).strip("._")
    return cleaned[:120] or "doc"


def make_document(key: str, text: str, fields: dict[str, Any], *, html: bool | None = None) -> Item:
    """An Item from text and metadata: HTML turned into main text, bad or empty text a failure."""
    from ..text.html import html_to_text, looks_like_html

    doc_id = fields.get("id")
    reason = bad_bytes(text)
    if reason:
        return failed(key, reason, doc_id)
    if html or (html is None and looks_like_html(text)):
        try:
            extracted = html_to_text(text, url=fields.get("url"))
        except Exception as exc:  # one broken page is one failure
            return failed(key, f"HTML extraction failed: {exc}", doc_id)
        text = extracted.text
        for name, value in (
            ("title", extracted.title),
            ("url", extracted.url),
            ("source", extracted.source),
            ("publication_date", extracted.publication_date),
        ):
            if fields.get(name) in (None, ""):
                fields[name] = value
        if not text.strip():
            return failed(key, "no main text found in the HTML", doc_id)
    if not text.strip():
        return failed(key, "empty text", doc_id)
    clean = {k: v for k, v in fields.items() if v not in (None, "")}
    clean["text"] = text
    clean["id"] = str(clean.get("id") or "doc")
    if "publication_date" in clean:
        clean["publication_date"] = parse_date(clean["publication_date"])
    if clean.get("publication_date") is None:
        # As for single files: a clear dateline is the date; anything less stays unknown.
        from .files import dateline_date

        clean["publication_date"] = dateline_date(text)
    for name in ("title", "url", "source", "source_scale"):
        if name in clean and not isinstance(clean[name], str):
            clean[name] = str(clean[name])
    try:
        return Item(key=key, document=Document.model_validate(clean), doc_id=clean["id"])
    except Exception as exc:  # a bad metadata value (split: "x") fails this document only
        return failed(key, f"invalid document metadata: {metadata_problem(exc)}", doc_id)


def record_fields(record: dict[str, Any], options: SourceOptions) -> tuple[Any, dict[str, Any]]:
    """(text, metadata) of a JSON object or CSV row, by the named or default keys."""
    if isinstance(record.get("document"), dict):  # a coded-documents record
        record = record["document"]
    text = pick(record, options.text_column, TEXT_KEYS)
    fields = {
        "id": pick(record, options.id_column, ID_KEYS),
        "url": pick(record, options.url_column, URL_KEYS),
        "title": pick(record, options.title_column, TITLE_KEYS),
        "publication_date": pick(record, options.date_column, DATE_KEYS),
        "source": pick(record, options.source_column, SOURCE_KEYS),
        "source_scale": record.get("source_scale"),
    }
    return text, fields
