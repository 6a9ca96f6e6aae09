"""Issue 16: derived values always current (notes, coordinates, inter codes after every edit, in review
and in export) and contradictions between fields flagged."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.base import make_coder
from coder.cli import app
from coder.derived import contradictions, refreshed
from coder.models import CodedDocument, Document, Event, FieldValue
from coder.review import DecisionLog, ReviewSession
from coder.store import Store, document_hash

from .conftest import ROOT

runner = CliRunner()
TEXT = (ROOT / "examples" / "convoy_and_recruitment.txt").read_text(encoding="utf-8")


@pytest.fixture
def coded(codebook) -> CodedDocument:
    return make_coder("rules", codebook).code(Document(id="x", text=TEXT, publication_date="2021-03-14"))


@pytest.fixture
def session(codebook, coded, tmp_path: Path):
    s = ReviewSession(codebook, [coded], DecisionLog(tmp_path / "log.sqlite"), reviewer="t")
    yield s
    s.close()


def test_an_edit_regenerates_the_notes(session):
    # The row: actor1 changed to the Fatemiyoun Brigade, notes still about the IRGC.
    out = session.edit("x", "e3", "actor1", "Fatemiyoun Brigade")
    event = session.doc("x").event("e3").event
    assert event.value("notes").startswith("On 2021-03-10, Fatemiyoun Brigade met or courted")
    assert event.value("inter1") == 3 and "notes" in out.message
    session.edit("x", "e1", "event_date", "2021-03-12")
    assert session.doc("x").event("e1").event.value("notes").startswith("On 2021-03-12, Kataib Hezbollah")
    session.edit("x", "e1", "location", "Al Bukamal")
    event = session.doc("x").event("e1").event
    assert "to Al Bukamal (from Al-Qaim)" in event.value("notes") and event.value("admin2") == "Abu Kamal"


def test_notes_a_reviewer_wrote_are_kept(session):
    session.edit("x", "e1", "notes", "A convoy, as the sources tell it.")
    session.edit("x", "e1", "actor1", "Fatemiyoun Brigade")
    assert session.doc("x").event("e1").event.value("notes") == "A convoy, as the sources tell it."


def test_contradictions_are_named():
    def event(**values):
        return Event(type="troop_movement", fields={k: FieldValue(value=v) for k, v in values.items()})

    assert contradictions(event(actor1="Hezbollah", assoc_actor_1=["Hezbollah"])) == [
        "actor1 is also listed as its own associated actor (assoc_actor_1)"
    ]
    assert contradictions(event(location="Palmyra", origin="Palmyra")) == ["the location is also the origin"]
    assert (
        contradictions(
            event(actor1="Hezbollah", assoc_actor_1=["Fatemiyoun Brigade"], location="Palmyra", origin="Homs")
        )
        == []
    )


def test_the_export_rederives_what_a_reviewer_changed_and_nothing_else(codebook, coded):
    stale = coded.model_copy(deep=True)
    edited = stale.events[2]
    # A reviewer's value with the coder's notes and inter code left behind (a log from before the fix).
    edited.fields["actor1"] = FieldValue(value="Fatemiyoun Brigade", detail="set by reviewer")
    untouched = stale.events[0]
    untouched.fields["notes"] = FieldValue(value="A language model's own sentence.", alignment="none")
    fresh = refreshed(codebook, stale)
    assert fresh.events[2].value("notes").startswith("On 2021-03-10, Fatemiyoun Brigade")
    assert fresh.events[2].value("inter1") == 3
    assert fresh.events[0].value("notes") == "A language model's own sentence."
    assert refreshed(codebook, coded) is coded


def test_cli_export_warns_about_contradictions(tmp_path: Path, coded):
    bad = coded.model_copy(deep=True)
    bad.events[0].fields["location"] = FieldValue(value="Al-Qaim", detail="set by reviewer")
    db = tmp_path / "run.sqlite"
    with Store(db) as store:
        run = store.get_run("test", None, None, "1")
        h = document_hash(bad.document)
        store.add_documents(run.id, [(0, h, "x", bad.document, "x")])
        store.write_result(run.id, h, "x", bad.model_dump(mode="json"))
    out = tmp_path / "a.csv"
    result = runner.invoke(
        app,
        ["export", "--db", str(db), "--format", "acled-csv", "--out", str(out), "--codebook", str(ROOT / "codebook")],
    )
    assert result.exit_code == 0, result.output
    assert "x " + bad.events[0].id + ": the location is also the origin" in result.output
    assert "1 of 3 row(s) have values that contradict each other" in result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["warnings"] for r in rows] == ["the location is also the origin", "", ""]
    # ... and the notes of the edited event follow its new location.
    assert "to Al-Qaim" in rows[0]["notes"]


def test_review_and_export_do_not_import_the_rule_coder():
    code = (
        "import sys, coder.review, coder.review.derive, coder.export, coder.derived, coder.notes; "
        "print(sorted(m for m in sys.modules if m.startswith('coder.rules')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"
