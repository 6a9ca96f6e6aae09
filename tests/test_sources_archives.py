"""Archive readers: directories, JSONL, CSV, JSON, zip, tar.gz, WARC; one bad document never stops a source."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from datetime import date
from pathlib import Path

import pytest

from coder.io import InputError
from coder.sources import SourceOptions, check_sources, count_hint, iter_documents, iter_items

ARTICLE = (
    "Deir Ezzor, March 14, 2021 - A convoy of Fatemiyoun fighters arrived in Albukamal from Iraq on "
    "Monday, local sources said.\n"
)
HTML = (
    "<!DOCTYPE html><html><head><title>Convoy reaches Albukamal</title></head><body>"
    "<nav>Home | World | Contact</nav><article><h1>Convoy reaches Albukamal</h1>"
    + "".join(
        f"<p>{ARTICLE.strip()} Paragraph {i} adds the detail that reporters gathered on the ground "
        f"from residents of the town and the surrounding villages.</p>"
        for i in range(4)
    )
    + "</article><footer>Cookie settings</footer></body></html>"
)


def items(*paths, **options):
    return list(iter_items(paths, SourceOptions(**options)))


def test_directory_reads_text_html_json_and_records_bad_files(tmp_path: Path):
    (tmp_path / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"source": "SOHR", "url": "https://x/a"}))
    (tmp_path / "b.html").write_text(HTML, encoding="utf-8")
    (tmp_path / "c.json").write_text(json.dumps({"id": "c1", "body": ARTICLE, "published": "2021-03-15"}))
    (tmp_path / "bad.txt").write_bytes(b"caf\xe9 convoy")
    (tmp_path / "empty.txt").write_text("  \n")
    (tmp_path / "README.md").write_text("not an article")
    got = {i.key.rsplit("/", 1)[-1]: i for i in items(tmp_path)}
    assert set(got) == {"a.txt", "b.html", "c.json", "bad.txt", "empty.txt"}  # sidecar and README are not documents
    a = got["a.txt"].document
    assert (a.id, a.source, a.url, a.publication_date) == ("a", "SOHR", "https://x/a", date(2021, 3, 14))
    b = got["b.html"].document
    assert "Fatemiyoun" in b.text and "Cookie" not in b.text and b.title == "Convoy reaches Albukamal"
    c = got["c.json"].document
    assert (c.id, c.publication_date) == ("c1", date(2021, 3, 15))
    assert got["bad.txt"].document is None and "not UTF-8" in got["bad.txt"].error
    assert got["empty.txt"].error == "empty text"


def test_iter_documents_keeps_its_behaviour():
    golden = Path(__file__).resolve().parents[1] / "golden"
    docs = list(iter_documents([golden]))
    texts = {p.stem for p in golden.glob("*.txt")}
    assert len(texts) >= 5 and texts <= {d.id for d in docs} and all(d.text for d in docs)


def test_jsonl_defaults_named_columns_and_bad_lines(tmp_path: Path):
    path = tmp_path / "dump.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                json.dumps(
                    {
                        "id": 7,
                        "text": ARTICLE,
                        "url": "https://a",
                        "date": "2021-03-16T10:00:00Z",
                        "source": "Deir Ezzor 24",
                    }
                ).encode(),
                json.dumps({"content": ARTICLE}).encode(),
                b'{"text": "caf\xe9"}',
                b"{not json",
                json.dumps({"title": "no text"}).encode(),
                json.dumps({"text": ""}).encode(),
                json.dumps({"document": {"id": "rec", "text": ARTICLE}}).encode(),
            ]
        )
        + b"\n"
    )
    got = items(path)
    first = got[0].document
    assert (first.id, first.url, first.source, first.publication_date) == (
        "7",
        "https://a",
        "Deir Ezzor 24",
        date(2021, 3, 16),
    )
    assert got[1].document.id == "dump-2"
    assert "not UTF-8" in got[2].error and got[2].key.endswith("dump.jsonl:3")
    assert "invalid JSON" in got[3].error
    assert "no text" in got[4].error and "title" in got[4].error
    assert got[5].error == "empty text"
    assert got[6].document.id == "rec"
    named = items(path, text_column="content")
    assert named[1].ok and not named[0].ok
    assert count_hint([path]) == 7


def test_csv_defaults_and_missing_text_column(tmp_path: Path):
    path = tmp_path / "export.csv"
    path.write_text(
        'id,body,published,source\n1,"' + ARTICLE.replace("\n", " ") + '",2021-03-16,SOHR\n2,,2021-03-17,SOHR\n',
        encoding="utf-8",
    )
    got = items(path)
    assert got[0].document.source == "SOHR" and got[0].document.publication_date == date(2021, 3, 16)
    assert got[1].error == "empty text"
    with pytest.raises(InputError) as exc:
        items(path, text_column="article")
    assert "'article'" in str(exc.value) and "'id', 'body', 'published', 'source'" in str(exc.value)
    bare = tmp_path / "bare.csv"
    bare.write_text("id,headline\n1,x\n")
    with pytest.raises(InputError) as exc:
        check_sources([bare])
    assert "no text column" in str(exc.value) and "'headline'" in str(exc.value)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_zip_read_in_place_refuses_traversal_and_bombs(tmp_path: Path):
    target = tmp_path / "work"
    target.mkdir()
    archive = _zip(
        tmp_path / "pages.zip",
        {
            "site/a.txt": ARTICLE.encode(),
            "../evil.txt": b"convoy " * 10,
            "/abs.txt": b"convoy",
            "bomb.txt": b"\0" * (20 * 1024 * 1024),
            "dump.jsonl": json.dumps({"text": ARTICLE}).encode(),
            "image.png": b"\x89PNG",
            "inner.zip": b"PK",
        },
    )
    got = {i.key.split("!", 1)[1]: i for i in items(archive)}
    assert got["site/a.txt"].document.id == "site_a"
    assert "unsafe path" in got["../evil.txt"].error and "unsafe path" in got["/abs.txt"].error
    assert "zip bomb" in got["bomb.txt"].error
    assert got["dump.jsonl:1"].ok
    assert got["image.png"].skipped and got["inner.zip"].skipped
    # Nothing was extracted anywhere.
    assert not (tmp_path / "evil.txt").exists() and list(target.iterdir()) == []
    small = items(archive, max_member_bytes=10)
    assert "member too large" in next(i for i in small if i.key.endswith("site/a.txt")).error


def test_tar_gz_members_links_and_bomb(tmp_path: Path):
    path = tmp_path / "pages.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in (("a.txt", ARTICLE.encode()), ("../up.txt", b"convoy"), ("zeros.txt", b"\0" * (8 << 20))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("link.txt")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    got = {i.key.split("!", 1)[1]: i for i in items(path)}
    assert got["a.txt"].document.text == ARTICLE
    assert "unsafe path" in got["../up.txt"].error
    assert "bomb" in got["zeros.txt"].error
    assert "link.txt" not in got  # the bomb stops the archive before it
    assert not (tmp_path.parent / "up.txt").exists()


def _warc(path: Path) -> Path:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)

        def response(uri: str, status: str, ctype: str, body: bytes) -> None:
            headers = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=headers)
            )

        response("https://news.example/2021/convoy", "200 OK", "text/html; charset=utf-8", HTML.encode())
        response("https://news.example/logo.png", "200 OK", "image/png", b"\x89PNG....")
        response("https://news.example/missing", "404 Not Found", "text/html", b"<html>gone</html>")
        response("https://news.example/latin", "200 OK", "text/html; charset=utf-8", b"<html>caf\xe9</html>")
    return path


def test_warc_html_to_main_text_and_non_html_skipped(tmp_path: Path):
    got = items(_warc(tmp_path / "crawl.warc.gz"))
    assert len(got) == 4
    page, logo, missing, latin = got
    assert page.ok and page.document.url == "https://news.example/2021/convoy"
    assert "Fatemiyoun" in page.document.text and "Home | World" not in page.document.text
    assert logo.skipped and logo.error == "not HTML (image/png)"
    assert missing.skipped and "404" in missing.error
    assert not latin.ok and not latin.skipped and "not valid utf-8" in latin.error


def test_unknown_or_missing_source_is_an_error(tmp_path: Path):
    with pytest.raises(InputError, match="no such file"):
        check_sources([tmp_path / "nope.zip"])
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    with pytest.raises(InputError, match="unknown kind"):
        check_sources([tmp_path / "x.pdf"])
