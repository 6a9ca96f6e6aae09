"""find_numbers on a document's folded text finds what it finds on the text itself."""

from __future__ import annotations

import random

from coder.normalize.numbers import _NUMBER_LOW, find_numbers
from coder.text.prefilter import folded_text

_PIECES = [
    "50",
    "1,200",
    "3.5",
    "2 million",
    "10k",
    "Dozens of",
    "TENS of",
    "a few",
    "A Handful Of",
    "several",
    "Two Hundred",
    "twenty-five",
    "one",
    "ONE",
    "a dozen",
    "thousands",
    "fighters",
    "trucks",
    "İstanbul",
    "ſeveral",
    "Ḥasakah",
    "٣",
    "x50",
    "5.",
    "(12)",
    "\u201cthree\u201d",
    "and",
    "-",
    ",",
    "K",
]


def test_folded_text_gives_the_same_numbers():
    assert _NUMBER_LOW is not None  # the fast path is taken at all
    rng = random.Random(8)
    checked = 0
    for _ in range(3000):
        text = " ".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 12)))
        folded = folded_text(text)
        if folded is None:
            continue  # the coder searches the text itself then
        checked += 1
        start = rng.randint(0, len(text) // 3)
        assert find_numbers(text, start, len(text), folded) == find_numbers(text, start, len(text)), text
    assert checked > 1000
