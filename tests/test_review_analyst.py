"""The rest of issue 18, driven with Pilot: selections grown and shrunk word by word (keys and
mouse), what the coder could not cover, progress across the source by reviewer, and a comment on
the document."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input
from typer.testing import CliRunner

from coder.cli import app as cli
from coder.review.app import ReviewApp
from coder.review.progress import progress
from coder.review.uncovered import uncovered
from coder.review.widgets import resized, whole_words
from tests.review_support import SIZE, anyio_backend, copy_fixture, session_for, source  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.anyio


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path, "proposals.jsonl")


def selected(app) -> str:
    span = app.doc_view.selected_span()
    return app.cursor.doc.text[span[0] : span[1]] if span else ""


def test_resized_word_by_word():
    text = "A convoy of Kataib Hezbollah fighters arrived, sources said."
    k = text.index("Kataib")
    assert resized(text, (k, k + 6), "end", True) == (k, text.index(" fighters"))
    assert resized(text, (k, k + 3), "end", True) == (k, k + 6)  # a cut word is completed first
    whole = (k, text.index(","))
    assert text[slice(*resized(text, whole, "end", False))] == "Kataib Hezbollah fighters"
    assert text[slice(*resized(text, whole, "start", True))] == "of Kataib Hezbollah fighters arrived"
    assert text[slice(*resized(text, whole, "start", False))] == "Hezbollah fighters arrived"
    assert resized(text, (k, k + 6), "end", False) is None  # one word stays
    assert resized(text, (0, 1), "start", True) is None  # nothing before the first
    assert text[slice(*whole_words(text, (k + 2, text.index("fighters") + 3)))] == "Kataib Hezbollah fighters"


async def test_word_keys_grow_and_shrink_then_add_in_seven_keys(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    text = session.doc("d1").text
    async with app.run_test(size=SIZE) as pilot:
        view = app.doc_view
        view.focus()
        view.move_cursor(view.location_of(text.index("Kataib") + 2))  # a click on a word
        await pilot.pause()
        await pilot.press("right_square_bracket")  # ] the word at the cursor
        assert selected(app) == "Kataib"
        await pilot.press("right_square_bracket", "right_square_bracket", "right_square_bracket")
        assert selected(app) == "Kataib Hezbollah fighters arrived"
        await pilot.press("left_square_bracket")  # [ one more at the start
        assert selected(app) == "of Kataib Hezbollah fighters arrived"
        await pilot.press("left_curly_bracket")  # { one fewer at the start
        assert selected(app) == "Kataib Hezbollah fighters arrived"
        await pilot.press("right_curly_bracket", "right_square_bracket")  # } then ] again
        assert selected(app) == "Kataib Hezbollah fighters arrived"
        await pilot.press("right_square_bracket", "right_square_bracket", "right_curly_bracket")
        assert selected(app) == "Kataib Hezbollah fighters arrived in"
        # Part of a sentence in 7 keys: five ] from the first word, then + and Enter.
        view.clear_selection()
        view.move_cursor(view.location_of(text.index("Kataib")))
        await pilot.press(*["right_square_bracket"] * 4, "right_square_bracket", "plus", "enter")
        await pilot.pause()
        added = session.doc("d1").event("n1")
        assert added is not None and added.event.evidence[0].text == "Kataib Hezbollah fighters arrived in"
        assert view.selected_span() is None
    session.close()


async def test_mouse_drag_takes_whole_words_and_shift_click_moves_an_end(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    text = session.doc("d1").text
    async with app.run_test(size=SIZE) as pilot:
        view = app.doc_view

        async def at(offset: int):
            # Where a character is on screen (the text wraps): put the cursor there and ask.
            view.move_cursor(view.location_of(offset))
            await pilot.pause()
            return tuple(view.cursor_screen_offset)

        start, end = await at(text.index("Kataib") + 3), await at(text.index("fighters") + 2)
        await pilot.mouse_down(None, offset=start)
        await pilot.hover(None, offset=end)
        await pilot.mouse_up(None, offset=end)
        await pilot.pause()
        assert selected(app) == "Kataib Hezbollah fighters"  # the cut words completed
        far = await at(text.index("Albukamal") + 4)
        view.select_span(text.index("Kataib"), text.index(" fighters") + len(" fighters"))
        await pilot.click(None, offset=far, shift=True)  # the end moves out to Albukamal
        assert selected(app) == "Kataib Hezbollah fighters arrived in Albukamal"
        near = await at(text.index("Hezbollah") + 1)
        view.select_span(text.index("Kataib"), text.index("Albukamal") + len("Albukamal"))
        await pilot.click(None, offset=near, shift=True)  # the start moves in
        assert selected(app) == "Hezbollah fighters arrived in Albukamal"
    session.close()


async def test_uncovered_view_lists_and_jumps(tmp_path, codebook):
    source = copy_fixture(tmp_path, "uncovered.jsonl")
    session = session_for(source, codebook)
    items = uncovered(session, session.doc("u1"))
    assert [(i.kind, i.label) for i in items] == [
        ("unverified location", "e1 location = Tal Zabrah"),
        ("unknown group", "Liwa al-Qamar al-Akhdar"),
        ("uncoded airstrike", "airstrike"),
        ("uncoded clash", "Clashes"),
        ("unknown place", "Hawijat Dahir"),
    ]
    app = ReviewApp(session)
    text = session.doc("u1").text
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "m: 5 uncovered" in str(app.title_line.render())  # the header says there is something
        await pilot.press("m")
        await pilot.pause()
        assert type(app.screen).__name__ == "UncoveredScreen"
        await pilot.press("down", "down", "enter")  # the airstrike
        await pilot.pause()
        assert selected(app) == "airstrike" and app.focused is app.doc_view
        await pilot.press("v")  # its sentence, ready for +
        assert selected(app) == text[text.index("Unidentified") : text.index("night.") + 6]
    session.close()


async def test_comment_on_the_document_kept_shown_and_undone(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = "two reports of one convoy?"
        await pilot.press("enter")
        await pilot.pause()
        assert session.doc("d1").comment == "two reports of one convoy?"
        assert "two reports of one convoy?" in str(app.doc_view.border_subtitle)
        await pilot.press("N")
        assert app.doc_view.border_subtitle is None  # d2 has none
        await pilot.press("P")
        assert "two reports of one convoy?" in str(app.doc_view.border_subtitle)
    session.close()
    again = session_for(source, codebook)
    d1 = again.doc("d1")
    assert d1.comment == "two reports of one convoy?" and not d1.reviewed  # a comment decides nothing
    assert [(d.kind, d.event, d.after) for d in again.decisions] == [
        ("comment", None, {"comment": "two reports of one convoy?"})
    ]
    again.comment("d1", "")  # removed: a row of its own
    assert again.doc("d1").comment is None
    again.undo()
    assert again.doc("d1").comment == "two reports of one convoy?"
    again.close()


async def test_progress_by_reviewer_in_the_header_and_status(source, codebook):
    omar = session_for(source, codebook, reviewer="omar")
    omar.reject("d2", "e1", "planned")
    omar.accept("d2", "e2")
    omar.accept("d3", "e1")
    omar.undo()  # not counted
    omar.close()
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", "a")  # d1 done by maya
        await pilot.pause()
        title = str(app.title_line.render())
        assert "2/3 documents, 4/5 events reviewed (maya 2, omar 2)" in title
    p = progress(session)
    assert (p.by_reviewer["maya"].documents, p.by_reviewer["omar"].documents) == (1, 1)
    assert p.by_reviewer["omar"].decisions == 2
    session.close()
    for args in (["review", "--status", str(source)], ["review", "status", str(source)]):
        result = CliRunner().invoke(cli, [*args, "--codebook", str(ROOT / "codebook")])
        assert result.exit_code == 0, result.output
        assert "2/3 documents reviewed, 4/5 events reviewed" in result.output
        assert "maya: 1 document(s), 2 event(s), 2 decision(s) in force" in result.output
        assert "omar: 1 document(s), 2 event(s), 2 decision(s) in force" in result.output


def test_reviewed_export_carries_document_comments(source, codebook):
    from coder.review import reviewed_export

    session = session_for(source, codebook)
    session.comment("d2", "the reinforcements are planned: nothing to code yet")
    session.accept("d1", "e1")
    session.accept("d1", "e2")
    session.close()
    export = reviewed_export(source, codebook=codebook)
    assert [d.document.id for d in export.documents] == ["d1"]
    assert export.comments == {"d2": "the reinforcements are planned: nothing to code yet"}


def test_plain_mode_comment_uncovered_and_progress(tmp_path):
    source = copy_fixture(tmp_path, "uncovered.jsonl")
    commands = "c the airstrike is not ours to code\nm\n%\nq\n"
    result = CliRunner().invoke(
        cli,
        ["review", str(source), "--plain", "--reviewer", "maya", "--codebook", str(ROOT / "codebook")],
        input=commands,
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "ok: comment on u1 saved" in out
    assert "250-259 uncoded airstrike: airstrike" in out and "392-405 unknown place: Hawijat Dahir" in out
    assert "0/1 documents, 0/1 events reviewed" in out
    again = CliRunner().invoke(
        cli, ["review", str(source), "--plain", "--reviewer", "omar", "--codebook", str(ROOT / "codebook")], input="q\n"
    )
    assert "Comment: the airstrike is not ours to code" in again.output
