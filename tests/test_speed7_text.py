"""The short cuts of line classification and sentence splitting answer as the long way does:
trimmed lines are the lines the pattern finds, trimmed; a line's words made from its runs are
words_of(line); byte-table folding is the pattern's; a sentence is still a (start, end, block)."""

from __future__ import annotations

import random
import re

from coder.text import Sentence, classify_blocks, split_sentences
from coder.text.furniture import _WORD, _fold, _line_words, _lines, _words
from coder.text.prefilter import _DIGIT_HEAD, words_of

_ALPHABET = list("ab Cd.E!?\n\r\t\u00a0\u2003'_’`|•/»>©[]()-*019…\"”") + [
    "Read more",
    "Photo: x",
    "By John Smith",
    "March 3, 2021",
    " U.S. ",
    "Dr. ",
    "İ",
    "ß",
    "ﬁ",
    "٣",
]


def _text(rng: random.Random) -> str:
    return "".join(rng.choice(_ALPHABET) for _ in range(rng.randint(0, 50)))


def test_lines_are_the_non_blank_lines_trimmed():
    rng = random.Random(1)
    for _ in range(3000):
        text = _text(rng)
        want = []
        for m in re.finditer(r"[^\n\r]+", text):
            raw = m.group()
            if raw.strip():
                want.append((m.start() + len(raw) - len(raw.lstrip()), m.end() - (len(raw) - len(raw.rstrip()))))
        assert _lines(text) == want, text


def test_words_from_runs_are_the_words_of_the_line():
    rng = random.Random(2)
    for _ in range(5000):
        line = _text(rng).strip()
        found = _words(line)
        assert found == _WORD.findall(line)
        assert _line_words(line, found, _fold(line)) == words_of(line), line


def test_words_of_ascii_folds_every_character_as_the_pattern_does():
    for code in range(128):
        text = f"a{chr(code)}B 7x"
        want = {w.lower() for w in re.findall(r"\w+", text)} | {_DIGIT_HEAD}
        assert words_of(text) == want, code


def test_sentences_are_tuples_of_start_end_and_block():
    text = "Gen. Smith left. The convoy moved!\n• A bullet line. Another one."
    found = split_sentences(text)
    assert all(isinstance(s, Sentence) for s in found)
    assert [s.text(text) for s in found] == [
        "Gen. Smith left.",
        "The convoy moved!",
        "A bullet line.",
        "Another one.",
    ]
    assert [s.block for s in found] == [0, 0, 1, 1]
    blocks = classify_blocks("Home | News | Reports\n\n" + text)
    assert [b.kind for b in blocks][0] == "furniture"
