"""Review for a whole working day (issue 18), driven with Pilot: visible focus, a selection used once,
quotes in the fields pane, preset reject reasons shown after reopening, duplicates, adding an event
from a sentence in three keystrokes, the status line per document."""

from __future__ import annotations

import pytest

from coder.review.app import ReviewApp
from coder.review.screens import reject_reasons
from coder.review.widgets import sentence_at
from tests.review_support import SIZE, anyio_backend, session_for, source  # noqa: F401 (fixtures)

pytestmark = pytest.mark.anyio


def cells(table, key: str) -> list[str]:
    return [str(c) for c in table.get_row(key)]


async def test_focus_is_visible_on_every_pane(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panes = [app.doc_view, app.events_table, app.fields_table]
        for pane in panes:
            pane.focus()
            await pilot.pause()
            borders = {p.id: p.styles.border.top[0] for p in panes}
            assert borders[pane.id] == "heavy", pane.id
            assert [b for i, b in borders.items() if i != pane.id] == ["round", "round"]
    session.close()


def test_sentence_at():
    text = "First one. The Fatemiyoun Brigade recruited 25 men.\n\nA title\nNext? Yes!"
    assert sentence_at(text, 15) == (11, 51)
    assert sentence_at(text, 0) == (0, 10)
    assert text[slice(*sentence_at(text, 55))] == "A title\nNext?"


async def test_add_event_from_a_sentence_in_three_keys_prefilled(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    text = session.doc("d1").text
    async with app.run_test(size=SIZE) as pilot:
        app.doc_view.focus()
        app.doc_view.move_cursor(app.doc_view.location_of(text.index("recruited")))  # a click in the sentence
        await pilot.pause()
        await pilot.press("v", "plus", "enter")  # 3 keystrokes
        await pilot.pause()
        added = session.doc("d1").event("n1")
        assert added is not None and app.cursor.event_id == "n1"
        event = added.event
        assert event.type == "recruitment"
        assert (
            event.evidence[0].text == "The Fatemiyoun Brigade recruited 25 young men in al-Mayadin the same day, "
            "offering $100 a month."
        )
        assert event.value("actor1") == "Fatemiyoun Brigade" and event.value("location") == "Al Mayadin"
        assert event.value("recruits_count") == 25
        # spans moved to the document's offsets
        assert all(text[s.start : s.end] == s.text for fv in event.fields.values() for s in fv.spans)
        assert app.doc_view.selected_span() is None  # the selection was used
    session.close()
    again = session_for(source, codebook)  # the pre-fill is in the log
    assert again.doc("d1").event("n1").event.value("actor1") == "Fatemiyoun Brigade"
    again.close()


async def test_selection_cleared_once_used(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    text = session.doc("d1").text
    async with app.run_test(size=SIZE) as pilot:
        view = app.doc_view
        view.focus()
        start = text.index("Albukamal")
        view.move_cursor(view.location_of(start))
        await pilot.press(*["shift+right"] * len("Albukamal"))
        app.fields_table.move_cursor(row=[k.value for k in app.fields_table.rows].index("location"))
        await pilot.press("s")
        await pilot.pause()
        assert view.selected_span() is None
        # a later anchor has nothing to use: refused, not anchored to the old words
        await pilot.press("S")
        await pilot.pause()
        assert "Select the words" in str(app.status_line.render())
        assert [s.text for s in session.doc("d1").event("e1").event.fields["location"].spans] == ["Albukamal"]
    session.close()


async def test_fields_pane_shows_quotes_beside_offsets(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        location = cells(app.fields_table, "location")
        assert "“Albukamal”" in location[3] and any(ch.isdigit() for ch in location[3])
        assert "“Deir Ezzor, March 14" in cells(app.fields_table, "evidence")[3]
    session.close()


def test_a_growing_codebook_never_pushes_the_theatre_reasons_off_the_keys(codebook):
    # Every rule a type names, plus more, would fill all the keys: "duplicate" must still have one.
    extra = [
        rule.model_copy(update={"id": f"extra_{i}", "description": f"extra rule {i}"})
        for i, rule in enumerate(codebook.exclusion_rules[:1] * 30)
    ]
    troop = codebook.event_type("troop_movement")
    grown_type = troop.model_copy(update={"exclusion_rules": troop.exclusion_rules + [r.id for r in extra]})
    grown = codebook.model_copy(
        update={
            "exclusion_rules": codebook.exclusion_rules + extra,
            "event_types": [grown_type if et.id == troop.id else et for et in codebook.event_types],
        }
    )
    ids = [rid for rid, _ in reject_reasons(grown, "troop_movement")]
    assert ids[0] == troop.exclusion_rules[0] and {"not_iran_backed", "out_of_scope", "duplicate"} <= set(ids)
    assert len(ids) == len(set(ids)) == 21


async def test_reject_with_a_one_key_codebook_reason_shown_after_reopening(source, codebook):
    reasons = reject_reasons(codebook, "troop_movement")
    assert {"planned", "background", "not_iran_backed", "duplicate"} <= {r for r, _ in reasons}
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N", "r")  # d2 e1: "plan to send reinforcements"
        await pilot.pause()
        assert type(app.screen).__name__ == "RejectScreen"
        key = "123456789abcdefghijkl"[[r for r, _ in reasons].index("planned")]
        await pilot.press(key)
        await pilot.pause()
        assert session.doc("d2").event("e1").reason == "planned"
        await pilot.press("p", "r", "tab", *"wrong town", "enter")  # back to e1: a free-text reason
        await pilot.pause()
        assert session.doc("d2").event("e1").reason == "wrong town"
    session.close()
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.cursor.doc.id == "d2"  # resumed where it stopped
        app.cursor.select("e1")
        app.redraw()
        await pilot.pause()
        assert "rejected (wrong town)" in cells(app.events_table, "e1")[3]
        assert cells(app.fields_table, "rejected")[2] == "wrong town"
    session.close()


async def test_duplicate_of_unites_evidence_and_rejects(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N", "n", "D")  # d2 e2 is a duplicate of e1
        await pilot.pause()
        await pilot.press("enter")  # e1 is offered first
        await pilot.pause()
        d2 = session.doc("d2")
        assert d2.event("e2").status == "rejected" and d2.event("e2").reason == "duplicate of e1"
        assert [(s.start, s.end) for s in d2.event("e1").event.evidence] == [(19, 89), (91, 150)]
        assert app.cursor.event_id == "e1"
    session.close()


async def test_status_line_cleared_on_another_document(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")  # "This is the first document."
        assert "first document" in str(app.status_line.render())
        await pilot.press("N")
        await pilot.pause()
        assert str(app.status_line.render()).strip() == ""
    session.close()
