"""More hostile documents and archives for `coder code` and `coder batch`: encodings, empty and
binary files, broken records, odd CSV, zip and tar members, WARC records that are not pages
(issue 17). Each case states what must come out: the documents coded, and every other one
failed or skipped with a recorded reason."""

from __future__ import annotations

import bz2
import gzip
import io
import json
import os
import random
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from .generate import ARTICLE, Case, _batch, _code, _write, filler, page, tar_bytes

_RANDOM = random.Random(17).randbytes(6000)


def _zip(
    members: dict[str, bytes], name: str = "a.zip", compression: int = zipfile.ZIP_DEFLATED
) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        with zipfile.ZipFile(folder / name, "w", compression=compression) as archive:
            for member, data in members.items():
                archive.writestr(member, data)

    return build


def _zip_bad_crc(folder: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for i in range(4):
            archive.writestr(f"d{i}.txt", filler(i))
    data = bytearray(buffer.getvalue())
    data[bytes(data).index(b"number 2-3")] ^= 0x01  # stored: the text is altered, only the CRC tells
    (folder / "a.zip").write_bytes(bytes(data))


def _zip_in_zip(folder: Path) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("inner.txt", filler(2))
    with zipfile.ZipFile(folder / "a.zip", "w") as archive:
        archive.writestr("outer.txt", filler(1))
        archive.writestr("nested.zip", inner.getvalue())


def _zip_with_folders(folder: Path) -> None:
    with zipfile.ZipFile(folder / "a.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo("sub/"), b"")
        archive.writestr("sub/a.txt", filler(1))
        archive.writestr("sub\\b.txt", filler(2))


def _zip_encrypted_flag(folder: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("plain.txt", filler(1))
        archive.writestr("secret.txt", filler(2))
    data = bytearray(buffer.getvalue())
    # Mark the second member encrypted (bit 0 of the flags) in its local and central headers.
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        position = bytes(data).index(signature, bytes(data).index(signature) + 1)
        data[position + offset] |= 0x01
    (folder / "a.zip").write_bytes(bytes(data))


def _tar_special_members(folder: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = len(filler(1))
        archive.addfile(info, io.BytesIO(filler(1)))
        for kind, name in ((tarfile.FIFOTYPE, "fifo.txt"), (tarfile.CHRTYPE, "dev.txt"), (tarfile.DIRTYPE, "d")):
            special = tarfile.TarInfo(name)
            special.type = kind
            archive.addfile(special)
    (folder / "a.tar").write_bytes(buffer.getvalue())


def _tar_bz2_cut(folder: Path) -> None:
    data = bz2.compress(tar_bytes({f"d{i}.txt": filler(i, 100) for i in range(6)}))
    (folder / "a.tar.bz2").write_bytes(data[: len(data) // 2])


def _tar_gz_trailing_garbage(folder: Path) -> None:
    data = gzip.compress(tar_bytes({f"d{i}.txt": filler(i) for i in range(3)}))
    (folder / "a.tar.gz").write_bytes(data + b"garbage after the end" * 10)


def _tar_duplicate_members(folder: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        for data in (filler(1), filler(2)):
            info = tarfile.TarInfo("same.txt")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    (folder / "a.tar").write_bytes(buffer.getvalue())


def _warc_not_pages(folder: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for index, (status, ctype, body) in enumerate(
        (
            ("200 OK", "text/html", page(1)),
            ("200 OK", "image/png", _RANDOM[:500]),
            ("404 Not Found", "text/html", b"<html>gone</html>"),
            ("200 OK", "text/html", page(2)),
        )
    ):
        headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(f"https://x/{index}", "response", payload=io.BytesIO(body), http_headers=headers)
        )
    request = io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")
    writer.write_record(writer.create_warc_record("https://x/req", "request", payload=request))
    (folder / "a.warc.gz").write_bytes(out.getvalue())


def _warc_requests_only(folder: Path) -> None:
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    for i in range(3):
        writer.write_record(
            writer.create_warc_record(f"https://x/{i}", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n"))
        )
    (folder / "a.warc.gz").write_bytes(out.getvalue())


def _folder(files: dict[str, bytes]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        pages = folder / "pages"
        pages.mkdir()
        for name, data in files.items():
            (pages / name).parent.mkdir(parents=True, exist_ok=True)
            (pages / name).write_bytes(data)

    return build


def _symlinks(folder: Path) -> None:
    pages = folder / "pages"
    pages.mkdir()
    (pages / "a.txt").write_bytes(filler(1))
    os.symlink("loop", pages / "loop")  # a link to itself
    os.symlink("/nonexistent/file.txt", pages / "dangling.txt")
    os.symlink(str(pages), pages / "parent")  # a cycle back to the folder


def _fifo(folder: Path) -> None:
    pages = folder / "pages"
    pages.mkdir()
    (pages / "a.txt").write_bytes(filler(1))
    os.mkfifo(pages / "pipe.txt")  # reading it would wait for a writer forever


def _jsonl(lines: list[str]) -> Callable[[Path], None]:
    return _write("a.jsonl", "".join(line + "\n" for line in lines))


_GOOD = json.dumps({"id": "good", "text": ARTICLE})

CASES: list[Case] = [
    # Plain files, by `coder code`.
    Case(
        "code-utf8-byte-order-mark",
        _write("a.txt", "\ufeff" + ARTICLE),
        _code("a.txt"),
        {"events": 1, "text": ["Fatemiyoun"]},
    ),
    Case(
        "code-crlf-line-endings",
        _write("a.txt", ARTICLE.replace(". ", ".\r\n") + "\r\n"),
        _code("a.txt"),
        {"events": 1},
    ),
    Case(
        "code-nul-bytes-in-text",
        _write("a.txt", ARTICLE.replace(" ", "\0 ", 3)),
        _code("a.txt"),
        {"text": ["Albukamal"]},
    ),
    Case("code-binary-file-named-txt", _write("a.txt", _RANDOM), _code("a.txt"), {"exit": 1, "error": "a.txt"}),
    Case(
        "code-latin1-text",
        _write("a.txt", ARTICLE.encode() + " caf\xe9".encode("latin-1")),
        _code("a.txt"),
        {"exit": 1, "error": "a.txt"},
    ),
    Case("code-missing-file", lambda folder: None, _code("nowhere.txt"), {"exit": 1, "error": "nowhere.txt"}),
    Case("code-one-megabyte-word", _write("a.txt", "a" * 1_000_000), _code("a.txt"), {}),
    Case(
        "code-arabic-article",
        _write("a.txt", "وصلت قافلة من مقاتلي فاطميون إلى البوكمال من العراق يوم الاثنين.\n"),
        _code("a.txt"),
        {},
    ),
    Case(
        "code-html-script-only",
        _write("a.html", "<html><body><script>" + "var a = 1;" * 1000 + "</script></body></html>"),
        _code("a.html"),
        {},
    ),
    Case(
        "code-html-latin1-charset",
        _write(
            "a.html",
            (
                "<html><head><meta charset='iso-8859-1'></head><body><p>" + ARTICLE + " Caf\xe9.</p></body></html>"
            ).encode("latin-1"),
        ),
        _code("a.html"),
        {"text": ["Fatemiyoun"]},
    ),
    Case(
        "code-bad-publication-date-sidecar",
        lambda f: (_write("a.txt", ARTICLE)(f), _write("a.meta.json", '{"publication_date": "yesterday"}')(f)),
        _code("a.txt"),
        {"exit": 1, "error": "a.meta.json"},
    ),
    Case(
        "code-broken-sidecar",
        lambda f: (_write("a.txt", ARTICLE)(f), _write("a.meta.json", "{broken")(f)),
        _code("a.txt"),
        {"exit": 1, "error": "a.meta.json"},
    ),
    # Folders, by `coder batch`.
    Case("batch-empty-folder", _folder({}), _batch("pages"), {"ok": 0}),
    Case(
        "batch-binary-and-empty-files",
        _folder({"a.txt": filler(1), "b.txt": _RANDOM, "c.txt": b"", "d.html": b"<html></html>"}),
        _batch("pages"),
        {"ok": 1, "total": 4, "reasons": ["not UTF-8", "empty"]},
    ),
    Case(
        "batch-utf16-file",
        _folder({"a.txt": filler(1), "b.txt": ARTICLE.encode("utf-16")}),
        _batch("pages"),
        {"ok": 1, "total": 2},
    ),
    Case(
        "batch-deep-folders",
        _folder({"/".join(["d"] * 60) + "/a.txt": filler(1), "b.txt": filler(2)}),
        _batch("pages"),
        {"ok": 2, "total": 2},
    ),
    Case("batch-symlink-loops", _symlinks, _batch("pages"), {"ok": 1}),
    Case("batch-fifo-in-folder", _fifo, _batch("pages"), {"ok": 1}),
    Case(
        "batch-bad-sidecar",
        _folder({"a.txt": filler(1), "a.meta.json": b"{broken", "b.txt": filler(2)}),
        _batch("pages"),
        {"ok": 1, "failed": 1, "total": 2, "reasons": ["meta.json"]},
    ),
    # JSON Lines, CSV and JSON dumps.
    Case(
        "jsonl-odd-records",
        _jsonl([_GOOD, "[1, 2]", "42", "", '{"id": "n", "text": 7}', '{"id": "e"}', '{"id": "z", "text": ""}']),
        _batch("a.jsonl"),
        {"ok": 1, "total": 6, "failed": 5},
    ),
    Case(
        "jsonl-duplicate-ids",
        _jsonl([json.dumps({"id": "same", "text": ARTICLE}), json.dumps({"id": "same", "text": ARTICLE + " More."})]),
        _batch("a.jsonl"),
        {"ok": 2, "total": 2},
    ),
    # 5 MB of sentences: far past a limit of 1 s a megabyte (it codes in about 25 s): the
    # per-document limit fails it with the reason instead of holding the run.
    Case(
        "jsonl-5mb-record-past-the-time-limit",
        _jsonl([json.dumps({"id": "big", "text": (ARTICLE + " ") * 25_000}), _GOOD]),
        [*_batch("a.jsonl"), "--document-timeout", "1"],
        {"ok": 1, "failed": 1, "total": 2, "reasons": ["time limit"]},
    ),
    Case(
        "jsonl-not-utf8-line",
        _write("a.jsonl", _GOOD.encode() + b"\n" + b'{"id": "x", "text": "caf\xe9"}\n'),
        _batch("a.jsonl"),
        {"ok": 1, "failed": 1, "total": 2},
    ),
    Case("csv-header-only", _write("a.csv", "id,text\n"), _batch("a.csv"), {"ok": 0}),
    Case(
        "csv-without-a-text-column",
        _write("a.csv", "id,body2\n1,hello\n"),
        _batch("a.csv"),
        {"exit": 2, "error": "a.csv"},
    ),
    Case(
        "csv-byte-order-mark-header",
        _write("a.csv", '\ufeffid,text\n1,"' + ARTICLE + '"\n'),
        _batch("a.csv"),
        {"ok": 1, "total": 1},
    ),
    Case(
        "csv-ragged-rows",
        _write("a.csv", 'id,text,title\n1,"' + ARTICLE + '"\n2\n3,"' + ARTICLE + ' B.",t,extra,extra\n'),
        _batch("a.csv"),
        {"ok": 2, "total": 3},
    ),
    Case(
        "csv-nul-byte",
        _write("a.csv", 'id,text\n1,"' + ARTICLE + '"\n2,"bad\0cell"\n'),
        _batch("a.csv"),
        {"ok": 2, "total": 2},
    ),
    Case(
        "csv-latin1",
        _write("a.csv", ('id,text\n1,"' + ARTICLE + ' caf\xe9"\n').encode("latin-1")),
        _batch("a.csv"),
        {"failed": 1, "reasons": ["UTF-8"]},
    ),
    Case(
        "csv-unclosed-quote",
        _write("a.csv", 'id,text\n1,"' + ARTICLE + '\n2,"' + ARTICLE + ' B"\n'),
        _batch("a.csv"),
        {"total": 1},
    ),
    Case("json-file-is-a-list-of-numbers", _write("a.json", "[1, 2, 3]"), _batch("a.json"), {"failed": 1}),
    Case("json-file-broken", _write("a.json", '{"id": "x", "text": '), _batch("a.json"), {"failed": 1}),
    # Zip and tar members.
    Case("zip-member-failing-crc", _zip_bad_crc, _batch("a.zip"), {"ok": 3, "failed": 1, "reasons": ["CRC"]}),
    Case("zip-inside-zip", _zip_in_zip, _batch("a.zip"), {"ok": 1, "skipped": 1, "total": 2}),
    Case("zip-folders-and-backslashes", _zip_with_folders, _batch("a.zip"), {"ok": 2, "total": 2}),
    Case(
        "zip-encrypted-member",
        _zip_encrypted_flag,
        _batch("a.zip"),
        {"ok": 1, "failed": 1, "total": 2, "reasons": ["encrypted"]},
    ),
    Case(
        "zip-cut-in-half",
        lambda f: (
            _zip({f"d{i}.txt": filler(i) for i in range(8)})(f)
            or (f / "a.zip").write_bytes((f / "a.zip").read_bytes()[:1500])
        ),
        _batch("a.zip"),
        {"exit": 1, "error": "a.zip"},
    ),
    Case(
        "zip-bzip2-and-lzma-members",
        lambda f: (
            _zip({"a.txt": filler(1)}, "b.zip", zipfile.ZIP_BZIP2)(f),
            _zip({"b.txt": filler(2)}, "l.zip", zipfile.ZIP_LZMA)(f),
        ),
        _batch("."),
        {"ok": 2, "total": 2},
    ),
    Case("tar-fifo-device-and-folder-members", _tar_special_members, _batch("a.tar"), {"ok": 1}),
    Case("tar-bz2-truncated", _tar_bz2_cut, _batch("a.tar.bz2"), {"exit": 1, "error": "truncated"}),
    Case(
        "tar-bz2-truncated-in-a-folder",
        lambda f: (_folder({"b.txt": filler(9)})(f), _tar_bz2_cut(f / "pages")),
        _batch("pages"),
        {"ok": 1, "failed": 1, "total": 2, "reasons": ["truncated"]},
    ),
    Case("tar-gz-trailing-garbage", _tar_gz_trailing_garbage, _batch("a.tar.gz"), {"ok": 3}),
    Case("tar-duplicate-member-names", _tar_duplicate_members, _batch("a.tar"), {"ok": 2, "total": 2}),
    Case("warc-records-that-are-not-pages", _warc_not_pages, _batch("a.warc.gz"), {"ok": 2}),
    Case("warc-requests-only", _warc_requests_only, _batch("a.warc.gz"), {"ok": 0}),
]
