"""Actor and place names: a token n-gram index over the folded tokens (tokenizer.py) and fuzzy near misses.

Why tokens and not one big regex alternation: sources spell the same name a
dozen ways (al-Bukamal, Al-Bokamal, Albu Kamal; Liwa al-Fatemiyoun), and the
differences are exactly the ones folding removes (case, hyphens, quote marks,
the Arabic article). Folding the text once into word tokens and looking up
n-grams in a dict is linear in the text and independent of the dictionary
size, which keeps the coder well above 300 documents/s.

Offsets always point into the ORIGINAL text: a token keeps its (start, end).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from typing import Any, Generic, TypeVar

from rapidfuzz import fuzz, process

from .tokenizer import ARTICLES, Token, Tokens, key_of

_UNSET: Any = object()  # "not asked yet" in the fuzzy caches (None is a cached "no match")

T = TypeVar("T")


@dataclass(frozen=True)
class Mention(Generic[T]):
    """A name found in the text: [start, end) in the original text and what it is."""

    start: int
    end: int
    match: T

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


class NameIndex(Generic[T]):
    """Folded name -> entry, with n-gram scanning and cached fuzzy lookups."""

    def __init__(
        self, entries: Iterable[tuple[str, T, bool]], *, fuzzy_threshold: float = 88.0, fuzzy_min_len: int = 6
    ):
        # entries: (surface name, entry, is_canonical). The first entry to claim
        # a key keeps it: the codebook promises an alias belongs to one entry.
        self.exact: dict[tuple[str, ...], tuple[T, bool]] = {}
        # Short acronyms ("IS", "KH", "SDF") only count written in capitals:
        # "is" is a verb. Keys listed here need an all-capitals source token.
        self.acronyms: set[tuple[str, ...]] = set()
        for surface, entry, canonical in entries:
            key = key_of(surface)
            if not key:
                continue
            if len(key) == 1 and surface.isupper() and len(surface) <= 4:
                self.acronyms.add(key)
            if key not in self.exact or (canonical and not self.exact[key][1]):
                self.exact[key] = (entry, canonical)
        self.max_n = max((len(k) for k in self.exact), default=1)
        self.max_n = max(self.max_n, 1)
        # Every leading part of every key: a run of words that is none of them cannot grow
        # into a name, so the longest-match loop stops there instead of at max_n words.
        self._leads = frozenset(k[:n] for k in self.exact for n in range(1, len(k) + 1))
        self.first_tokens = frozenset(k[0] for k in self.exact)
        # The keys as a tree of words, for _longest: word -> [the words that may follow, the entry
        # of the key that ends here or None, whether that key needs capitals]. Walking it asks one
        # dictionary per word instead of making and hashing a tuple of the words so far twice.
        self._tree: dict[str, list[Any]] = {}
        for key, hit in self.exact.items():
            node, step = self._tree, []
            for word in key:
                step = node.setdefault(word, [{}, None, False])
                node = step[0]
            step[1:] = [hit, key in self.acronyms]
        self._openers = self.first_tokens | ARTICLES  # words a scan looks at (with capitals)
        self._singles = frozenset(k[0] for k in self.exact if len(k) == 1)
        self._fuzzy_words: dict[str, tuple[T, float] | None] = {}  # fuzzy() of one word, asked most
        self.fuzzy_threshold = fuzzy_threshold
        self.fuzzy_min_len = fuzzy_min_len
        # Short keys are left out of fuzzy matching: "Syrian" is not a misspelt
        # "Syria", and a 4-letter acronym has no near misses worth guessing.
        self._choice_keys = [k for k in self.exact if len(" ".join(k)) >= fuzzy_min_len]
        self._choices = [" ".join(k) for k in self._choice_keys]
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}  # _of_length's answers
        # Fuzzy lookups repeat a lot across an archive (the same misspelt town);
        # a bounded per-index cache keeps them cheap and memory flat.
        self._fuzzy_cached = lru_cache(maxsize=20000)(self._fuzzy_uncached)

    # -- whole-string lookups -------------------------------------------------
    def lookup(self, name: str) -> tuple[T, str, float] | None:
        key = key_of(name)
        hit = self.exact.get(key)
        if hit is not None:
            return hit[0], ("exact" if hit[1] else "alias"), 100.0
        return None

    def fuzzy(self, folded: str) -> tuple[T, float] | None:
        if len(folded.replace(" ", "")) < self.fuzzy_min_len:
            return None
        return self._fuzzy_cached(folded)

    def _fuzzy_uncached(self, folded: str) -> tuple[T, float] | None:
        choices, indexes = self._of_length(len(folded))
        found = process.extract(folded, choices, scorer=fuzz.ratio, score_cutoff=self.fuzzy_threshold, limit=4)
        if not found:
            return None
        found = [(c, sc, indexes[i]) for c, sc, i in found]
        choice, score, index = found[0]
        if choice[0] != folded[0]:
            return None  # misspellings rarely touch the first letter; guessing there invents names
        entry = self.exact[self._choice_keys[index]][0]
        for _other, other_score, other_index in found[1:]:
            # Near two different entries at once ("Liwa al-Baqir" / "Liwa al-Bashir"): a guess
            # between two named groups or places is worse than no answer.
            if self.exact[self._choice_keys[other_index]][0] is not entry and score - other_score < 4:
                return None
        return entry, float(score)

    def _of_length(self, n: int) -> tuple[list[str], list[int]]:
        """The choices (and their indexes) a string of n characters may reach the threshold with.
        fuzz.ratio is at most 100 * (1 - |n - m| / (n + m)) for lengths n and m: the others cannot
        match, and leaving them out (a point of margin) makes a look-up a third as long. The order
        is kept, so ties still go to the same choice."""
        found = self._by_length.get(n)
        if found is None:
            floor = self.fuzzy_threshold - 1
            kept = [i for i, c in enumerate(self._choices) if 100 * (1 - abs(n - len(c)) / (n + len(c))) >= floor]
            found = self._by_length[n] = ([self._choices[i] for i in kept], kept)
        return found

    # -- scanning running text ------------------------------------------------
    def scan(self, toks: Sequence[Token], *, fuzzy: bool = True) -> list[Mention[tuple[T, str, float]]]:
        """Longest non-overlapping mentions, left to right.

        At each token the longest n-gram whose article-free key is known wins;
        a mention never ends on an article. Fuzzy matching is only tried on
        capitalised tokens (names), which keeps it rare and cheap.
        """
        return scan_together((self,), toks, fuzzy=fuzzy)[0]

    def _at(self, cols: Tokens, i: int, fuzzy: bool) -> tuple[int, T, str, float] | None:
        """The mention that starts at token i, if any. None for a token that can open no name
        of this index (not one of its openers nor, fuzzy, a capitalised word): scan_together
        asks it of every token that may open a name of any index it walks."""
        texts, articles, capitals = cols.texts, cols.articles, cols.capitals
        text = texts[i]
        hit = None
        if articles[i] or text in self._singles:
            hit = self._longest(cols, i)
        elif (
            text in self.first_tokens
            and i + 1 < len(texts)
            and (articles[i + 1] or (cols.starts[i + 1] - cols.ends[i] <= 3 and (text, texts[i + 1]) in self._leads))
        ):
            # Not a name alone ("the", "local"): only with the next word ("the Badia"), which
            # most often leads to no key, as _longest would find one step later.
            hit = self._longest(cols, i)
        if hit is None and fuzzy and capitals[i] and not articles[i]:
            # Most capitalised words are no near miss of a name and no first of two: known
            # from the word's own answer (kept by _fuzzy_at) without asking again.
            alone = self._fuzzy_words.get(text, _UNSET)
            if alone is not None or (
                i + 1 < len(texts)
                and capitals[i + 1]
                and not articles[i + 1]
                and cols.starts[i + 1] - cols.ends[i] <= 2
            ):
                hit = self._fuzzy_at(cols, i)
        return hit

    def _longest(self, toks: Tokens, i: int) -> tuple[int, T, str, float] | None:
        texts, articles, starts, ends = toks.texts, toks.articles, toks.starts, toks.ends
        node = self._tree  # the keys that start with the words so far (a key has at most max_n)
        best: tuple[int, T, str, float] | None = None
        last = min(len(texts), i + self.max_n + 2)  # +2: articles inside the name
        for j in range(i, last):
            if j > i and starts[j] - ends[j - 1] > 3:
                break  # a name does not span punctuation or a line break gap
            if not articles[j]:
                step = node.get(texts[j])
                if step is None:
                    break  # no key starts with these words: no longer match either
                node, hit, acronym = step
                if hit is not None and not (acronym and not toks.uppers[j]):
                    best = (j, hit[0], "exact" if hit[1] else "alias", 100.0)
        return best

    def _fuzzy_at(self, toks: Tokens, i: int) -> tuple[int, T, str, float] | None:
        # One or two capitalised words: "Fatimiyoon", "Abou Kamal".
        # (Unrolled: this runs for every capitalised word of the text, in both indexes.)
        capitals, articles, first = toks.capitals, toks.articles, toks.texts[i]
        if not capitals[i] or articles[i]:
            return None
        best: tuple[int, T, str, float] | None = None
        if i + 1 < len(capitals) and capitals[i + 1] and not articles[i + 1] and toks.starts[i + 1] - toks.ends[i] <= 2:
            got = self.fuzzy(first + " " + toks.texts[i + 1])
            if got is not None:
                best = (i + 1, got[0], "fuzzy", got[1])
        got = self._fuzzy_words.get(first, _UNSET)
        if got is _UNSET:
            if len(self._fuzzy_words) > 20000:
                self._fuzzy_words.clear()
            got = self._fuzzy_words[first] = self.fuzzy(first)
        if got is not None and (best is None or got[1] > best[3]):
            best = (i, got[0], "fuzzy", got[1])
        return best


def scan_together(
    indexes: Sequence[NameIndex[Any]], toks: Sequence[Token], *, fuzzy: bool = True
) -> list[list[Mention[tuple[Any, str, float]]]]:
    """Each index's scan of the same tokens (NameIndex.scan), in one walk over the tokens that
    may open a name of any of them: the actor and place indexes read the same words, and picking
    out the openers, sorting them and stepping through them was done once per index."""
    cols = toks if isinstance(toks, Tokens) else Tokens.of(toks)
    texts, t_starts, t_ends = cols.texts, cols.starts, cols.ends
    n_tok = len(texts)
    # Only a token that may start a name can: an article or a one-word key (NameIndex._at looks
    # for the longest key there), the first word of a longer key followed by an article or by the
    # key's second word (_at's other case: "the" alone opens nothing, "the Badia" may), or (fuzzy)
    # a capitalised word that is no article. At any other token _at answers None for every index,
    # so it is not asked. Picked out in C (map, compress) instead of a step per token.
    singles, firsts, pairs = _openers_of(indexes)
    articles, capitals = cols.articles, cols.capitals
    starts = set(compress(range(n_tok), map(singles.__contains__, texts)))
    starts.update(compress(range(n_tok), articles))
    # A key's first word (a few tokens in ten) with the next token: an article, or the key's second.
    firsts_at = list(compress(range(n_tok - 1), map(firsts.__contains__, texts)))
    nexts_at = list(map((1).__add__, firsts_at))
    starts.update(compress(firsts_at, map(articles.__getitem__, nexts_at)))
    pairs_at = zip(map(texts.__getitem__, firsts_at), map(texts.__getitem__, nexts_at))
    starts.update(compress(firsts_at, map(pairs.__contains__, pairs_at)))
    if fuzzy:
        starts.update(compress(range(n_tok), capitals))  # (the articles among them are in already)
    found: list[list[Mention[tuple[Any, str, float]]]] = [[] for _ in indexes]
    after = [0] * len(indexes)  # per index, the token after its last mention: mentions never overlap
    steps = [(k, index, index._openers, index._fuzzy_words) for k, index in enumerate(indexes)]
    for i in sorted(starts):
        text = texts[i]
        for k, index, own, fuzzy_words in steps:
            if i < after[k]:
                continue
            if text in own:
                hit = index._at(cols, i, fuzzy)
            elif (
                # (_at's last step, inlined: most tokens asked are capitalised words of no name)
                capitals[i]
                and fuzzy
                and (
                    fuzzy_words.get(text, _UNSET) is not None
                    or (i + 1 < n_tok and capitals[i + 1] and not articles[i + 1] and t_starts[i + 1] - t_ends[i] <= 2)
                )
            ):
                hit = index._fuzzy_at(cols, i)
            else:
                continue
            if hit is not None:
                j, entry, how, score = hit
                found[k].append(Mention(t_starts[i], t_ends[j], (entry, how, score)))
                after[k] = j + 1
    return found


_Openers = tuple[frozenset[str], frozenset[str], frozenset[tuple[str, ...]]]
_OPENERS: dict[tuple[int, ...], tuple[tuple[NameIndex[Any], ...], _Openers]] = {}


def _openers_of(indexes: Sequence[NameIndex[Any]]) -> _Openers:
    """What scan_together picks openers by, for any of the indexes: the one-word keys, the first
    words of keys and the first two words of keys (made once per set of indexes; the indexes are
    kept with it so their ids are not reused while it is cached)."""
    key = tuple(map(id, indexes))
    got = _OPENERS.get(key)
    if got is None:
        if len(_OPENERS) > 8:
            _OPENERS.clear()
        singles = frozenset().union(*(index._singles for index in indexes))
        firsts = frozenset().union(*(index.first_tokens for index in indexes))
        pairs = frozenset(lead for index in indexes for lead in index._leads if len(lead) == 2)
        got = _OPENERS[key] = (tuple(indexes), (singles, firsts, pairs))
    return got[1]
