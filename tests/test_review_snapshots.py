"""Snapshots of the main review screens (pytest-textual-snapshot).

Fixed terminal size, a fixed reviewer and no clock on screen, so the SVGs are
the same on every run. Update with: pytest tests/test_review_snapshots.py --snapshot-update
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coder.review import open_session
from coder.review.app import ReviewApp

FIXTURES = Path(__file__).parent / "test_review_fixtures"
SIZE = (150, 40)


@pytest.fixture
def make_app(tmp_path, codebook):
    sessions = []

    def make(**kw) -> ReviewApp:
        source = tmp_path / "proposals.jsonl"
        shutil.copy(FIXTURES / "proposals.jsonl", source)
        session = open_session(source, reviewer="maya", codebook=codebook, clock=lambda: "T", **kw)
        sessions.append(session)
        return ReviewApp(session)

    yield make
    for session in sessions:
        session.close()


def test_main_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE)


def test_flags_and_decisions(snap_compare, make_app):
    # d1: accept e1, edit e2; then d2 with its unaligned, low-confidence proposal selected.
    assert snap_compare(make_app(), terminal_size=SIZE, press=["a", "N"])


def test_markup_document_renders_literally(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["N", "N"])


def test_edit_prompt(snap_compare, make_app):
    # Waits for the scroll to the event to end: on a loaded machine the snapshot caught it midway.
    async def edit(pilot):
        await pilot.press("n")
        await pilot.wait_for_animation()
        await pilot.press("e")
        await pilot.wait_for_animation()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=edit)


def test_add_event_from_selection(snap_compare, make_app):
    async def select(pilot):
        view = pilot.app.doc_view
        view.focus()
        view.move_cursor((0, 29))
        await pilot.press(*["shift+right"] * 33, "plus")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=select)


def test_help_screen(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["question_mark"])


def test_reject_screen_with_codebook_reasons(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=SIZE, press=["r"])


def test_focused_document_with_a_sentence_selected(snap_compare, make_app):
    # The focused pane has a heavy accent border; v selects the sentence at the cursor.
    async def select(pilot):
        view = pilot.app.doc_view
        view.focus()
        view.move_cursor((0, 130))
        await pilot.press("v")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=select)


def test_rejected_reason_and_duplicate(snap_compare, make_app):
    # d2: e1 rejected with the first preset reason (one key), then back on it: the reason is shown.
    assert snap_compare(make_app(), terminal_size=SIZE, press=["N", "r", "1", "p"])


def test_uncovered_view(snap_compare, tmp_path, codebook):
    # u1: an unverified village, an unknown group, an airstrike and a clash the coder does not code.
    source = tmp_path / "uncovered.jsonl"
    shutil.copy(FIXTURES / "uncovered.jsonl", source)
    session = open_session(source, reviewer="maya", codebook=codebook, clock=lambda: "T")
    try:
        assert snap_compare(ReviewApp(session), terminal_size=SIZE, press=["m"])
    finally:
        session.close()


def test_document_comment_and_progress_in_the_header(snap_compare, make_app):
    # d1: both events accepted (the header counts them), then a comment shown on the document's border.
    async def comment(pilot):
        await pilot.press("a", "a", "P", "c")
        await pilot.pause()
        await pilot.press(*"two reports of one convoy?", "enter")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=comment)
