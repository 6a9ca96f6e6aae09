"""Sentence-labelled corpora (coder/score/sentences.py, `coder score-sentences`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.base import make_coder
from coder.cli import app
from coder.codebook import load_codebook
from coder.io import InputError
from coder.score.sentences import read_corpus, score_sentences

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = load_codebook(ROOT / "codebook")
runner = CliRunner()

REPORT = {
    "id": "t-1",
    "paragraphs": [
        [
            {"s": "Kataib Hezbollah recruited forty young men in al-Bukamal on Monday.", "types": ["recruitment"]},
            {"s": "Each of them will be paid a monthly salary.", "types": [], "more": ["recruitment"]},
        ],
        [{"s": "A convoy of Hezbollah fighters arrived in al-Qusayr on Tuesday.", "types": []}],
        [{"s": "The weather was mild.", "types": ["smuggling"]}],
    ],
}


def _corpus(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "c.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_offsets_rebuild_the_text_and_the_offline_coder_is_scored_per_sentence(tmp_path: Path):
    [report] = read_corpus([_corpus(tmp_path, json.dumps(REPORT))], CODEBOOK.type_ids)
    assert report.text.split("\n\n")[1] == REPORT["paragraphs"][1][0]["s"]
    first = report.sentences[0]
    assert report.text[first.start : first.end] == REPORT["paragraphs"][0][0]["s"]
    coded = [make_coder("rules", CODEBOOK).code(report.document())]
    result = score_sentences([report], coded, CODEBOOK.type_ids)
    assert result.tp["recruitment"] == 1  # found
    assert result.fp["troop_movement"] == 1  # the convoy is coded but was labelled as no incident
    assert result.fn["smuggling"] == 1  # labelled, not coded
    assert result.fp["recruitment"] == 0  # the salary sentence only adds to the recruitment: never an error
    assert {(kind, t) for kind, t, _, _ in result.errors} == {("invented", "troop_movement"), ("missed", "smuggling")}
    assert result.figures()["tp"] == 1 and result.figures("smuggling")["recall"] == 0.0


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{oops", "c.jsonl:2: not a labelled report"),
        (
            '{"id": "x", "paragraphs": [[{"s": "A.", "types": ["airstrike"]}]]}',
            "c.jsonl:2: unknown event type(s) airstrike",
        ),
        ('{"id": "x", "paragraphs": [["just text"]]}', "c.jsonl:2: paragraph 1, sentence 1"),
        (json.dumps(REPORT), "c.jsonl:2: report id 't-1' is used twice"),
    ],
)
def test_a_malformed_line_is_named_with_its_file_and_line(tmp_path: Path, line: str, message: str):
    with pytest.raises(InputError) as caught:
        read_corpus([_corpus(tmp_path, json.dumps(REPORT), line)], CODEBOOK.type_ids)
    assert message in str(caught.value)


def test_command_prints_a_table_or_json_and_names_a_bad_file(tmp_path: Path):
    path = _corpus(tmp_path, json.dumps(REPORT))
    shown = runner.invoke(app, ["score-sentences", str(path), "--errors", "5"])
    assert shown.exit_code == 0, shown.output
    assert "recruitment" in shown.stdout and "invented troop_movement t-1" in shown.stdout
    data = json.loads(runner.invoke(app, ["score-sentences", str(tmp_path), "--json"]).stdout)
    assert data["per_type"]["recruitment"]["tp"] == 1 and data["all"]["fn"] == 1
    bad = runner.invoke(app, ["score-sentences", str(_corpus(tmp_path, "{oops"))])
    assert bad.exit_code == 1 and "c.jsonl:1: not a labelled report" in bad.stderr


def test_a_labelled_place_is_checked_on_found_sentences(tmp_path: Path):
    placed = json.loads(json.dumps(REPORT))
    placed["paragraphs"][0][0]["where"] = {"recruitment": "Al Bukamal"}
    elsewhere = json.loads(json.dumps(REPORT))
    elsewhere["id"] = "t-2"
    elsewhere["paragraphs"][0][0]["where"] = {"recruitment": "Al Mayadin"}
    reports = read_corpus([_corpus(tmp_path, json.dumps(placed), json.dumps(elsewhere))], CODEBOOK.type_ids)
    coder = make_coder("rules", CODEBOOK)
    result = score_sentences(reports, [coder.code(r.document()) for r in reports], CODEBOOK.type_ids)
    assert result.figures("recruitment")["placed"] == 2
    assert result.figures("recruitment")["location_accuracy"] == 0.5
    assert "placed" not in result.figures("smuggling")  # no place labelled: no figure
    [misplaced] = [e for e in result.errors if e[0] == "misplaced"]
    assert misplaced[2] == "t-2" and "labelled Al Mayadin; coded Al Bukamal" in misplaced[3]
    shown = runner.invoke(app, ["score-sentences", str(tmp_path)])
    assert "location, found sentences at the labelled place: recruitment 0.500 of 2" in shown.stdout


def test_a_malformed_place_label_is_named(tmp_path: Path):
    bad = json.loads(json.dumps(REPORT))
    bad["paragraphs"][0][0]["where"] = {"airstrike": "Al Bukamal"}
    with pytest.raises(InputError) as caught:
        read_corpus([_corpus(tmp_path, json.dumps(bad))], CODEBOOK.type_ids)
    assert "c.jsonl:1: paragraph 1, sentence 1: unknown event type(s) airstrike in 'where'" in str(caught.value)
