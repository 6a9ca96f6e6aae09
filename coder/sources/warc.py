"""WARC web archives (warcio): each HTML response becomes a document of its main text.

Only `response` and `resource` records can be documents; requests, metadata
and warcinfo records are crawl bookkeeping and pass silently. A response that
is not an HTML page (an image, a PDF, a script), an HTTP error or a revisit
record is skipped with its reason so that `coder status` can show what was
left out. The WARC-Date is the crawl time, not the publication date, so it is
never used as one (relative dates would resolve against the wrong day).
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from ..io import InputError
from .archives import TooLarge, read_bounded
from .common import Item, SourceOptions, failed, make_document, safe_id, skipped

_CHARSET = re.compile(r"charset=[\"']?([A-Za-z0-9._:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([A-Za-z0-9._:-]+)", re.I)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def _decode(data: bytes, content_type: str) -> tuple[str | None, str | None]:
    """(text, None) or (None, reason): the declared charset, else the page's meta tag, else UTF-8."""
    m = _CHARSET.search(content_type) or _META_CHARSET.search(data[:4096])
    charset = m.group(1) if m else "utf-8"
    charset = charset.decode("ascii", "replace") if isinstance(charset, bytes) else charset
    try:
        codecs.lookup(charset)
    except LookupError:
        return None, f"unknown charset {charset!r}"
    try:
        return data.decode(charset), None
    except UnicodeDecodeError as exc:
        return None, f"not valid {charset} text (invalid byte at offset {exc.start})"


def _doc_id(uri: str | None, record_id: str | None) -> str:
    if uri:
        parts = urlsplit(uri)
        return safe_id(parts.netloc + parts.path + ("_" + parts.query if parts.query else ""))
    return safe_id((record_id or "record").strip("<>").replace("urn:uuid:", ""))


def iter_warc(path: Path, options: SourceOptions) -> Iterator[Item]:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    with handle:
        try:
            for record in ArchiveIterator(handle):
                kind = record.rec_type
                if kind not in ("response", "resource", "revisit"):
                    continue
                uri = record.rec_headers.get_header("WARC-Target-URI")
                record_id = record.rec_headers.get_header("WARC-Record-ID")
                key = f"{path}#{record_id or uri}"
                doc_id = _doc_id(uri, record_id)
                if kind == "revisit":
                    yield skipped(key, "revisit record (payload stored elsewhere)", doc_id)
                    continue
                if kind == "response" and record.http_headers is not None:
                    status = record.http_headers.get_statuscode()
                    content_type = record.http_headers.get_header("Content-Type") or ""
                    if status and not str(status).startswith("2"):
                        yield skipped(key, f"HTTP status {status}", doc_id)
                        continue
                else:
                    content_type = record.rec_headers.get_header("Content-Type") or ""
                mime = content_type.split(";")[0].strip().lower()
                if mime not in _HTML_TYPES:
                    yield skipped(key, f"not HTML ({mime or 'no content type'})", doc_id)
                    continue
                try:
                    data = read_bounded(record.content_stream(), options.max_member_bytes)
                except TooLarge as exc:
                    yield failed(key, f"page too large: {exc}", doc_id)
                    continue
                text, reason = _decode(data, content_type)
                if text is None:
                    yield failed(key, reason or "undecodable", doc_id)
                    continue
                yield make_document(key, text, {"id": doc_id, "url": uri}, html=True)
        except ArchiveLoadFailed as exc:
            yield failed(f"{path}#", f"WARC damaged, rest not read: {exc}")
