"""Another actor or place from the text for a field (`o`): the names offered, their order, the edit
a pick makes, in the core, plain mode and the app."""

from __future__ import annotations

import pytest

from coder.normalize import Normalizer
from coder.normalize.nearby import names_near
from coder.review.app import ReviewApp
from coder.review.choices import choice_field, choose, name_choices
from coder.review.plain import PlainReview
from coder.review.values import DecisionError

from .review_support import SIZE, anyio_backend, session_for, source  # noqa: F401

TEXT = (
    "Militia convoys left al-Qaim and crossed into Syria, local sources said. "
    "They arrived in al-Mayadin at dawn. Later, Fatemiyoun fighters were seen near Palmyra."
)


def test_names_near_order_inside_the_evidence_nearest_the_present_value(codebook):
    normalizer = Normalizer(codebook)
    first = (0, TEXT.index(" local"))
    names = names_near(normalizer, TEXT, [first], "place", anchor=TEXT.index("Syria"))
    # Both places of the evidence sentence first (distance 0), Syria (at the anchor) before
    # al-Qaim; then the places after it, nearest first, each name once.
    assert [n.name for n in names] == ["Syria", "Al-Qaim", "Al Mayadin", "Palmyra"]
    assert [n.distance for n in names][:2] == [0, 0]
    assert names[2].distance < names[3].distance
    # With no anchor: text order among equals; with no evidence, text order.
    assert [n.name for n in names_near(normalizer, TEXT, [first], "place")][:2] == ["Al-Qaim", "Syria"]
    assert [n.name for n in names_near(normalizer, TEXT, [], "place")] == ["Al-Qaim", "Syria", "Al Mayadin", "Palmyra"]
    assert [n.name for n in names_near(normalizer, TEXT, [first], "actor")] == ["Fatemiyoun Brigade"]


def test_choose_a_place_sets_location_with_its_mention_and_undo_restores(source, codebook):
    session = session_for(source, codebook)
    text = session.doc("d1").text
    field = choice_field(session, "d1", "e1", None)
    assert field == "location"
    choices = name_choices(session, "d1", "e1", field)
    # The present value (Al Bukamal) is not offered; the dateline's town, inside the evidence, first.
    assert [c.name for c in choices] == ["Deir ez-Zor", "Al Mayadin"]
    assert choices[0].context.startswith("Deir Ezzor, March 14")
    choose(session, "d1", "e1", field, choices[1])
    event = session.doc("d1").event("e1").event
    spans = event.fields["location"].spans
    assert event.value("location") == "Al Mayadin" and event.value("admin2") == "Al Mayadin"
    assert [(s.start, s.end) for s in spans] == [(text.index("al-Mayadin"), text.index("al-Mayadin") + 10)]
    session.undo()
    assert session.doc("d1").event("e1").event.value("location") == "Al Bukamal"
    session.close()


def test_highlighted_field_decides_the_kind_and_lists_gain_a_name(source, codebook):
    session = session_for(source, codebook)
    assert choice_field(session, "d1", "e1", "actor1") == "actor1"
    assert [c.name for c in name_choices(session, "d1", "e1", "actor1")] == ["Fatemiyoun Brigade"]
    # A field that takes no names (a date) falls back to the location.
    assert choice_field(session, "d1", "e1", "event_date") == "location"
    with pytest.raises(DecisionError, match="takes no actor or place names"):
        name_choices(session, "d1", "e1", "event_date")
    other = next(c for c in name_choices(session, "d1", "e1", "assoc_actor_1") if c.name == "Fatemiyoun Brigade")
    choose(session, "d1", "e1", "assoc_actor_1", other)
    assert session.doc("d1").event("e1").event.value("assoc_actor_1") == ["Fatemiyoun Brigade"]
    session.close()


def test_plain_o_lists_then_picks(source, codebook):
    import io

    session = session_for(source, codebook)
    out = io.StringIO()
    plain = PlainReview(session, out)
    plain.handle("o")
    plain.handle("o location 3")
    plain.handle("o 2")
    said = out.getvalue()
    assert "ok: 2 other name(s) the text gives for location, nearest the event first" in said
    assert "  1 Deir ez-Zor  0-10 Deir Ezzor, March 14" in said
    assert "error: choose 1-2 ('o location' lists them)" in said
    assert "ok: e1: location = Al Mayadin" in said
    assert session.doc("d1").event("e1").event.value("location") == "Al Mayadin"
    session.close()


@pytest.mark.anyio
async def test_app_o_offers_the_names_and_a_key_picks_one(source, codebook):
    session = session_for(source, codebook)
    app = ReviewApp(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("1")
        await pilot.pause()
        assert session.doc("d1").event("e1").event.value("location") == "Deir ez-Zor"
        await pilot.press("u")
        await pilot.press("o", "escape")
        await pilot.pause()
        assert session.doc("d1").event("e1").event.value("location") == "Al Bukamal"
    session.close()
