"""Numbers and money as news writes them.

ACLED codes the lowest figure a source gives: "more than 205" is 205, "20 to
30" is 20, "dozens" is 12, "tens of" is 10, "hundreds" 100, "thousands" 1000.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..text.headsearch import word_matches
from ..text.prefilter import _DIGIT_HEAD, case_free, words_of

_UNITS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
# The number words, zero to ninety: also what the LLM's quote alignment reads as digits.
NUMBER_WORD_VALUES = {**_UNITS, **_TENS}
TENS_WORDS = tuple(_TENS)
_UNITS.update({"a dozen": 12, "dozen": 12})
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000, "billion": 1_000_000_000}
# Vague plurals, ACLED's lowest reading.
_VAGUE = {
    "dozens": 12,
    "tens": 10,
    "scores": 20,
    "hundreds": 100,
    "thousands": 1000,
    "several": 10,
    "a few": 3,
    "a couple of": 2,
    "a number of": 2,
    "a handful of": 3,
}

_WORD = "|".join(sorted(list(_UNITS) + list(_TENS), key=len, reverse=True))
_WORD_NUMBER = (
    r"(?:(?:" + _WORD + r")(?:[\s-]+(?:" + _WORD + r"))?)(?:\s+(?:hundred|thousand|million)"
    r"(?:\s+(?:and\s+)?(?:" + _WORD + r")(?:[\s-]+(?:" + _WORD + r"))?)?)*"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_WORD = r"(?:\s*(?P<scale>million|thousand|billion|bn|m|k)\b)?"
NUMBER_RE = re.compile(
    r"(?<![\w.,])(?:(?P<digits>"
    + _DIGITS
    + r")"
    + _SCALE_WORD
    + r"|(?P<vague>dozens|tens|scores|hundreds|thousands|several|a few|a couple of|a number of|a handful of)(?:\s+of)?"
    + r"|(?P<words>"
    + _WORD_NUMBER
    + r"))(?![\w])",
    re.I,
)


def _words_value(words: str) -> int | None:
    total, current = 0, 0
    parts = re.split(r"[\s-]+", words.lower().replace(" and ", " "))
    i = 0
    seen = False
    while i < len(parts):
        part = parts[i]
        if part == "a" and i + 1 < len(parts) and parts[i + 1] == "dozen":
            current += 12
            i += 2
            seen = True
            continue
        if part in _UNITS:
            current += _UNITS[part]
            seen = True
        elif part in _TENS:
            current += _TENS[part]
            seen = True
        elif part in _SCALES:
            scale = _SCALES[part]
            if scale == 100:
                current = max(current, 1) * 100
            else:
                total += max(current, 1) * scale
                current = 0
            seen = True
        elif part:
            return None
        i += 1
    return total + current if seen else None


def _scale(word: str | None) -> int:
    if not word:
        return 1
    return {
        "million": 1_000_000,
        "m": 1_000_000,
        "thousand": 1000,
        "k": 1000,
        "billion": 1_000_000_000,
        "bn": 1_000_000_000,
    }[word.lower()]


@dataclass(frozen=True)
class NumberMention:
    value: float
    start: int
    end: int
    vague: bool = False

    @property
    def int_value(self) -> int:
        return int(self.value)


# NUMBER_RE without IGNORECASE, for a folded text (text.prefilter.folded_text): the same spans,
# twice as fast (re tries an IGNORECASE alternation in full at every position). Its groups read
# the same values: every one is lower-cased before it is looked up.
_NUMBER_LOW = case_free(NUMBER_RE)
# The word a NUMBER_RE match starts with when it is no figure: its look behind puts the start at a
# word's start, and each alternative's first word runs to a space, a hyphen or the match's end.
# A match that starts with "a" goes on with one of these ("a dozen", "a few", "a couple of"...).
_AFTER_A = frozenset(w.split()[1] for w in (*_UNITS, *_VAGUE) if w.startswith("a "))
# A figure's first digit starts a run of digits (the look behind: no digit, letter, "." or "," before).
_FIGURE = re.compile(r"\d+")
_A = frozenset({"a"})
_NUMBER_HEADS = frozenset(re.match(r"\w+", w).group() for w in (*_UNITS, *_TENS, *_VAGUE))  # type: ignore[union-attr]


def find_numbers(
    text: str,
    start: int = 0,
    end: int | None = None,
    folded: str | None = None,
    words: frozenset[str] | None = None,
) -> list[NumberMention]:
    """Every number in text[start:end] (digits, words, vague plurals), left to right.
    `folded`: folded_text(text), when the caller has it; `words`: words_of(text, start, end), when
    the caller has them (the coder's sentence words)."""
    end = len(text) if end is None else end
    out: list[NumberMention] = []
    found: Iterable[re.Match[str]]
    if folded is not None and _NUMBER_LOW is not None:
        # A match is a figure, a number word or a vague plural, and is tried only where one starts
        # (re tries NUMBER_RE, which starts with a look behind, at every position).
        if words is None:
            words = words_of(text, start, end)
        heads = _NUMBER_HEADS.intersection(words)
        if "a" in heads and _AFTER_A.isdisjoint(words):
            heads = heads - _A  # "a" is in most sentences, "a few" or "a dozen" in few
        figures = [m.start() for m in _FIGURE.finditer(folded, start, end)] if _DIGIT_HEAD in words else ()
        found = word_matches(_NUMBER_LOW, folded, start, end, heads, figures)
    else:
        found = NUMBER_RE.finditer(text, start, end)
    for m in found:
        if m.group("digits"):
            value = float(m.group("digits").replace(",", "")) * _scale(m.group("scale"))
            out.append(NumberMention(value, m.start(), m.end()))
        elif m.group("vague"):
            out.append(NumberMention(_VAGUE[m.group("vague").lower()], m.start(), m.end(), vague=True))
        else:
            said = _words_value(m.group("words"))
            if said is not None and m.group("words").lower() not in ("one",):
                out.append(NumberMention(said, m.start(), m.end()))
    return out


def parse_number(text: str) -> int | None:
    """The lowest figure the words give, or None.

    "some 1,000" -> 1000; "150-strong" -> 150; "dozens" -> 12; "tens of" -> 10;
    "more than 205" -> 205; "between 20 and 30" / "20-30" -> 20; "two hundred" -> 200.
    """
    if text is None:
        return None
    if isinstance(text, (int, float)):
        return int(text)
    found = find_numbers(text)
    if not found:
        return None
    # A range gives its lowest bound: take the smallest of the figures found
    # when they are joined by a range word, else the first.
    first = found[0]
    if len(found) > 1:
        between = text[first.end : found[1].start].strip().lower()
        if between in ("-", "–", "to", "and", "or", "—"):
            return int(min(first.value, found[1].value))
    return int(first.value)


# -- money -----------------------------------------------------------------------


@dataclass(frozen=True)
class Money:
    amount: float
    currency: str | None  # ISO-like code: USD, SYP, IQD, IRR, EUR or None
    period: str | None  # month, week, day, one_off or None
    start: int = 0
    end: int = 0


# Currency words, longest first; the codebook lexicon of a field may add more.
_CURRENCIES = [
    ("syrian pounds", "SYP"),
    ("syrian pound", "SYP"),
    ("syrian lira", "SYP"),
    ("syrian liras", "SYP"),
    ("iraqi dinars", "IQD"),
    ("iraqi dinar", "IQD"),
    ("us dollars", "USD"),
    ("u.s. dollars", "USD"),
    ("dollars", "USD"),
    ("dollar", "USD"),
    ("usd", "USD"),
    ("syp", "SYP"),
    ("s.p.", "SYP"),
    ("sp", "SYP"),
    ("dinars", "IQD"),
    ("iqd", "IQD"),
    ("tomans", "IRR"),
    ("rials", "IRR"),
    ("irr", "IRR"),
    ("euros", "EUR"),
    ("euro", "EUR"),
    ("pounds", "SYP"),
    ("liras", "SYP"),
    ("lira", "SYP"),
]
_PERIODS = [
    (r"(?:per|a|each|every|an)\s+month|monthly|/\s*month", "month"),
    (r"(?:per|a|each|every)\s+week|weekly", "week"),
    (r"(?:per|a|each|every)\s+day|daily", "day"),
    (r"one[- ]off|one[- ]time|lump[- ]sum|bonus", "one_off"),
]
_CUR_RE = "|".join(re.escape(word) for word, _ in _CURRENCIES)
_SYMBOL = {"$": "USD", "€": "EUR", "£": "GBP"}
MONEY_RE = re.compile(
    r"(?P<sym>[$€£])\s?(?P<a1>"
    + _DIGITS
    + r")"
    + r"(?:\s*(?P<s1>million|thousand|m|k)\b)?"
    + r"|(?P<a2>"
    + _DIGITS
    + r")(?:\s*(?P<s2>million|thousand|m|k)\b)?\s*(?P<cur>"
    + _CUR_RE
    + r")(?![\w])",
    re.I,
)
_PERIOD_WORD = {"monthly": "month", "weekly": "week", "daily": "day"}
_PERIOD_BEFORE = re.compile(
    r"\b(monthly|weekly|daily)\s+(?:[\w-]+\s+){0,2}?(?:of|worth)\s+"
    r"(?:(?:about|around|some|nearly|almost|roughly|approximately|up to|over|more than)\s+)?$",
    re.I,
)
_PERIOD_RE = [(re.compile(r"^\W{0,3}\s*(?:" + p + r")\b", re.I), v) for p, v in _PERIODS]


# Every MONEY_RE match holds a digit (both alternatives need _DIGITS' \d). re tries MONEY_RE's
# alternation at every position of the text, but finds a lone class by scanning for it: a text
# without a digit, most sentences, is ruled out at a fraction of the cost.
_ANY_DIGIT = re.compile(r"\d")


def find_money(text: str, start: int = 0, end: int | None = None) -> list[Money]:
    end = len(text) if end is None else end
    out: list[Money] = []
    if _ANY_DIGIT.search(text, start, end) is None:
        return out
    for m in MONEY_RE.finditer(text, start, end):
        if m.group("sym"):
            amount = float(m.group("a1").replace(",", "")) * _scale(m.group("s1"))
            currency = _SYMBOL[m.group("sym")]
        else:
            amount = float(m.group("a2").replace(",", "")) * _scale(m.group("s2"))
            currency = dict(_CURRENCIES)[m.group("cur").lower()]
        period, stop = None, m.end()
        after = text[m.end() : min(end, m.end() + 20)]
        for pattern, value in _PERIOD_RE:
            pm = pattern.match(after)
            if pm:
                period, stop = value, m.end() + pm.end()
                break
        if period is None:
            # "a monthly salary of 300,000 Syrian pounds": the period is said before the sum.
            before = _PERIOD_BEFORE.search(text[max(start, m.start() - 40) : m.start()])
            if before:
                period = _PERIOD_WORD[before.group(1).lower()]
        out.append(Money(amount, currency, period, m.start(), stop))
    return out


def parse_money(text: str) -> Money | None:
    """Amount, currency and period of the first sum in the text, or None.

    "$100 a month" -> Money(100, "USD", "month"); "200,000 Syrian pounds a month"
    -> Money(200000, "SYP", "month").
    """
    found = find_money(text or "")
    return found[0] if found else None
