"""A HeadSearch finds what its pattern finds: for every codebook pattern the coder searches that way,
on texts made of the pattern's own words (so that it matches often), between random bounds."""

from __future__ import annotations

import random
import re

from coder.base import make_coder
from coder.codebook import load_codebook
from coder.text.headsearch import HeadSearch, head_search
from coder.text.prefilter import Prefilter

_OTHER = ["the", "a", "of", "x", "said", "day", "un", "1", "_", "men's", "re-"]
_GAPS = [" ", " ", ", ", ". ", "-", "", "  ", "\n", "'", "_"]


def _texts(rng: random.Random, words: list[str], n: int) -> list[str]:
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 25)):
            parts.append(rng.choice(words))
            parts.append(rng.choice(_GAPS))
        out.append("".join(parts))
    return out


def test_head_search_finds_what_the_pattern_finds():
    coder = make_coder("rules", load_codebook())
    index = coder._patterns
    rng = random.Random(11)
    searched = 0
    for pattern in index._by_id.values():
        fast = index.searcher_of(pattern)
        if not isinstance(fast, HeadSearch):
            continue
        lower = fast.pattern
        words = re.findall(r"[a-z]+", lower.pattern.replace("\\b", " ").replace("\\s", " ").replace("\\w", " "))
        for text in _texts(rng, words + _OTHER, 300):
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            want = lower.search(text, a, b)
            got = fast.search(text, a, b)
            assert (want and want.span()) == (got and got.span()), (lower.pattern, text, a, b)
            assert [m.span() for m in lower.finditer(text, a, b)] == [m.span() for m in fast.finditer(text, a, b)]
            searched += want is not None
    assert searched > 500


def test_only_alternations_with_first_words_are_searched_by_their_heads():
    top = re.compile(r"(?:\b(planned|intends) to\b)|(?:\b(wants|hopes) to\b)")
    assert isinstance(head_search(top, Prefilter.of(top)), HeadSearch)
    literal = re.compile(r"(?:\bplanned to\b)|(?:\bintends? to\b)")
    assert head_search(literal, Prefilter.of(literal)) is None  # re rejects each branch by its first letter
    single = re.compile(r"\b(convoys?|trucks?)\b")
    assert head_search(single, Prefilter.of(single)) is None  # re scans this one as fast
    digits = re.compile(r"(?:\b\d+ fighters\b)|(?:\bsome fighters\b)")
    assert head_search(digits, Prefilter.of(digits)) is None
    anywhere = re.compile(r"(?:(planned))|(?:\b(intends))")
    assert head_search(anywhere, Prefilter.of(anywhere)) is None  # no \b: a match may start inside a word
    fast = HeadSearch(top, ["planned", "intends", "wants", "hopes"])
    text = "he unplanned to go; she intends to stay and planned to leave"
    assert (
        [m.group() for m in fast.finditer(text)]
        == [m.group() for m in top.finditer(text)]
        == [
            "intends to",
            "planned to",
        ]
    )
