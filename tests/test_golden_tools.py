"""Building the golden corpus: quote codings, splits and the freeze of the test split."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.golden.corpus import (
    FreezeLog,
    add_document,
    assign_splits,
    find_document,
    fingerprint,
    freeze,
    import_codings,
    incident_groups,
    write_adjudicated,
)
from coder.golden.quotes import QuoteCodingError, QuoteImporter
from coder.io import InputError, load_coded
from coder.models import CodedDocument, Document, Event

from .conftest import ROOT

GOLDEN = ROOT / "golden"
NOT_RESERVED = ROOT.parent / "shared" / "tools" / "not-reserved"

# Our own wording: a convoy named twice (headline and body), so "al-Hari" occurs twice.
TEXT = (
    "Militia convoy reaches al-Hari\n\n"
    "Sources said on Monday that a convoy of nine trucks of Kataib Hezbollah arrived in al-Hari, "
    "coming from al-Qaim. Separately, an IRGC envoy met elders of the Al-Shaitat tribe in al-Hari."
)


def _doc(split=None) -> Document:
    return Document(
        id="t1", text=TEXT, publication_date="2024-05-08", source="Test outlet", source_scale="local", split=split
    )


def _convoy(**fields) -> dict:
    base = {
        "actor1": {"value": "Kataib Hezbollah", "quote": "Kataib Hezbollah"},
        "location": {"value": "Al Bukamal", "quote": "al-Hari"},
        "geo_precision": 2,
        "event_date": {"value": "2024-05-06", "quote": "on Monday"},
        "time_precision": 1,
        "vehicle_count": {"value": 9, "quote": "nine trucks"},
        "origin": {"value": "al-Qaim", "quote": "from al-Qaim"},
    }
    base.update(fields)
    return {
        "type": "troop_movement",
        "evidence": ["a convoy of nine trucks of Kataib Hezbollah arrived in al-Hari"],
        "fields": base,
    }


def test_quotes_become_exact_spans_and_derived_fields_are_filled(codebook):
    doc = QuoteImporter(codebook).build({"document": "t1", "events": [_convoy()]}, _doc(), "t1.yaml")
    event = doc.events[0]
    location = event.fields["location"]
    # "al-Hari" is in the headline and twice in the body: the one inside the evidence is taken.
    assert TEXT[location.spans[0].start : location.spans[0].end] == "al-Hari"
    assert event.evidence[0].start <= location.spans[0].start < event.evidence[0].end
    assert event.fields["origin"].value == "Al-Qaim"  # a variant becomes the canonical name
    assert event.fields["country"].value == "Syria"
    assert event.fields["geo_precision"].value == 2  # the coder's coarser precision is kept
    assert event.fields["inter1"].value == 3
    assert event.fields["fatalities"].value == 0 and event.fields["source"].value == "Test outlet"
    assert all(TEXT[s.start : s.end] == s.text for s in event.all_spans())


def test_every_problem_is_reported_with_its_event_and_field(codebook):
    bad = _convoy(
        vehicle_count={"value": 9, "quote": "ten trucks"},
        actor1={"value": "Liwa Nonexistent", "quote": "Kataib Hezbollah"},
        movement_kind={"value": "teleport"},
    )
    with pytest.raises(QuoteCodingError) as caught:
        QuoteImporter(codebook).build({"document": "t1", "events": [bad, {"type": "parade"}]}, _doc(), "t1.yaml")
    messages = [str(p) for p in caught.value.problems]
    assert any("event 0 | field vehicle_count: quote not found" in m for m in messages)
    assert any("field actor1" in m and "codebook/actors.yaml" in m for m in messages)
    assert any("field movement_kind" in m and "'teleport' is not one of" in m for m in messages)
    assert any("event 1" in m and "unknown event type 'parade'" in m for m in messages)


def test_a_named_group_is_never_fuzzily_replaced_by_another(codebook):
    with pytest.raises(QuoteCodingError, match="not a name or variant in codebook/actors.yaml"):
        QuoteImporter(codebook).build(
            {"document": "t1", "events": [_convoy(actor1={"value": "Kataib Hezbollahh", "quote": "Kataib Hezbollah"})]},
            _doc(),
            "t1.yaml",
        )


def test_derived_fields_are_refused_in_a_coding(codebook):
    with pytest.raises(QuoteCodingError, match="derived from another value"):
        QuoteImporter(codebook).build({"document": "t1", "events": [_convoy(latitude=34.1)]}, _doc(), "t1.yaml")


def test_import_from_files_reads_text_and_metadata(tmp_path: Path, codebook):
    add_document(TEXT, tmp_path / "incoming", "t1", {"source": "Test outlet", "publication_date": "2024-05-08"})
    codings = tmp_path / "codings" / "a"
    codings.mkdir(parents=True)
    (codings / "t1.yaml").write_text(json.dumps({"document": "t1", "coder": "a", "events": [_convoy()]}))
    documents, problems = import_codings([codings], [tmp_path, tmp_path / "incoming"], codebook)
    assert problems == []
    assert documents[0].coder.name == "a" and str(documents[0].document.publication_date) == "2024-05-08"


def test_bad_yaml_is_reported_with_its_line(tmp_path: Path, codebook):
    add_document(TEXT, tmp_path, "t1", {})
    path = tmp_path / "t1.yaml"
    path.write_text('document: t1\nevents:\n  - type: troop_movement\n    evidence: ["unclosed\n')
    _, problems = import_codings([path], [tmp_path], codebook)
    assert problems and f"{path}:" in str(problems[0]) and "invalid YAML" in str(problems[0])


def test_ids_that_name_folders_are_refused(tmp_path: Path):
    with pytest.raises(InputError):
        add_document(TEXT, tmp_path, "../escaped", {})
    with pytest.raises(InputError):
        find_document("../../etc/passwd", [tmp_path])
    add_document(TEXT, tmp_path, "t1", {})
    with pytest.raises(InputError, match="already exists"):
        add_document(TEXT, tmp_path, "t1", {})


def _coded(doc_id: str, source: str, types: list[str], incident: str | None = None) -> CodedDocument:
    events = [Event(type=t, incident=incident) for t in types]
    return CodedDocument(document=Document(id=doc_id, text="x", source=source), events=events)


def test_splits_keep_incident_groups_whole_and_balance_strata():
    docs = [_coded(f"d{i}", "A" if i % 2 else "B", ["recruitment"]) for i in range(20)]
    docs += [_coded("p1", "A", ["smuggling"], "same-shipment"), _coded("p2", "C", ["smuggling"], "same-shipment")]
    assert ["p1", "p2"] in incident_groups(docs)
    splits = assign_splits(docs, 0.5, {"d0": "dev"})
    assert splits["p1"] == splits["p2"] and splits["d0"] == "dev"
    for source in "AB":
        sides = [splits[d.document.id] for d in docs[:20] if d.document.source == source and d.document.id != "d0"]
        assert abs(sides.count("test") - sides.count("dev")) <= 1
    assert assign_splits(docs, 0.5, {"d0": "dev"}) == splits  # deterministic


def test_a_new_report_of_an_incident_already_split_joins_its_side():
    docs = [_coded("old", "A", ["troop_movement"], "the-convoy"), _coded("new", "B", ["troop_movement"], "the-convoy")]
    docs += [_coded(f"d{i}", "A", ["recruitment"]) for i in range(4)]
    for side in ("test", "dev"):
        splits = assign_splits(docs, 0.5, {"old": side})
        assert splits["new"] == side and all(splits[f"d{i}"] in ("dev", "test") for i in range(4))


def test_freeze_detects_a_changed_test_document_and_admits_new_ones(tmp_path: Path):
    docs = [
        CodedDocument(document=Document(id=f"d{i}", text=f"text {i}", split="test" if i < 2 else "dev"))
        for i in range(3)
    ]
    write_adjudicated(docs, tmp_path, {})
    frozen = freeze(tmp_path, "2026-01-01T00:00Z")
    assert frozen.documents == ["d0", "d1"] and FreezeLog.read(tmp_path).check(tmp_path) == []
    with pytest.raises(InputError, match="no test document left"):
        freeze(tmp_path, "2026-01-02T00:00Z")
    (tmp_path / "d2.txt").write_text("a dev document may change")
    assert FreezeLog.read(tmp_path).check(tmp_path) == []
    # A document written after the freeze joins test in a second freeze.
    write_adjudicated([CodedDocument(document=Document(id="d3", text="new", split="test"))], tmp_path, {})
    assert "not frozen yet: ['d3']" in FreezeLog.read(tmp_path).check(tmp_path)[0]
    freeze(tmp_path, "2026-01-03T00:00Z")
    assert FreezeLog.read(tmp_path).documents == ["d0", "d1", "d3"] and FreezeLog.read(tmp_path).check(tmp_path) == []
    (tmp_path / "d1.txt").write_text("text 1, edited")
    assert "frozen on 2026-01-01T00:00Z changed" in FreezeLog.read(tmp_path).check(tmp_path)[0]


def test_the_golden_test_split_is_frozen_and_unchanged():
    log = FreezeLog.read(GOLDEN)
    if log is None:
        pytest.skip("golden/test-split.lock not written yet")
    assert log.check(GOLDEN) == []
    for frozen in log.freezes:
        assert fingerprint(GOLDEN, frozen.documents) == frozen.fingerprint


def test_raw_codings_quote_the_golden_texts(codebook):
    # The raw codings are a record of what each coder said under the codebook of their day;
    # names may since have moved in the codebook, but every quote must still be in its text.
    folders = [GOLDEN / "codings" / name for name in ("a", "b", "adjudicated")]
    folders = [f for f in folders if f.is_dir() and any(f.glob("*.yaml"))]
    if not folders:
        pytest.skip("no raw codings committed yet")
    _, problems = import_codings(folders, [GOLDEN, GOLDEN / "incoming"], codebook)
    misquoted = [p for p in problems if "quote" in p.message or "no " in p.message and ".txt in" in p.message]
    assert misquoted == [], "\n".join(map(str, misquoted[:20]))
    adjudicated, problems = import_codings([GOLDEN / "codings" / "adjudicated"], [GOLDEN], codebook)
    ids = {p.stem for p in GOLDEN.glob("*.json")}
    assert {d.document.id for d in adjudicated} <= ids


def test_no_golden_document_is_a_reserved_article():
    if not NOT_RESERVED.exists():
        pytest.skip(f"{NOT_RESERVED} not found; a clean clone has only golden/")
    result = subprocess.run([sys.executable, str(NOT_RESERVED), str(GOLDEN)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_check_names_the_missing_quote(tmp_path: Path):
    add_document(TEXT, tmp_path / "incoming", "t1", {"publication_date": "2024-05-08"})
    coding = tmp_path / "t1.yaml"
    wrong_quote = _convoy(origin={"value": "Al-Qaim", "quote": "from Qaim"})
    coding.write_text(json.dumps({"document": "t1", "events": [wrong_quote]}))
    runner = CliRunner()
    result = runner.invoke(app, ["golden", "import", "--check", str(coding), "--golden", str(tmp_path)])
    assert result.exit_code == 1
    assert "field origin: quote not found in the text: 'from Qaim'" in result.output
    coding.write_text(json.dumps({"document": "t1", "events": [_convoy()]}))
    result = runner.invoke(
        app, ["golden", "import", str(coding), "--golden", str(tmp_path), "--out", str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 0, result.output
    assert load_coded(tmp_path / "o.jsonl")[0].events[0].fields["vehicle_count"].value == 9


def test_disagreements_name_each_event_by_its_place_in_the_coding(codebook):
    from coder.score.agree import disagreements

    importer = QuoteImporter(codebook)
    outreach = {
        "type": "tribal_outreach",
        "evidence": ["an IRGC envoy met elders of the Al-Shaitat tribe in al-Hari"],
        "fields": {
            "actor1": {"value": "Islamic Revolutionary Guard Corps", "quote": "IRGC"},
            "location": {"value": "Al Bukamal", "quote": "al-Hari"},
        },
    }
    first = importer.build({"document": "t1", "events": [outreach, _convoy()]}, _doc(), "a.yaml")
    second = importer.build(
        {"document": "t1", "events": [_convoy(vehicle_count={"value": 10, "quote": "nine trucks"})]}, _doc(), "b.yaml"
    )
    listing = disagreements([first], [second], codebook)
    assert "## t1" in listing
    assert "- only A: A0 tribal_outreach" in listing
    assert "- A1 ~ B0 troop_movement: vehicle_count: A 9.0 | B 10.0" in listing


def test_a_record_round_trips_through_its_quote_coding(codebook):
    from coder.golden.quotes import to_quote_coding

    importer = QuoteImporter(codebook)
    first = importer.build({"document": "t1", "events": [_convoy()]}, _doc(), "a.yaml")
    again = importer.build(to_quote_coding(first, "a"), _doc(), "again.yaml")
    assert again.events[0].fields == first.events[0].fields
    assert again.events[0].evidence == first.events[0].evidence
