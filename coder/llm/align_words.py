"""Word-level grounding: what a model changes in whole words without changing the meaning.

Letter-level tolerance (align.py) stops at the word: a dropped "the", "3" for
"three" or "Mayadin" for "al-Mayadeen" costs whole words, which a similarity
ratio over characters either refuses or would have to be loosened for. Three
narrow steps instead, each keeping the guards that make grounding strict:

- number words are read as digits on both sides (`canonical_numbers`), so the
  digit guard compares figures, not spellings ("three" = "3", never "4");
- `token_matches`: the quote's words in order, with at most one short word
  (the, of, in...) dropped or added, other words equal or one letter slip
  apart, figures equal;
- `respell`: names the shared normaliser reads as the same entity are
  rewritten to the document's own spelling, looked for nearest the evidence;
  a name for an entity the document never mentions is left as it is, and so
  stays unaligned.
"""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz

from ..normalize.numbers import NUMBER_WORD_VALUES, TENS_WORDS

NUMBER_WORDS = list(NUMBER_WORD_VALUES)
_VALUES = NUMBER_WORD_VALUES
_NUMBER_WORD = re.compile(
    r"\b(?:(" + "|".join(TENS_WORDS) + r")-(one|two|three|four|five|six|seven|eight|nine)"
    r"|(" + "|".join(sorted(_VALUES, key=len, reverse=True)) + r"))\b"
)
# Words a model drops or adds without changing what the quote says. A list, not a
# length: "not" and "no" are short and change everything.
FUNCTION_WORDS = frozenset(
    "the a an of in on at by for from with to into onto and or as its their his her this that these those "
    "which who whom was were is are has have had been be also some".split()
)
_TOKEN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")


def canonical_numbers(text: str, index: list[int], stop: list[int]) -> tuple[str, list[int], list[int]]:
    """Folded text with number words as digits; offsets of each digit cover the whole word."""
    if not _NUMBER_WORD.search(text):
        return text, index, stop
    out: list[str] = []
    new_index: list[int] = []
    new_stop: list[int] = []
    last = 0
    for m in _NUMBER_WORD.finditer(text):
        out.append(text[last : m.start()])
        new_index.extend(index[last : m.start()])
        new_stop.extend(stop[last : m.start()])
        value = _VALUES[m.group(1)] + _VALUES[m.group(2)] if m.group(1) else _VALUES[m.group(3)]
        digits = str(value)
        out.append(digits)
        new_index.extend([index[m.start()]] * len(digits))
        new_stop.extend([stop[m.end() - 1]] * len(digits))
        last = m.end()
    out.append(text[last:])
    new_index.extend(index[last:])
    new_stop.extend(stop[last:])
    return "".join(out), new_index, new_stop


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    if _DIGIT.search(a) or _DIGIT.search(b):
        return False  # figures must be equal, not similar
    return len(a) >= 4 and len(b) >= 4 and fuzz.ratio(a, b) >= 85


def _short(word: str) -> bool:
    return word in FUNCTION_WORDS


def tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def token_matches(text_tokens: list[tuple[str, int, int]], quote: str, edited: bool = False) -> list[tuple[int, int]]:
    """`edited`: only runs that needed a function word dropped or added.
    (start, end) in the folded text of each run of words that is the quote give or take
    one short word; the content words must all be there, in order."""
    q = [w for w, _s, _e in tokens(quote)]
    if len(q) < 2 or sum(1 for w in q if len(w) >= 4 and not _short(w)) < 2:
        return []  # too little left to tell a real quote from a lucky one
    words = [w for w, _s, _e in text_tokens]
    # One function word dropped or added; two in a long quote, where the content words
    # that must all be there, in order, leave no room for a different statement.
    content = sum(1 for w in q if not _short(w))
    allowed = 1 if content < 6 else 2
    found = []
    for i, word in enumerate(words):
        starts = []
        if _same(q[0], word):
            starts.append((0, 0))
        if len(q) > 2 and _short(q[0]) and _same(q[1], word) and not (i and _same(q[0], words[i - 1])):
            starts.append((1, 1))  # the quote added a short word in front
        for j0, used in starts:
            end = _follow(q, words, i, j0, allowed - used)
            if end is not None and edited and end - i + 1 == len(q) and not used:
                end = None  # word for word: the character steps place it better (punctuation kept)
            if end is not None:
                found.append((text_tokens[i][1], text_tokens[end][2]))
                break
    return found


def _follow(q: list[str], words: list[str], k: int, j: int, edits: int) -> int | None:
    """Index of the last text word matched when q[j:] follows from words[k] with at most
    `edits` function words dropped or added, else None."""
    last = None
    while j < len(q):
        if k < len(words) and _same(q[j], words[k]):
            last, j, k = k, j + 1, k + 1
            continue
        if edits <= 0:
            return None
        if k + 1 < len(words) and _short(words[k]) and _same(q[j], words[k + 1]):
            edits, k = edits - 1, k + 1  # the document has a short word the quote dropped
            continue
        if _short(q[j]) and (j + 1 == len(q) or (k < len(words) and _same(q[j + 1], words[k]))):
            edits, j = edits - 1, j + 1  # the quote added a short word
            continue
        return None
    return last


# The gazetteer reads "al-Mayadeen city" as one name; the quote may not say "city".
_GENERIC = {
    "city",
    "town",
    "village",
    "countryside",
    "desert",
    "area",
    "province",
    "governorate",
    "region",
    "district",
    "outskirts",
    "suburb",
    "camp",
}


def _without_generic(spelled: str, quoted: str) -> str:
    quoted_tokens = _TOKEN.findall(quoted)
    if quoted_tokens and quoted_tokens[-1].casefold() in _GENERIC:
        # The quote says what kind of place ("Deir ez-Zor governorate" for the text's "Deir ez-Zor
        # countryside"): the document's own word for it stands in its place.
        return spelled
    quoted_words = {w.casefold() for w in quoted_tokens}
    words = spelled.split()
    while len(words) > 1 and words[-1].casefold() in _GENERIC and words[-1].casefold() not in quoted_words:
        words.pop()
    return spelled[: spelled.rindex(words[-1]) + len(words[-1])] if words else spelled


def respellings(
    normalizer: Any, quote: str, mentions: list[tuple[int, int, str, str]], near_first, limit: int = 8
) -> list[str]:
    """The quote with each name written as the document writes the same entity, one
    rewrite per combination of the document's spellings (nearest the evidence first,
    `limit` at most); none when a name has no mention in the document.

    `mentions`: (start, end, kind, canonical name) of the document's names;
    `near_first(candidates)` orders (start, end, text) by distance to the evidence.
    """
    actors, places = normalizer.find_names(quote)
    named = [(m.start, m.end, "actor", m.match.name) for m in actors]
    named += [(m.start, m.end, "place", m.match.name) for m in places]
    if not named:
        return []
    rewrites = [quote]
    for start, end, kind, name in sorted(named, reverse=True):
        candidates = [(s, e) for s, e, k, n in mentions if k == kind and n == name]
        if not candidates:
            return []
        spellings = list(
            dict.fromkeys(_without_generic(text, quote[start:end]) for _s, _e, text in near_first(candidates))
        )
        rewrites = [r[:start] + spelled + r[end:] for r in rewrites for spelled in spellings][:limit]
    return [r for r in rewrites if r.casefold() != quote.casefold()]
