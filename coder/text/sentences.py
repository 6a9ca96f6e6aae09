"""Sentence segmentation with offsets into the original text.

A sentence ends at . ! ? (and any closing quotes or brackets after it) when
what follows starts a new sentence (a capital, a digit, an opening quote or
bracket). It does not end after an abbreviation ("Gen.", "U.S.", "Jan."),
after initials ("A.A.", "(A.A.)"), or inside a number ("1.5"). A bullet or a
line break always starts a new sentence: blocks are segmented separately.
"""

from __future__ import annotations

import re
import string
from typing import NamedTuple

_ABBREVIATIONS = frozenset(
    """
mr mrs ms dr prof gen lt col maj capt sgt brig cmdr adm gov sen rep st jr sr no nos vol fig approx est
inc ltd co corp dept univ mt ft vs etc al jan feb mar apr jun jul aug sep sept oct nov dec
""".split()
)
# Candidate boundaries: terminal punctuation, optional closers, whitespace.
# (Its stop class written out once before the repeat: re scans for a first character only when
# the pattern starts with a plain class, not a repeat of one, and tried this at every position.)
_BOUNDARY = re.compile(r"[.!?…][.!?…]*[\"'”’»)\]]*(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'“‘«(\[]*[A-Z0-9\u0600-\u06FF•]")
# The two without their characters outside ASCII, for an ASCII text (where those never stand): re
# tests a character against a class of ASCII characters by one look-up, against one that holds
# others item by item, at every position it scans.
_BOUNDARY_ASCII = re.compile(r"[.!?][.!?]*[\"')\]]*(?=\s+)")
_NEXT_START_ASCII = re.compile(r"\s+[\"'(\[]*[A-Z0-9]")
_BULLET = re.compile(r"(?:^|(?<=\s))[•▪●◦‣∙·]\s+|(?:^|(?<=\n))\s*[-*]\s+")
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?$")
# Compiled once (re.search with a string looks the pattern up in re's cache on every call).
_DOTTED = re.compile(r"(?:\b[A-Za-z]\.){2,}$")
_BULLET_ONE = re.compile(r"[•▪●◦‣∙·]")
_DASH_OPENS = re.compile(r"\s*[-*]")
_BULLET_MARK = re.compile(r"[•▪●◦‣∙·\-*]\s+")
_BULLET_MARKS = frozenset("•▪●◦‣∙·-*")  # the first character of every _BULLET_MARK match
_ASCII_LETTERS = string.ascii_letters
_LETTERS = frozenset(_ASCII_LETTERS)  # _WORD_BEFORE's


class Sentence(NamedTuple):
    """A tuple, not a frozen dataclass: one is made for every sentence of every document, and a
    frozen dataclass sets each field through object.__setattr__ (five times the cost)."""

    start: int
    end: int
    block: int  # index of the kept region it is in

    def text(self, document_text: str) -> str:
        return document_text[self.start : self.end]


def _is_abbreviation(text: str, dot: int, start: int) -> bool:
    """True if the '.' at text[dot] closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    low = max(start, dot - 12)
    if dot > low:
        # Most stops end a word of two letters or more ("said."): its letters are the word, and a
        # dotted acronym is ruled out (its last letter stands alone); or follow no letter at all.
        # A stop or a line break before the dot is left to the patterns ("$" matches before "\n").
        last = text[dot - 1]
        if last in _LETTERS:
            if dot - 1 > low and text[dot - 2] in _LETTERS:
                before = text[low:dot]
                return before[len(before.rstrip(_ASCII_LETTERS)) :].lower() in _ABBREVIATIONS
        elif last != "." and last != "\n":
            return False
    before = text[low:dot]
    m = _WORD_BEFORE.search(before)
    if not m:
        return False
    word = m.group(1)
    if len(word) == 1 and word.isupper():
        return True  # an initial: "A.A.", "J. Smith"
    if word.lower() in _ABBREVIATIONS:
        return True
    # Dotted acronyms: "U.S.", "U.N."
    return bool(_DOTTED.search(text[max(start, dot - 12) : dot + 1]))


# A span this long is not scanned by _BULLET itself (its lookbehinds are tried at every character:
# a tenth of a second a megabyte, on a one-line page with one bullet anywhere): a match starts at a
# bullet character, at the text's start or after a line break, which str.find finds in C, and
# _BULLET is tried there only.
_LONG_SPAN = 2000
_BULLET_CHARS = "•▪●◦‣∙·"


def _bullets(text: str, start: int, end: int) -> list[int]:
    """The starts of _BULLET.finditer(text, start, end)'s matches."""
    if end - start < _LONG_SPAN:
        return [m.start() for m in _BULLET.finditer(text, start, end)]
    places = [start]  # (also where a line break just before it lets the dash bullet match)
    for mark in _BULLET_CHARS + "\n":
        at = text.find(mark, start, end)
        while at >= 0:
            places.append(at + 1 if mark == "\n" else at)
            at = text.find(mark, at + 1, end)
    out = []
    after = start  # matches do not overlap: the next is looked for where the last ended
    for at in sorted(set(places)):
        if at >= after:
            found = _BULLET.match(text, at, end)
            if found is not None:
                out.append(at)
                after = found.end()
    return out


def _split_region(text: str, start: int, end: int, plain: bool = False) -> list[tuple[int, int]]:
    """`plain`: the text is ASCII (no bullet character, no stop or quote outside ASCII)."""
    pieces: list[tuple[int, int]] = []
    boundary, next_start = (_BOUNDARY_ASCII, _NEXT_START_ASCII) if plain else (_BOUNDARY, _NEXT_START)
    # Bullets start new sentences: cut the region at each bullet first.
    cuts = [start]
    # (_BULLET tries its lookbehinds at every position: a quick look first for what every match
    # needs skips it on almost every region: a bullet character, or a "-" or "*" that opens a
    # line, at the region's start or after a line break in it; hyphens inside words are common.)
    if (
        (not plain and _BULLET_ONE.search(text, start, end))
        or text.find("\n", start, end) >= 0
        or _DASH_OPENS.match(text, start, end)
    ):
        for at in _bullets(text, start, end):
            if at > start:
                cuts.append(at)
    cuts.append(end)
    for a, b in zip(cuts, cuts[1:]):
        pos = a
        for m in boundary.finditer(text, a, b):
            stop = m.end()
            nxt = next_start.match(text, stop, b)
            if nxt is None:
                continue
            if _is_abbreviation(text, m.start(), pos):
                # "(A.A.)" and "U.S." do not end a sentence, unless what follows
                # is clearly a new one (a line would not continue after "etc.").
                continue
            pieces.append((pos, stop))
            pos = stop
        pieces.append((pos, b))
    out = []
    for a, b in pieces:
        seg = text[a:b]
        kept = seg.strip()
        if not kept:
            continue
        # kept[0] is no space: its first place in seg is where the spaces before it end.
        a += seg.find(kept[0])
        b = a + len(kept)
        # A bullet mark is not part of the sentence.
        if text[a] in _BULLET_MARKS:
            m = _BULLET_MARK.match(text, a, b)
            if m:
                a = m.end()
        if b > a:
            out.append((a, b))
    return out


# No real sentence is this long (the longest in the golden set is ~430
# characters). A text without stops would otherwise be one "sentence" of
# megabytes, and every per-sentence step of the coder would be quadratic in it.
MAX_SENTENCE = 1000
_CUT = re.compile(r"[,;:]\s|\s")


def _bounded(text: str, a: int, b: int) -> list[tuple[int, int]]:
    """(a, b) cut into pieces of at most MAX_SENTENCE characters, at a clause
    mark or a space when there is one, trimmed; linear in b - a."""
    out = []
    while b - a > MAX_SENTENCE:
        window = text[a + MAX_SENTENCE // 2 : a + MAX_SENTENCE]
        cuts = [m.end() for m in _CUT.finditer(window)]
        cut = a + MAX_SENTENCE // 2 + cuts[-1] if cuts else a + MAX_SENTENCE
        piece = text[a:cut].rstrip()
        out.append((a, a + len(piece)))
        a = cut
        while a < b and text[a].isspace():
            a += 1
    if b > a:
        out.append((a, b))
    return out


def split_sentences(text: str, regions: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """Sentences of the given regions (default: the whole text, line by line)."""
    if regions is None:
        regions = [(m.start(), m.end()) for m in re.finditer(r"[^\n\r]+", text)]
    out: list[Sentence] = []
    plain = text.isascii()
    for index, (start, end) in enumerate(regions):
        for a, b in _split_region(text, start, end, plain):
            if b - a > MAX_SENTENCE:
                out.extend(Sentence(x, y, index) for x, y in _bounded(text, a, b))
            else:
                out.append(Sentence(a, b, index))
    return out
