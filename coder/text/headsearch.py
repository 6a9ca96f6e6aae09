"""A big alternation searched only where a word it can start with starts.

re finds no first character to scan for in a pattern that is an alternation of groups
("(?:\\bplanned to\\b)|(?:\\bintends? to\\b)|...", the codebook's exclusion cues): it tries every
alternative at every position of the text, tens of microseconds a sentence. But each match starts a
word that is, or starts with, one of the pattern's first words (text/prefilter.py reads them from
the pattern), so the pattern need only be tried where such a word starts: an alternation of plain
words re does scan for by their first letters, and a word start is one character to look at.
The answers are the pattern's own: re.match at a position is what re.search tries there, with the
same look at the character before it, and the positions tried hold every match's start.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from re import _constants as _c  # the parser's names (Python 3.11+, as pyproject.toml requires)
from typing import Any

from .prefilter import _DIGIT_HEAD, Prefilter, _inlined, _parsed


class HeadSearch:
    """pattern.search / pattern.finditer, for a pattern every match of which starts a word that is or
    starts with one of `heads` (lower case: the pattern runs on lower-cased text, prefilter.case_free)."""

    __slots__ = ("pattern", "_finder")

    def __init__(self, pattern: re.Pattern[str], heads: Iterable[str]) -> None:
        self.pattern = pattern
        # Longest first is not needed for the positions (a head holds no word start after its own),
        # only a fixed order.
        self._finder = re.compile("|".join(re.escape(h) for h in sorted(set(heads), key=lambda h: (-len(h), h))))

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        match = self.pattern.match
        for head in self._finder.finditer(string, pos, endpos):
            at = head.start()
            if at and (string[at - 1].isalnum() or string[at - 1] == "_"):
                continue  # inside a word: \b fails there
            found = match(string, at, endpos)
            if found is not None:
                return found
        return None

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        match = self.pattern.match
        after = pos  # matches do not overlap: the next starts where the last ended
        for head in self._finder.finditer(string, pos, endpos):
            at = head.start()
            if at < after or (at and (string[at - 1].isalnum() or string[at - 1] == "_")):
                continue
            found = match(string, at, endpos)
            if found is not None:
                yield found
                after = found.end()  # a match holds a head's letters: never empty


def head_search(pattern: re.Pattern[str], first: Prefilter) -> HeadSearch | None:
    """A HeadSearch for a pattern that is an alternation at its top and whose first words are known
    (no digit among them); None for any other, which re searches as fast or faster itself."""
    if first.always or _DIGIT_HEAD in first.words or not isinstance(pattern.pattern, str):
        return None
    try:
        items = _parsed(pattern.pattern, pattern.flags)
    except (re.error, RecursionError, TypeError, ValueError):
        return None
    return HeadSearch(pattern, [*first.words, *first.prefixes]) if _slow_alternation(items) else None


def _slow_alternation(items: list[Any]) -> bool:
    """The pattern, past a leading \\b, is an alternation some branch of which starts with no
    letter (a group, another alternation): re tries such a branch in full at every word start,
    where it rejects a branch that starts with a letter by that letter."""
    flat = _inlined(items)
    while flat and flat[0][0] is _c.AT:
        flat = flat[1:]
    if not flat or flat[0][0] is not _c.BRANCH:
        return False
    return any(not alternative or _inlined(list(alternative))[0][0] is not _c.LITERAL for alternative in flat[0][1][1])


def _word_starts(string: str, start: int, end: int, heads: Iterable[str]) -> Iterator[int]:
    """The places in string[start:end] where one of `heads` starts a word, head by head, as
    str.find goes to them in C (re would try a pattern at every position)."""
    for head in heads:
        at = string.find(head, start, end)
        while at >= 0:
            if not at or not (string[at - 1].isalnum() or string[at - 1] == "_"):
                yield at
            at = string.find(head, at + 1, end)


def word_matches(
    pattern: re.Pattern[str], string: str, start: int, end: int, heads: Iterable[str], more: Iterable[int] = ()
) -> list[re.Match[str]]:
    """list(pattern.finditer(string, start, end)) for a pattern every match of which starts a word
    that is one of `heads` (whole words, lower case, no digit head: Prefilter.words; the pattern
    runs on lower-cased text, prefilter.case_free), given the heads that are words of
    string[start:end] (all others have no place to start a match), or at one of the places `more`."""
    places = list(more)
    places.extend(_word_starts(string, start, end, heads))
    if len(places) > 1:
        places = sorted(set(places))  # "convoy" is found in "convoys" too
    out = []
    after = start  # matches do not overlap: the next starts where the last ended
    match = pattern.match
    for at in places:
        if at < after:
            continue
        found = match(string, at, end)
        if found is not None:
            out.append(found)
            after = found.end()  # a match holds a head's letters: never empty
    return out


def word_match_exists(pattern: re.Pattern[str], string: str, start: int, end: int, heads: Iterable[str]) -> bool:
    """bool(word_matches(pattern, string, start, end, heads)): word_matches' first match is at the
    first place where the pattern matches, so there is one if the pattern matches at any place; the
    places are tried as found, without collecting, sorting or going on past the first match."""
    match = pattern.match
    return any(match(string, at, end) is not None for at in _word_starts(string, start, end, heads))
