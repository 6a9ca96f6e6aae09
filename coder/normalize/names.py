"""Actor and place names: folding, a token n-gram index and fuzzy near misses.

Why tokens and not one big regex alternation: sources spell the same name a
dozen ways (al-Bukamal, Al-Bokamal, Albu Kamal; Liwa al-Fatemiyoun), and the
differences are exactly the ones folding removes (case, hyphens, quote marks,
the Arabic article). Folding the text once into word tokens and looking up
n-grams in a dict is linear in the text and independent of the dictionary
size, which keeps the coder well above 300 documents/s.

Offsets always point into the ORIGINAL text: a token keeps its (start, end).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, and_, attrgetter, itemgetter, not_
from typing import Any, Generic, NamedTuple, TypeVar, overload

from rapidfuzz import fuzz, process

# Letters and digits, in any script; hyphens, quote marks and spaces separate tokens,
# except an apostrophe or ayn mark inside a transliterated word ("Kata'ib", "Sha'itat",
# "Asa’ib"): those are one word, or "Kata'ib Hizballah" would fall apart into "Kata", "ib"
# and a bare "Hizballah" that matches the Lebanese party. An English possessive ("Iran's")
# stays two tokens so that "Aleppo's countryside" still holds "Aleppo".
# Only a short first part joins ("Kata'ib", "Sha'itat", "Qara'an"): a closing quote glued to
# the next word after a long one ("Fatimiyoun’militia") is punctuation.
# (Checked in tokens(): a lookbehind in the pattern itself made tokenising twice as slow.)
_TOKEN = re.compile(r"[^\W_]+(?:['\u2019\u02bc\u02bf\u2018`](?!s\b)[^\W_]+)?", re.UNICODE)
_MAX_JOINED_HEAD = 5
_INNER_MARK = re.compile(r"['\u2019\u02bc\u02bf\u2018`]")
# The Arabic article as sources transliterate it. Dropped when folding so that
# "al-Mayadin", "Mayadin" and "el Mayadin" share one key.
ARTICLES = frozenset({"al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an"})
# Short article forms that are also English words are only dropped when they
# were written attached with a hyphen (handled in tokens()).
_AMBIGUOUS_ARTICLES = frozenset({"as", "at", "an", "ad", "ar", "az", "ash", "ul"})
# Longest name in tokens we try to match; longer aliases are still indexed
# (the lookup window grows to the longest key).
_DEFAULT_MAX_NGRAM = 8


def fold_token(token: str) -> str:
    if "'" in token or not token.isascii():
        token = _INNER_MARK.sub("", token)
    if token.isascii():
        return token.lower()  # the common case, and the fast one
    # NFKD + dropping combining marks folds "Ḥasakah" to "hasakah".
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


class Token(NamedTuple):  # a tuple: created for every word, so it must be cheap
    text: str  # folded
    start: int
    end: int
    article: bool  # an article that may be dropped
    capital: bool  # began with an upper-case letter in the source
    upper: bool  # written all in capitals (an acronym: "IS", "KH")


_new_token = tuple.__new__  # Token(...) through the class's Python __new__ costs twice as much
# The token pattern as one group: split() then gives the text between tokens and the tokens in
# turn, and the lengths' running sum gives every offset, with no match object made per word.
_SPLIT = re.compile(f"({_TOKEN.pattern})", re.UNICODE)
# The same on ASCII text, where [^\W_] is [A-Za-z0-9] and the only marks are ' and `: a plain
# class is matched several times faster than a negated category.
_SPLIT_ASCII = re.compile(r"([A-Za-z0-9]+(?:['`](?!s\b)[A-Za-z0-9]+)?)")
# Text split at a time (at a space, which no token holds): a one-line megabyte is never one list,
# and a piece is short enough that most pieces of a page with a curly quote every few thousand
# characters are all ASCII (the fast split, no word-by-word pass): 5 MB line 1.7 -> 0.8 s.
_CHUNK = 1 << 10
_SPACE = re.compile(r"\s")


def _is_article(folded: str, text: str, e: int) -> bool:
    if folded not in ARTICLES:
        return False
    if folded in _AMBIGUOUS_ARTICLES:
        # "as-Safira" is an article, "as" in "as well" is not.
        nxt = text[e : e + 1]
        return nxt != "" and nxt in "-‐‑–"  # "" is in every string: a final "an" is no article
    return True


def _slow_tokens(text: str, raw: str, s: int, e: int) -> list[Token]:
    """The tokens of one match that is not a plain ASCII word (marks inside, other scripts)."""
    out = []
    if not raw.isalnum():
        mark = _INNER_MARK.search(raw)
        if mark is not None and mark.start() > _MAX_JOINED_HEAD:
            # "Fatimiyoun’militia": a quote mark between two words, not inside one.
            head = raw[: mark.start()]
            out.append(Token(fold_token(head), s, s + len(head), False, head[:1].isupper(), head.isupper()))
            raw, s = raw[mark.end() :], s + mark.end()
    folded = fold_token(raw)
    out.append(Token(folded, s, e, _is_article(folded, text, e), raw[:1].isupper(), raw.isupper()))
    return out


class Tokens(Sequence[Token]):
    """tokens()' answer: the tokens' fields as columns, a Token made only when one is asked for.

    Most tokens of a paragraph are never looked at one by one (a scan picks out the few that
    may open a name from the columns), and making a tuple for each was a third of tokenising."""

    __slots__ = ("texts", "starts", "ends", "articles", "capitals", "uppers")

    def __init__(
        self,
        texts: list[str],
        starts: list[int],
        ends: list[int],
        articles: list[bool],
        capitals: list[bool],
        uppers: list[bool],
    ) -> None:
        self.texts, self.starts, self.ends = texts, starts, ends
        self.articles, self.capitals, self.uppers = articles, capitals, uppers

    @classmethod
    def of(cls, toks: Iterable[Token]) -> Tokens:
        columns: list[list[Any]] = [[], [], [], [], [], []]
        for t in toks:
            for column, value in zip(columns, t):
                column.append(value)
        return cls(*columns)

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, i: int) -> Token: ...

    @overload
    def __getitem__(self, i: slice) -> list[Token]: ...

    def __getitem__(self, i: int | slice) -> Token | list[Token]:
        if isinstance(i, slice):
            return list(self)[i]
        return _new_token(
            Token, (self.texts[i], self.starts[i], self.ends[i], self.articles[i], self.capitals[i], self.uppers[i])
        )

    def __iter__(self) -> Iterator[Token]:
        return map(
            _new_token,
            repeat(Token),
            zip(self.texts, self.starts, self.ends, self.articles, self.capitals, self.uppers),
        )

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Tokens, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a list's equality, a list's (lack of) hash


def tokens(text: str, start: int = 0, end: int | None = None) -> Tokens:
    """Word tokens of text[start:end] with offsets into `text`.

    Every step runs in C over a whole piece of text (split, running sums, map): a Python loop
    over every word was a third of the name finder's time. A plain ASCII word folds to lower();
    the few others (marks inside, other scripts, articles that may be English words) are redone
    one by one."""
    out = Tokens([], [], [], [], [], [])
    end = len(text) if end is None else end
    while start < end:
        stop = end
        if end - start > _CHUNK:
            space = _SPACE.search(text, start + _CHUNK, end)
            stop = space.start() if space is not None else end
        _tokens_of(text, start, stop, out)
        start = stop
    return out


# ASCII characters that are no letter or digit, as spaces (a byte table: one look-up per byte).
_NOT_ALNUM_ASCII = bytes(c if c < 128 and chr(c).isalnum() else 32 for c in range(256))


def _tokens_of(text: str, start: int, end: int, out: Tokens) -> None:
    part = text[start:end]
    if part.isascii() and "'" not in part and "`" not in part:
        # No inner mark: the tokens are the runs of ASCII letters and digits, which a byte table
        # and split(" ") give faster than the pattern; a piece's start is the lengths before it
        # plus one space after each ("" between two spaces).
        pieces = part.encode("ascii").translate(_NOT_ALNUM_ASCII).decode("ascii").split(" ")
        starts = list(compress(map(add, accumulate(map(len, pieces), initial=start), count()), pieces))
        raws = list(filter(None, pieces))
        ends = list(map(add, starts, map(len, raws)))
        plain = True
    else:
        pieces = (_SPLIT_ASCII if part.isascii() else _SPLIT).split(part)
        offsets = list(accumulate(map(len, pieces), initial=start))
        raws, starts, ends = pieces[1::2], offsets[1:-1:2], offsets[2::2]
        joined = "".join(raws)
        plain = joined.isascii() and joined.isalnum()
    lows = list(map(str.lower, raws))
    articles = list(map(ARTICLES.__contains__, lows))
    for i in compress(range(len(lows)), articles):
        if lows[i] in _AMBIGUOUS_ARTICLES and not _is_article(lows[i], text, ends[i]):
            articles[i] = False
    capitals = list(map(str.isupper, map(_FIRST_CHAR, raws)))
    uppers = list(map(str.isupper, raws))
    if not plain:
        # Marks inside a word or other scripts: those words (a few a piece) are redone one by one,
        # their columns spliced in from the last to the first so the earlier indexes hold.
        columns: tuple[list[Any], ...] = (lows, starts, ends, articles, capitals, uppers)
        plain_words = map(and_, map(str.isascii, raws), map(str.isalnum, raws))
        redo = list(compress(range(len(raws)), map(not_, plain_words)))
        for i in reversed(redo):
            redone = Tokens.of(_slow_tokens(text, raws[i], starts[i], ends[i]))
            for column, new in zip(columns, _columns(redone)):
                column[i : i + 1] = new
    if not out.texts:
        # The first piece (most often the only one): its fresh columns are taken, not copied.
        out.texts, out.starts, out.ends = lows, starts, ends
        out.articles, out.capitals, out.uppers = articles, capitals, uppers
        return
    out.texts += lows
    out.starts += starts
    out.ends += ends
    out.articles += articles
    out.capitals += capitals
    out.uppers += uppers


_FIRST_CHAR = itemgetter(0)
_columns = attrgetter("texts", "starts", "ends", "articles", "capitals", "uppers")
_UNSET: Any = object()  # "not asked yet" in the fuzzy caches (None is a cached "no match")


@lru_cache(maxsize=4096)
def key_of(name: str) -> tuple[str, ...]:
    """The folded key of a dictionary name: tokens without articles (cached: the same
    dictionary names are asked about for every mention)."""
    found = tokens(name)
    key = tuple(compress(found.texts, map(not_, found.articles)))
    # a name that is only an article: kept literal
    return key if key else tuple(found.texts)


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
