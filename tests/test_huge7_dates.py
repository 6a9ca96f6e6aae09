"""Text that is not all ASCII (a curly quote, a transliterated "ā") is still matched on its
lower-cased copy where folded_text allows it; the answers equal the plain case-blind pass."""

from __future__ import annotations

import random
import re
from datetime import date

from coder.normalize import find_dates
from coder.normalize.dates import _CUE, _PATTERNS
from coder.text.prefilter import case_free
from tests.test_dates_speed import _VOCABULARY, _plain

_MORE = ["’", "‘", "Ḥamā", "Dayr az-Zawr", "ţ", "ī", "\u212a", "Σ", "ΣΑΣ", "ǅ", "Ⅻ", "İ", "ı"]


def test_the_date_patterns_are_case_free():
    # What matching them on folded text rests on (text/prefilter.py case_free); the two
    # case-sensitive ones hold no letter at all, so folding cannot change their matches.
    assert case_free(_CUE) is not None
    for _kind, pattern in _PATTERNS:
        if pattern.flags & re.I:
            assert case_free(pattern) is not None
        else:
            assert not re.search(r"[A-Za-z]", re.sub(r"\(\?P<\w+>|\\[bdsw]", "", pattern.pattern))


def test_dates_in_text_beyond_ascii_equal_the_plain_pass():
    rng = random.Random(7)
    words = _VOCABULARY + _MORE * 3
    found = 0
    for _ in range(3000):
        parts = []
        for _ in range(rng.randint(1, 30)):
            parts.append(rng.choice(words))
            parts.append(rng.choice([" ", " ", ", ", "-", ". ", "\n", "", "’s "]))
        text = "".join(parts)
        start = rng.randint(0, len(text) // 3)
        end = rng.randint(start, len(text))
        pub = rng.choice([None, date(2021, 3, 10)])
        expected = _plain(text, pub, start, end, None)
        assert find_dates(text, pub, start, end, None, chain=True) == expected, (text, start, end)
        found += len(expected)
    assert found > 500
