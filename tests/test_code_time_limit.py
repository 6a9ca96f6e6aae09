"""`coder code` bounds each document's time like `coder batch`: a document past the limit is a
failed record with the reason, the others are coded, nothing is lost."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coder.cli import app

SENTENCE = "On Monday a convoy of Kataib Hezbollah fighters entered Albu Kamal from Iraq. "


def test_a_document_past_the_limit_fails_alone(tmp_path: Path):
    (tmp_path / "a_small.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "b_huge.txt").write_text(SENTENCE * 20000, encoding="utf-8")  # about 1.6 MB
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app,
        [
            "code",
            str(tmp_path / "a_small.txt"),
            str(tmp_path / "b_huge.txt"),
            "--out",
            str(out),
            "--document-timeout",
            "0.05",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "time limit" in result.output
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "failed"]
    # 0.05 s for each started megabyte: 0.1 s for the 1.6 MB page
    assert records[0]["events"] and "within 0.1 s" in records[1]["error"]


def test_no_limit_codes_everything(tmp_path: Path):
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["code", str(tmp_path / "a.txt"), "--out", str(out), "--document-timeout", "0"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "ok"


def test_the_limit_grows_with_each_started_megabyte():
    from coder.base import time_limit
    from coder.models import Document

    def limit(size: int) -> float | None:
        return time_limit(Document(id="d", text="a" * size), 60.0)

    assert limit(10) == 60.0 and limit(1_000_000) == 60.0
    assert limit(1_000_001) == 120.0 and limit(5_000_000) == 300.0
    assert time_limit(Document(id="d", text="a" * 3_000_000), 0) == 0  # no limit stays none
