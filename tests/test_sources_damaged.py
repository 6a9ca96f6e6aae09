"""Hostile and damaged sources: one bad member never stops the rest, and
damage is always said, never passed on as ok data (issue 17)."""

from __future__ import annotations

import gzip
import io
import os
import random
import stat
import zipfile
from pathlib import Path

import pytest

from coder.sources import SourceOptions, iter_items

from .hostile.generate import tar_bytes, warc_bytes

_WORDS = (
    "convoy fighters arrived town militia trucks fuel border crossing night reported residents "
    "checkpoint brigade commander district river bridge desert village sources"
).split()


def article(i: int) -> bytes:
    """A distinct article per index (HTML extraction drops text it has seen before)."""
    rng = random.Random(i)
    sentences = (" ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + f" number {i}-{n}." for n in range(12))
    return (" ".join(sentences) + "\n").encode()


def items(*paths, **options):
    return list(iter_items(paths, SourceOptions(**options)))


def page(i: int) -> bytes:
    return (
        b"<!DOCTYPE html><html><body><article><p>"
        + article(i)
        + b"</p><p>"
        + article(100 + i)
        + b"</p></article></body></html>"
    )


def test_warc_response_without_target_uri_fails_that_record_only(tmp_path: Path):
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(warc_bytes([("https://x/a", page(1)), (None, page(2)), ("https://x/c", page(3))]))
    got = items(path)
    assert [i.ok for i in got] == [True, False, True]
    assert "WARC-Target-URI" in got[1].error


def test_names_that_are_not_utf8_fail_their_member_or_file(tmp_path: Path):
    path = tmp_path / "names.tar"
    path.write_bytes(tar_bytes({"a.txt": article(1), "caf\udce9.txt": article(2), "b.txt": article(3)}))
    got = items(path)
    assert [i.ok for i in got] == [True, False, True]
    assert "not UTF-8" in got[1].error and got[1].key.endswith("caf\\xe9.txt")
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "ok.txt").write_bytes(article(4))
    with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as handle:
        handle.write(article(5))
    got = items(folder)
    assert sorted(i.ok for i in got) == [False, True]
    bad = next(i for i in got if not i.ok)
    assert "not UTF-8" in bad.error
    bad.key.encode("utf-8")  # storable and printable


def test_zip_symlink_member_is_not_read(tmp_path: Path):
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", article(1))
        link = zipfile.ZipInfo("link.txt")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        archive.writestr(link, "/etc/passwd")
    got = {i.key.rsplit("!", 1)[1]: i for i in items(path)}
    assert got["a.txt"].ok
    assert not got["link.txt"].ok and "link" in got["link.txt"].error


def test_tar_gz_failing_its_crc_gives_no_member_as_ok(tmp_path: Path):
    texts = {f"d{i:02}.txt": article(i) for i in range(20)}
    # Stored deflate blocks: the flipped byte alters the text without any deflate error; only the CRC tells.
    data = bytearray(gzip.compress(tar_bytes(texts), compresslevel=0))
    spot = bytes(data).index(b"number 7-3")
    data[spot] ^= 0x01
    path = tmp_path / "altered.tar.gz"
    path.write_bytes(bytes(data))
    got = items(path)
    assert not any(i.ok for i in got)
    assert len([i for i in got if i.key.endswith(".txt")]) == 20
    assert all("CRC" in i.error for i in got)


def test_truncated_tar_gz_fails_the_cut_member_and_says_so(tmp_path: Path):
    data = gzip.compress(tar_bytes({f"d{i:02}.txt": article(i) for i in range(20)}))
    path = tmp_path / "cut.tar.gz"
    path.write_bytes(data[: len(data) // 2])
    got = items(path)
    oks = [i for i in got if i.ok]
    assert 0 < len(oks) < 20
    for item in oks:  # what is ok is whole
        index = int(item.key[-6:-4])
        assert item.document.text == article(index).decode()
    assert any("truncated" in (i.error or "") for i in got)


def test_damaged_tar_header_is_not_a_quiet_end(tmp_path: Path):
    data = bytearray(tar_bytes({f"d{i:02}.txt": article(i) for i in range(6)}))
    header = bytes(data).index(b"d03.txt")
    data[header + 148 : header + 156] = b"9999999\0"  # a wrong header checksum
    path = tmp_path / "bad_header.tar"
    path.write_bytes(bytes(data))
    got = items(path)
    assert sum(i.ok for i in got) == 3
    assert any("damaged tar header" in (i.error or "") for i in got)


def test_truncated_warc_fails_the_cut_record(tmp_path: Path):
    pages = [(f"https://x/{i}", page(i)) for i in range(6)]
    for gz in (True, False):
        data = warc_bytes(pages, gz=gz)
        path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
        path.write_bytes(data[: len(data) // 2])
        got = items(path)
        assert 0 < sum(i.ok for i in got) < 6
        assert any("truncated" in (i.error or "") for i in got), [(i.key, i.error) for i in got]


def test_warc_gz_record_failing_its_crc_fails_alone(tmp_path: Path):
    from warcio.archiveiterator import ArchiveIterator

    data = bytearray(warc_bytes([(f"https://x/{i}", page(i)) for i in range(4)]))
    records = ArchiveIterator(io.BytesIO(bytes(data)))
    spans = []
    for _ in records:
        spans.append(records.get_record_offset())
    end_of_second = spans[2]
    data[end_of_second - 8] ^= 0xFF  # the second record's CRC-32
    path = tmp_path / "crc.warc.gz"
    path.write_bytes(bytes(data))
    got = items(path)
    assert [i.ok for i in got] == [True, False, True, True]
    assert "CRC" in got[1].error


def test_zip_bomb_of_many_members_under_the_floor(tmp_path: Path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for i in range(40):
            archive.writestr(f"z{i:02}.txt", b"\0" * (1 << 20))
        archive.writestr("real.txt", article(1))
    got = items(path)
    refused = [i for i in got if i.error and "bomb" in i.error]
    assert len(refused) >= 38
    assert next(i for i in got if i.key.endswith("real.txt")).ok


def test_unreadable_subfolder_is_recorded(tmp_path: Path, monkeypatch):
    (tmp_path / "a.txt").write_bytes(article(1))
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_bytes(article(2))
    real_scandir = os.scandir

    def scandir(path="."):  # root can read any folder: refuse this one as a permission error would
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    got = items(tmp_path)
    assert [i.ok for i in got] == [True, False]
    assert "cannot read folder" in got[1].error and "locked" in got[1].key


def test_lone_surrogate_in_json_fails_the_record(tmp_path: Path):
    path = tmp_path / "dump.jsonl"
    path.write_text(
        '{"id": "a", "text": "A convoy arrived."}\n{"id": "b\\udce9", "text": "A convoy left."}\n'
        '{"id": "c", "text": "x \\ud800 y"}\n',
        encoding="utf-8",
    )
    got = items(path)
    assert [i.ok for i in got] == [True, False, False]
    for item in got:
        item.key.encode("utf-8")
        (item.doc_id or "").encode("utf-8")


@pytest.mark.parametrize("cut", [0.3, 0.7])
def test_truncated_archive_in_a_folder_does_not_stop_the_folder(tmp_path: Path, cut: float):
    data = gzip.compress(tar_bytes({f"d{i:02}.txt": article(i) for i in range(10)}))
    (tmp_path / "a.tar.gz").write_bytes(data[: int(len(data) * cut)])
    (tmp_path / "z.txt").write_bytes(article(50))
    got = items(tmp_path)
    assert got[-1].ok and got[-1].key.endswith("z.txt")
    assert any("truncated" in (i.error or "") for i in got)


def test_unreadable_files_make_the_count_unknown_and_fail_alone(tmp_path: Path, monkeypatch):
    from coder.sources import check_sources, count_hint

    (tmp_path / "a.txt").write_bytes(article(1))
    (tmp_path / "b.jsonl").write_text('{"text": "A convoy arrived."}\n', encoding="utf-8")
    (tmp_path / "c.csv").write_text("id,text\n1,A convoy arrived.\n", encoding="utf-8")
    real_open = Path.open

    def refusing_open(self, *args, **kwargs):  # root reads anything: refuse as chmod 000 would
        if self.name in ("b.jsonl", "c.csv"):
            raise PermissionError(13, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing_open)
    check_sources([tmp_path])
    assert count_hint([tmp_path]) is None
    got = items(tmp_path)
    assert [i.ok for i in got] == [True, False, False]
    assert all("Permission denied" in i.error for i in got[1:])
