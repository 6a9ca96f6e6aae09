"""Issue 16, identity by content: review decisions follow their event after re-coding, or are reported
orphaned; ids never depend on positions."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from coder.cli import app
from coder.codebook import load_codebook
from coder.models import CodedDocument, Document, Event, Span
from coder.review import DecisionLog, ReviewSession
from coder.review.sources import load_proposals

from .conftest import ROOT

runner = CliRunner()
GOLDEN = ROOT / "golden"
# Two seed articles: 002 has six proposals (two recruitment, the last one last), 003 five (the first
# recruitment).
DOCS = ("002_7877fa3e648d39d3", "003_e3f393157d67226e")


def _batch(tmp_path: Path, name: str, codebook_dir: Path) -> Path:
    folder = tmp_path / "in"
    if not folder.exists():
        folder.mkdir()
        for doc in DOCS:
            shutil.copy(GOLDEN / f"{doc}.txt", folder / f"{doc}.txt")
    db = tmp_path / f"{name}.sqlite"
    result = runner.invoke(
        app, ["batch", str(folder), "--db", str(db), "--concurrency", "1", "-q", "--codebook", str(codebook_dir)]
    )
    assert result.exit_code == 0, result.output
    return db


def _session(db: Path, log_path: Path, codebook) -> tuple[ReviewSession, DecisionLog]:
    proposals = load_proposals(db)
    log = DecisionLog(log_path)
    log.attach(proposals)
    return ReviewSession(codebook, proposals, log, reviewer="maya", clock=lambda: "2026-01-01T00:00:00+00:00"), log


def _event_by_id(session: ReviewSession, doc: str, event_id: str):
    return next(e for e in session.doc(doc).events if e.event.id == event_id)


def test_recoding_under_a_changed_codebook_keeps_every_decision_on_its_event_or_reports_it(tmp_path: Path):
    codebook = load_codebook(ROOT / "codebook")
    db1 = _batch(tmp_path, "first", ROOT / "codebook")
    log_path = tmp_path / "review.sqlite"
    session, _ = _session(db1, log_path, codebook)
    d3, d2 = DOCS[1], DOCS[0]  # named after the articles: 003 and 002
    doc = session.doc(d3)
    assert [e.event.type for e in doc.events] == [
        "recruitment",
        "troop_movement",
        "tribal_outreach",
        "troop_movement",
        "smuggling",
    ]
    ids = {e.id: e.event.id for e in doc.events}
    session.accept(d3, "e1")  # recruitment: gone after re-coding
    session.reject(d3, "e2", "planned, not carried out")  # troop_movement
    session.edit(d3, "e3", "location", "Al Mayadin")  # tribal_outreach
    session.accept(d3, "e5")  # smuggling
    session.reject(d2, "e6", "a rumour")  # recruitment: gone
    session.accept(d2, "e2")  # troop_movement
    decided = {ids["e2"]: "rejected", ids["e3"]: "edited", ids["e5"]: "accepted"}
    kept_d2 = session.doc(d2).events[1].event.id
    session.close()

    # The codebook changes: recruitment is no longer an event type. Re-code into a new store.
    changed = tmp_path / "codebook"
    shutil.copytree(ROOT / "codebook", changed)
    (changed / "event_types" / "recruitment.yaml").unlink()
    db2 = _batch(tmp_path, "second", changed)
    session, log = _session(db2, log_path, load_codebook(changed))
    try:
        doc = session.doc(d3)
        assert [e.event.type for e in doc.events] == [
            "troop_movement",
            "tribal_outreach",
            "troop_movement",
            "smuggling",
        ]
        # Each decision is on its own event (now at another position)...
        for event_id, status in decided.items():
            assert _event_by_id(session, d3, event_id).status == status
        assert _event_by_id(session, d3, ids["e3"]).event.value("location") == "Al Mayadin"
        assert _event_by_id(session, d2, kept_d2).status == "accepted"
        assert [e.status for e in doc.events] == ["rejected", "edited", "unreviewed", "accepted"]
        # ... or reported orphaned (the two recruitment decisions), kept in the log.
        orphaned = log.attachment.orphaned
        assert sorted((d.document, d.event, d.kind) for d in orphaned) == [(d2, "e6", "reject"), (d3, "e1", "accept")]
        assert len(log.stored_decisions()) == 6
        applied = {d.id for d in session.decisions}
        assert applied | {d.id for d in orphaned} == {d.id for d in log.stored_decisions()}
        report = "\n".join(log.attachment.report())
        assert "2 review decision(s) orphaned" in report and "rejected (a rumour)" in report
        assert "re-attached to their event at a new position" in report
        # A new decision is stored with the identity of the event it is taken on.
        outcome = session.accept(d3, "e2")
        assert outcome.decision.event_key == doc.events[1].event.id
    finally:
        session.close()


def test_without_identity_a_position_would_land_on_another_event(tmp_path: Path):
    """The defect: the same position names a different event after re-coding."""
    codebook = load_codebook(ROOT / "codebook")
    changed = tmp_path / "codebook"
    shutil.copytree(ROOT / "codebook", changed)
    (changed / "event_types" / "recruitment.yaml").unlink()
    first = load_proposals(_batch(tmp_path, "first", ROOT / "codebook"))
    second = load_proposals(_batch(tmp_path, "second", changed))
    a = next(d for d in first if d.document.id == DOCS[1]).events
    b = next(d for d in second if d.document.id == DOCS[1]).events
    assert a[1].id == b[0].id and a[1].id != b[1].id  # e2 then is e1 now
    assert codebook.version


def test_event_ids_come_from_content_not_position():
    text = "Militias moved to Al Bukamal. Later, recruits joined in Al Mayadin."
    doc = Document(id="d1", text=text)
    move = Event(type="troop_movement", evidence=[Span.of(text, 9, 14)])
    recruit = Event(type="recruitment", evidence=[Span.of(text, 37, 44)])
    one = CodedDocument(document=doc, events=[move.model_copy(), recruit.model_copy()])
    two = CodedDocument(document=doc, events=[recruit.model_copy(), move.model_copy()])
    assert [e.id for e in one.events] == [e.id for e in reversed(two.events)]
    assert len({e.id for e in one.events}) == 2
    # A line added above the event moves its offsets, not its id.
    moved_text = "Update.\n" + text
    shifted = CodedDocument(
        document=Document(id="d1", text=moved_text),
        events=[Event(type="troop_movement", evidence=[Span.of(moved_text, 17, 22)])],
    )
    assert shifted.events[0].id == one.events[0].id
    # Another document, another id; an id already given is kept.
    other = CodedDocument(document=Document(id="d2", text=text), events=[move.model_copy()])
    assert other.events[0].id != one.events[0].id
    kept = CodedDocument(document=doc, events=[move.model_copy(update={"id": "ev-given"})])
    assert kept.events[0].id == "ev-given"
    # Two events of one type on the same words (a sentence listing places) still differ.
    twins = CodedDocument(document=doc, events=[move.model_copy(), move.model_copy()])
    assert len({e.id for e in twins.events}) == 2


def test_a_schema_1_log_is_migrated_and_its_decisions_replay_by_position(tmp_path: Path):
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE decisions (id INTEGER PRIMARY KEY AUTOINCREMENT, reviewer TEXT NOT NULL, at TEXT NOT NULL,
            document TEXT NOT NULL, event TEXT, kind TEXT NOT NULL, before TEXT, after TEXT);
        CREATE TABLE cursor (reviewer TEXT PRIMARY KEY, document TEXT NOT NULL, event TEXT);
        CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        INSERT INTO decisions (reviewer, at, document, event, kind, after) VALUES ('m', 't', 'd1', 'e1', 'accept',
            '{"decision": "accepted"}');
        PRAGMA user_version = 1;
    """)
    db.close()
    log = DecisionLog(path)
    try:
        text = "Militias moved to Al Bukamal."
        log.attach(
            [
                CodedDocument(
                    document=Document(id="d1", text=text),
                    events=[Event(type="troop_movement", evidence=[Span.of(text, 9, 14)])],
                )
            ]
        )
        [decision] = log.decisions()
        assert (decision.event, decision.event_key) == ("e1", None)
        assert log.attachment.legacy == 1 and "replayed by position" in "\n".join(log.attachment.report())
    finally:
        log.close()


def test_open_session_reattaches_and_reports(tmp_path: Path):
    from coder.review import open_session

    changed = tmp_path / "codebook"
    shutil.copytree(ROOT / "codebook", changed)
    (changed / "event_types" / "recruitment.yaml").unlink()
    db1 = _batch(tmp_path, "first", ROOT / "codebook")
    log = tmp_path / "review.sqlite"
    session = open_session(db1, log=log, reviewer="maya", codebook=load_codebook(ROOT / "codebook"))
    kept = session.doc(DOCS[1]).events[1].event.id
    session.accept(DOCS[1], "e1")  # recruitment: gone after re-coding
    session.reject(DOCS[1], "e2", "planned")
    session.close()
    db2 = _batch(tmp_path, "second", changed)
    session = open_session(db2, log=log, reviewer="maya", codebook=load_codebook(changed))
    try:
        assert _event_by_id(session, DOCS[1], kept).status == "rejected"
        assert any("orphaned" in w for w in session.warnings)
    finally:
        session.close()
