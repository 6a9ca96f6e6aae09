"""`coder code` end to end through typer's CliRunner."""

import json
from pathlib import Path

from typer.testing import CliRunner

from coder.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
TEXT = (
    "Hama, May 4, 2021 - A convoy of Kataib Hezbollah fighters reached Al Bukamal on Monday. "
    "The Fatemiyoun Brigade recruited 25 young men in Al Mayadin the same day.\n"
)


def _codebook_args():
    return ["--codebook", str(ROOT / "codebook")]


def test_code_jsonl_is_deterministic(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    outs = []
    for name in ("one.jsonl", "two.jsonl"):
        result = runner.invoke(app, ["code", str(tmp_path), "--out", str(tmp_path / name), *_codebook_args()])
        assert result.exit_code == 0, result.output
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    record = json.loads(outs[0])
    assert record["document"]["id"] == "a" and record["document"]["publication_date"] == "2021-05-04"
    assert [e["type"] for e in record["events"]] == ["troop_movement", "recruitment"]
    assert record["events"][0]["fields"]["event_date"]["value"] == "2021-05-03"


def test_code_stdout_and_publication_date_option(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("A Hezbollah convoy reached Al-Qusayr yesterday.", encoding="utf-8")
    result = runner.invoke(app, ["code", str(path), "--publication-date", "2021-01-01", *_codebook_args()])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.splitlines()[0])
    assert record["events"][0]["fields"]["event_date"]["value"] == "2020-12-31"


def test_code_pretty_shows_text_plainly(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(
        "[bold red]markup[/] \x1b[31m A Hezbollah convoy reached Al-Qusayr on May 3, 2021.", encoding="utf-8"
    )
    result = runner.invoke(app, ["code", str(path), "--format", "pretty", *_codebook_args()])
    assert result.exit_code == 0, result.output
    assert "[bold red]markup[/]" in result.stdout and "\x1b[31m" not in result.stdout
    assert "troop_movement" in result.stdout and "Al-Qusayr" in result.stdout


def test_code_html_input(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(
        "<html><body><nav>Home | News</nav><article><p>A convoy of Kataib Hezbollah fighters reached "
        "Al Bukamal on May 3, 2021, residents said.</p><p>It stayed two hours before moving on toward "
        "the river and the old bridge.</p></article></body></html>",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["code", str(path), *_codebook_args()])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["document"]["id"] == "page" and "Home" not in record["document"]["text"]
    assert record["events"][0]["fields"]["location"]["value"] == "Al Bukamal"


def test_code_errors(tmp_path):
    result = runner.invoke(app, ["code", str(tmp_path / "missing.txt"), *_codebook_args()])
    assert result.exit_code == 1 and "no such file" in result.output
    result = runner.invoke(app, ["code", str(tmp_path), "--coder", "nope", *_codebook_args()])
    assert result.exit_code == 2 and "unknown coder" in result.output


def test_bundled_example_offline():
    result = runner.invoke(app, ["code", str(ROOT / "examples" / "convoy_and_recruitment.txt"), *_codebook_args()])
    assert result.exit_code == 0, result.output
    types = [e["type"] for e in json.loads(result.stdout)["events"]]
    assert types == ["troop_movement", "recruitment", "tribal_outreach"]


def test_version_is_printed():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("eventcoder ")
