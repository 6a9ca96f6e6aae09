"""zip and tar.gz archives, read in place: nothing is ever extracted to disk.

Members are read into memory one at a time, through bounded reads, so no
path in an archive can write anywhere (a `../` name is refused all the same:
it is a sign of a hostile archive and would make a misleading id). Sizes are
bounded three ways because headers can lie:

- a member larger than `max_member_bytes` is refused before and while reading;
- all members together stop at `max_total_bytes`;
- a zip member whose uncompressed/compressed ratio exceeds `max_ratio` is
  refused unread (zip bombs run at 1000:1 and more); for a tar.gz the ratio
  of bytes produced to compressed bytes consumed is watched as it streams.

Past the first MiB the ratio is also judged over the whole archive, so a
bomb made of many members each under the per-member floor (300 members of
1 MiB at 900:1) is refused too; a member that compresses normally is still
read after it.

Archives inside archives are not opened (that is how bombs nest). A tar or
WARC file is scanned for integrity first (`integrity.py`): members in a
range that fails its CRC, or cut off by truncation, fail with that reason
instead of passing on altered or partial text as ok.
"""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from ..io import InputError
from .common import Item, SourceOptions, failed, name_problem, printable, skipped
from .integrity import Scan, scan_archive

# Ratios are only judged above this size: a tiny file cannot be a bomb, and
# short repetitive texts compress far better than articles do.
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 64 * 1024


class TooLarge(Exception):
    pass


def unsafe_name(name: str) -> str | None:
    """Why a member name is refused, or None."""
    posix = name.replace("\\", "/")
    if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
        return f"unsafe path {name!r}: absolute paths are refused"
    if ".." in PurePosixPath(posix).parts:
        return f"unsafe path {name!r}: '..' components are refused"
    if "\x00" in name:
        return f"unsafe path {name!r}: NUL in name"
    return None


def read_bounded(stream: BinaryIO, limit: int) -> bytes:
    """Read at most `limit` bytes; TooLarge if there is more (declared sizes are not trusted)."""
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(min(_CHUNK, limit - size + 1))
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"more than {limit} bytes uncompressed")
        parts.append(chunk)


def _member_items(key: str, name: str, data: bytes, options: SourceOptions) -> Iterator[Item]:
    from . import items_from_bytes  # the dispatcher by file kind lives in the package

    yield from items_from_bytes(key, name, data, options)


def iter_zip(path: Path, options: SourceOptions) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # ValueError: a name flagged UTF-8 that is not
        raise InputError(str(path), f"not a readable zip file: {exc}") from None
    total = 0
    compressed = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            key = f"{path}!{printable(info.filename)}"
            refusal = _refuse_member(key, info.filename)
            if refusal is not None:
                yield refusal
                continue
            if stat.S_IFMT(info.external_attr >> 16) not in (0, stat.S_IFREG):
                # A symlink's "content" is its target path: never a document, never followed.
                yield skipped(key, "not a regular file (link or device): not followed")
                continue
            if info.flag_bits & 0x1:
                yield failed(key, "encrypted member")
                continue
            if info.file_size > options.max_member_bytes:
                yield failed(
                    key, f"member too large: {info.file_size} bytes uncompressed (limit {options.max_member_bytes})"
                )
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > options.max_ratio:
                yield failed(
                    key, f"compression ratio {ratio:.0f}:1 exceeds {options.max_ratio:.0f}:1 (a zip bomb?); not read"
                )
                continue
            # The archive as a whole: many members each under the floor add up.
            # Only a member that is itself over the ratio is refused, so a
            # normal article after a bomb's members is still read.
            overall = (total + info.file_size) / max(compressed + info.compress_size, 1)
            if total + info.file_size > _RATIO_FLOOR and overall > options.max_ratio and ratio > options.max_ratio:
                yield failed(
                    key,
                    f"compression ratio {ratio:.0f}:1 (archive so far {overall:.0f}:1) exceeds "
                    f"{options.max_ratio:.0f}:1 (a zip bomb?); not read",
                )
                continue
            limit = min(options.max_member_bytes, options.max_total_bytes - total)
            try:
                with archive.open(info) as member:
                    data = read_bounded(member, limit)
            except TooLarge as exc:
                if limit < options.max_member_bytes:
                    yield failed(key, f"archive total over {options.max_total_bytes} bytes: rest not read")
                    return
                yield failed(key, f"member larger than its header says: {exc}")
                continue
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, zlib.error) as exc:
                yield failed(key, f"cannot read member: {exc}")
                continue
            total += len(data)
            compressed += info.compress_size
            yield from _member_items(key, info.filename, data, options)


class _Counting(io.RawIOBase):
    """Counts the compressed bytes a decompressor has consumed."""

    def __init__(self, raw: BinaryIO):
        self.raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.raw.read(len(buffer))
        buffer[: len(data)] = data
        self.count += len(data)
        return len(data)


def _damage(scan: Scan, start: int, end: int):
    return next((d for d in scan.damages if d.covers_u(start, end)), None)


def iter_tar(path: Path, options: SourceOptions) -> Iterator[Item]:
    try:
        raw = path.open("rb")
        scan = scan_archive(path, options.max_total_bytes, options.max_ratio)
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    counter = _Counting(raw)
    with raw:
        try:
            # "r|*": a stream, never seeks, memory bounded by one member.
            archive = tarfile.open(fileobj=io.BufferedReader(counter), mode="r|*")  # noqa: SIM115 (`with` below)
        except tarfile.TarError as exc:
            reason = scan.damages[0].reason if scan.damages else str(exc)
            raise InputError(str(path), f"not a readable tar archive: {reason}") from None
        with archive:
            yield from _tar_members(path, archive, counter, scan, options)
            for damage in scan.damages:  # damage past the last member read (a cut in a header, the padding)
                if not damage.reported:
                    yield failed(f"{path}!", f"{damage.reason}; members from there on are missing")


def _tar_members(
    path: Path, archive: tarfile.TarFile, counter: _Counting, scan: Scan, options: SourceOptions
) -> Iterator[Item]:

    total = 0
    current = f"{path}!"  # the member being read, to name it when the archive breaks under it
    try:
        for member in archive:
            key = f"{path}!{printable(member.name)}"
            if member.isdir():
                continue
            reason = name_problem(member.name)
            if reason:
                yield failed(key, reason)
                continue
            if unsafe_name(member.name) is None and not member.isreg():
                yield skipped(key, "not a regular file (link or device): not followed")
                continue
            refusal = _refuse_member(key, member.name)
            if refusal is not None:
                yield refusal
                continue
            if member.size > options.max_member_bytes:
                # Skipping it would mean decompressing all of it: stop here instead.
                yield failed(
                    key,
                    f"member too large: {member.size} bytes (limit {options.max_member_bytes}); "
                    "rest of the archive not read",
                )
                return
            if total + member.size > options.max_total_bytes:
                yield failed(key, f"archive total over {options.max_total_bytes} bytes: rest not read")
                return
            damage = _damage(scan, member.offset, member.offset_data + member.size)
            if damage is not None:
                damage.reported = True
                yield failed(key, damage.reason)
                continue
            current = key
            handle = archive.extractfile(member)
            data = read_bounded(handle, member.size) if handle is not None else b""
            current = f"{path}!"
            total += len(data)
            ratio = total / max(counter.count, 1)
            if total > _RATIO_FLOOR and ratio > options.max_ratio:
                yield failed(
                    key,
                    f"compression ratio {ratio:.0f}:1 exceeds {options.max_ratio:.0f}:1 "
                    "(a tar bomb?); rest of the archive not read",
                )
                return
            yield from _member_items(key, member.name, data, options)
    except (tarfile.TarError, EOFError, OSError, TooLarge, zlib.error) as exc:
        damage = next((d for d in scan.damages if not d.reported), None)
        if damage is not None:
            damage.reported = True
        yield failed(current, f"archive damaged, rest not read: {damage.reason if damage else exc}")
        return
    # tarfile ends quietly on a header it cannot parse; real content after
    # that point means members were lost, not that the archive was over.
    if scan.complete and scan.content_end > archive.offset:
        yield failed(
            f"{path}!",
            f"damaged tar header at byte {archive.offset}: the rest of the archive "
            f"({scan.content_end - archive.offset} bytes) not read",
        )


def _refuse_member(key: str, name: str):
    """The record of an archive member that is not read (unsafe path, not a
    document, an archive inside the archive), or None."""
    from . import kind_of  # the package imports this module: import at call time

    reason = unsafe_name(name)
    if reason:
        return failed(key, reason)
    kind = kind_of(name)
    if kind is None:
        return skipped(key, "not a document file (txt, html, json, jsonl, csv)")
    if kind in ("zip", "tar", "warc"):
        return skipped(key, "archive inside an archive: not opened")
    return None
