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

Archives inside archives are not opened (that is how bombs nest).
"""

from __future__ import annotations

import io
import tarfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import BinaryIO, Iterator

from ..io import InputError
from .common import Item, SourceOptions, failed, skipped

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
    from . import kind_of

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(str(path), f"not a readable zip file: {exc}") from None
    total = 0
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            key = f"{path}!{info.filename}"
            refusal = _refuse_member(key, info.filename)
            if refusal is not None:
                yield refusal
                continue
            kind = kind_of(info.filename)
            if info.flag_bits & 0x1:
                yield failed(key, "encrypted member")
                continue
            if info.file_size > options.max_member_bytes:
                yield failed(key, f"member too large: {info.file_size} bytes uncompressed "
                                  f"(limit {options.max_member_bytes})")
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_FLOOR and ratio > options.max_ratio:
                yield failed(key, f"compression ratio {ratio:.0f}:1 exceeds {options.max_ratio:.0f}:1 "
                                  "(a zip bomb?); not read")
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
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
                yield failed(key, f"cannot read member: {exc}")
                continue
            total += len(data)
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


def iter_tar(path: Path, options: SourceOptions) -> Iterator[Item]:
    from . import kind_of

    try:
        raw = path.open("rb")
    except OSError as exc:
        raise InputError(str(path), f"cannot read: {exc.strerror}") from None
    counter = _Counting(raw)
    total = 0
    with raw:
        try:
            # "r|*": a stream, never seeks, memory bounded by one member.
            archive = tarfile.open(fileobj=io.BufferedReader(counter), mode="r|*")
        except tarfile.TarError as exc:
            raise InputError(str(path), f"not a readable tar archive: {exc}") from None
        with archive:
            try:
                for member in archive:
                    key = f"{path}!{member.name}"
                    if member.isdir():
                        continue
                    if unsafe_name(member.name) is None and not member.isreg():
                        yield skipped(key, "not a regular file (link or device): not followed")
                        continue
                    refusal = _refuse_member(key, member.name)
                    if refusal is not None:
                        yield refusal
                        continue
                    kind = kind_of(member.name)
                    if member.size > options.max_member_bytes:
                        # Skipping it would mean decompressing all of it: stop here instead.
                        yield failed(key, f"member too large: {member.size} bytes (limit {options.max_member_bytes}); "
                                          "rest of the archive not read")
                        return
                    if total + member.size > options.max_total_bytes:
                        yield failed(key, f"archive total over {options.max_total_bytes} bytes: rest not read")
                        return
                    handle = archive.extractfile(member)
                    data = read_bounded(handle, member.size) if handle is not None else b""
                    total += len(data)
                    ratio = total / max(counter.count, 1)
                    if total > _RATIO_FLOOR and ratio > options.max_ratio:
                        yield failed(key, f"compression ratio {ratio:.0f}:1 exceeds {options.max_ratio:.0f}:1 "
                                          "(a tar bomb?); rest of the archive not read")
                        return
                    yield from _member_items(key, member.name, data, options)
            except (tarfile.TarError, EOFError, OSError, TooLarge) as exc:
                yield failed(f"{path}!", f"archive damaged, rest not read: {exc}")


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
