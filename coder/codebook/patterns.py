"""A static check for cue and trigger patterns that backtrack catastrophically.

Python's `re` is a backtracking engine: `(a+)+$` on thirty a's and a b tries
every way of splitting the a's between the two loops, 2^30 of them, and
`coder code` hangs on one sentence. The codebook is the only place such a
pattern can come from, so `codebook check` (and every load) refuses it.

The check (in the spirit of safe-regex / rxxr, kept simple): inside a
repeated group, a loop whose characters can also be matched by what comes
right after it in the same iteration, or by the start of the next iteration,
gives the engine two ways to split the same text, and the choices multiply
with every iteration. So a repeat is refused when its body

- can match the empty string (`(a*)*`);
- has alternatives that can start with the same character (`(a|ab)*`);
- contains a loop whose characters overlap its follow set within the body,
  wrapping around to the body's start (`(a+)+`, `(\\w+\\s?)*`, `(.*,)*`).

`(\\w+\\s+)*` and `([\\w-]+ ){0,2}` pass: a mandatory separator that the loop
cannot match splits the text one way only. Characters are compared on a
sample alphabet (ASCII, Latin-1 letters, a few Arabic letters and the
punctuation news text uses), which is enough for the classes cues use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

try:  # Python 3.11+
    import re._constants as C  # type: ignore[import-not-found]
    import re._parser as P  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as C  # type: ignore[no-redef, unused-ignore]
    import sre_parse as P  # type: ignore[no-redef, unused-ignore]

# re's parse tree is untyped (a private module): an item is (opcode, argument).
Item = tuple[Any, Any]

_ALPHABET = "".join(map(chr, range(0, 128))) + "éèàçüöñ’‘“”–—…«»\u00a0شسعربي٠١"
_CATEGORIES = {
    C.CATEGORY_DIGIT: r"\d",
    C.CATEGORY_NOT_DIGIT: r"\D",
    C.CATEGORY_SPACE: r"\s",
    C.CATEGORY_NOT_SPACE: r"\S",
    C.CATEGORY_WORD: r"\w",
    C.CATEGORY_NOT_WORD: r"\W",
}
_ALL = frozenset(_ALPHABET)


def _fold(chars: set[str]) -> frozenset[str]:
    """Case folded both ways: cues are compiled with re.IGNORECASE."""
    return frozenset(chars | {c.lower() for c in chars} | {c.upper() for c in chars if len(c.upper()) == 1})


def _class_chars(items: Iterable[Item]) -> frozenset[str]:
    negate = False
    chars: set[str] = set()
    for op, av in items:
        if op is C.NEGATE:
            negate = True
        elif op is C.LITERAL:
            chars.add(chr(av))
        elif op is C.RANGE:
            lo, hi = av
            chars |= {c for c in _ALPHABET if lo <= ord(c) <= hi}
        elif op is C.CATEGORY:
            chars |= _category(av)
    chars = set(_fold(chars))
    return frozenset(_ALL - chars) if negate else frozenset(chars)


@cache
def _category(category: Any) -> frozenset[str]:
    pattern = re.compile(_CATEGORIES.get(category, r"[\s\S]"))
    return frozenset(c for c in _ALPHABET if pattern.fullmatch(c))


def _first(seq: Iterable[Item]) -> tuple[frozenset[str], bool]:
    """(characters the sequence can start with, whether it can match the empty string)."""
    chars: frozenset[str] = frozenset()
    for item in seq:
        first, nullable = _item_first(item)
        chars |= first
        if not nullable:
            return chars, False
    return chars, True


def _item_first(item: Item) -> tuple[frozenset[str], bool]:
    op, av = item
    if op is C.LITERAL:
        return _fold({chr(av)}), False
    if op is C.NOT_LITERAL:
        return _ALL - _fold({chr(av)}), False
    if op is C.ANY:
        return _ALL, False
    if op is C.IN:
        return _class_chars(av), False
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        first, nullable = _first(body)
        return first, nullable or low == 0
    if op is C.SUBPATTERN:
        return _first(av[-1])
    if op is C.BRANCH:
        chars: frozenset[str] = frozenset()
        nullable = False
        for branch in av[1]:
            first, empty = _first(branch)
            chars |= first
            nullable = nullable or empty
        return chars, nullable
    if op is C.GROUPREF:
        return _ALL, True
    return frozenset(), True  # anchors, lookarounds: match no character


def _loops(seq: Iterable[Item], follow: frozenset[str]) -> Iterator[tuple[frozenset[str], frozenset[str]]]:
    """(characters, follow characters) of every choice point in seq: what it may
    match and what may come right after it, within the body or wrapping round."""
    items = list(seq)
    for index, item in enumerate(items):
        after, rest_nullable = _first(items[index + 1 :])
        local = after | follow if rest_nullable else after
        op, av = item
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[0] != av[1]:
            # A choice point (a loop, or an optional item): take it or leave it to what follows.
            yield _first(av[2])[0], local
            yield from _loops(av[2], local | (_first(av[2])[0] if av[1] > 1 else frozenset()))
        elif op is C.SUBPATTERN:
            yield from _loops(av[-1], local)
        elif op is C.BRANCH:
            chars, nullable = _item_first(item)
            if nullable:  # (|a): an optional alternative is a choice point too
                yield chars, local
            for branch in av[1]:
                yield from _loops(branch, local)


def _problem_in(seq: Iterable[Item]) -> str | None:
    for op, av in seq:
        if op in (C.MAX_REPEAT, C.MIN_REPEAT) and av[1] > 1:
            body = av[2]
            first, nullable = _first(body)
            if nullable and first:
                return "a repeated group that can match the empty string"
            for item_op, item_av in _flatten(body):
                if item_op is C.BRANCH:
                    starts = [_first(b) for b in item_av[1]]
                    # re's parser factors common prefixes out: (a|a) is 'a' then (|), two empty alternatives.
                    if sum(empty for _, empty in starts) > 1 or any(
                        a & b for i, (a, _) in enumerate(starts) for b, _ in starts[i + 1 :]
                    ):
                        return "a repeated group whose alternatives can start with the same character"
            for chars, follow in _loops(body, first):
                if chars & follow:
                    return "a loop nested in a repeated group can match the same characters as what follows it"
        nested = _children(op, av)
        for child in nested:
            found = _problem_in(child)
            if found:
                return found
    return None


def _flatten(seq: Iterable[Item]) -> Iterator[Item]:
    for op, av in seq:
        if op is C.SUBPATTERN:
            yield from _flatten(av[-1])
        else:
            yield op, av


def _children(op: Any, av: Any) -> list[Any]:
    if op in (C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", None)):
        return [av[2]]
    if op is C.SUBPATTERN:
        return [av[-1]]
    if op is C.BRANCH:
        return list(av[1])
    if op in (C.ASSERT, C.ASSERT_NOT):
        return [av[1]]
    return []


def backtracking_problem(pattern: str) -> str | None:
    """Why `pattern` can take exponential time in Python's re, or None if it looks safe."""
    try:
        parsed = P.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, OverflowError):
        return None  # reported as invalid by the compile check
    try:
        reason = _problem_in(parsed)
    except RecursionError:
        return "nested too deeply to check"
    return f"catastrophic backtracking: {reason} (e.g. '(a+)+'); rewrite it without nested loops" if reason else None
