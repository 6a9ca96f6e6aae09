"""Which sentences a pattern could match in, from the words it must start with.

The coder asks dozens of case-insensitive patterns (triggers, their `requires` cues,
exclusion cues, uncoded kinds) about every sentence, and almost every answer is no. Each
codebook pattern starts with a word boundary and a literal word ("\\bconvoys?\\b",
"\\b(plan|plans|planned) to\\b"), so a match needs a word of the sentence that is one of
those words (or starts with one, where the pattern goes on inside the word: "recruit\\w*").
Splitting a sentence into lower-case words once and asking a set is much cheaper than
running the pattern; the pattern itself still runs wherever the words allow a match, so
the answers are exactly the pattern's.

The words are read from the pattern's parse tree. Anything the reader does not follow
(no leading \\b, a pattern that can start with a class of letters, a repeat that may be
empty) gives no words: such a pattern is run on every sentence, as before.

Case: Python's IGNORECASE matches an ASCII letter with its other case and with exactly
four other characters (dotted and dotless i, long s, the Kelvin sign); words are folded
with those four, then lower-cased, so a word the pattern matches is never missed.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

try:  # Python 3.11+: the parser behind re.compile
    from re import _constants as _c
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - older layouts
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_WORD = re.compile(r"\w+")
_IS_WORD = re.compile(r"\w")
# The only non-ASCII characters IGNORECASE matches with an ASCII letter or digit
# (tests/test_prefilter.py checks this against every code point).
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_MAX_ALTERNATIVES = 400
_MAX_CLASS = 12
# Stands among a text's words for "a word starts with a decimal digit" (re's \d is
# str.isdecimal), and among a pattern's for a pattern that starts with \b\d.
_DIGIT_HEAD = "\0digit"
_DIGIT_START = re.compile(r"\b\d")
_DIGIT_WORDS = frozenset({_DIGIT_HEAD})


# ASCII characters that are no word character as spaces, the others lower-cased: on ASCII text,
# translate() then split() gives the folded \\w runs several times faster than findall (asked of
# every line and sentence). A byte table: bytes.translate is one look-up per byte, str.translate
# with a mapping a dictionary look-up per character (it was half the time of words_of).
LOWER_WORDS_ASCII = bytes(ord(chr(c).lower()) if c < 128 and _IS_WORD.match(chr(c)) else 32 for c in range(256))


def words_of(text: str, start: int = 0, end: int | None = None) -> frozenset[str]:
    """The folded words (\\w runs) of text[start:end], and _DIGIT_HEAD if one starts with a digit."""
    part = text[start:end]
    if part.isascii():
        words = frozenset(part.encode("ascii").translate(LOWER_WORDS_ASCII).decode("ascii").split())
        # Digits sort before "_" and every lower-case letter: the least word starts with one if any does.
        if words and min(words)[0] <= "9":
            return words | _DIGIT_WORDS
        return words
    found = [w.translate(_FOLD).lower() for w in _WORD.findall(part)]
    if _DIGIT_START.search(part):
        found.append(_DIGIT_HEAD)
    return frozenset(found)


def words_of_runs(runs: list[str]) -> frozenset[str]:
    """words_of(text) given the text's \\w runs, lower-cased (ASCII text)."""
    words = frozenset(runs)
    if words and min(words)[0] <= "9":
        return words | _DIGIT_WORDS
    return words


# A word character (\w) outside ASCII: words_of reads it as part of a word, the byte table as none.
_WIDE_WORD = re.compile(r"[^\W\x00-\x7f]")


class SpanWords:
    """words_of(text, start, end) for many spans of one text (every sentence of a document): the
    text is folded by the byte table once, not each span again (a slice, an encoding, a translation
    and a decoding per span), characters outside ASCII standing as "?" (no word character). That is
    what a curly quote or dash is anyway (it parts words, as "?" does, and starts none); a span
    that holds a word character outside ASCII (a letter, a digit) is asked the long way."""

    __slots__ = ("text", "runs", "wide")

    def __init__(self, text: str) -> None:
        self.text = text
        self.runs = text.encode("ascii", "replace").translate(LOWER_WORDS_ASCII).decode("ascii")
        self.wide = [] if text.isascii() else [m.start() for m in _WIDE_WORD.finditer(text)]

    def __call__(self, start: int, end: int) -> frozenset[str]:
        wide = self.wide
        if wide:
            i = bisect.bisect_left(wide, start)
            if i < len(wide) and wide[i] < end:
                return words_of(self.text, start, end)
        return words_of_runs(self.runs[start:end].split())


class _GiveUp(Exception):
    pass


@lru_cache(maxsize=1024)
def _parse(pattern: str, flags: int) -> tuple:
    return tuple(_sre_parse.parse(pattern, flags))


def _parsed(pattern: str, flags: int) -> list:
    """The items of re's parse tree of the pattern: parsed once for the first words (Prefilter),
    the case-free test and Needs, which each only read it."""
    return list(_parse(pattern, flags))


# -- case-blind patterns matched case-sensitively on lower-cased text ---------------------------
# re tries an IGNORECASE alternation in full at every position, a case-sensitive one only where
# its first letter is: the same pattern without IGNORECASE, on the text lower-cased, is several
# times faster and finds the same spans, wherever (1) the pattern names no upper-case letter, no
# letter outside ASCII and no range that holds either, and (2) lower() keeps every character in
# its place and leaves none that IGNORECASE would have matched with an ASCII letter (dotless i,
# long s: the dotted capital I grows to two characters and fails the length test).
_CASELESS_TEXT_BLOCKERS = ("\u0131", "\u017f")


def folded_text(text: str) -> str | None:
    """text.lower() if case-free patterns (case_free) may be matched on it at the same offsets."""
    low = text.lower()
    if len(low) != len(text) or (not text.isascii() and any(c in text for c in _CASELESS_TEXT_BLOCKERS)):
        return None
    return low


def case_free(pattern: re.Pattern) -> re.Pattern | None:
    """The pattern without IGNORECASE, if it matches on folded_text(text) exactly where the
    pattern matches on text; else None."""
    if not isinstance(pattern.pattern, str) or not pattern.flags & re.I or pattern.flags & (re.A | re.L):
        return None
    try:
        _check_case_free(_parsed(pattern.pattern, pattern.flags))
    except (_GiveUp, re.error, RecursionError, TypeError, ValueError, AttributeError):
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.I)


def _free_char(code: int) -> bool:
    ch = chr(code)
    return (ch.isascii() and not ch.isupper()) or not (ch.isalpha() or ch.lower() != ch or ch.upper() != ch)


def _check_case_free(items) -> None:
    for op, av in items:
        if op in (_c.LITERAL, _c.NOT_LITERAL):
            if not _free_char(av):
                raise _GiveUp
        elif op is _c.IN:
            for item_op, item_av in av:
                if item_op in (_c.LITERAL, _c.NOT_LITERAL):
                    if not _free_char(item_av):
                        raise _GiveUp
                elif item_op is _c.RANGE:
                    low, high = item_av
                    if high > 127 or (low <= ord("Z") and high >= ord("A")):
                        raise _GiveUp
                elif item_op not in (_c.CATEGORY, _c.NEGATE):
                    raise _GiveUp
        elif op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                raise _GiveUp
            _check_case_free(sub)
        elif op is _c.BRANCH:
            for alternative in av[1]:
                _check_case_free(alternative)
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            _check_case_free(av[2])
        elif op in (_c.ASSERT, _c.ASSERT_NOT):
            _check_case_free(av[1])
        elif getattr(_c, "ATOMIC_GROUP", None) is not None and op is _c.ATOMIC_GROUP:
            _check_case_free(av)
        elif op not in (_c.AT, _c.ANY):
            raise _GiveUp  # back-references, conditionals, anything not read here


@dataclass(frozen=True)
class Prefilter:
    """The words one of which a text must hold for the pattern to match in it.

    words: whole words; prefixes: words a text word may start with; both empty and
    `always` set when the pattern gave no words (it may match anywhere)."""

    words: frozenset[str] = frozenset()  # _DIGIT_HEAD among them: a word starting with a digit ("\b\d")
    prefixes: tuple[str, ...] = ()
    always: bool = True

    def allows(self, words: frozenset[str]) -> bool:
        if self.always:
            return True
        if not self.words.isdisjoint(words):
            return True
        return bool(self.prefixes) and any(w.startswith(self.prefixes) for w in words)

    @property
    def heads(self) -> frozenset[str] | None:
        """The whole words every match starts with, when they say where all its matches start (no
        prefix, no digit): headsearch.word_matches looks for the pattern only there. None otherwise."""
        if self.always or self.prefixes or _DIGIT_HEAD in self.words:
            return None
        return self.words

    @classmethod
    def of(cls, pattern: re.Pattern | str, flags: int = 0) -> Prefilter:
        if isinstance(pattern, re.Pattern):
            pattern, flags = pattern.pattern, pattern.flags
        if not isinstance(pattern, str):
            return cls()
        try:
            heads = _heads(_parsed(pattern, flags), "", False)
        except (_GiveUp, re.error, RecursionError, TypeError, ValueError, AttributeError):
            return cls()
        return _from_heads(heads)


def _from_heads(heads: set[tuple[str, bool]]) -> Prefilter:
    words = {h for h, whole in heads if whole}
    if (_DIGIT_HEAD, False) in heads:
        heads.discard((_DIGIT_HEAD, False))
        words.add(_DIGIT_HEAD)
    prefixes = tuple(sorted({h for h, whole in heads if not whole}))
    return Prefilter(frozenset(words), prefixes, False)


def _inlined(items: list) -> list:
    """Groups without flags, inlined: their items stand in the sequence themselves."""
    out: list = []
    for op, av in items:
        if op is _c.SUBPATTERN and not av[1] and not av[2]:
            out += _inlined(list(av[3]))
        else:
            out.append((op, av))
    return out


class PatternIndex:
    """Many patterns' prefilters at once: a text's words name the patterns they allow with
    one set intersection and a few look-ups, instead of asking each pattern in turn.

    Patterns are known by id(pattern), never by the pattern itself: hashing a compiled
    pattern hashes its whole compiled code, every time (CPython caches no pattern hash),
    which for the big cue alternations cost more than the look-up saved. The caller keeps
    the patterns alive (they are the coder's), so their ids stay theirs."""

    def __init__(self, patterns, needs_of=()) -> None:
        """`needs_of`: patterns (among `patterns`) asked often enough about sentences their first
        words let through to be worth a Needs check too (exclusion and `requires` cues)."""
        self._patterns = list(patterns)  # held, so the ids below stay valid
        self.first: dict[int, Prefilter] = {}
        for p in self._patterns:  # a pattern may be listed more than once (shared cues)
            if id(p) not in self.first:
                self.first[id(p)] = Prefilter.of(p)
        self._by_word: dict[str, list[int]] = {}
        self._always: list[int] = []
        self.prefixed: dict[int, tuple[str, ...]] = {}  # asked only when the pattern is
        for key, first in self.first.items():
            if first.always:
                self._always.append(key)
                continue
            for w in first.words:
                self._by_word.setdefault(w, []).append(key)
            if first.prefixes:
                self.prefixed[key] = first.prefixes
        # Prefilter.heads of each pattern that has them: headsearch.word_matches looks for it only there.
        self.heads: dict[int, frozenset[str]] = {
            key: first.heads for key, first in self.first.items() if first.heads is not None
        }
        # As frozensets: union() takes a set's items in bulk, a list's one by one (asked per sentence).
        self._by_word_sets = {w: frozenset(keys) for w, keys in self._by_word.items()}
        self._vocabulary = frozenset(self._by_word)
        self._always_set = set(self._always)  # hits() unions onto it: a new set every time
        # Needs by id, where one says more than the first words (some alternative has two places).
        from .needs import Needs  # it builds on this module

        self.needs: dict[int, Needs] = {}
        for p in {id(p): p for p in needs_of}.values():
            needs = Needs.of(p)
            if needs is not None and any(len(places) > 1 for places in needs.alternatives):
                self.needs[id(p)] = needs
        # Case-free copies (case_free) by id, run on folded_text(text) where there is one: compiled
        # on first use (lower_of), since compiling them all was a tenth of `coder code`'s start-up
        # and a one-document run asks for a few.
        self._by_id = {id(p): p for p in self._patterns}
        self._lower: dict[int, re.Pattern[str] | None] = {}
        self._searchers: dict[int, Any] = {}

    def lower_of(self, pattern: re.Pattern[str]) -> re.Pattern[str] | None:
        """case_free(pattern) if the pattern is one of the index's (else None), compiled once."""
        key = id(pattern)
        try:
            return self._lower[key]
        except KeyError:
            own = self._by_id.get(key)
            found = self._lower[key] = case_free(own) if own is not None else None
            return found

    def searcher_of(self, pattern: re.Pattern[str]) -> Any:
        """lower_of(pattern), as a headsearch.HeadSearch where that searches faster (an alternation
        at its top, the codebook's exclusion cues); made once. None where lower_of is None."""
        key = id(pattern)
        try:
            return self._searchers[key]
        except KeyError:
            from .headsearch import head_search  # it builds on this module

            lower = self.lower_of(pattern)
            found = self._searchers[key] = None if lower is None else (head_search(lower, self.first[key]) or lower)
            return found

    def hits(self, words: frozenset[str]) -> set[int]:
        """The ids of the patterns these words allow by a whole word (prefix patterns: see allows)."""
        return self._always_set.union(*map(self._by_word_sets.__getitem__, words & self._vocabulary))

    def allows(self, key: int, words: frozenset[str], hits: set[int]) -> bool:
        """May the pattern id(pattern) == key match where these words (and hits) were found?"""
        if key in hits:
            return True
        prefixes = self.prefixed.get(key)
        return prefixes is not None and any(w.startswith(prefixes) for w in words)


def _is_word_char(ch: str) -> bool:
    return _IS_WORD.match(ch) is not None


def _heads(items: list, prefix: str, anchored: bool) -> set[tuple[str, bool]]:
    """(head, whole) pairs: every match starts a text word equal to head (whole) or
    starting with it. `anchored`: a word boundary stands before the first letter."""
    for i, (op, av) in enumerate(items):
        rest = items[i + 1 :]
        if op is _c.LITERAL:
            ch = chr(av)
            if not _is_word_char(ch):
                # An ASCII mark or space ends the word (no case of it is a letter).
                return _end(prefix, whole=ch.isascii())
            if not anchored or not ch.isascii():
                return _end(prefix, whole=False)
            prefix += ch.lower()
            continue
        if op is _c.AT:
            if av is _c.AT_BOUNDARY:
                if prefix:
                    return _end(prefix, whole=True)  # after a letter, \b ends the word
                anchored = True
                continue
            return _end(prefix, whole=False)
        if op in (_c.ASSERT, _c.ASSERT_NOT):
            continue  # zero-width: leaving it out only lets more through
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:
                return _end(prefix, whole=False)
            return _heads(list(sub) + rest, prefix, anchored)
        if op is _c.BRANCH:
            out: set[tuple[str, bool]] = set()
            for alternative in av[1]:
                out |= _heads(list(alternative) + rest, prefix, anchored)
                _check(out)
            return out
        if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
            low, high, sub = av
            if low == 0 and high == 1:  # "s?": with it and without it
                out = _heads(rest, prefix, anchored) | _heads(list(sub) + rest, prefix, anchored)
                _check(out)
                return out
            if low >= 1:  # at least one copy: its start is certain, what follows is not
                return _heads(list(sub) + [(None, None)], prefix, anchored)
            return _end(prefix, whole=False)
        if op is _c.IN:
            if not prefix and anchored and _digits_only(av):
                return {(_DIGIT_HEAD, False)}  # a word starting with a digit (re's \d: str.isdecimal)
            chars = _class_chars(av)
            if chars is None:
                return _end(prefix, whole=False)
            if not any(_is_word_char(ch) or not ch.isascii() for ch in chars):
                return _end(prefix, whole=True)
            if all(_is_word_char(ch) for ch in chars):
                out = set()
                for ch in chars:
                    out |= _heads([(_c.LITERAL, ord(ch))] + rest, prefix, anchored)
                    _check(out)
                return out
            return _end(prefix, whole=False)
        return _end(prefix, whole=False)  # anything else (the stop mark included)
    return _end(prefix, whole=False)


def _digits_only(items: list) -> bool:
    """A class of decimal digits only: \\d, [0-9], [0-3]."""
    for op, av in items:
        if op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            continue
        if op is _c.RANGE and 48 <= av[0] <= av[1] <= 57:
            continue
        if op is _c.LITERAL and 48 <= av <= 57:
            continue
        return False
    return bool(items)


def _class_chars(items: list) -> list[str] | None:
    """The characters of a small class of literals and ranges, or None."""
    chars: list[str] = []
    for op, av in items:
        if op is _c.LITERAL:
            chars.append(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _MAX_CLASS:
            chars.extend(chr(c) for c in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY and av in (_c.CATEGORY_SPACE,):
            chars.append(" ")  # stands for every space: none is a word character
        else:
            return None
        if len(chars) > _MAX_CLASS:
            return None
    return chars


def _end(prefix: str, *, whole: bool) -> set[tuple[str, bool]]:
    if not prefix:
        raise _GiveUp  # nothing certain about the start of a match
    return {(prefix, whole)}


def _check(out: set) -> None:
    if len(out) > _MAX_ALTERNATIVES:
        raise _GiveUp


# Needs (every word a match must hold) reads parse trees as this module does; kept apart for size
# and named here too, where the coder and the tests have always imported it from.
from .needs import Needs  # noqa: E402
