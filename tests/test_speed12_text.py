"""The per-document short cuts of text preparation answer as the per-line and per-span ways do:
sentence words read from the document folded once are words_of of the span; a line's furniture
checks made from the page (its runs, its lower-cased text) are the line's own; the ASCII sentence
patterns split an ASCII text as the full ones do."""

from __future__ import annotations

import random
import re
import sys

from coder.text import furniture
from coder.text.furniture import (
    _CAPTION_NEEDS,
    _STRONG_FIRST,
    _STRONG_LOW,
    _STRONG_WORDS,
    _WEAK,
    _WEAK_FIRST,
    _WEAK_LOW,
    _WORD,
    _lines,
    _looks_like_menu,
    _may_be_caption,
    _Page,
    _search_words,
    _words,
    classify_blocks,
)
from coder.text.prefilter import SpanWords, words_of
from coder.text.sentences import _split_region

_PIECES = list("ab Cd.E!?\n\r\t\u00a0'_’|•/>©[]()-*019…\"”") + [
    " Read more ",
    " Photo: x ",
    " share this ",
    " all rights reserved ",
    " Home ",
    " menu ",
    " U.S. ",
    " Gen. ",
    " still ",
    " İ ",
    " ſ ",
    " ā ",
    "  ",
    "\x0b",
]


def _text(rng: random.Random, ascii_only: bool = False) -> str:
    pieces = [p for p in _PIECES if p.isascii()] if ascii_only else _PIECES
    return "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))


def test_span_words_are_words_of_the_span():
    rng = random.Random(12)
    for _ in range(3000):
        text = _text(rng)
        span_words = SpanWords(text)
        for _ in range(5):
            a = rng.randint(0, len(text))
            b = rng.randint(a, len(text))
            assert span_words(a, b) == words_of(text, a, b), (text, a, b)


def test_span_words_fast_at_every_character_outside_ascii_but_word_characters():
    # A character outside ASCII that is no word character (a curly quote, a dash) parts words and
    # starts none, as the byte table's "?" does: a span holding one is read from the folded text.
    nonword = [chr(c) for c in range(0x80, sys.maxunicode + 1) if not re.match(r"\w", chr(c))]
    for i in range(0, len(nonword), 20000):
        text = "".join(f"a{c}9{c}Ab_{c}1x " for c in nonword[i : i + 20000])
        span_words = SpanWords(text)
        assert not span_words.wide and span_words(0, len(text)) == words_of(text), i


def test_long_line_words_read_a_piece_at_a_time(monkeypatch):
    # A long line that is not ASCII: its _WORD runs read piece by piece (cut at spaces, most from the
    # page's runs) are findall's over the whole line.
    rng = random.Random(14)
    monkeypatch.setattr(furniture, "_CHUNK", 8)
    for _ in range(3000):
        text = _text(rng) + _text(rng)
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert furniture._words_of_long(text, a, b, _Page(text).runs) == _WORD.findall(text[a:b]), (text, a, b)


def test_page_answers_as_each_line():
    rng = random.Random(13)
    for _ in range(3000):
        text = _text(rng)
        page = _Page(text)
        for start, end in _lines(text):
            line = text[start:end]
            if not line.isascii():
                continue
            assert (
                page.runs[start:end].split()
                == line.encode("ascii")
                .translate(bytes(c if chr(c).isalnum() or chr(c) == "'" else 32 for c in range(128)) + bytes(128))
                .decode("ascii")
                .split()
            )
            found = _words(line)
            assert found == _WORD.findall(line)
            words = words_of(line)
            if page.low is not None:
                at = (page.low, start, end)
                assert page.caption(start, end) == _may_be_caption(line), line
                for pattern, lower, first in (
                    (_STRONG_WORDS, _STRONG_LOW, _STRONG_FIRST),
                    (_WEAK, _WEAK_LOW, _WEAK_FIRST),
                ):
                    assert _search_words(pattern, lower, first, line, words, at) == (
                        pattern.search(line) is not None
                    ), line
            if page.printable:
                assert line.isprintable(), line
                assert _looks_like_menu(line, len(found), True) == _looks_like_menu(line, len(found)), line
    assert set(_Page("Photo (x)").needs) <= set(_CAPTION_NEEDS)


def test_ascii_sentence_patterns_split_as_the_full_ones():
    rng = random.Random(14)
    for _ in range(5000):
        text = _text(rng, ascii_only=True)
        assert _split_region(text, 0, len(text), True) == _split_region(text, 0, len(text)), text


def test_classify_blocks_on_pages_with_and_without_other_characters():
    text = "Home | News | Reports\nPhoto: the convoy (AFP)\nFighters arrived in the town on Monday, sources said.\n"
    kinds = [b.kind for b in classify_blocks(text)]
    assert kinds == [b.kind for b in classify_blocks(text.replace("Fighters", "Fīghters"))]
    assert kinds == ["furniture", "heading", "body"]
