"""Output files appear whole or not at all, for every command; `-` is standard output."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import coder.io
from coder.cli import app
from coder.io import atomic_output, write_text_atomic

from .conftest import ROOT

runner = CliRunner()
EXAMPLE = ROOT / "examples" / "convoy_and_recruitment.txt"
FIXTURES = Path(__file__).parent / "test_review_fixtures"
CB = ["--codebook", str(ROOT / "codebook")]


# -- the helper -------------------------------------------------------------------------------


def test_success_replaces_the_file_and_leaves_no_temporary(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_text("old\n")
    target.chmod(0o640)
    with atomic_output(target) as handle:
        handle.write("new\n")
        assert target.read_text() == "old\n"  # nothing visible until the end
    assert target.read_text() == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640  # the permissions of the file replaced
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_an_error_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path):
    target = tmp_path / "out.csv"
    target.write_text("a good 500-line export\n")
    with pytest.raises(RuntimeError), atomic_output(target) as handle:
        handle.write("half a row")
        raise RuntimeError("killed mid-way")
    assert target.read_text() == "a good 500-line export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_new_file_gets_the_usual_permissions(tmp_path: Path):
    write_text_atomic(tmp_path / "new.txt", "x")
    mask = os.umask(0o022)
    os.umask(mask)
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o666 & ~mask


def test_dash_is_standard_output(capsys, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_text_atomic("-", "to the terminal\n")
    assert capsys.readouterr().out == "to the terminal\n"
    assert not (tmp_path / "-").exists()


# -- every command ----------------------------------------------------------------------------


@pytest.fixture
def renamed(monkeypatch) -> list[Path]:
    """Every path an output was renamed onto (the last step of an atomic write)."""
    seen: list[Path] = []
    real = os.replace

    def spy(src, dst, *args, **kwargs):
        seen.append(Path(dst).resolve())
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(coder.io.os, "replace", spy)
    return seen


@pytest.fixture
def store(tmp_path: Path) -> Path:
    db = tmp_path / "run.sqlite"
    result = runner.invoke(app, ["batch", str(EXAMPLE), "--db", str(db), "--concurrency", "1", "-q", *CB])
    assert result.exit_code == 0, result.output
    return db


def test_code_and_export_write_atomically(tmp_path: Path, store: Path, renamed: list[Path]):
    coded = tmp_path / "coded.jsonl"
    assert runner.invoke(app, ["code", str(EXAMPLE), "--out", str(coded), *CB]).exit_code == 0
    for fmt, out in (("jsonl", tmp_path / "e.jsonl"), ("acled-csv", tmp_path / "e.csv")):
        result = runner.invoke(app, ["export", "--db", str(store), "--format", fmt, "--out", str(out), *CB])
        assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["export", "--db", str(store), "--format", "gold", "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    gold = sorted((tmp_path / "g").iterdir())
    assert len(gold) == 2
    for path in [coded, tmp_path / "e.jsonl", tmp_path / "e.csv", *gold]:
        assert path.resolve() in renamed, path


def test_a_failing_export_leaves_the_previous_file_whole(tmp_path: Path, store: Path, monkeypatch):
    out = tmp_path / "events.csv"
    good = "a good export\n" * 500
    out.write_text(good)

    def dies_midway(documents, codebook, handle, **kwargs):
        handle.write("event_id_cnty,event_date\nSYR1,2021-03-15\n")
        raise KeyboardInterrupt  # as a kill during the export

    monkeypatch.setattr("coder.export.write_acled_csv", dies_midway)
    result = runner.invoke(app, ["export", "--db", str(store), "--format", "acled-csv", "--out", str(out), *CB])
    assert result.exit_code != 0
    assert out.read_text() == good
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".events")) == []


def test_score_and_review_outputs_write_atomically(tmp_path: Path, renamed: list[Path], codebook):
    coded = tmp_path / "coded.jsonl"
    assert runner.invoke(app, ["code", str(EXAMPLE), "--out", str(coded), *CB]).exit_code == 0
    junit, html = tmp_path / "s.xml", tmp_path / "s.html"
    result = runner.invoke(app, ["score", str(coded), str(coded), "--junit", str(junit), "--html", str(html), *CB])
    assert result.exit_code == 0, result.output
    source = tmp_path / "proposals.jsonl"
    shutil.copy(FIXTURES / "proposals.jsonl", source)
    review = runner.invoke(app, ["review", str(source), "--plain", "--reviewer", "maya", *CB], input="a\nq\n")
    assert review.exit_code == 0, review.output
    reviewed = tmp_path / "reviewed.jsonl"
    result = runner.invoke(app, ["review", "export", str(source), "--out", str(reviewed), "--unfinished", *CB])
    assert result.exit_code == 0, result.output
    for path in (junit, html, reviewed):
        assert path.resolve() in renamed, path


def test_regress_reports_write_atomically(tmp_path: Path, renamed: list[Path], monkeypatch):
    from coder.regress.run import RegressResult

    monkeypatch.setattr("coder.cli.regress.run_regress", lambda options: RegressResult())
    junit, summary = tmp_path / "r.xml", tmp_path / "r.md"
    result = runner.invoke(app, ["regress", "--junit", str(junit), "--summary", str(summary)])
    assert result.exit_code == 0, result.output
    assert junit.resolve() in renamed and summary.resolve() in renamed


def test_llm_batch_files_write_atomically(tmp_path: Path, renamed: list[Path], monkeypatch, codebook):
    from .test_llm import KEY, TEXT, answer
    from .test_llm_batch import _line

    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "llm.toml"
    config.write_text('[llm]\nmodel = "gpt-4o-mini"\n')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT)
    requests = tmp_path / "requests.jsonl"
    result = runner.invoke(
        app, ["llm-batch", "prepare", str(tmp_path / "in"), "--out", str(requests), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    custom_id = json.loads(requests.read_text().splitlines()[0])["custom_id"]
    output = tmp_path / "output.jsonl"
    output.write_text(_line(custom_id, json.dumps(answer(codebook))) + "\n")
    coded = tmp_path / "coded.jsonl"
    result = runner.invoke(
        app,
        ["llm-batch", "read", str(output), "--requests", str(requests), "--out", str(coded), "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    for path in (requests, tmp_path / "requests.jsonl.manifest.jsonl", coded):
        assert path.resolve() in renamed, path
    # `-` is standard output for read too
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        app, ["llm-batch", "read", str(output), "--requests", str(requests), "--out", "-", "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "-").exists() and '"troop_movement"' in result.stdout


def test_dash_means_standard_output_for_code_and_export(tmp_path: Path, store: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["code", str(EXAMPLE), "--out", "-", *CB])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0])["document"]["id"]
    result = runner.invoke(app, ["export", "--db", str(store), "--format", "acled-csv", "--out", "-", *CB])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("event_id_cnty")
    assert not (tmp_path / "-").exists()
    result = runner.invoke(app, ["export", "--db", str(store), "--format", "gold", "--out", "-"])
    assert result.exit_code == 2 and "directory" in result.output


def test_an_unwritable_output_is_a_clear_error(tmp_path: Path, store: Path):
    result = runner.invoke(app, ["export", "--db", str(store), "--out", str(tmp_path / "no" / "such" / "x.jsonl")])
    assert result.exit_code == 1 and "cannot write" in result.output and "Traceback" not in result.output
