"""`coder export --reviewed` leaves nothing out without saying so; rows without date or source are counted."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.review import open_session, reviewed_export

from .conftest import ROOT

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "convoy_and_recruitment.txt"
CB = ["--codebook", str(ROOT / "codebook")]


@pytest.fixture
def reviewed_store(tmp_path: Path, codebook) -> Path:
    """Three copies of the example: a reviewed, b partly reviewed (one accepted, one added), c untouched."""
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a", "b", "c"):
        shutil.copy(EXAMPLE, folder / f"{name}.txt")
    db = tmp_path / "run.sqlite"
    result = runner.invoke(app, ["batch", str(folder), "--db", str(db), "--concurrency", "1", "-q", *CB])
    assert result.exit_code == 0, result.output
    session = open_session(db, reviewer="tester", codebook=codebook)
    try:
        a, b = session.doc("a"), session.doc("b")
        assert len(a.events) == 3
        for event in a.events:
            session.accept("a", event.id)
        session.accept("b", b.events[0].id)
        start = session.doc("b").text.index("convoy")
        session.add_event("b", "troop_movement", (start, start + 6))
    finally:
        session.close()
    return db


def _export(store: Path, *options: str):
    return runner.invoke(app, ["export", "--db", str(store), *options, *CB])


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_reviewed_export_says_what_it_left_out_and_why(reviewed_store: Path, tmp_path: Path):
    out = tmp_path / "events.csv"
    result = _export(reviewed_store, "--format", "acled-csv", "--no-dedup", "--reviewed", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "2 document(s) left out" in result.output
    assert "b: partly reviewed: 2 of 4 events decided" in result.output
    assert "c: not reviewed" in result.output
    assert "--include-partial" in result.output
    assert {row["document_ids"] for row in _rows(out)} == {"a"}


def test_include_partial_keeps_the_added_event_and_marks_undecided_ones(reviewed_store: Path, tmp_path: Path):
    out = tmp_path / "events.csv"
    result = _export(
        reviewed_store, "--format", "acled-csv", "--no-dedup", "--reviewed", "--include-partial", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    b_rows = [row for row in rows if row["document_ids"] == "b"]
    assert len(b_rows) == 4  # the accepted, the two undecided and the one the analyst added
    assert sorted(row["review_status"] for row in b_rows) == ["reviewed", "reviewed", "undecided", "undecided"]
    assert all(row["review_status"] == "reviewed" for row in rows if row["document_ids"] == "a")
    assert "c: not reviewed" in result.output and "b: partly" not in result.output


def test_library_reports_left_out_documents(reviewed_store: Path, codebook):
    export = reviewed_export(reviewed_store, codebook=codebook)
    assert [d.document.id for d in export.documents] == ["a"]
    assert [(x.id, x.reason) for x in export.left_out] == [
        ("b", "partly reviewed: 2 of 4 events decided"),
        ("c", "not reviewed"),
    ]
    partial = reviewed_export(reviewed_store, codebook=codebook, include_partial=True)
    assert [d.document.id for d in partial.documents] == ["a", "b"]
    assert partial.undecided == {"b": {1, 2}}  # indices in the exported document's events


def test_jsonl_include_partial_is_refused_until_the_format_can_mark_events(reviewed_store: Path):
    result = _export(reviewed_store, "--format", "jsonl", "--reviewed", "--include-partial")
    assert result.exit_code == 2 and "acled-csv" in result.output


def test_rows_without_date_or_source_are_counted(reviewed_store: Path, tmp_path: Path):
    # The example is a .txt file: no outlet, so no row has a source.
    out = tmp_path / "all.csv"
    result = _export(reviewed_store, "--format", "acled-csv", "--no-dedup", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    without_source = sum(1 for row in rows if not row["source"])
    without_date = sum(1 for row in rows if not row["event_date"])
    assert without_source == len(rows) == 9
    assert f"warning: {without_source} of 9 row(s) have no source" in result.output
    if without_date:
        assert f"{without_date} of 9 row(s) have no event_date" in result.output
    else:
        assert "no event_date" not in result.output


def test_reviewers_comments_reach_the_csv_and_jsonl_says_it_has_no_place(
    reviewed_store: Path, tmp_path: Path, codebook
):
    session = open_session(reviewed_store, reviewer="tester", codebook=codebook)
    try:
        session.comment("a", "the second convoy may be the first one told again")
    finally:
        session.close()
    out = tmp_path / "events.csv"
    result = _export(reviewed_store, "--format", "acled-csv", "--no-dedup", "--reviewed", "--out", str(out))
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert rows and all(row["review_comment"] == "the second convoy may be the first one told again" for row in rows)
    plain = _export(reviewed_store, "--format", "acled-csv", "--no-dedup", "--out", str(tmp_path / "raw.csv"))
    assert plain.exit_code == 0 and "review_comment" not in _rows(tmp_path / "raw.csv")[0]
    jsonl = _export(reviewed_store, "--format", "jsonl", "--reviewed", "--out", str(tmp_path / "events.jsonl"))
    assert jsonl.exit_code == 0, jsonl.output
    assert "1 document comment(s) from the review are not carried by --format jsonl" in jsonl.output
