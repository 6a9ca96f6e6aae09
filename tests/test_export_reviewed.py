"""Batch store -> review -> export of the reviewed state (gold and ACLED CSV)."""

from __future__ import annotations

import csv

from typer.testing import CliRunner

from coder.cli import app
from coder.review import open_session
from coder.validate import validate_path

from .conftest import ROOT

runner = CliRunner()


def test_reviewed_events_are_what_export_writes(tmp_path, codebook):
    db = tmp_path / "run.sqlite"
    example = ROOT / "examples" / "convoy_and_recruitment.txt"
    result = runner.invoke(app, ["batch", str(example), "--db", str(db), "--coder", "rules"])
    assert result.exit_code == 0, result.output

    session = open_session(db, reviewer="tester", codebook=codebook)
    doc = session.visible_docs()[0]
    events = session.visible(doc)
    assert len(events) >= 2
    kept, dropped = events[0], events[1]
    session.accept(doc.id, kept.id)
    session.reject(doc.id, dropped.id, "not an event of this type")
    for other in events[2:]:
        session.accept(doc.id, other.id)
    session.close()

    gold = tmp_path / "gold"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "gold", "--out", str(gold), "--reviewed"])
    assert result.exit_code == 0, result.output
    count, problems = validate_path(gold, codebook)
    assert count == 1 and problems == []

    out = tmp_path / "acled.csv"
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "acled-csv", "--out", str(out), "--reviewed"])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(events) - 1


def test_export_reviewed_without_a_log_is_a_clear_error(tmp_path):
    db = tmp_path / "run.sqlite"
    runner.invoke(app, ["batch", str(ROOT / "examples" / "convoy_and_recruitment.txt"), "--db", str(db)])
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "jsonl", "--reviewed"])
    assert result.exit_code == 1
    assert "no review log" in result.output and "Traceback" not in result.output
