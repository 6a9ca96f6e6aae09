"""Grounding: tie a model's quote to character offsets of the document.

A model asked to "copy the exact words" still changes them: it fixes the case,
straightens curly quotes, turns an en dash into a hyphen, drops or doubles a
letter, stops mid-sentence. None of that makes the quote wrong, so alignment
goes from strict to tolerant and records which step succeeded:

1. exact       the quote occurs verbatim;
2. normalized  it occurs once case, whitespace, quote marks and dashes are
               folded (offsets are mapped back to the original text);
3. fuzzy       rapidfuzz finds a window above a similarity threshold.

When these fail, word-level steps (align_words.py) allow what models change
in whole words: "3" for "three", a dropped or added "the", a name respelled
the way the document does not spell it; all three are recorded as fuzzy.

What none of the steps finds is `unaligned`: the quote is kept for review but
the value has no span and is never shown as grounded. The fuzzy step is where
an invented quote could slip through, so it has guards of its own (see
`_fuzzy`): short quotes are never fuzzy-matched, digits must agree, and the
window's length must be close to the quote's.

When a quote occurs several times ("al-Bukamal" in a page about al-Bukamal)
the occurrence inside or nearest the event's evidence sentence wins, so the
span points at the words the event was coded from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from ..models import Alignment, Span
from . import align_words

# Characters folded before comparing. Models routinely swap these for their
# ASCII look-alikes (or the other way round); the meaning does not change.
_QUOTES = dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u0060\u00b4\u02bc\u02bb", "'")
_QUOTES.update(dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'))
_DASHES = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
# Invisible characters scraped pages are full of; they are dropped entirely.
_INVISIBLE = set("\u00ad\u200b\u200c\u200d\u2060\ufeff")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")

# Fuzzy matching of very short quotes ("IRGC" vs "IRGS") is too easy to fool.
MIN_FUZZY_CHARS = 12
# Below this even a one-letter difference is not trusted ("Iran"/"Iraq", "IRGC").
MIN_SHORT_CHARS = 5
DEFAULT_THRESHOLD = 90.0
# Fuzzy windows tried per region before giving up (the best, then the next best...).
MAX_WINDOWS = 4


@dataclass
class Folded:
    """A folded copy of a text and, for each folded character, its source index."""

    text: str
    index: list[int] = field(default_factory=list)
    # End offset (exclusive) of each folded character's source; a digit read from
    # a number word ("three" -> "3") ends where the word ends.
    stop: list[int] | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of folded[start:end] (end exclusive)."""
        if self.stop is not None:
            return self.index[start], self.stop[end - 1]
        return self.index[start], self.index[end - 1] + 1


def fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    ch = _QUOTES.get(ch) or _DASHES.get(ch) or ch
    # NFKC turns ligatures, full-width forms and non-breaking spaces into plain
    # characters; casefold handles ß and friends (which may lengthen a char).
    return unicodedata.normalize("NFKC", ch).casefold()


def fold(text: str, numbers: bool = False) -> Folded:
    """Fold case, quote marks, dashes and runs of whitespace, keeping an offset map;
    `numbers`: number words as digits too ("three" -> "3")."""
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace():
            if out and out[-1] != " ":
                out.append(" ")
                index.append(i)
            continue
        for piece in fold_char(ch):
            if piece.isspace():  # NFKC can produce a space (e.g. from U+00A0)
                if out and out[-1] != " ":
                    out.append(" ")
                    index.append(i)
                continue
            out.append(piece)
            index.append(i)
    if out and out[-1] == " ":
        out.pop()
        index.pop()
    if not numbers:
        return Folded("".join(out), index)
    folded, index, stop = align_words.canonical_numbers("".join(out), index, [i + 1 for i in index])
    return Folded(folded, index, stop)


@dataclass
class Aligned:
    spans: list[Span]
    alignment: Alignment
    score: float = 100.0

    @property
    def grounded(self) -> bool:
        return bool(self.spans) and self.alignment in (Alignment.exact, Alignment.normalized, Alignment.fuzzy)


UNALIGNED = Aligned([], Alignment.unaligned, 0.0)


def _occurrences(haystack: str, needle: str) -> list[int]:
    found, start = [], haystack.find(needle)
    while start != -1:
        found.append(start)
        start = haystack.find(needle, start + 1)
    return found


def _distance(start: int, end: int, near: tuple[int, int] | None) -> int:
    """0 inside the evidence window, else the gap to it; everything ties without a window."""
    if near is None:
        return 0
    lo, hi = near
    if start >= lo and end <= hi:
        return 0
    if end <= lo:
        return lo - end + 1
    if start >= hi:
        return start - hi + 1
    return 1  # overlaps the window's edge: better than outside, worse than inside


def _pick(candidates: list[tuple[int, int]], near: tuple[int, int] | None) -> tuple[int, int]:
    # min() keeps the first of equal candidates, i.e. the earliest occurrence.
    return min(candidates, key=lambda se: _distance(se[0], se[1], near))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _INVISIBLE):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _INVISIBLE):
        end -= 1
    return start, end


class Aligner:
    """Aligns quotes against one document; folding of the text is done once."""

    def __init__(self, text: str, *, threshold: float = DEFAULT_THRESHOLD, normalizer: Any = None):
        self.text = text
        self.threshold = threshold
        # The shared normaliser (coder.normalize), for names respelled; None skips that step.
        self.normalizer = normalizer
        self._folds: dict[bool, Folded] = {}
        self._tokens: dict[bool, list[tuple[str, int, int]]] = {}
        # Number words are read as digits ("three" = "3") only once the plain
        # reading failed: a misspelt number word ("fiifteen") must still align.
        self._numbers = False
        self._names: list[tuple[int, int, str, str]] | None = None

    @property
    def folded(self) -> Folded:
        folded = self._folds.get(self._numbers)
        if folded is None:
            folded = self._folds[self._numbers] = fold(self.text, numbers=self._numbers)
        return folded

    def align(self, quote: str | None, near: tuple[int, int] | None = None) -> Aligned:
        hit = self._align(quote, near)
        if hit.grounded or self.normalizer is None or quote is None:
            return hit
        # Last: the names written as the document writes the same entities, and once more.
        for respelled in align_words.respellings(
            self.normalizer, quote.strip(), self._doc_names(), self._near_first(near)
        ):
            again = self._align(respelled, near)
            if again.grounded:
                found = fold(" ".join(s.text for s in again.spans)).text
                return Aligned(again.spans, Alignment.fuzzy, round(fuzz.ratio(fold(quote).text, found), 1))
        return hit

    def _doc_names(self) -> list[tuple[int, int, str, str]]:
        if self._names is None:
            actors, places = self.normalizer.find_names(self.text)
            self._names = [(m.start, m.end, "actor", m.match.name) for m in actors] + [
                (m.start, m.end, "place", m.match.name) for m in places
            ]
        return self._names

    def _near_first(self, near):
        def order(candidates: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
            ranked = sorted(candidates, key=lambda se: (_distance(se[0], se[1], near), se[0]))
            return [(s, e, self.text[s:e]) for s, e in ranked]

        return order

    def _align(self, quote: str | None, near: tuple[int, int] | None) -> Aligned:
        hit = self._read(quote, near, numbers=False)
        if hit.grounded or quote is None or not _HAS_NUMBER.search(quote):
            return hit
        return self._read(quote, near, numbers=True)

    def _read(self, quote: str | None, near: tuple[int, int] | None, numbers: bool) -> Aligned:
        saved, self._numbers = self._numbers, numbers
        try:
            return self._steps(quote, near)
        finally:
            self._numbers = saved

    def _steps(self, quote: str | None, near: tuple[int, int] | None) -> Aligned:
        """Find `quote` in the document; `near` is the evidence span to prefer."""
        if quote is None or not quote.strip():
            return UNALIGNED
        stripped = quote.strip()
        starts = _occurrences(self.text, stripped)
        if starts:
            start, end = _pick([(s, s + len(stripped)) for s in starts], near)
            return Aligned([Span.of(self.text, start, end)], Alignment.exact)
        folded_quote = fold(stripped, numbers=self._numbers).text
        if not folded_quote:
            return UNALIGNED
        hit = self._normalized(folded_quote, near)
        if hit is not None:
            return Aligned([Span.of(self.text, *hit)], Alignment.normalized)
        if _ELLIPSIS.search(stripped):
            elided = self._elided(stripped, near)
            if elided is not None:
                return elided
        # Whole words first: a dropped "the" is a word-level change, and a character
        # window would cut the quote's first or last word to fit.
        fuzzy = (
            self._by_words(folded_quote, near, edited=True)
            or self._fuzzy(folded_quote, near)
            or self._by_words(folded_quote, near)
        )
        if fuzzy is not None:
            (start, end), score = fuzzy
            return Aligned([Span.of(self.text, start, end)], Alignment.fuzzy, round(score, 1))
        return UNALIGNED

    def _by_words(self, folded_quote: str, near, edited: bool = False) -> tuple[tuple[int, int], float] | None:
        """A short word dropped or added: the quote's words, in order, give or take one."""
        folded = self.folded
        if self._numbers not in self._tokens:
            self._tokens[self._numbers] = align_words.tokens(folded.text)
        found = align_words.token_matches(self._tokens[self._numbers], folded_quote, edited)
        if not found:
            return None
        start, end = _pick([_trim(self.text, *folded.source_span(s, e)) for s, e in found], near)
        return (start, end), fuzz.ratio(folded_quote, fold(self.text[start:end], numbers=self._numbers).text)

    # -- the three steps ----------------------------------------------------------------

    def _normalized(self, folded_quote: str, near) -> tuple[int, int] | None:
        folded = self.folded
        starts = _occurrences(folded.text, folded_quote)
        if not starts:
            return None
        candidates = [_trim(self.text, *folded.source_span(s, s + len(folded_quote))) for s in starts]
        return _pick(candidates, near)

    def _elided(self, quote: str, near) -> Aligned | None:
        """ "A convoy ... arrived in al-Bukamal": align each piece, in order, close together."""
        pieces = [p for p in _ELLIPSIS.split(quote) if p.strip()]
        if len(pieces) < 2:
            return None
        spans: list[Span] = []
        worst = Alignment.exact
        cursor_near = near
        for piece in pieces:
            hit = self._steps(piece, cursor_near)
            if not hit.grounded or (spans and hit.spans[0].start < spans[-1].end):
                return None
            if hit.alignment == Alignment.fuzzy or (hit.alignment == Alignment.normalized and worst == Alignment.exact):
                worst = hit.alignment
            spans.append(hit.spans[0])
            cursor_near = (hit.spans[0].end, hit.spans[0].end + 4 * len(quote))
        # Pieces scattered over the page are not one quote.
        if spans[-1].end - spans[0].start > 4 * len(quote) + 200:
            return None
        return Aligned(spans, worst if worst != Alignment.exact else Alignment.normalized)

    def _fuzzy(self, folded_quote: str, near) -> tuple[tuple[int, int], float] | None:
        if len(folded_quote) < MIN_SHORT_CHARS:
            return None
        if len(folded_quote) < MIN_FUZZY_CHARS:
            return self._short(folded_quote, near)
        folded = self.folded
        windows = []
        if near is not None:
            # Search the evidence sentence (with some slack) first: a near-miss
            # there beats a slightly better one in an unrelated paragraph.
            lo = _folded_index(folded, max(0, near[0] - 200))
            hi = _folded_index(folded, min(len(self.text), near[1] + 200))
            windows.append((lo, hi))
        windows.append((0, len(folded.text)))
        for lo, hi in windows:
            hit = self._fuzzy_in(folded_quote, lo, hi)
            if hit is not None:
                return hit
        return None

    def _short(self, quote: str, near) -> tuple[tuple[int, int], float] | None:
        """A short quote may differ by one inserted or dropped letter, and only in whole words.

        Similarity ratios mean little on a few characters ("Iran" and "Iraq"
        score 75), so a short quote must be one insertion or deletion away
        (Indel distance 1; a substitution costs 2) from a run of whole words.
        """
        folded = self.folded
        text = folded.text
        candidates = []
        for match in _WORD_START.finditer(text):
            s = match.start()
            for length in (len(quote) - 1, len(quote), len(quote) + 1):
                e = s + length
                if e > len(text) or not _is_boundary(text, e):
                    continue
                window = text[s:e]
                if Indel.distance(quote, window, score_cutoff=1) <= 1 and _DIGITS.findall(quote) == _DIGITS.findall(
                    window
                ):
                    candidates.append(_trim(self.text, *folded.source_span(s, e)))
        if not candidates:
            return None
        start, end = _pick(candidates, near)
        return (start, end), fuzz.ratio(quote, fold(self.text[start:end], numbers=self._numbers).text)

    def _fuzzy_in(self, quote: str, lo: int, hi: int) -> tuple[tuple[int, int], float] | None:
        folded = self.folded
        # When the best window is refused (another figure, another name), the
        # next best may be the right one: the refused window is cut out and the
        # rest searched again, a few times at most.
        regions = [(lo, hi)]
        for _attempt in range(MAX_WINDOWS):
            best = None
            for a, b in regions:
                result = fuzz.partial_ratio_alignment(quote, folded.text[a:b], score_cutoff=self.threshold - 5)
                if result is not None and (best is None or result.score > best[0].score):
                    best = (result, a, b)
            if best is None:
                return None
            result, a, b = best
            # partial_ratio compares windows as long as the quote; with a dropped
            # or doubled letter the best window is off by a character or two, so
            # refine both edges by plain ratio, preferring word boundaries.
            start, end = a + result.dest_start, a + result.dest_end
            start, end, score = _refine(folded.text, quote, start, end)
            if score >= self.threshold and _guards(quote, folded.text[start:end]):
                return _trim(self.text, *folded.source_span(start, end)), score
            cut_start, cut_end = a + result.dest_start, a + result.dest_end
            regions.remove((a, b))
            regions += [(x, y) for x, y in ((a, cut_start), (cut_end, b)) if y - x >= 0.75 * len(quote)]
        return None


def _folded_index(folded: Folded, source_index: int) -> int:
    """First folded position whose source index is >= source_index."""
    import bisect

    return bisect.bisect_left(folded.index, source_index)


def _is_boundary(text: str, i: int) -> bool:
    return i <= 0 or i >= len(text) or not (text[i - 1].isalnum() and text[i].isalnum())


def _refine(text: str, quote: str, start: int, end: int, slack: int = 3) -> tuple[int, int, float]:
    best = (start, end, -1.0)
    best_key = None
    for s in range(max(0, start - slack), min(len(text), start + slack) + 1):
        for e in range(max(s + 1, end - slack), min(len(text), end + slack) + 1):
            score = fuzz.ratio(quote, text[s:e])
            # Score first; then whole words; then the window closest to the quote's length.
            key = (round(score, 6), _is_boundary(text, s) + _is_boundary(text, e), -abs((e - s) - len(quote)))
            if best_key is None or key > best_key:
                best, best_key = (s, e, score), key
    return best


_DIGITS = re.compile(r"\d+")
_HAS_NUMBER = re.compile(r"\d|\b(?:" + "|".join(align_words.NUMBER_WORDS) + r")\b", re.I)
_WORDS = re.compile(r"\w+")
_WORD_START = re.compile(r"(?<!\w)\w")


def _guards(quote: str, candidate: str) -> bool:
    """Reject fuzzy hits that change what the quote says, not how it is spelled."""
    # "60 trucks" is not "50 trucks", however similar the strings.
    if _DIGITS.findall(quote) != _DIGITS.findall(candidate):
        return False
    if not 0.75 <= len(candidate) / max(1, len(quote)) <= 1.3:
        return False
    quote_words, span_words = _WORDS.findall(quote), _WORDS.findall(candidate)
    # Letter slips never add or remove a word; an inserted or dropped word
    # ("to Lebanon" -> "to Deir ez-Zor") changes the count.
    if abs(len(quote_words) - len(span_words)) > 1:
        return False
    return _words_follow(quote_words, span_words) and _words_follow(span_words, quote_words, reverse=True)


def _words_follow(quote_words: list[str], span_words: list[str], reverse: bool = False) -> bool:
    """Every word of 4+ letters in the quote has a near twin in the span, in order.

    A swapped name ("al-Mayadin" for "al-Bukamal") costs few characters in a
    long quote and passes a whole-string ratio; word by word it does not.
    One dropped or doubled letter keeps a word of four letters at ratio >= 85;
    the quote's last word may be cut short (a truncated quote). Checked both
    ways (`reverse`: span words against the quote) so that a word the quote
    leaves out is caught as surely as a word it adds.
    """
    pointer = 0
    skipped = 0  # short words passed over since the last match also take span words
    for n, word in enumerate(quote_words):
        if len(word) < 4:
            skipped += 1
            continue
        last = n == len(quote_words) - 1
        for j in range(pointer, min(len(span_words), pointer + 3 + skipped)):
            other = span_words[j]
            cut = word.startswith(other) if reverse else other.startswith(word)
            if fuzz.ratio(word, other) >= 85 or (last and cut):
                pointer, skipped = j + 1, 0
                break
        else:
            return False
    return True


def align_quote(
    text: str, quote: str | None, near: tuple[int, int] | None = None, threshold: float = DEFAULT_THRESHOLD
) -> Aligned:
    """One-off alignment; build an `Aligner` to align many quotes in one document."""
    return Aligner(text, threshold=threshold).align(quote, near)
