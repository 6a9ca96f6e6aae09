"""Shortcuts of the rule coder's event building (speed15) answer as the plain searches do."""

from __future__ import annotations

import random
import re
from pathlib import Path

from coder.rules.locate import _THE_TOWN, _TOWN_NOUNS
from coder.rules.unnamed import unnamed_force
from coder.text.prefilter import words_of

ROOT = Path(__file__).resolve().parent.parent


def _sentences() -> list[str]:
    found = []
    for path in sorted([*(ROOT / "golden").glob("*.txt"), *(ROOT / "examples").glob("*.txt")]):
        found += [s for s in re.split(r"(?<=[.!?])\s+|\n+", path.read_text(encoding="utf-8")) if s.strip()]
    return found


def test_unnamed_force_with_words_equals_the_search():
    # Every alternative of the pattern, in other cases and spellings, and the golden sentences.
    made = [
        "An IRAN-BACKED Militia arrived.",
        "a newly formed unit moved",
        "groups loyal to Tehran crossed",
        "Afghan Shiite fighters came",
        "Tehran’s proxy militias left",
        "trucks of Iranian-made drones",
        "another detachment",
        "Iraqi armed groups",
        "IRGC-affiliated formations",
        "one ſmall brigade",
    ]
    rng = random.Random(15)
    sentences = _sentences()
    assert len(sentences) > 1000
    hits = 0
    for text in made + sentences:
        for start, end in ((0, len(text)), (rng.randint(0, len(text)), len(text))):
            plain = unnamed_force(text, start, end)
            hits += plain is not None
            assert unnamed_force(text, start, end, words_of(text, start, end)) == plain, text[start:end]
    assert hits > 50


def test_town_anaphor_needs_its_noun_among_the_words():
    # _town_said_before asks _THE_TOWN only of a sentence whose words hold city, town or village.
    made = ["arrived in the CITY", "moved into that Town.", "reached this village, then"]
    found = 0
    for text in made + _sentences():
        for start in range(len(text)):
            if _THE_TOWN.match(text, start):
                found += 1
                assert not _TOWN_NOUNS.isdisjoint(words_of(text)), text
                break
    assert found > 10
