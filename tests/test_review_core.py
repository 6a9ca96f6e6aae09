"""The review core: every decision kind, refusals, undo, replay after a crash, export."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from coder.notes import render_notes
from coder.review import DecisionError, DecisionLog, open_session, reviewed_documents
from coder.review.log import SCHEMA_VERSION, LogError
from coder.review.sources import default_log_path

FIXTURES = Path(__file__).parent / "test_review_fixtures"
PROPOSALS = FIXTURES / "proposals.jsonl"


@pytest.fixture
def source(tmp_path: Path) -> Path:
    target = tmp_path / "proposals.jsonl"
    shutil.copy(PROPOSALS, target)
    return target


@pytest.fixture
def session(source, codebook):
    s = open_session(source, reviewer="maya", codebook=codebook, clock=lambda: "2021-01-01T00:00:00+00:00")
    yield s
    s.close()


def reopen(source, codebook, **kw):
    return open_session(source, reviewer="maya", codebook=codebook, **kw)


def rows(source: Path) -> list[tuple]:
    with sqlite3.connect(default_log_path(source)) as db:
        return db.execute(
            "SELECT reviewer, at, document, event, kind, before, after FROM decisions ORDER BY id"
        ).fetchall()


def snapshot(session) -> list:
    return [
        (d.id, d.done, [(e.id, e.status, e.reason, e.event.model_dump(mode="json")) for e in d.events])
        for d in session.docs
    ]


def test_loads_proposals_and_log_beside_source(session, source):
    assert [d.id for d in session.docs] == ["d1", "d2", "d3"]
    assert [e.id for e in session.docs[0].events] == ["e1", "e2"]
    assert default_log_path(source).name == "proposals.jsonl.review.sqlite"
    assert default_log_path(source).exists()
    with sqlite3.connect(default_log_path(source)) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_accept_and_reject_are_logged_with_before_and_after(session, source):
    session.accept("d1", "e1")
    session.reject("d2", "e1", "planned, not carried out")
    assert session.doc("d1").event("e1").status == "accepted"
    assert session.doc("d2").event("e1").status == "rejected"
    logged = rows(source)
    assert [(r[0], r[2], r[3], r[4]) for r in logged] == [
        ("maya", "d1", "e1", "accept"),
        ("maya", "d2", "e1", "reject"),
    ]
    assert json.loads(logged[1][5]) == {"decision": None, "reason": None}
    assert json.loads(logged[1][6]) == {"decision": "rejected", "reason": "planned, not carried out"}
    assert logged[0][1] == "2021-01-01T00:00:00+00:00"


def test_reject_needs_a_reason(session, source):
    with pytest.raises(DecisionError, match="reason"):
        session.reject("d1", "e1", "  ")
    assert rows(source) == [] and session.doc("d1").event("e1").status == "unreviewed"


def test_edit_place_rederives_and_finds_evidence(session):
    out = session.edit("d1", "e2", "location", "albukamal")
    event = session.doc("d1").event("e2").event
    assert event.value("location") == "Al Bukamal"
    assert (event.value("latitude"), event.value("admin2"), event.value("geo_precision")) == (34.4533, "Abu Kamal", 1)
    span = event.fields["location"].spans[0]
    assert span.text == "Albukamal" and event.fields["location"].alignment.value == "exact"
    assert "latitude" in out.message and session.doc("d1").event("e2").status == "edited"


def test_edit_actor_rederives_inter(session):
    session.edit("d1", "e1", "actor1", "IRGC")
    event = session.doc("d1").event("e1").event
    assert event.value("actor1") == "Islamic Revolutionary Guard Corps" and event.value("inter1") == 8
    # "IRGC" is not in this text: the value is set but flagged as having no evidence.
    assert session.ungrounded(session.doc("d1").event("e1")) == ["actor1"]


def test_edit_with_selected_span_and_list_and_dates(session):
    doc = session.doc("d1")
    start = doc.text.index("25 young men")
    session.edit("d1", "e2", "recruits_count", "30", span=(start, start + 2))
    fv = doc.event("e2").event.fields["recruits_count"]
    assert fv.value == 30 and fv.spans[0].text == "25" and fv.alignment.value == "exact"
    session.edit("d1", "e2", "recruit_profile", "youth, tribesmen")
    assert doc.event("e2").event.value("recruit_profile") == ["youth", "tribesmen"]
    session.edit("d1", "e2", "event_date", "2021-03")
    assert doc.event("e2").event.value("event_date") == "2021-03-15"
    assert doc.event("e2").event.value("time_precision") == 3
    # The date's words stay its evidence: the fix was in resolving them.
    assert doc.event("e2").event.fields["event_date"].spans
    session.edit("d1", "e2", "event_date", "2021-W10")
    assert (
        doc.event("e2").event.value("event_date") == "2021-03-11" and doc.event("e2").event.value("time_precision") == 2
    )
    session.edit("d1", "e2", "event_date", "2021-03-12/2")
    assert doc.event("e2").event.value("time_precision") == 2


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("location", "Bukamall", "closest: .*Al Bukamal"),
        ("actor1", "Hezbolla", "closest: Hezbollah"),
        ("assoc_actor_1", "Hezbollah, Nobody Brigade", "actor 'Nobody Brigade' is not in the codebook"),
        ("recruits_count", "-3", "at least 0"),
        ("recruits_count", "many", "whole number"),
        ("geo_precision", "4", "at most 3"),
        ("activity", "enrol", "did you mean enrolment"),
        ("event_date", "2021-02-30", "not a date"),
        ("not_a_field", "1", "not a field of recruitment"),
        ("actor1", "", "required"),
    ],
)
def test_invalid_edits_are_refused_and_change_nothing(session, source, field, value, message):
    before = snapshot(session)
    with pytest.raises(DecisionError, match=message):
        session.edit("d1", "e2", field, value)
    assert snapshot(session) == before and rows(source) == []


def test_span_offsets_are_checked(session, source):
    n = len(session.doc("d1").text)
    for start, end in [(-1, 3), (5, 5), (10, n + 1), (8, 3)]:
        with pytest.raises(DecisionError, match="not inside the text"):
            session.anchor("d1", "e1", "evidence", start, end)
    with pytest.raises(DecisionError, match="no value yet"):
        session.anchor("d1", "e1", "origin", 0, 5)
    assert rows(source) == []


def test_clearing_a_field_and_unchanged_values(session):
    session.edit("d1", "e1", "movement_kind", "")
    assert "movement_kind" not in session.doc("d1").event("e1").event.fields
    with pytest.raises(DecisionError, match="already"):
        session.edit("d1", "e1", "actor1", "Kataib Hezbollah")


def test_retype_reports_and_drops_fields_of_the_old_type(session):
    out = session.retype("d1", "e2", "troop_movement")
    event = session.doc("d1").event("e2").event
    assert event.type == "troop_movement" and "recruits_count" not in event.fields
    assert "dropped fields not in troop_movement: activity, recruits_count" in out.message
    # The notes now tell a troop movement, from the troop-movement template, and say so.
    assert "notes rewritten" in out.message
    assert event.value("notes") == render_notes(session.codebook.event_type("troop_movement"), event)
    assert "recruited" not in event.value("notes")
    with pytest.raises(DecisionError, match="did you mean smuggling"):
        session.retype("d1", "e2", "smugling")
    session.undo()
    assert session.doc("d1").event("e2").event.value("recruits_count") == 25


def test_reanchor_and_add_spans(session):
    doc = session.doc("d1")
    start = doc.text.index("Kataib Hezbollah")
    session.anchor("d1", "e1", "actor1", start, start + 6)
    assert [s.text for s in doc.event("e1").event.fields["actor1"].spans] == ["Kataib"]
    session.anchor("d1", "e1", "actor1", start + 7, start + 16, add=True)
    assert [s.text for s in doc.event("e1").event.fields["actor1"].spans] == ["Kataib", "Hezbollah"]
    first = len(doc.event("e1").event.evidence)
    session.anchor("d1", "e1", "evidence", 0, 10, add=True)
    assert len(doc.event("e1").event.evidence) == first + 1
    session.anchor("d1", "e1", "evidence", 0, 10)
    assert [s.text for s in doc.event("e1").event.evidence] == ["Deir Ezzor"]


def test_unaligned_value_is_ungrounded_until_anchored(session):
    doc = session.doc("d2")
    assert session.ungrounded(doc.event("e1")) == ["event_date"]
    start = doc.text.index("next week")
    session.anchor("d2", "e1", "event_date", start, start + 9)
    assert session.ungrounded(doc.event("e1")) == []


def test_add_event_then_fill_it(session):
    doc = session.doc("d3")
    start = doc.text.index("Posters")
    out = session.add_event("d3", "tribal_outreach", (start, start + 7))
    assert out.decision.event == "n1" and "fill actor1, location" in out.message
    session.edit("d3", "n1", "actor1", "IRGC")
    session.edit("d3", "n1", "location", "Hatla")
    added = doc.event("n1")
    assert added.status == "added" and added.event.evidence[0].text == "Posters"
    assert added.event.value("source") == doc.coded.document.source
    with pytest.raises(DecisionError, match="not an event type"):
        session.add_event("d3", "parade")


def test_undo_steps_back_one_decision_at_a_time(session, source):
    start = snapshot(session)
    session.accept("d1", "e1")
    after_accept = snapshot(session)
    session.edit("d1", "e2", "location", "Al Bukamal")
    session.add_event("d2", "smuggling", (0, 5))
    session.undo()
    assert [e.id for e in session.doc("d2").events] == ["e1", "e2"]
    session.undo()
    assert snapshot(session) == after_accept
    session.undo()
    assert snapshot(session) == start
    with pytest.raises(DecisionError, match="nothing to undo"):
        session.undo()
    kinds = [r[4] for r in rows(source)]
    assert kinds == ["accept", "edit", "add", "undo", "undo", "undo"]  # append-only: nothing deleted
    # An added event's id is never reused after its undo.
    assert session.add_event("d2", "smuggling").decision.event == "n2"


def test_undo_only_takes_back_this_reviewers_decisions(source, codebook):
    a = reopen(source, codebook)
    a.accept("d1", "e1")
    a.close()
    b = open_session(source, reviewer="omar", codebook=codebook)
    with pytest.raises(DecisionError, match="nothing to undo"):
        b.undo()
    b.close()


def test_mark_done(session):
    with pytest.raises(DecisionError, match="still unreviewed"):
        session.mark_done("d1")
    session.reject("d3", "e1", "opening, not recruiting")
    session.mark_done("d3")
    with pytest.raises(DecisionError, match="already"):
        session.mark_done("d3")
    assert session.doc("d3").reviewed and session.doc("d3").done


def test_replay_after_a_simulated_crash(source, codebook):
    s = reopen(source, codebook)
    s.accept("d1", "e1")
    s.edit("d1", "e2", "location", "Albukamal")
    s.reject("d2", "e1", "planned")
    s.add_event("d2", "smuggling", (0, 5))
    s.undo()
    s.retype("d3", "e1", "tribal_outreach")
    expected = snapshot(s)
    # No close(): the process "dies" with the connection open; a new process replays the log.
    again = reopen(source, codebook)
    assert snapshot(again) == expected and again.warnings == []
    again.close()
    s.close()


def test_filters_choose_what_to_visit(source, codebook):
    s = reopen(source, codebook, filters=["confidence<0.5"])
    assert [(d.id, [e.id for e in s.visible(d)]) for d in s.visible_docs()] == [("d2", ["e1"]), ("d3", ["e1"])]
    s.accept("d2", "e1")
    s.close()
    s = reopen(source, codebook, filters=["status=unreviewed", "type=troop_movement"])
    assert [(d.id, [e.id for e in s.visible(d)]) for d in s.visible_docs()] == [("d1", ["e1"]), ("d2", ["e2"])]
    s.close()
    with pytest.raises(DecisionError, match="did you mean unreviewed"):
        reopen(source, codebook, filters=["status=unreviewd"])


def test_next_unreviewed_and_resume(session, source, codebook):
    assert session.next_unreviewed() == ("d1", "e1")
    session.accept("d1", "e1")
    assert session.next_unreviewed("d1", "e1") == ("d1", "e2")
    session.save_cursor("d2", "e2")
    assert reopen(source, codebook).resume() == ("d2", "e2")


def test_reviewed_documents_keep_accepted_edited_added(session, source, codebook):
    session.accept("d1", "e1")
    session.edit("d1", "e2", "recruits_count", "30")
    session.reject("d2", "e1", "planned")
    session.accept("d2", "e2")
    session.add_event("d2", "smuggling", (0, 5))
    docs = reviewed_documents(source, codebook=codebook)
    assert [d.document.id for d in docs] == ["d1", "d2"]  # d3 not reviewed yet
    assert [e.type for e in docs[1].events] == ["troop_movement", "smuggling"]
    assert docs[0].events[1].value("recruits_count") == 30 and docs[0].coder.name == "review"
    everything = reviewed_documents(source, codebook=codebook, only_reviewed=False)
    assert [len(d.events) for d in everything] == [2, 2, 0]
    with pytest.raises(DecisionError, match="no review log"):
        reviewed_documents(source, log=source.parent / "missing.sqlite", codebook=codebook)


def test_log_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "log.sqlite"
    DecisionLog(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(LogError, match="newer"):
        DecisionLog(path)


def test_replay_warns_about_decisions_for_missing_documents(source, codebook, tmp_path):
    s = reopen(source, codebook)
    s.accept("d3", "e1")
    s.close()
    lines = source.read_text(encoding="utf-8").splitlines()[:2]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    again = reopen(source, codebook)
    assert again.warnings and "d3" in again.warnings[0]
    again.close()


def test_review_package_depends_only_on_the_core():
    """Importing the review (core, app, plain mode) pulls in no coder, scorer or store module."""
    import subprocess
    import sys

    code = (
        "import sys, coder.review, coder.review.app, coder.review.plain; "
        "print(sorted(m for m in sys.modules if m.split('.')[:2] in "
        "[['coder', x] for x in ('store', 'score', 'rules', 'llm', 'regress', 'batch')]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_edit_that_makes_the_event_contradict_itself_is_saved_and_said(session):
    event = session.doc("d1").event("e1").event
    out = session.edit("d1", "e1", "origin", event.value("location"))
    assert event.value("origin") == event.value("location")
    assert "warning: the location is also the origin" in out.message
    fixed = session.edit("d1", "e1", "origin", "")
    assert "warning" not in fixed.message
