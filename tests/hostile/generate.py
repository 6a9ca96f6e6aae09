"""The hostile corpus: inputs a careless or hostile user can hand the public
commands, each with the contract its run must meet (issue 17).

    python -m tests.hostile.generate OUTDIR     # write the corpus to look at or probe by hand

Every case is built from code (no binary files committed): damaged archives,
names that are not UTF-8, bombs, catastrophic codebook patterns, articles the
text preparation used to throw away. `run.py` runs them through the CLI and
`test_hostile.py` asserts the contract: exit 0 with the right result, or a
one-line `error:` naming the input; never a traceback, never past the time
limit, never a document lost without a recorded reason.

An expectation (`Case.expect`) may hold:
  exit       the exit code (0 unless said)
  error      text the `error:` line must contain (exit != 0)
  ok         documents coded ok in the store (batch) -- exact
  failed     documents failed with a reason (batch) -- at least
  skipped    documents skipped with a reason (batch) -- exact
  total      ok + failed + skipped must be at least this: every input document accounted for
  reasons    texts that must appear among the recorded failure and skip reasons
  events     events at least, in the --out record (code)
  text       texts the --out record's document text must contain (code)
  output     texts stdout + stderr must contain
  absent     texts neither stdout + stderr nor the --out file may contain (a key's fragment)
  statuses   the statuses of the --out file's records, in order (llm-batch read)
"""

from __future__ import annotations

import gzip
import io
import lzma
import os
import random
import shutil
import stat
import sys
import tarfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

ARTICLE = (
    "Deir Ezzor, March 14, 2021 - A convoy of Fatemiyoun fighters arrived in Albukamal from Iraq on Monday, "
    "local sources said. Residents said the fighters set up two positions near the border crossing."
)
_WORDS = (
    "convoy fighters arrived town militia trucks fuel border crossing night reported residents checkpoint "
    "brigade commander district river bridge desert village sources"
).split()


def filler(i: int, sentences: int = 12) -> bytes:
    """A distinct article per index (HTML extraction drops text it has seen before)."""
    rng = random.Random(i)
    parts = (
        " ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + f" number {i}-{n}." for n in range(sentences)
    )
    return (" ".join(parts) + "\n").encode()


def page(i: int) -> bytes:
    return (
        b"<!DOCTYPE html><html><body><article><p>"
        + filler(i)
        + b"</p><p>"
        + filler(1000 + i)
        + b"</p></article></body></html>"
    )


def tar_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def warc_bytes(pages: list[tuple[str | None, bytes]], gz: bool = True) -> bytes:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    out = io.BytesIO()
    writer = WARCWriter(out, gzip=gz)
    for index, (uri, body) in enumerate(pages):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri or f"https://x/{index}", "response", payload=io.BytesIO(body), http_headers=headers
        )
        if uri is None:
            record.rec_headers.remove_header("WARC-Target-URI")
        writer.write_record(record)
    return out.getvalue()


def _pages(n: int, start: int = 0) -> list[tuple[str | None, bytes]]:
    return [(f"https://news.example/{i}", page(i)) for i in range(start, start + n)]


@dataclass
class Case:
    name: str
    build: Callable[[Path], None]
    argv: list[str]  # {case}: the case's folder, {db}: a store in it, {out}: an output file in it
    expect: dict = field(default_factory=dict)
    # A context manager factory the run happens inside: conditions that cannot be made for real
    # as root or without privileges (a read-only file, a full disk) are simulated by it.
    patch: Callable[[], Any] | None = None
    # What the command reads on stdin (review --plain's commands), bytes as a user may pipe them.
    stdin: bytes | None = None


def _batch(source: str) -> list[str]:
    return ["batch", "{case}/" + source, "--db", "{db}", "-q", "--allow-failures", "--concurrency", "1"]


def _code(source: str) -> list[str]:
    return ["code", "{case}/" + source, "--out", "{out}"]


def _write(name: str, data: bytes | str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        (folder / name).write_bytes(data.encode() if isinstance(data, str) else data)

    return build


# --- sources --------------------------------------------------------------------------------------


def _warc_without_uri(folder: Path) -> None:
    pages = _pages(3)
    pages[1] = (None, pages[1][1])
    (folder / "crawl.warc.gz").write_bytes(warc_bytes(pages))


def _tar_bad_name(folder: Path) -> None:
    (folder / "names.tar").write_bytes(tar_bytes({"a.txt": filler(1), "caf\udce9.txt": filler(2), "b.txt": filler(3)}))


def _dir_bad_name(folder: Path) -> None:
    pages = folder / "pages"
    pages.mkdir()
    (pages / "ok.txt").write_bytes(filler(4))
    with open(os.path.join(os.fsencode(pages), b"caf\xe9.txt"), "wb") as handle:
        handle.write(filler(5))


def _zip_symlink(folder: Path) -> None:
    with zipfile.ZipFile(folder / "links.zip", "w") as archive:
        archive.writestr("a.txt", filler(1))
        link = zipfile.ZipInfo("passwd.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")


def _tgz_crc(folder: Path) -> None:
    data = bytearray(gzip.compress(tar_bytes({f"d{i:02}.txt": filler(i) for i in range(20)}), compresslevel=0))
    data[bytes(data).index(b"number 7-3")] ^= 0x01  # stored blocks: altered text, only the CRC tells
    (folder / "altered.tar.gz").write_bytes(bytes(data))


def _cut(name: str, data: bytes, share: float = 0.5) -> Callable[[Path], None]:
    return _write(name, data[: int(len(data) * share)])


def _warc_record_crc(folder: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    data = bytearray(warc_bytes(_pages(4)))
    records = ArchiveIterator(io.BytesIO(bytes(data)))
    starts = [records.get_record_offset() for _ in records]
    data[starts[2] - 8] ^= 0xFF  # the second record's gzip CRC-32
    (folder / "crc.warc.gz").write_bytes(bytes(data))


def _tar_bad_header(folder: Path) -> None:
    data = bytearray(tar_bytes({f"d{i:02}.txt": filler(i) for i in range(6)}))
    header = bytes(data).index(b"d03.txt")
    data[header + 148 : header + 156] = b"9999999\0"
    (folder / "header.tar").write_bytes(bytes(data))


def _zip_bomb(folder: Path) -> None:
    with zipfile.ZipFile(folder / "bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(60):
            archive.writestr(f"z{i:02}.txt", b"\0" * (1 << 20))
        archive.writestr("real.txt", filler(1))


def _zip_traversal(folder: Path) -> None:
    with zipfile.ZipFile(folder / "evil.zip", "w") as archive:
        archive.writestr("../../evil.txt", filler(1))
        archive.writestr("/abs.txt", filler(2))
        archive.writestr("good.txt", filler(3))


def _tar_links(folder: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = len(filler(1))
        archive.addfile(info, io.BytesIO(filler(1)))
        for kind, name in ((tarfile.SYMTYPE, "sym.txt"), (tarfile.LNKTYPE, "hard.txt")):
            link = tarfile.TarInfo(name)
            link.type = kind
            link.linkname = "/etc/passwd"
            archive.addfile(link)
    (folder / "links.tar.gz").write_bytes(buffer.getvalue())


def _folder_with_damage(folder: Path) -> None:
    data = gzip.compress(tar_bytes({f"d{i:02}.txt": filler(i) for i in range(10)}))
    (folder / "a_cut.tar.gz").write_bytes(data[: len(data) // 3])
    (folder / "b.txt").write_bytes(filler(40))
    (folder / "c.jsonl").write_bytes(b'{"id": "c1", "text": "A convoy arrived in the town at night."}\n{broken\n')
    (folder / "d.txt").write_bytes(b"caf\xe9 \xff\xfe not utf-8")
    (folder / "e.txt").write_bytes(b"   \n")


def _xz_cut(folder: Path) -> None:
    data = lzma.compress(tar_bytes({f"d{i:02}.txt": filler(i, 200) for i in range(6)}))
    (folder / "cut.tar.xz").write_bytes(data[: len(data) // 2])


def _jsonl_surrogates(folder: Path) -> None:
    (folder / "dump.jsonl").write_text(
        '{"id": "a", "text": "A convoy arrived."}\n'
        '{"id": "b\\udce9", "text": "A convoy left."}\n'
        '{"id": "c", "text": "x \\ud800 y"}\n',
        encoding="utf-8",
    )


def _control_names(folder: Path) -> None:
    (folder / "esc.tar").write_bytes(tar_bytes({"\x1b[31mred\x1b[0m.txt": filler(1), "ok.txt": filler(2)}))


# --- text ---------------------------------------------------------------------------------------------


def _deep_html(depth: int) -> Callable[[Path], None]:
    body = "".join(f"<p>{ARTICLE} Paragraph {i} adds what residents saw.</p>" for i in range(3))
    html = (
        "<!DOCTYPE html><html><head><title>Convoy</title></head><body>"
        + "<div>" * depth
        + f"<article>{body}</article>"
        + "</div>" * depth
        + "</body></html>"
    )
    return _write("deep.html", html)


def _one_line_no_stops(size: int) -> Callable[[Path], None]:
    rng = random.Random(5)
    words = [rng.choice(_WORDS) for _ in range(size // 7)]
    return _write("flat.txt", "A convoy of Fatemiyoun fighters arrived in Albukamal " + " ".join(words))


# --- codebooks --------------------------------------------------------------------------------------


def _codebook_with(file: str, old: str, new: str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        target = folder / "codebook"
        shutil.copytree(ROOT / "codebook", target)
        path = target / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"corpus setup: {old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        (folder / "a.txt").write_text("Shipments of " + "a" * 40 + "!\n" + ARTICLE + "\n", encoding="utf-8")

    return build


_SHIPMENT_REQUIRES = "requires: ['\\b{contraband}\\b']"

CASES: list[Case] = [
    # One bad member never stops the rest.
    Case(
        "warc-response-without-target-uri",
        _warc_without_uri,
        _batch("crawl.warc.gz"),
        {"ok": 2, "failed": 1, "total": 3, "reasons": ["WARC-Target-URI"]},
    ),
    Case(
        "tar-member-name-not-utf8",
        _tar_bad_name,
        _batch("names.tar"),
        {"ok": 2, "failed": 1, "total": 3, "reasons": ["not UTF-8"]},
    ),
    Case(
        "file-name-not-utf8",
        _dir_bad_name,
        _batch("pages"),
        {"ok": 1, "failed": 1, "total": 2, "reasons": ["not UTF-8"]},
    ),
    Case(
        "zip-symlink-member",
        _zip_symlink,
        _batch("links.zip"),
        {"ok": 1, "skipped": 1, "total": 2, "reasons": ["link"]},
    ),
    Case(
        "tar-links",
        _tar_links,
        _batch("links.tar.gz"),
        {"ok": 1, "skipped": 2, "total": 3, "reasons": ["not followed"]},
    ),
    Case(
        "zip-path-traversal",
        _zip_traversal,
        _batch("evil.zip"),
        {"ok": 1, "failed": 2, "total": 3, "reasons": ["unsafe path"]},
    ),
    Case(
        "jsonl-lone-surrogates",
        _jsonl_surrogates,
        _batch("dump.jsonl"),
        {"ok": 1, "failed": 2, "total": 3, "reasons": ["surrogate"]},
    ),
    Case("member-names-with-terminal-escapes", _control_names, _batch("esc.tar"), {"ok": 2, "total": 2}),
    Case(
        "folder-with-damaged-members",
        _folder_with_damage,
        _batch("."),
        {"failed": 4, "total": 6, "reasons": ["truncated", "invalid JSON", "not UTF-8", "empty text"]},
    ),
    Case(
        "csv-with-a-300kb-cell",
        _write("big.csv", 'id,text\n1,"' + ARTICLE * 1500 + '"\n2,"' + ARTICLE + '"\n'),
        _batch("big.csv"),
        {"ok": 2, "total": 2},
    ),
    Case("empty-zip", _write("empty.zip", b"PK\x05\x06" + b"\0" * 18), _batch("empty.zip"), {"ok": 0}),
    Case("empty-tar", _write("empty.tar", b"\0" * 10240), _batch("empty.tar"), {"ok": 0}),
    Case("zero-byte-warc-gz", _write("empty.warc.gz", b""), _batch("empty.warc.gz"), {"ok": 0}),
    # Damaged archives fail what they damaged and say so.
    Case("tar-gz-failing-crc", _tgz_crc, _batch("altered.tar.gz"), {"ok": 0, "failed": 20, "reasons": ["CRC"]}),
    Case(
        "tar-gz-truncated",
        _cut("cut.tar.gz", gzip.compress(tar_bytes({f"d{i:02}.txt": filler(i) for i in range(20)}))),
        _batch("cut.tar.gz"),
        {"failed": 1, "reasons": ["truncated"]},
    ),
    Case("tar-xz-truncated", _xz_cut, _batch("cut.tar.xz"), {"failed": 1, "reasons": ["truncated"]}),
    Case(
        "warc-gz-truncated",
        _cut("cut.warc.gz", warc_bytes(_pages(6))),
        _batch("cut.warc.gz"),
        {"failed": 1, "reasons": ["truncated"]},
    ),
    Case(
        "warc-truncated",
        _cut("cut.warc", warc_bytes(_pages(6), gz=False)),
        _batch("cut.warc"),
        {"failed": 1, "reasons": ["truncated"]},
    ),
    Case(
        "warc-gz-record-failing-crc",
        _warc_record_crc,
        _batch("crc.warc.gz"),
        {"ok": 3, "failed": 1, "total": 4, "reasons": ["CRC"]},
    ),
    Case(
        "tar-damaged-header",
        _tar_bad_header,
        _batch("header.tar"),
        {"ok": 3, "failed": 1, "reasons": ["damaged tar header"]},
    ),
    Case(
        "zip-bomb-of-1mib-members", _zip_bomb, _batch("bomb.zip"), {"failed": 58, "total": 61, "reasons": ["zip bomb"]}
    ),
    Case(
        "zip-not-a-zip",
        _write("junk.zip", random.Random(1).randbytes(4000)),
        _batch("junk.zip"),
        {"exit": 1, "error": "junk.zip"},
    ),
    Case(
        "tar-gz-not-a-tar",
        _write("junk.tar.gz", random.Random(2).randbytes(4000)),
        _batch("junk.tar.gz"),
        {"exit": 1, "error": "junk.tar.gz"},
    ),
    Case(
        "warc-gz-garbage",
        _write("junk.warc.gz", random.Random(3).randbytes(4000)),
        _batch("junk.warc.gz"),
        {"failed": 1, "reasons": ["WARC"]},
    ),
    # Text preparation never drops a whole article.
    Case("one-line-article-with-bar", _write("bar.txt", ARTICLE + " | SOHR"), _code("bar.txt"), {"events": 1}),
    Case(
        "one-line-title-like-article",
        _write("title.txt", "50 fuel trucks of the Fatemiyoun enter Albukamal from Iraq | Deir Ezzor 24"),
        _code("title.txt"),
        {"events": 1},
    ),
    Case("html-nested-300-deep", _deep_html(300), _code("deep.html"), {"text": ["Fatemiyoun", "Paragraph 2"]}),
    Case("html-nested-6000-deep", _deep_html(6000), _code("deep.html"), {"text": ["Fatemiyoun", "Paragraph 2"]}),
    Case("one-line-200kb-without-stops", _one_line_no_stops(200_000), _code("flat.txt"), {"events": 1}),
    # Codebook patterns that would hang the coder are refused with file:line.
    Case(
        "codebook-catastrophic-cue",
        _codebook_with("codebook.yaml", "- '\\bupcoming\\b'", "- '(a+)+$'"),
        ["codebook", "check", "{case}/codebook"],
        {"exit": 1, "error": "problem", "output": ["codebook.yaml:", "catastrophic"]},
    ),
    Case(
        "codebook-catastrophic-requires",
        _codebook_with("event_types/smuggling.yaml", _SHIPMENT_REQUIRES, "requires: ['(\\w+\\s?)*$']"),
        ["code", "{case}/a.txt", "--codebook", "{case}/codebook"],
        {"exit": 1, "error": "problem", "output": ["smuggling.yaml:", "catastrophic"]},
    ),
]


def all_cases() -> list[Case]:
    """Every case: these and those of the other corpus modules."""
    from . import answers, codebooks, documents, scoring, stores, timeouts

    return [
        *CASES,
        *documents.CASES,
        *stores.CASES,
        *codebooks.CASES,
        *timeouts.CASES,
        *scoring.CASES,
        *answers.CASES,
    ]


def case_names() -> list[str]:
    return [case.name for case in all_cases()]


def generate(out: Path) -> list[Case]:
    """Build every case's files under out/<case name>/."""
    out.mkdir(parents=True, exist_ok=True)
    cases = all_cases()
    for case in cases:
        folder = out / case.name
        folder.mkdir(exist_ok=True)
        case.build(folder)
    return cases


if __name__ == "__main__":  # pragma: no cover
    generate(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus"))
