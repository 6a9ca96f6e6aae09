"""The short cuts of line classification and sentence splitting answer as the long way does:
trimmed lines are the lines the pattern finds, trimmed; a line's words made from its runs are
words_of(line); byte-table folding is the pattern's; a sentence is still a (start, end, block)."""

from __future__ import annotations

import random
import re
import sys

from coder.text import Sentence, classify_blocks, split_sentences
from coder.text.furniture import (
    _END_OF_ARTICLE,
    _MENU_MARK,
    _SENTENCE_END,
    _WIDE_GAP,
    _WORD,
    _ends_article,
    _ends_sentence,
    _fold,
    _line_words,
    _lines,
    _looks_like_menu,
    _meta_line,
    _meta_of,
    _words,
)
from coder.text.prefilter import _DIGIT_HEAD, words_of
from coder.text.sentences import _ABBREVIATIONS, _DOTTED, _WORD_BEFORE, _is_abbreviation

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
        assert set(_line_words(line, found, _fold(line))) - {_DIGIT_HEAD} == words_of(line) - {_DIGIT_HEAD}, line


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


def test_every_space_but_the_space_is_unprintable():
    # _looks_like_menu skips its three-spaces pattern on a printable line without two spaces in a row.
    assert all(not chr(c).isprintable() for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c) != " ")


_LINES = [
    "Related articles",
    "ſee also",
    "Tags: Syria",
    "tagline",
    "By John Smith",
    "by John Smith",
    "written by Ann Lee",
    "Author: X Y",
    "3 min read",
    "Monday, March 3, 2021",
    "2021-03-03 10:30",
    "٣/٤/2021",
    "a  b   c",
    "a\t\tb\tc",
    "x\u00a0\u00a0\u00a0y",
    "Home | News | More",
    "He said. ",
    "He said.' \"",
    "He said.)",
    "He said.) x",
    "…",
    ")",
    "_by John",
    "KELVIN related",
]


def test_line_checks_answer_as_their_patterns():
    rng = random.Random(3)
    lines = _LINES + [_text(rng).strip() for _ in range(5000)]
    lines += [rng.choice(_LINES) + rng.choice(["", ".", " x", "  ", ":"]) for _ in range(2000)]
    for line in lines:
        found = _words(line)
        assert _meta_of(line, found) == _meta_line(line), line
        assert _ends_article(line, found) == bool(_END_OF_ARTICLE.match(line)), line
        assert _ends_sentence(line) == bool(_SENTENCE_END.search(line)), line
        menu = _MENU_MARK.search(line) is not None or _WIDE_GAP.search(line) is not None
        if not menu:
            assert not _looks_like_menu(line, len(found)), line


def test_abbreviations_answer_as_the_patterns():
    rng = random.Random(4)
    pieces = list("aB.. \nxY.Z.") + ["U.S.", "Dr.", "etc.", "Gen.", "A.", "approx.", "ab.", "1.5", "\n."]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 10)))
        for dot in range(len(text)):
            if text[dot] != ".":
                continue
            start = rng.randint(0, dot)
            before = text[max(start, dot - 12) : dot]
            m = _WORD_BEFORE.search(before)
            want = bool(m) and (
                (len(m.group(1)) == 1 and m.group(1).isupper())
                or m.group(1).lower() in _ABBREVIATIONS
                or bool(_DOTTED.search(text[max(start, dot - 12) : dot + 1]))
            )
            assert _is_abbreviation(text, dot, start) == want, (text, dot, start)
