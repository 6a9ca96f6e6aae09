"""WARC web archives (warcio): each HTML response becomes a document of its main text.

Only `response` and `resource` records can be documents; requests, metadata
and warcinfo records are crawl bookkeeping and pass silently. A response that
is not an HTML page (an image, a PDF, a script), an HTTP error or a revisit
record is skipped with its reason so that `coder status` can show what was
left out. The WARC-Date is the crawl time, not the publication date, so it is
never used as one (relative dates would resolve against the wrong day).

A damaged crawl fails what it damaged and says so, never more quietly: a
response without WARC-Target-URI (warcio itself breaks on it) fails that
record; a record whose gzip member fails its CRC, or which the file's end
cuts short, fails with that reason; any other parse error fails the rest of
the file with the record it happened at.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from ..io import InputError
from .archives import TooLarge, read_bounded
from .common import Item, SourceOptions, failed, make_document, printable, safe_id, skipped
from .integrity import Scan, scan_archive

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


def _records(handle, path: Path):
    """warcio's iterator, told to leave HTTP headers unparsed when a record has no
    WARC-Target-URI (warcio calls uri.startswith on it and raises AttributeError)."""
    from warcio.archiveiterator import ArchiveIterator

    iterator = ArchiveIterator(handle)
    loader = iterator.loader
    parse = loader.load_http_headers
    loader.load_http_headers = lambda rec_type, uri, stream, length: (
        None if uri is None else parse(rec_type, uri, stream, length)
    )
    return iterator


def iter_warc(path: Path, options: SourceOptions) -> Iterator[Item]:
    try:
        handle = path.open("rb")
        scan = scan_archive(path, options.max_total_bytes, options.max_ratio)
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    with handle:
        start: int | None = 0
        while start is not None:
            # Each record of a .warc.gz is its own gzip member: after a broken
            # one, reading resumes at the next member instead of giving up.
            handle.seek(start)
            resume: list[int] = []
            yield from _warc_items(path, handle, scan, options, resume)
            start = resume[0] if resume else None
    for damage in scan.damages:  # damage no record was read from (a cut between records, a broken header)
        if not damage.reported:
            yield failed(f"{path}#", f"WARC damaged: {damage.reason}; records from there on are missing")


def _warc_items(path: Path, handle, scan: Scan, options: SourceOptions, resume: list[int]) -> Iterator[Item]:
    where = "the first record"
    records = _records(handle, path)
    try:
        for record in records:
            kind = record.rec_type
            uri = record.rec_headers.get_header("WARC-Target-URI")
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            key = printable(f"{path}#{record_id or uri}")
            where = f"the record after {record_id or uri}"
            if kind not in ("response", "resource", "revisit"):
                continue
            doc_id = _doc_id(uri, record_id)
            offset = records.offset  # where this record starts (get_record_offset() would read it away)
            damage = next((d for d in scan.damages if d.covers_c(offset, offset + 1)), None)
            if damage is not None:
                damage.reported = True
                yield failed(key, f"WARC damaged: {damage.reason}", doc_id)
                continue
            if not scan.members and (record.length is None or offset + int(record.length) > scan.size):
                # An uncompressed WARC cut short: the record (maybe its very headers) is partial.
                yield failed(key, "WARC truncated: the file ends inside this record", doc_id)
                continue
            if kind == "revisit":
                yield skipped(key, "revisit record (payload stored elsewhere)", doc_id)
                continue
            if kind == "response" and not uri:
                yield failed(key, "WARC response without WARC-Target-URI: not a page of a known address", doc_id)
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
            if getattr(record.raw_stream, "limit", 0) > 0:
                # Content-Length promised more than the file holds: a partial page is not the page.
                yield failed(key, f"WARC truncated: record cut short ({record.raw_stream.limit} bytes missing)", doc_id)
                continue
            text, reason = _decode(data, content_type)
            if text is None:
                yield failed(key, reason or "undecodable", doc_id)
                continue
            yield make_document(key, text, {"id": doc_id, "url": uri}, html=True)
    except Exception as exc:  # noqa: BLE001 -- warcio on hostile bytes raises anything; the file fails, not the run
        at = records.offset
        damage = next((d for d in scan.damages if not d.reported and d.covers_c(at, at + 1)), None)
        if damage is not None:
            damage.reported = True
        reason = damage.reason if damage else f"{type(exc).__name__}: {exc}"
        after = scan.next_member(at)
        if after is not None and (damage is None or damage.c_end is not None):
            resume.append(after)
            yield failed(f"{path}#offset-{at}", f"WARC record at byte {at} damaged, not read: {reason}")
        else:
            yield failed(f"{path}#", f"WARC damaged at {where}, rest not read: {reason}")
