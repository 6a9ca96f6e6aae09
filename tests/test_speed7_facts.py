"""A region's dates need the anchor the regions before it leave only where a pattern that reads the
anchor can match: every such match holds "day" and one of facts._DAY_RELATIVE. Checked on every
phrase of up to five words over the patterns' own vocabulary, and on documents whose regions
chain ("the next day") or do not ("throughout the day")."""

from __future__ import annotations

import itertools
import re
from datetime import date

from coder.base import make_coder
from coder.codebook import load_codebook
from coder.models import Document
from coder.normalize import dates
from coder.normalize.dates import find_dates
from coder.rules.facts import _DAY_RELATIVE

_ANCHORED = ("next_day", "same_day", "day_before")


def _words_of_patterns() -> set[str]:
    words = set()
    for kind, pattern in dates._PATTERNS:
        if kind in _ANCHORED:
            words |= set(re.findall(r"[a-z]+", pattern.pattern.replace("\\b", " ")))
    return words


def test_every_anchored_match_holds_day_and_a_relative_word():
    vocabulary = sorted(_words_of_patterns() | {"x", "yesterday", "throughout"})
    patterns = [p for kind, p in dates._PATTERNS if kind in _ANCHORED]
    matched = 0
    for n in range(1, 5):
        for phrase in itertools.product(vocabulary, repeat=n):
            text = " ".join(phrase)
            for pattern in patterns:
                m = pattern.search(text)
                if m:
                    said = set(m.group().lower().split())
                    assert "day" in said and not said.isdisjoint(_DAY_RELATIVE), m.group()
                    matched += 1
    assert matched > 300


def test_a_region_that_needs_no_anchor_codes_as_with_one():
    coder = make_coder("rules", load_codebook())
    published = date(2021, 3, 10)
    for second in (
        "Residents said the road stayed open throughout the day.",
        "The next day a convoy of Fatemiyoun fighters entered al-Mayadin.",
        "A day later Hezbollah fighters moved to Albu Kamal.",
    ):
        text = (
            "On March 3 a convoy of Kataib Hezbollah fighters entered al-Mayadin, local sources said.\n\n"
            + second
            + " A convoy of trucks entered Albu Kamal the same day."
        )
        doc = Document(id="d", text=text, publication_date=published)
        coded = coder.code(doc)
        assert coded.status == "ok"
        # Every date the coder gave is the one find_dates gives the whole text, chained.
        chained = {d.iso for d in find_dates(text, published, chain=True)}
        for event in coded.events:
            value = event.value("event_date")
            if value is not None and event.fields["event_date"].spans:
                assert value in chained
