"""Grounding survives the word-level changes models make, and still refuses invented quotes.

A model writes "3" for "three", drops a "the", respells al-Mayadeen as
Mayadin; none of that changes what the quote says. A changed figure, a
swapped name or a dropped content word does, and stays unaligned.
"""

from __future__ import annotations

import pytest

from coder.llm.align import Aligner
from coder.models import Alignment

TEXT = (
    "Local sources said on Sunday that three buses carrying fighters of the Fatemiyoun Brigade arrived "
    "in al-Mayadeen city from the Iraqi border, where they were stationed in the headquarters of the "
    "militia near the old bridge. Two days later the Syrian army sent reinforcements to Palmyra."
)


@pytest.fixture(scope="module")
def normalizer(codebook):
    from coder.normalize import Normalizer

    return Normalizer(codebook)


@pytest.fixture
def aligner(normalizer):
    return Aligner(TEXT, normalizer=normalizer)


def span_text(hit):
    return TEXT[hit.spans[0].start : hit.spans[-1].end]


@pytest.mark.parametrize(
    "quote, expected",
    [
        ("3 buses carrying fighters", "three buses carrying fighters"),  # number word -> digits
        ("2 days later the Syrian army", "Two days later the Syrian army"),
        ("fighters of Fatemiyoun Brigade arrived", "fighters of the Fatemiyoun Brigade arrived"),  # dropped "the"
        ("stationed in headquarters of the militia", "stationed in the headquarters of the militia"),
        ("carrying the fighters of the Fatemiyoun Brigade", "carrying fighters of the Fatemiyoun Brigade"),  # added
        ("Mayadin", "al-Mayadeen"),  # respelled name
        ("arrived in al-Mayadin city from the Iraqi border", "arrived in al-Mayadeen city from the Iraqi border"),
    ],
)
def test_word_level_changes_align_to_the_right_words(aligner, quote, expected):
    hit = aligner.align(quote)
    assert hit.grounded, quote
    assert span_text(hit) == expected


@pytest.mark.parametrize(
    "quote",
    [
        "4 buses carrying fighters",  # a different figure
        "three buses carrying fighters of the Zainabiyoun Brigade",  # another actor
        "arrived in Palmyra city from the Iraqi border",  # another place, in the same text
        "fighters of the Fatemiyoun Brigade left al-Mayadeen city",  # a content word changed
        "Homs",
    ],
)
def test_word_level_guards_still_refuse(aligner, quote):
    assert not aligner.align(quote).grounded, quote


def test_the_next_best_window_is_tried_when_the_best_is_refused():
    # The first window is as close as the right one (same typos, another figure) and the
    # digit guard refuses it; the right one, further on, must still be found.
    text = (
        "A convoy of 16 pickup vehicles carying fightrs was seen in March. "
        "Later a convoy of 15 pickup vehicles carrying fighters arrived in the town."
    )
    hit = Aligner(text).align("convoy of 15 pickup vehicles carying fightrs")
    assert hit.grounded and hit.alignment == Alignment.fuzzy
    assert text[hit.spans[0].start : hit.spans[0].end] == "convoy of 15 pickup vehicles carrying fighters"


def test_a_quote_naming_the_kind_of_place_takes_the_document_s_word_for_it(normalizer):
    # The text says "the eastern Deir ez-Zor countryside"; a model writes "governorate" (the same
    # gazetteer place). The document's own word for the area stands in its place.
    text = "Sources said the villages of the eastern Deir ez-Zor countryside are held by Iranian-backed militias."
    hit = Aligner(text, normalizer=normalizer).align(
        "eastern Deir ez-Zor governorate are held by Iranian-backed militias"
    )
    assert hit.grounded
    assert text[hit.spans[0].start : hit.spans[-1].end] == (
        "eastern Deir ez-Zor countryside are held by Iranian-backed militias"
    )
