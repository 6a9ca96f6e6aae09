"""What the rule coder finds once per document, indexed by sentence (coder.py builds it)."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..dates import DAY_WORDS
from ..models import Document
from ..normalize import DateResolution
from ..text import Sentence
from ..text.headsearch import word_match_exists, word_matches
from ..text.prefilter import PatternIndex, Prefilter, SpanWords, case_free, folded_text, words_of

# How far back (in sentences) an argument may come from when its sentence lacks it.
LOOKBACK = 2
# Clause boundaries for clause-scoped exclusion rules.
CLAUSE = re.compile(r"[,;:()–—]|\s-\s|\b(?:but|while|whereas|although|though|however)\b", re.I)
# CLAUSE's three alternatives apart. Each starts with characters the others cannot (a mark, a
# space, a letter), so their matches never overlap and together are CLAUSE's (less the marks
# inside a short bracketed aside, below). re tries an
# alternation at every position of the text, but scans for a pattern that starts with a class;
# the words are asked only of a sentence holding one of them (most hold none).
# A short aside in brackets, "(PMF)", "(in central Syria)", is part of its clause, not a
# boundary: "reports of a pullout of the Popular Mobilization Forces (PMF) have no basis".
ASIDE = r"\([^(),;]{1,40}\)"
_CLAUSE_MARK = re.compile(ASIDE + r"|([,;:()–—])")
_CLAUSE_DASH = re.compile(r"\s-\s")
_CLAUSE_WORD = re.compile(r"\b(?:but|while|whereas|although|though|however)\b", re.I)
_CLAUSE_WORD_LOW = case_free(_CLAUSE_WORD)
_CLAUSE_WORDS = Prefilter.of(_CLAUSE_WORD).words  # its whole words: but, while, whereas...


_T = TypeVar("_T")
_UNASKED: Any = object()


@dataclass
class Ctx:
    """Everything found once per document, indexed by sentence."""

    doc: Document
    sentences: list[Sentence]
    starts: list[int]
    actors: list[list] = field(default_factory=list)
    places: list[list] = field(default_factory=list)
    dates: list[list[DateResolution]] = field(default_factory=list)
    headlines: list[tuple[int, int]] = field(default_factory=list)  # the title and its deck
    headline_actors: list[list] = field(default_factory=list)  # the forces each headline line names
    headline_places: list[list] = field(default_factory=list)  # and its places
    _words: dict[int, frozenset[str]] = field(default_factory=dict)
    _hits: dict[int, set] = field(default_factory=dict)
    _marks: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    _finders: dict[int, tuple] = field(default_factory=dict)  # id(pattern) -> what Ctx.finder decided
    # (what, sentence) -> what a sentence says whatever the type or trigger asking (its place roles,
    # numbers, sums of money, event dates, whether it gives only a year): see memo()
    _said: dict[tuple[str, int], Any] = field(default_factory=dict)
    patterns: PatternIndex | None = None
    _folded: str | None | bool = False  # folded_text(doc.text), made on first use
    _span_words: SpanWords | None = None  # words_of for the sentences, made on first use
    # governorate name -> the city it is named after ("Deir ez-Zor province" -> Deir ez-Zor)
    seats: dict = field(default_factory=dict)

    def memo(self, what: str, si: int, make: Callable[[], _T]) -> _T:
        """make(), worked out once per sentence: every trigger near a sentence asks it again, and a
        sentence with triggers of two types is read for each."""
        key = (what, si)
        found = self._said.get(key, _UNASKED)
        if found is _UNASKED:
            found = self._said[key] = make()
        return found

    def matcher(self, pattern: re.Pattern) -> tuple[Any, str]:
        """(pattern, text) to search for the pattern's spans in the document: its case-free copy
        on the lower-cased text where both exist (text/prefilter.py case_free), searched where a
        word it can start with starts if that is faster (text/headsearch.py), else itself; each
        has the re.Pattern methods search and finditer."""
        lower = self.patterns.searcher_of(pattern)
        if lower is not None:
            folded = self.folded()
            if folded is not None:
                return lower, folded
        return pattern, self.doc.text

    def finder(self, pattern: re.Pattern) -> Callable[[int, int, int], Iterable[re.Match[str]]]:
        """find(si, a, b): the pattern's matches in text[a:b] of sentence si, as finditer gives them.
        Where every match starts a whole word the pattern's case-free copy is tried on the folded
        text only where such a word of the sentence stands (headsearch.word_matches), else the
        matcher's searcher runs over the span. Decided once per pattern: a trigger asks for every
        sentence that may hold it."""
        found = self._decided(pattern)
        if found[0]:
            _, lower, folded, heads = found
            words = self.words
            return lambda si, a, b: word_matches(lower, folded, a, b, heads.intersection(words(si)))
        _, searcher, searched = found
        return lambda _si, a, b: searcher.finditer(searched, a, b)

    def exists(self, pattern: re.Pattern, si: int, a: int, b: int) -> bool:
        """Has the finder a match in text[a:b] of sentence si? Where it would try the pattern at
        the words' places, the first match found ends the search (headsearch.word_match_exists)."""
        found = self._decided(pattern)
        if found[0]:
            _, lower, folded, heads = found
            return word_match_exists(lower, folded, a, b, heads.intersection(self.words(si)))
        _, searcher, searched = found
        return searcher.search(searched, a, b) is not None

    def _decided(self, pattern: re.Pattern) -> tuple:
        found = self._finders.get(id(pattern))
        if found is None:
            found = self._finders[id(pattern)] = self._finder(pattern)
        return found

    def _finder(self, pattern: re.Pattern) -> tuple:
        """What finder decides for the pattern: (True, case-free pattern, folded text, heads) where
        it tries the pattern at the words' places, else (False, searcher, the text it searches).
        Nothing in it refers back to the Ctx (a function of its own would: a reference cycle)."""
        heads = self.patterns.heads.get(id(pattern))
        lower = self.patterns.lower_of(pattern) if heads is not None else None
        folded = self.folded() if lower is not None else None
        if heads is not None and lower is not None and folded is not None:
            return True, lower, folded, heads
        return (False, *self.matcher(pattern))

    def folded(self) -> str | None:
        """folded_text(doc.text), made once."""
        if self._folded is False:
            self._folded = folded_text(self.doc.text)
        return self._folded if isinstance(self._folded, str) else None

    def clause(self, si: int, pos: int) -> tuple[int, int]:
        """(start, end) of the clause of sentence si around pos: between the CLAUSE marks before and
        after it. The sentence's marks are found once: every trigger and exclusion rule asks."""
        marks = self._marks.get(si)
        if marks is None:
            s = self.sentences[si]
            folded = self.folded() if _CLAUSE_WORD_LOW is not None else None
            text, word = (folded, _CLAUSE_WORD_LOW) if folded is not None else (self.doc.text, _CLAUSE_WORD)
            marks = [m.span(1) for m in _CLAUSE_MARK.finditer(text, s.start, s.end) if m.group(1)]
            marks += [m.span() for m in _CLAUSE_DASH.finditer(text, s.start, s.end)]
            if not _CLAUSE_WORDS.isdisjoint(self.words(si)):
                marks += [m.span() for m in word.finditer(text, s.start, s.end)]
            marks.sort()
            self._marks[si] = marks
        s = self.sentences[si]
        a, b = s.start, s.end
        for start, end in marks:
            if end <= pos:
                a = end
            elif start >= pos:
                b = start
                break
        return a, b

    def index_of(self, pos: int) -> int:
        return bisect.bisect_right(self.starts, pos) - 1

    def words(self, si: int) -> frozenset[str]:
        """The sentence's folded words, made once: what the pattern prefilters ask."""
        found = self._words.get(si)
        if found is None:
            span_words = self._span_words
            if span_words is None:
                span_words = self._span_words = SpanWords(self.doc.text)
            s = self.sentences[si]
            found = self._words[si] = span_words(s.start, s.end)
        return found

    def dates_another_occasion(self, si: int, other: int) -> bool:
        """Sentence `other` dates something sentence si does not ("On May 19 sources had
        confirmed ..." after an undated sentence): not more of si's incident."""
        dates = self.dates[other] if 0 <= other < len(self.sentences) else []
        return bool(dates) and {d.iso for d in dates} != {d.iso for d in self.dates[si]}

    def names_a_day(self, si: int) -> bool:
        """The sentence names a day relative to the report ("on Monday", "yesterday"), resolved or not
        (with no publication date such a day resolves to none, though the text gave one)."""
        return not DAY_WORDS.isdisjoint(self.words(si))

    def block_words(self, block, members: list[int]) -> frozenset[str]:
        """words_of the kept block (its sentences: `members`): the union of its sentences' words,
        which the pattern prefilters made already (a sentence never cuts a word but where
        text/sentences.py cuts a 1,000-character run without a space, and the pieces of such a
        word still start with its start, which is all a prefilter asks)."""
        if len(members) == 1:
            return self.words(members[0])
        if members:
            return frozenset().union(*(self.words(si) for si in members))
        return words_of(self.doc.text, block.start, block.end)

    def hits(self, si: int) -> set:
        """The patterns the sentence's words allow by a whole word (PatternIndex.hits)."""
        found = self._hits.get(si)
        if found is None:
            found = self._hits[si] = self.patterns.hits(self.words(si))
        return found

    def allows(self, key: int, si: int) -> bool:
        """Could the pattern (key: its id) match in sentence si, or a clause of it? No means no match."""
        hits = self._hits.get(si)
        if hits is None:
            hits = self.hits(si)
        if key in hits:
            return True
        prefixes = self.patterns.prefixed.get(key)  # PatternIndex.allows, inlined: asked per cue
        return prefixes is not None and any(w.startswith(prefixes) for w in self.words(si))

    def back(self, si: int) -> list[int]:
        """Earlier sentences to borrow a missing argument from, nearest first."""
        return list(range(si - 1, max(-1, si - 1 - LOOKBACK), -1))


def cached(cache: dict, pattern: re.Pattern, a: int, b: int, text: str, ctx: Ctx, si: int) -> bool:
    """Does the pattern match in text[a:b] (inside sentence si, whose words rule most patterns out)?
    Keyed by id(pattern): a compiled pattern's hash is computed over its whole code at every call."""
    if not ctx.allows(id(pattern), si):
        return False  # most cues: no word of the sentence can start them
    return cached_allowed(cache, pattern, a, b, ctx, si)


def cached_allowed(cache: dict, pattern: re.Pattern, a: int, b: int, ctx: Ctx, si: int) -> bool:
    """cached for a pattern the sentence's words are known to allow (ctx.allows)."""
    key = (id(pattern), a, b)
    found = cache.get(key)
    if found is None:
        needs = ctx.patterns.needs.get(key[0])
        if needs is not None:
            # Its first word is there ("was", "in"), maybe not the rest: a clause's words are the
            # sentence's or fewer, so without them no match in any clause of it either.
            allowed = cache.get((key[0], si))
            if allowed is None:
                allowed = cache[(key[0], si)] = needs.allows(ctx.words(si))
            if not allowed:
                found = cache[key] = False
                return found
        found = cache[key] = ctx.exists(pattern, si, a, b)
    return found
