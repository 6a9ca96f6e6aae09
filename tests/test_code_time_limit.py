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
    assert records[0]["events"] and "within 0.05 s" in records[1]["error"]


def test_no_limit_codes_everything(tmp_path: Path):
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["code", str(tmp_path / "a.txt"), "--out", str(out), "--document-timeout", "0"])
    assert result.exit_code == 0, result.output
    assert json.loads(out.read_text(encoding="utf-8"))["status"] == "ok"
