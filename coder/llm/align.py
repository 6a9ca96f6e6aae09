"""Grounding: tie a model's quote to character offsets of the document.

A model asked to "copy the exact words" still changes them: it fixes the case,
straightens curly quotes, turns an en dash into a hyphen, drops or doubles a
letter, stops mid-sentence. None of that makes the quote wrong, so alignment
goes from strict to tolerant and records which step succeeded:

1. exact       the quote occurs verbatim;
2. normalized  it occurs once case, whitespace, quote marks and dashes are
               folded (offsets are mapped back to the original text);
3. fuzzy       rapidfuzz finds a window above a similarity threshold.

What none of the three finds is `unaligned`: the quote is kept for review but
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

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from ..models import Alignment, Span

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


@dataclass
class Folded:
    """A folded copy of a text and, for each folded character, its source index."""

    text: str
    index: list[int] = field(default_factory=list)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of folded[start:end] (end exclusive)."""
        return self.index[start], self.index[end - 1] + 1


def fold_char(ch: str) -> str:
    if ch in _INVISIBLE:
        return ""
    ch = _QUOTES.get(ch) or _DASHES.get(ch) or ch
    # NFKC turns ligatures, full-width forms and non-breaking spaces into plain
    # characters; casefold handles ß and friends (which may lengthen a char).
    return unicodedata.normalize("NFKC", ch).casefold()


def fold(text: str) -> Folded:
    """Fold case, quote marks, dashes and runs of whitespace, keeping an offset map."""
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
    return Folded("".join(out), index)


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

    def __init__(self, text: str, *, threshold: float = DEFAULT_THRESHOLD):
        self.text = text
        self.threshold = threshold
        self._folded: Folded | None = None

    @property
    def folded(self) -> Folded:
        if self._folded is None:
            self._folded = fold(self.text)
        return self._folded

    def align(self, quote: str | None, near: tuple[int, int] | None = None) -> Aligned:
        """Find `quote` in the document; `near` is the evidence span to prefer."""
        if quote is None or not quote.strip():
            return UNALIGNED
        stripped = quote.strip()
        starts = _occurrences(self.text, stripped)
        if starts:
            start, end = _pick([(s, s + len(stripped)) for s in starts], near)
            return Aligned([Span.of(self.text, start, end)], Alignment.exact)
        folded_quote = fold(stripped).text
        if not folded_quote:
            return UNALIGNED
        hit = self._normalized(folded_quote, near)
        if hit is not None:
            return Aligned([Span.of(self.text, *hit)], Alignment.normalized)
        if _ELLIPSIS.search(stripped):
            elided = self._elided(stripped, near)
            if elided is not None:
                return elided
        fuzzy = self._fuzzy(folded_quote, near)
        if fuzzy is not None:
            (start, end), score = fuzzy
            return Aligned([Span.of(self.text, start, end)], Alignment.fuzzy, round(score, 1))
        return UNALIGNED

    # -- the three steps ----------------------------------------------------------------

    def _normalized(self, folded_quote: str, near) -> tuple[int, int] | None:
        folded = self.folded
        starts = _occurrences(folded.text, folded_quote)
        if not starts:
            return None
        candidates = [_trim(self.text, *folded.source_span(s, s + len(folded_quote))) for s in starts]
        return _pick(candidates, near)

    def _elided(self, quote: str, near) -> Aligned | None:
        """"A convoy ... arrived in al-Bukamal": align each piece, in order, close together."""
        pieces = [p for p in _ELLIPSIS.split(quote) if p.strip()]
        if len(pieces) < 2:
            return None
        spans: list[Span] = []
        worst = Alignment.exact
        cursor_near = near
        for piece in pieces:
            hit = self.align(piece, cursor_near)
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
                if Indel.distance(quote, window, score_cutoff=1) <= 1 and _DIGITS.findall(quote) == _DIGITS.findall(window):
                    candidates.append(_trim(self.text, *folded.source_span(s, e)))
        if not candidates:
            return None
        start, end = _pick(candidates, near)
        return (start, end), fuzz.ratio(quote, fold(self.text[start:end]).text)

    def _fuzzy_in(self, quote: str, lo: int, hi: int) -> tuple[tuple[int, int], float] | None:
        folded = self.folded
        region = folded.text[lo:hi]
        if not region:
            return None
        result = fuzz.partial_ratio_alignment(quote, region, score_cutoff=self.threshold - 5)
        if result is None:
            return None
        # partial_ratio compares windows as long as the quote; with a dropped
        # or doubled letter the best window is off by a character or two, so
        # refine both edges by plain ratio, preferring word boundaries.
        start, end = lo + result.dest_start, lo + result.dest_end
        start, end, score = _refine(folded.text, quote, start, end)
        if score < self.threshold:
            return None
        candidate = folded.text[start:end]
        if not _guards(quote, candidate):
            return None
        return _trim(self.text, *folded.source_span(start, end)), score


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


def align_quote(text: str, quote: str | None, near: tuple[int, int] | None = None,
                threshold: float = DEFAULT_THRESHOLD) -> Aligned:
    """One-off alignment; build an `Aligner` to align many quotes in one document."""
    return Aligner(text, threshold=threshold).align(quote, near)
