"""`coder validate` checks records against the schema and spans against the text."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from coder.cli import app
from coder.validate import validate_path

runner = CliRunner()
TEXT = "On Monday a convoy of Kataib Hezbollah fighters arrived in Albukamal from al-Qaim."


def _span(needle: str) -> dict:
    start = TEXT.index(needle)
    return {"start": start, "end": start + len(needle), "text": needle}


def _record(**overrides) -> dict:
    event = {
        "type": "troop_movement",
        "confidence": 0.8,
        "evidence": [_span("a convoy of Kataib Hezbollah fighters arrived in Albukamal")],
        "fields": {
            "actor1": {"value": "Kataib Hezbollah", "spans": [_span("Kataib Hezbollah")], "alignment": "exact"},
            "location": {"value": "Al Bukamal", "spans": [_span("Albukamal")], "alignment": "exact"},
            "origin": {"value": "Al-Qaim", "spans": [_span("al-Qaim")], "alignment": "exact"},
            "country": {"value": "Syria", "spans": [], "alignment": "derived"},
            "time_precision": {"value": 1, "alignment": "derived"},
        },
    }
    record = {"document": {"id": "d1", "text": TEXT, "publication_date": "2021-03-16"}, "events": [event]}
    record.update(overrides)
    return record


def _write(tmp_path, *records) -> str:
    path = tmp_path / "coded.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


def test_valid_record_passes(tmp_path, codebook):
    count, problems = validate_path(_write(tmp_path, _record()), codebook)
    assert count == 1 and problems == []
    assert runner.invoke(app, ["validate", _write(tmp_path, _record())]).exit_code == 0


def test_span_text_differing_from_document_is_rejected(tmp_path, codebook):
    record = _record()
    record["events"][0]["fields"]["location"]["spans"][0]["text"] = "Abu Kamal"
    path = _write(tmp_path, record)
    _, problems = validate_path(path, codebook)
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.document, problem.event, problem.field) == ("d1", 0, "location.spans[0]")
    assert "'Abu Kamal'" in problem.message and "'Albukamal'" in problem.message
    result = runner.invoke(app, ["validate", path])
    assert result.exit_code == 1
    assert f"{path}:1 | document d1 | event 0 | field location.spans[0]" in result.output


def test_span_outside_document(tmp_path, codebook):
    record = _record()
    record["events"][0]["evidence"] = [{"start": 5, "end": 500, "text": "x"}]
    _, problems = validate_path(_write(tmp_path, record), codebook)
    assert any("outside the document" in p.message and p.field == "evidence[0]" for p in problems)


def test_schema_errors_name_the_field(tmp_path, codebook):
    record = _record()
    fields = record["events"][0]["fields"]
    fields["personnel_count"] = {"value": "many", "spans": [_span("fighters")]}
    fields["goods"] = {"value": ["fuel"], "spans": [_span("convoy")]}
    del fields["location"]
    _, problems = validate_path(_write(tmp_path, record), codebook)
    messages = {(p.field, p.message.split(":")[0]) for p in problems}
    assert any(p.field == "personnel_count" and "'many'" in p.message for p in problems), messages
    assert any("goods" in p.message and "fields of troop_movement" in p.message for p in problems), messages
    assert any("'location' is a required property" in p.message for p in problems), messages


def test_unknown_type_actor_and_place(tmp_path, codebook):
    record = _record()
    record["events"].append({"type": "airstrike", "fields": {}})
    record["events"][0]["fields"]["actor1"]["value"] = "Kataib Hizbullah"
    record["events"][0]["fields"]["location"]["value"] = "Albukamal"
    _, problems = validate_path(_write(tmp_path, record), codebook)
    assert any(p.event == 1 and "unknown event type 'airstrike'" in p.message for p in problems)
    assert any(p.field == "actor1" and "not a canonical name" in p.message for p in problems)
    assert any(p.field == "location" and "gazetteer" in p.message for p in problems)


def test_grounded_value_without_span(tmp_path, codebook):
    record = _record()
    record["events"][0]["fields"]["origin"]["spans"] = []
    _, problems = validate_path(_write(tmp_path, record), codebook)
    assert any(p.field == "origin" and "no evidence span" in p.message for p in problems)


def test_invalid_json_line_and_duplicate_ids(tmp_path, codebook):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(_record()) + "\n" + json.dumps(_record()) + "\n{not json\n", encoding="utf-8")
    count, problems = validate_path(path, codebook)
    assert any("duplicate document id" in p.message and p.where.endswith(":2") for p in problems)
    assert any(p.where == f"{path}:3" and "invalid JSON" in p.message for p in problems)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 1 and "Traceback" not in result.output
