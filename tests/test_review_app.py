"""The Textual review app driven with Pilot: a whole document, then the log is checked."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from coder.review.app import ReviewApp
from tests.review_support import SIZE, anyio_backend, session_for, source  # noqa: F401 (fixtures)

pytestmark = pytest.mark.anyio


async def answer(pilot, text: str) -> None:
    """Type an answer into the prompt screen, replacing its prefilled value."""
    await pilot.pause()
    field = pilot.app.screen.query_one(Input)
    field.value = ""
    field.focus()  # the reject screen starts on its list of preset reasons
    await pilot.pause()
    await pilot.press(*text)
    await pilot.press("enter")
    await pilot.pause()


async def select(pilot, start: int, length: int) -> None:
    """Select document text with the keyboard: move the cursor, then shift+right."""
    view = pilot.app.doc_view
    view.focus()
    view.move_cursor(view.location_of(start))
    await pilot.press(*["shift+right"] * length)
    await pilot.pause()


async def test_whole_document_accept_edit_reject_add_undo(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    text = session.doc("d1").text
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.cursor.doc.id == "d1" and app.cursor.event_id == "e1"
        await pilot.press("a")  # accept e1, move to e2
        assert app.cursor.event_id == "e2"
        await pilot.press("e")  # edit e2
        await answer(pilot, "recruits_count=30")
        assert session.doc("d1").event("e2").event.value("recruits_count") == 30
        await pilot.press("e")
        await answer(pilot, "location=Bukamall")  # refused, with a suggestion
        assert "closest" in str(app.status_line.render())
        await pilot.press("r")  # reject e2 with a reason
        await answer(pilot, "planned, not carried out")
        assert app.cursor.doc.id == "d2"  # moved on past the last event
        await pilot.press("P")  # back to d1 to add a missed event
        start = text.index("Kataib Hezbollah")
        await select(pilot, start, len("Kataib Hezbollah fighters arrived"))
        assert app.doc_view.selected_span() == (start, start + len("Kataib Hezbollah fighters arrived"))
        await pilot.press("plus")
        await pilot.pause()
        app.screen.query_one(OptionList).highlighted = codebook.type_ids.index("smuggling")
        await pilot.press("enter")
        await pilot.pause()
        assert app.cursor.event_id == "n1"
        await pilot.press("e")
        await answer(pilot, "actor1=Kataib Hezbollah")
        await pilot.press("e")
        await answer(pilot, "location=Albukamal")
        assert session.doc("d1").event("n1").event.value("latitude") == 34.4533
        await pilot.press("u")  # undo the location edit
        await pilot.pause()
        assert "location" not in session.doc("d1").event("n1").event.fields
    kinds = [(d.kind, d.event) for d in session.decisions]
    assert kinds == [
        ("accept", "e1"),
        ("edit", "e2"),
        ("reject", "e2"),
        ("add", "n1"),
        ("edit", "n1"),
        ("edit", "n1"),
        ("undo", "n1"),
    ]
    added = session.doc("d1").event("n1").event
    assert added.type == "smuggling" and added.evidence[0].text == "Kataib Hezbollah fighters arrived"
    session.close()
    # The store holds it all: a new session replays to the same state.
    again = session_for(source, codebook)
    d1 = again.doc("d1")
    assert [(e.id, e.status) for e in d1.events] == [("e1", "accepted"), ("e2", "rejected"), ("n1", "added")]
    assert d1.event("e2").reason == "planned, not carried out"
    again.close()


async def test_retype_anchor_and_done(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N", "N")  # d3
        assert app.cursor.doc.id == "d3"
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one(OptionList).highlighted = codebook.type_ids.index("tribal_outreach")
        await pilot.press("enter")
        await pilot.pause()
        assert session.doc("d3").event("e1").event.type == "tribal_outreach"
        # Re-anchor the highlighted field (the event's own evidence is the first row).
        text = session.doc("d3").text
        start = text.index("Posters")
        await select(pilot, start, 7)
        app.fields_table.move_cursor(row=0)
        await pilot.press("s")
        await pilot.pause()
        assert [s.text for s in session.doc("d3").event("e1").event.evidence] == ["Posters"]
        await pilot.press("d")  # e1 was edited, so it is decided
        await pilot.pause()
        assert session.doc("d3").done
        await pilot.press("P", "d")  # d2 has undecided events: refused
        assert "still unreviewed" in str(app.status_line.render())
        assert not session.doc("d2").done
    session.close()


async def test_resumes_where_the_reviewer_stopped(source, codebook):
    session = session_for(source, codebook)
    async with ReviewApp(session).run_test(size=SIZE) as pilot:
        await pilot.press("N", "n")
        assert (pilot.app.cursor.doc.id, pilot.app.cursor.event_id) == ("d2", "e2")
    session.close()
    session = session_for(source, codebook)
    async with ReviewApp(session).run_test(size=SIZE) as pilot:
        assert (pilot.app.cursor.doc.id, pilot.app.cursor.event_id) == ("d2", "e2")
        await pilot.press("j")  # next unreviewed wraps to d3
        assert pilot.app.cursor.doc.id == "d3"
    session.close()


async def test_markup_in_an_article_is_shown_as_text(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("N", "N")
        await pilot.pause()
        shown = "".join(app.doc_view.get_line(i).plain for i in range(app.doc_view.document.line_count))
        assert "[bold]x[/bold]" in shown and "[link=https://evil.example]click[/link]" in shown
        assert "\x1b" not in shown and "␛[31mred" in shown  # ESC made visible, same length
        svg = app.export_screenshot()
        assert "[bold]x[/bold]" in svg and "[link=https://evil.example]click[/link]" in svg
    session.close()


async def test_filter_and_help(source, codebook):
    session = session_for(source, codebook, filters=["confidence<0.5"])
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        assert [d.id for d in app.cursor.docs] == ["d2", "d3"]
        await pilot.press("question_mark")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        await pilot.press("escape")
        await pilot.pause()
        assert type(app.screen).__name__ != "HelpScreen"
    session.close()
