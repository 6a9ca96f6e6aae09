"""Words of a text as tokens: folded for look-up, with offsets into the original text.

Folding removes what sources vary in when they spell a name (case, hyphens, quote marks, the
Arabic article): "al-Bukamal", "Al-Bokamal" and "Albu Kamal" fold to the same tokens. A token
keeps its (start, end) in the ORIGINAL text. names.py looks these tokens up in its indexes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from itertools import accumulate, compress, count, repeat
from operator import add, and_, attrgetter, itemgetter, not_
from typing import Any, NamedTuple, overload

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


@lru_cache(maxsize=4096)
def key_of(name: str) -> tuple[str, ...]:
    """The folded key of a dictionary name: tokens without articles (cached: the same
    dictionary names are asked about for every mention)."""
    found = tokens(name)
    key = tuple(compress(found.texts, map(not_, found.articles)))
    # a name that is only an article: kept literal
    return key if key else tuple(found.texts)
