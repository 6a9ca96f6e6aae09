"""A case-blind pattern run case-sensitively on lower-cased text (text/prefilter.py case_free,
folded_text) finds exactly the spans the pattern finds on the text, or is not used."""

from __future__ import annotations

import random
import re

from coder.text.prefilter import case_free, folded_text
from tests.test_prefilter import _noise, _patterns


def test_case_free_copies_find_the_same_spans():
    rng = random.Random(6)
    patterns = _patterns() + [
        re.compile(p, re.I)
        for p in (
            r"(?<=,)\s*(?:a|two) days? (?:after|before)\b",
            r"[a-z]+ly\b",
            r"\bthe\s+[^\W\d]+",
            r"\d+\s*km",
            r"(?:^|(?<=\. ))in\b",
            r"[^a-c]x",
            r"café|naïve",
            r"\w+’s\b",
            r"–\s*\d+",
            r"\bs\w+",
        )
    ]
    free = [(p, case_free(p)) for p in patterns]
    assert sum(cf is not None for _p, cf in free) > len(patterns) * 0.8
    vocabulary = sorted({w for p in patterns for w in re.findall(r"[a-z]{2,}", p.pattern)}) + [
        "The",
        "CONVOY",
        "Café",
        "NAÏVE",
        "ſmuggling",
        "İn",
        "ınto",
        "Kılo",
        "\u212aM",
        "ΣΑΣ",
        "straße",
        "STRASSE",
        "3 km",
        "two days after",
        "A Day Before",
        "x",
        "Bx",
        "–",
        "’s",
        "\n",
    ]
    checked = 0
    for _ in range(2500):
        text = _noise(rng, vocabulary)
        low = folded_text(text)
        if low is None:
            continue
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        for p, cf in free:
            if cf is not None:
                expected = [m.span() for m in p.finditer(text, a, b)]
                assert [m.span() for m in cf.finditer(low, a, b)] == expected, (p.pattern, text, a, b)
                checked += len(expected)
    assert checked > 2000


def test_what_case_free_and_folded_text_refuse():
    for pattern in (r"\bentered Syria\b", r"[A-Z]\w+", r"(\w)\1", r"(?-i:abc)", r"é", r"\u212a"):
        assert case_free(re.compile(pattern, re.I)) is None, pattern
    assert case_free(re.compile(r"abc")) is None  # already case-sensitive: nothing to gain
    assert case_free(re.compile(r"abc", re.I | re.A)) is None
    assert case_free(re.compile(r"\bconvoys?\b", re.I)).flags & re.I == 0
    assert folded_text("İdlib") is None  # lower() makes it two characters
    assert folded_text("ſmuggling") is None and folded_text("ınto") is None
    assert folded_text("The Café – ΣΑΣ") == "the café – σας"
