"""The behavioural-case machinery: loading, matching expectations, reporting."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from coder.models import Event, FieldValue
from coder.regress.baseline import Baseline, ThresholdError, Thresholds, codebook_fingerprint
from coder.regress.cases import Case, CaseFileError, Expectation, check_case, load_cases
from coder.regress.report import Check, junit_xml, markdown_summary

from .conftest import CODEBOOK_DIR

TYPES = ["troop_movement", "recruitment", "smuggling", "tribal_outreach"]


def _event(type_id: str, **values) -> Event:
    return Event(type=type_id, fields={k: FieldValue(value=v) for k, v in values.items()})


def test_bundled_cases_load_and_cover_every_type_and_exclusion_rule(codebook):
    cases = load_cases(CODEBOOK_DIR / "tests", codebook.type_ids)
    assert len(cases) >= 40
    covered = {c for case in cases for c in case.covers}
    assert {rule.id for rule in codebook.exclusion_rules} <= covered
    typed = {e.type for case in cases for e in case.expect or []}
    assert set(codebook.type_ids) <= typed


def test_expectation_matching():
    expected = Expectation("troop_movement", {"location": "Al Bukamal", "personnel_count": 150})
    case = Case("c", "text", "f:1", expect=[expected])
    assert check_case(case, [_event("troop_movement", location="al bukamal", personnel_count=150.0)]) == []
    failures = check_case(case, [_event("troop_movement", location="Al Mayadin", personnel_count=150)])
    assert failures == ["troop_movement: location: expected 'Al Bukamal', got 'Al Mayadin'"]
    assert check_case(case, [_event("smuggling")]) == ["missing troop_movement event"]


def test_two_expected_events_need_two_coded_events():
    case = Case("c", "t", "f:1", expect=[Expectation("troop_movement", {}), Expectation("troop_movement", {})])
    assert check_case(case, [_event("troop_movement")]) == ["missing troop_movement event"]


def test_expect_none_and_forbid():
    none = Case("c", "t", "f:1", expect=[])
    assert check_case(none, []) == []
    assert check_case(none, [_event("recruitment")]) == ["expected no event, got 1 (recruitment)"]
    forbid = Case("c", "t", "f:1", forbid=["recruitment"])
    assert check_case(forbid, [_event("smuggling")]) == []
    assert check_case(forbid, [_event("recruitment")]) == ["forbidden recruitment event coded (1)"]


def test_list_values_compare_as_sets_and_null_means_absent():
    case = Case("c", "t", "f:1", expect=[Expectation("smuggling", {"goods": ["fuel", "weapons"], "event_date": None})])
    assert check_case(case, [_event("smuggling", goods=["weapons", "fuel"])]) == []


def test_bad_case_files_name_file_and_line(tmp_path: Path):
    (tmp_path / "a.yaml").write_text("cases:\n  - id: x\n    text: hi\n    expect:\n      - type: airstrike\n")
    with pytest.raises(CaseFileError, match=r"a\.yaml:2: .*must be one of"):
        load_cases(tmp_path, TYPES)
    (tmp_path / "a.yaml").write_text(
        "cases:\n  - id: x\n    text: hi\n    expect: []\n  - id: x\n    text: ho\n    forbid: []\n"
    )
    with pytest.raises(CaseFileError, match=r"a\.yaml:5: duplicate case id 'x'"):
        load_cases(tmp_path, TYPES)
    (tmp_path / "a.yaml").write_text("cases:\n  - id: y\n    text: hi\n    expected: []\n")
    with pytest.raises(CaseFileError, match=r"unknown key\(s\) \['expected'\]"):
        load_cases(tmp_path, TYPES)
    # a key of an expected event the checker does not read is refused, not passed unchecked
    (tmp_path / "a.yaml").write_text(
        "cases:\n  - id: z\n    text: hi\n    expect:\n      - type: smuggling\n        field: {goods: [fuel]}\n"
    )
    with pytest.raises(CaseFileError, match=r"unknown key\(s\) \['field'\] in an expected event"):
        load_cases(tmp_path, TYPES)


def test_fingerprint_changes_with_the_codebook_only(codebook_copy: Path):
    before = codebook_fingerprint(codebook_copy)
    (codebook_copy / "tests" / "extra.yaml").write_text("cases: []\n")
    (codebook_copy / "baseline.json").write_text("{}")
    assert codebook_fingerprint(codebook_copy) == before
    actors = codebook_copy / "actors.yaml"
    actors.write_text(actors.read_text() + "\n# a comment\n")
    assert codebook_fingerprint(codebook_copy) != before


def test_thresholds_and_baseline_files(tmp_path: Path):
    path = tmp_path / "t.yaml"
    path.write_text("minimums:\n  events.relaxed.f1: 0.7\ntolerance: 0.01\n")
    assert Thresholds.load(path) == Thresholds({"events.relaxed.f1": 0.7}, 0.01)
    path.write_text("minimums:\n  events.relaxed.f1: 7\n")
    with pytest.raises(ThresholdError, match="between 0 and 1"):
        Thresholds.load(path)
    baseline = Baseline("1.0.0", "abc", {"events.relaxed.f1": 0.5}, {"d1": ["k2", "k1"]}, {})
    baseline.save(tmp_path / "b.json")
    loaded = Baseline.load(tmp_path / "b.json")
    assert loaded.found == {"d1": ["k1", "k2"]} and loaded.metrics == {"events.relaxed.f1": 0.5}
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(ThresholdError, match="not a baseline file"):
        Baseline.load(tmp_path / "bad.json")


def test_junit_and_markdown_reports():
    checks = [
        Check("behaviour", "case-a", True),
        Check("behaviour", "case-b", False, "missing <smuggling> event"),
        Check("behaviour", "case-c", False, "known gap", skipped=True),
    ]
    root = ET.fromstring(junit_xml(checks))
    suite = root.find("testsuite")
    assert suite.get("tests") == "3" and suite.get("failures") == "1" and suite.get("skipped") == "1"
    failure = root.find(".//testcase[@name='case-b']/failure")
    assert failure.get("message") == "missing <smuggling> event"
    summary = markdown_summary(checks, [("events.relaxed.f1", 0.8, 0.7, "DROP")], [], ["d1: missed x"])
    assert "FAILED" in summary and "| events.relaxed.f1 | 0.800 | 0.700 | DROP |" in summary and "missed x" in summary
