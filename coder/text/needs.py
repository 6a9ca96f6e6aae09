"""Needs: every word a match of a pattern must hold, not just its first (text/prefilter.py reads
the first words; this reads the words at every place of the pattern where a word certainly starts)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .prefilter import (
    Prefilter,
    _c,
    _check,
    _class_chars,
    _from_heads,
    _GiveUp,
    _heads,
    _inlined,
    _is_word_char,
    _parsed,
)

# Needs with more alternatives than this are asked through an index of their first places' words.
_INDEXED = 6


@dataclass(frozen=True)
class Needs:
    """Every word a match must hold, not just its first: per alternative of the pattern, the
    words at each place in it where a word certainly starts (the start, after a \\b, a space or
    another mark). "\\b(did|does) not\\b" needs "did" or "does", and "not"; an exclusion cue
    whose first word is as common as "was" or "in" is ruled out by its other words.
    A text's words allow the pattern when, for some alternative, each place's words meet them.
    Only places of whole words are kept (a prefix is asked of every word of the text, which
    cost more than the search it saved)."""

    alternatives: tuple[tuple[frozenset[str], ...], ...]
    _by_word: dict[str, list[tuple[frozenset[str], ...]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    _firsts: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Past _INDEXED alternatives (an exclusion cue has up to 35), those whose first place a
        # word meets are found from the words (one intersection), not by asking each in turn:
        # word -> (the other places of each alternative whose first place holds it).
        by_word: dict[str, list[tuple[frozenset[str], ...]]] = {}
        indexed = len(self.alternatives) > _INDEXED and all(self.alternatives)
        if indexed:
            for alternative in self.alternatives:
                for word in alternative[0]:
                    by_word.setdefault(word, []).append(alternative[1:])
        object.__setattr__(self, "_by_word", by_word if indexed else None)
        object.__setattr__(self, "_firsts", frozenset(by_word))

    def allows(self, words: frozenset[str]) -> bool:
        by_word = self._by_word
        if by_word is not None:
            for word in self._firsts.intersection(words):
                for rest in by_word[word]:
                    for place in rest:
                        if place.isdisjoint(words):
                            break
                    else:
                        return True
            return False
        for alternative in self.alternatives:
            for place in alternative:
                if place.isdisjoint(words):
                    break
            else:
                return True
        return False

    @classmethod
    def of(cls, pattern: re.Pattern, spread: int = 0) -> Needs | None:
        """None when some alternative gives no word at all (the pattern may match anywhere).
        `spread`: up to this many alternatives, every alternation and optional item of the
        pattern is spread out too, not only a final alternation (see _spread_all)."""
        if not isinstance(pattern.pattern, str):
            return None
        try:
            items = _parsed(pattern.pattern, pattern.flags)
            alternatives = (_spread_all(items, spread) if spread else None) or _alternatives(items)
            out = []
            for items in alternatives:
                places = [p.words for p in _places(items) if not p.prefixes]
                if not places:
                    return None
                out.append(tuple(reversed(places)))  # the later words are the rarer: asked first
        except (_GiveUp, re.error, RecursionError, TypeError, ValueError, AttributeError):
            return None
        return cls(tuple(out))


def _alternatives(items: list) -> list[list]:
    """The sequences the pattern is a choice of: its groups inlined and a final alternation spread
    out (the codebook's "(?:cue)|(?:cue)", and re's parser moves a prefix common to all the
    alternatives in front of them), so each word place is seen in the sequence it stands in.
    An alternation further in is left whole (_heads reads its words). Past _MAX_ALTERNATIVES,
    the sequence as it is."""
    try:
        return _spread(items)
    except _GiveUp:
        return [items]


def _spread(items: list) -> list[list]:
    flat = _inlined(items)
    if flat and flat[-1][0] is _c.BRANCH:
        out: list[list] = []
        for alternative in flat[-1][1][1]:
            out += _spread(flat[:-1] + list(alternative))
            _check(out)
        return out
    return [flat]


def _spread_all(items: list, limit: int) -> list[list] | None:
    """The sequences the pattern is a choice of, every alternation and optional item ("(a )?")
    anywhere in it spread out: "\\b(by way of camouflage|as (a )?cover)\\b" needs "camouflage" or
    "cover" besides its first words, which a final alternation alone does not show. None past
    `limit` sequences (each is asked in turn, in Python)."""
    out: list[list] = []
    todo = [_inlined(items)]
    while todo:
        flat = todo.pop()
        for i, (op, av) in enumerate(flat):
            if op is _c.BRANCH:
                todo += [flat[:i] + _inlined(list(alternative)) + flat[i + 1 :] for alternative in av[1]]
                break
            if op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
                todo += [flat[:i] + _inlined(list(av[2])) + flat[i + 1 :], flat[:i] + flat[i + 1 :]]
                break
        else:
            out.append(flat)
        if len(out) + len(todo) > limit:
            return None
    return out


def _ends_word(item: tuple) -> bool:
    """The item always ends on a character that is no word character, whatever the case."""
    op, av = item
    if op is _c.LITERAL:
        ch = chr(av)
        return ch.isascii() and not _is_word_char(ch)
    if op is _c.IN:
        chars = _class_chars(av)
        return chars is not None and all(ch.isascii() and not _is_word_char(ch) for ch in chars)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        low, _high, sub = av
        sub = list(sub)
        return low >= 1 and bool(sub) and _ends_word(sub[-1])
    return False


def _places(items: list) -> list[Prefilter]:
    """A Prefilter for each place of the sequence where a word certainly starts."""
    out = []
    for i, (op, av) in enumerate(items):
        if i == 0 or (op is _c.AT and av is _c.AT_BOUNDARY):
            anchored = False  # _heads reads a leading \b itself
        elif _ends_word(items[i - 1]):
            anchored = True
        else:
            continue
        try:
            out.append(_from_heads(_heads(items[i:], "", anchored)))
        except _GiveUp:
            continue
    return out
