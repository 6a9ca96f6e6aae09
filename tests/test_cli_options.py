"""One spelling per option across commands (old spellings still parse, unlisted), `-` for
stdin/stdout or a clear refusal, and `coder status --json`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ["--codebook", str(ROOT / "codebook")]
runner = CliRunner()
TEXT = "DEIR EZ-ZOR, March 3, 2024 - A drone strike hit a Kataib Hezbollah position near Al Bukamal on Sunday.\n"


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    (folder / "pages").mkdir()
    (folder / "pages" / "a.txt").write_text(TEXT, encoding="utf-8")
    db = folder / "run.sqlite"
    result = runner.invoke(
        app, ["batch", str(folder / "pages"), "--db", str(db), "--quiet", "--concurrency", "1", *CODEBOOK]
    )
    assert result.exit_code == 0, result.output
    return db


def test_status_json(store):
    result = runner.invoke(app, ["status", "--db", str(store), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["store"] == str(store) and data["runs"] == 1
    assert data["run"]["id"] == 1 and data["run"]["coder"] == "rules"
    assert data["documents"] == data["done"] == data["coded"] == 1 and data["failed"] == data["pending"] == 0
    assert data["events"] == sum(data["events_by_type"].values())
    assert data["failures"] == [] and data["skips"] == []
    assert list(data) == sorted(data)  # stable, sorted keys
    # A run that is not there is the same one error line as without --json.
    missing = runner.invoke(app, ["status", "--db", str(store), "--json", "--run", "99"])
    assert missing.exit_code == 1 and "no run 99" in missing.output and not missing.stdout.startswith("{")


@pytest.mark.parametrize("old,new", [("--run-id", "--run"), ("--log", "--review-log")])
def test_old_spellings_parse_as_the_one_name_and_are_not_listed(store, tmp_path, old, new):
    missing = tmp_path / "none.review.sqlite"
    value = {"--run": "1", "--review-log": str(missing)}[new]
    results = [runner.invoke(app, ["review", "status", str(store), flag, value]) for flag in (new, old)]
    assert results[0].exit_code == results[1].exit_code and results[0].output == results[1].output
    if new == "--review-log":
        assert f"no review log at {missing}" in results[1].output
    for command in (["review", "open"], ["review", "export"], ["review", "status"], ["export"], ["status"]):
        shown = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"}).output
        assert old not in shown.replace(new, "")
    # --run is one name in status, export and review; --review-log in export and review.
    export = runner.invoke(app, ["export", "--db", str(store), "--run-id", "99", *CODEBOOK])
    assert export.exit_code != 0 and "No such option" not in export.output


@pytest.mark.parametrize(
    "words,reason",
    [
        (["schema", "--out", "-"], "--out cannot be `-`: the schemas are several files"),
        (["batch", "-", "--db", "x.sqlite"], "SOURCES cannot be `-`"),
        (["status", "--db", "-"], "--db cannot be `-`: the batch store is a SQLite file"),
        (["export", "--db", "-"], "--db cannot be `-`"),
        (["review", "export", "src.jsonl", "--format", "gold", "--out", "-"], "--format gold writes a directory"),
        (["review", "status", "-"], "SOURCE cannot be `-`"),
    ],
)
def test_dash_is_refused_with_the_reason_where_it_cannot_work(tmp_path, monkeypatch, words, reason):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, words)
    assert result.exit_code == 2, result.output
    assert reason in result.output
    assert not (tmp_path / "-").exists()  # never a file or folder named `-`


def test_merges_and_the_export_cannot_both_go_to_stdout(store):
    result = runner.invoke(app, ["export", "--db", str(store), "--merges", "-", *CODEBOOK])
    assert result.exit_code == 2 and "both go to stdout" in result.output
    result = runner.invoke(app, ["export", "--db", str(store), "--format", "jsonl", "--out", "-", *CODEBOOK])
    assert result.exit_code == 0 and json.loads(result.stdout.splitlines()[0])["document"]["id"]


def test_merge_decisions_from_stdin(store, tmp_path):
    out = tmp_path / "events.csv"
    base = ["export", "--db", str(store), "--format", "acled-csv", "--out", str(out), *CODEBOOK]
    proposals = runner.invoke(app, [*base, "--merges", "-"])
    assert proposals.exit_code == 0, proposals.output
    header = proposals.stdout.splitlines()[0]
    assert "proposal" in header and "event_ids" in header and "decision" in header
    # Read back from stdin (`-`): accepted as from a file; a wrong decision names stdin and its line.
    assert runner.invoke(app, [*base, "--accept-merges", "-"], input=proposals.stdout).exit_code == 0
    wrong = "proposal,event_ids,decision\nm1,a:e1;a:e2,maybe\n"
    result = runner.invoke(app, [*base, "--accept-merges", "-"], input=wrong)
    assert result.exit_code == 1 and "stdin:2: decision 'maybe'" in result.output
