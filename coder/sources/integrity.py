"""Integrity of compressed archives, checked before their members are trusted.

Python's streaming readers do not verify what they decompress: tarfile's
stream mode never checks the gzip CRC, warcio neither, and both treat a file
cut short as a normal end. A flipped bit then becomes altered article text
reported as ok, and a half-downloaded crawl looks like a small one. So each
.tar.gz / .warc.gz is scanned once first (one extra decompression, much
cheaper than coding) and the scan says which byte ranges cannot be trusted:

- a gzip member whose CRC-32 or length does not match its trailer: all of
  its output (it is where some bytes were altered, nobody knows which);
- a gzip member with invalid deflate data: everything from its start on
  (nothing after it can be decoded);
- a file cut inside a member: from the cut on (what came before decoded
  cleanly; a truncated download does not alter the bytes it did get).

Ranges are given both in compressed offsets (WARC records are located by
those) and in uncompressed offsets (tar members are). The scan stops at the
same size budget and ratio as the readers, so a bomb costs no more here.
bzip2 and xz check their own blocks while decoding; any error there marks the
whole stream as unreliable (block boundaries are not worth tracking for rare
formats).
"""

from __future__ import annotations

import bz2
import lzma
import struct
import zlib
from dataclasses import dataclass, field
from pathlib import Path

_CHUNK = 1 << 20
_RATIO_FLOOR = 1024 * 1024


@dataclass
class Damage:
    reason: str
    c_start: int  # compressed offset of the unreliable data
    u_start: int  # uncompressed offset of the unreliable data
    c_end: int | None = None  # None: to the end of the file
    u_end: int | None = None
    reported: bool = False

    def covers_u(self, start: int, end: int) -> bool:
        return end > self.u_start and (self.u_end is None or start < self.u_end)

    def covers_c(self, start: int, end: int) -> bool:
        return end > self.c_start and (self.c_end is None or start < self.c_end)


@dataclass
class Scan:
    damages: list[Damage] = field(default_factory=list)
    size: int = 0  # uncompressed bytes seen
    content_end: int = 0  # uncompressed offset just past the last non-zero byte (tar padding is zeros)
    complete: bool = True  # False: stopped at the size budget or ratio (the readers refuse the rest anyway)
    members: list[int] = field(default_factory=list)  # compressed offsets where gzip members start

    def next_member(self, offset: int) -> int | None:
        """The start of the first gzip member after `offset` (where a reader can resume), or None."""
        return next((m for m in self.members if m > offset), None)


def _note_content(scan: Scan, data: bytes) -> None:
    stripped = len(data.rstrip(b"\0"))
    if stripped:
        scan.content_end = scan.size + stripped
    scan.size += len(data)


def _over_budget(scan: Scan, consumed: int, max_total: int, max_ratio: float) -> bool:
    if scan.size > max_total:
        return True
    return scan.size > _RATIO_FLOOR and scan.size / max(consumed, 1) > max_ratio


def _gzip_header_length(buf: bytes) -> int | None:
    """Length of the gzip member header at the start of buf; None if it is not one (or incomplete)."""
    if len(buf) < 10 or buf[:3] != b"\x1f\x8b\x08":
        return None
    flags = buf[3]
    pos = 10
    if flags & 4:  # FEXTRA
        if len(buf) < pos + 2:
            return None
        pos += 2 + struct.unpack("<H", buf[pos : pos + 2])[0]
    for bit in (8, 16):  # FNAME, FCOMMENT: zero-terminated
        if flags & bit:
            end = buf.find(b"\0", pos)
            if end < 0:
                return None
            pos = end + 1
    if flags & 2:  # FHCRC
        pos += 2
    return pos if pos <= len(buf) else None


def scan_gzip(path: Path, max_total: int, max_ratio: float) -> Scan:
    """Every member of a (multi-member) gzip file decoded and checked against its trailer."""
    scan = Scan()
    with path.open("rb") as handle:
        buf = b""
        base = 0  # compressed offset of buf[0]
        eof = False

        def fill(need: int) -> None:
            nonlocal buf, eof
            while len(buf) < need and not eof:
                chunk = handle.read(_CHUNK)
                eof = not chunk
                buf += chunk

        while True:
            fill(64 * 1024)
            if not buf:
                return scan
            c_start, u_start = base, scan.size
            header = _gzip_header_length(buf)
            if header is None:
                # Bytes after the last member: gzip itself tolerates zero padding only.
                if not buf.strip(b"\0") and eof:
                    return scan
                scan.damages.append(Damage("not gzip data (damaged or not a gzip member)", c_start, u_start))
                return scan
            scan.members.append(c_start)
            buf, base = buf[header:], base + header
            inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            crc = 0
            length = 0
            while not inflater.eof:
                fill(1)
                if not buf:
                    scan.damages.append(
                        Damage(
                            f"archive truncated at byte {base} (cut short): data from here is missing", base, scan.size
                        )
                    )
                    return scan
                try:
                    out = inflater.decompress(buf, _CHUNK)
                except zlib.error as exc:
                    scan.damages.append(Damage(f"invalid compressed data ({exc})", c_start, u_start))
                    return scan
                consumed = len(buf) - len(inflater.unconsumed_tail) - len(inflater.unused_data)
                buf, base = buf[consumed:], base + consumed
                crc = zlib.crc32(out, crc)
                length += len(out)
                _note_content(scan, out)
                if _over_budget(scan, base, max_total, max_ratio):
                    scan.complete = False
                    return scan
            fill(8)
            if len(buf) < 8:
                scan.damages.append(
                    Damage(f"archive truncated at byte {base + len(buf)} (gzip trailer missing)", c_start, u_start)
                )
                return scan
            want_crc, want_len = struct.unpack("<II", buf[:8])
            buf, base = buf[8:], base + 8
            if want_crc != crc or want_len != length & 0xFFFFFFFF:
                what = "CRC-32" if want_crc != crc else "length"
                scan.damages.append(
                    Damage(
                        f"archive fails its gzip {what} check: the content of bytes {c_start}-{base} is altered",
                        c_start,
                        u_start,
                        base,
                        scan.size,
                    )
                )


def scan_stream(path: Path, kind: str, max_total: int, max_ratio: float) -> Scan:
    """bzip2 / xz: decoded through the module's reader, which checks the format's own CRCs."""
    scan = Scan()
    opener = bz2.open if kind == "bz2" else lzma.open
    compressed = path.stat().st_size  # >= the bytes consumed so far: the ratio judged here is never higher
    try:
        with opener(path, "rb") as stream:
            while True:
                data = stream.read(_CHUNK)
                if not data:
                    return scan
                _note_content(scan, data)
                if _over_budget(scan, compressed, max_total, max_ratio):
                    scan.complete = False
                    return scan
    except EOFError:
        scan.damages.append(Damage(f"archive truncated (cut short after {scan.size} bytes of content)", 0, scan.size))
    except (OSError, lzma.LZMAError) as exc:
        scan.damages.append(Damage(f"archive fails its integrity check ({exc}): contents unreliable", 0, 0))
    return scan


def scan_plain(path: Path) -> Scan:
    """An uncompressed file: its size and where the trailing zero padding starts (read from the end)."""
    size = path.stat().st_size
    scan = Scan(size=size, content_end=0)
    with path.open("rb") as handle:
        pos = size
        while pos > 0:
            start = max(0, pos - _CHUNK)
            handle.seek(start)
            stripped = len(handle.read(pos - start).rstrip(b"\0"))
            if stripped:
                scan.content_end = start + stripped
                break
            pos = start
    return scan


def scan_archive(path: Path, max_total: int, max_ratio: float) -> Scan:
    """The integrity scan for a tar or WARC file, by its compression (from its first bytes)."""
    with path.open("rb") as handle:
        magic = handle.read(6)
    if magic[:2] == b"\x1f\x8b":
        return scan_gzip(path, max_total, max_ratio)
    if magic[:3] == b"BZh":
        return scan_stream(path, "bz2", max_total, max_ratio)
    if magic == b"\xfd7zXZ\x00":
        return scan_stream(path, "xz", max_total, max_ratio)
    return scan_plain(path)
