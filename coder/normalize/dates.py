"""Dates the ACLED way: absolute and relative expressions, resolved against the
publication date, with time_precision (1 day, 2 week, 3 month).

A date that cannot be resolved is never invented: every function returns None
rather than guess (a weekday with no publication date, "the next day" with no
anchor, a month name with no year and no publication date).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from ..text.headsearch import word_matches
from ..text.prefilter import _DIGIT_HEAD, _FOLD, PatternIndex, Prefilter, folded_text, words_of

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "a": 1, "an": 1}

_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_WD = r"(?P<wd>" + "|".join(_WEEKDAYS) + r")"
# "21 July of this month": the month said twice, one date.
_OF_THIS_MONTH = r"(?:\s+of\s+(?:this|the current|the same)\s+month\b)?"

# Order matters: the first pattern to match at a position wins, so the more
# specific forms come first.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<day>[0-3]\d)\b")),
    ("dmy_num", re.compile(r"\b(?P<day>[0-3]?\d)/(?P<m>[01]?\d)/(?P<year>(?:19|20)\d\d)\b")),
    ("mdy", re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"(?:\s*,\s*|\s+)" + _YEAR + r"\b", re.I)),
    ("dmy", re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I)),
    (
        "md",
        re.compile(
            r"\b"
            + _MONTH
            + r"\s+"
            + _DAY
            + r"\b(?!\s*(?:,\s*)?(?:19|20)\d\d)(?![\d,.]*\s*(?:km|kilomet|mile|%|percent))"
            + _OF_THIS_MONTH,
            re.I,
        ),
    ),
    (
        "dm",
        re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"\b(?!\s*,?\s*(?:19|20)\d\d)" + _OF_THIS_MONTH, re.I),
    ),
    # "the 21st of this month": a day of the publication's month (or of the month before it).
    (
        "day_of_month",
        re.compile(
            r"\bthe\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)\s+of\s+"
            r"(?P<rel>this|the current|last|the previous|the past)\s+month\b",
            re.I,
        ),
    ),
    (
        "part_month",
        re.compile(
            r"\b(?P<part>early|mid|late|end of|beginning of|start of|the end of|the beginning of|"
            r"the middle of|middle of)[\s-]+" + _MONTH + r"(?:,?\s+" + _YEAR + r")?\b",
            re.I,
        ),
    ),
    (
        "month_year",
        re.compile(r"\b(?:in|during|since|throughout|from|by|of)\s+" + _MONTH + r",?\s+" + _YEAR + r"\b", re.I),
    ),
    ("in_month", re.compile(r"\b(?:in|during|throughout)\s+" + _MONTH + r"(?!\s*[0-3]?\d\b)\b", re.I)),
    ("day_before_yesterday", re.compile(r"\bthe day before yesterday\b", re.I)),
    ("yesterday", re.compile(r"\byesterday\b", re.I)),
    ("today", re.compile(r"\b(?:today|this morning|this afternoon|this evening|tonight|earlier today)\b", re.I)),
    # "struck overnight" in a morning report: the night before it ("overnight Monday" is Monday's).
    ("last_night", re.compile(r"\b(?:last night|overnight)\b(?!\s+(?:on\s+|into\s+)?" + _WD + r")", re.I)),
    ("days_ago", re.compile(r"\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|a)\s+days?\s+ago\b", re.I)),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<mod>last|this past|past|on|this|early on|late on)\s+)?"
            + _WD
            + r"(?:\s+(?:morning|afternoon|evening|night))?\b",
            re.I,
        ),
    ),
    ("last_week", re.compile(r"\b(?:last|the past|past|the previous|previous) week\b", re.I)),
    ("this_week", re.compile(r"\b(?:this|earlier this) week\b", re.I)),
    ("last_month", re.compile(r"\b(?:last|the past|past|the previous|previous) month\b", re.I)),
    ("this_month", re.compile(r"\b(?:this|earlier this) month\b", re.I)),
    (
        "next_day",
        re.compile(r"\b(?:(?:a|one|the) day (?:after|later)|the (?:next|following) day|the day after)\b", re.I),
    ),
    ("same_day", re.compile(r"\b(?:on )?the same day\b", re.I)),
    ("day_before", re.compile(r"\b(?:(?:a|one|the) day (?:before|earlier)|the previous day|the day before)\b", re.I)),
]


_CUE = re.compile(
    r"\b(?:"
    + "|".join(sorted(_MONTHS, key=len, reverse=True))
    + "|"
    + "|".join(_WEEKDAYS)
    + r"|yesterday|today|tonight|this morning|this afternoon|this evening|night|overnight|week|month|ago|day)\b"
    r"|\b\d{1,4}[-/]\d",
    re.I,
)
_WINDOW = 40


# The words (or digits) each pattern can start with (text/prefilter.py): a region or window
# without any of them cannot hold a match, and most hold none.
_CUE_FIRST = Prefilter.of(_CUE)
_FIRST = PatternIndex([pattern for _kind, pattern in _PATTERNS])

# A word every match of the pattern holds (whole, as a \w+ run: each is bounded by \b, a space,
# "." or a non-word mark in the pattern), beside the word it starts with: "the", "on", "a" and
# "in" let half the patterns through by their first word, the day, week or month they name
# lets through the one or two that can match. (tests/test_dates_speed.py checks that every
# match holds one.)
_MONTH_WORDS = frozenset(_MONTHS)
_NEEDS: dict[str, frozenset[str]] = {
    "mdy": _MONTH_WORDS,
    "dmy": _MONTH_WORDS,
    "md": _MONTH_WORDS,
    "dm": _MONTH_WORDS,
    "day_of_month": frozenset({"month"}),
    "part_month": _MONTH_WORDS,
    "month_year": _MONTH_WORDS,
    "in_month": _MONTH_WORDS,
    "day_before_yesterday": frozenset({"yesterday"}),
    "today": frozenset({"today", "morning", "afternoon", "evening", "tonight"}),
    "last_night": frozenset({"night", "overnight"}),
    "days_ago": frozenset({"ago"}),
    "weekday": frozenset(_WEEKDAYS),
    "last_week": frozenset({"week"}),
    "this_week": frozenset({"week"}),
    "last_month": frozenset({"month"}),
    "this_month": frozenset({"month"}),
    "next_day": frozenset({"day"}),
    "same_day": frozenset({"day"}),
    "day_before": frozenset({"day"}),
}
# (order, kind, pattern, the same pattern case-sensitive, needed words) by id(pattern). Every
# pattern's letters are lower case: on lower-cased ASCII text the case-sensitive copy finds the
# IGNORECASE matches, several times faster (see _CUE_LOWER).
_TABLE = {
    id(pattern): (order, kind, pattern, re.compile(pattern.pattern), _NEEDS.get(kind))
    for order, (kind, pattern) in enumerate(_PATTERNS)
}


# _CUE without IGNORECASE, for lower-cased ASCII text: the same matches (the pattern's letters
# are all lower case), five times faster (re checks a case-sensitive branch's first letter
# before trying it; an IGNORECASE one it tries in full at every position).
_CUE_LOWER = re.compile(_CUE.pattern)


# _CUE's words and its one digit alternative apart: a match of either starts with a letter, of the
# other with a digit, so they never overlap and together are _CUE's. The words are looked for only
# where the text's own words stand (headsearch.word_matches).
_CUE_HEADS = _CUE_FIRST.words - {_DIGIT_HEAD}
_CUE_DIGITS = re.compile(r"\b\d{1,4}[-/]\d")


def _cues(text: str, start: int, end: int, words: frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of each _CUE.finditer(text, start, end) match; `words`: words_of(text, start, end)."""
    lead = 1 if start > 0 else 0  # the character before: \b at `start` looks at it
    part = text[start - lead : end]
    # Not only ASCII text: a page with one "Ḥ" or curly quote is still folded (folded_text says
    # when lower() keeps every offset and IGNORECASE match), not searched case-blind in full.
    low = part.lower() if part.isascii() else folded_text(part)
    if low is None:
        return [m.span() for m in _CUE.finditer(text, start, end)]
    shift = start - lead
    found = [m.span() for m in word_matches(_CUE_LOWER, low, lead, len(low), _CUE_HEADS.intersection(words))]
    if _DIGIT_HEAD in words:
        found += [m.span() for m in _CUE_DIGITS.finditer(low, lead)]
        found.sort()
    return [(a + shift, b + shift) for a, b in found]


def _windows(text: str, start: int, end: int, words: frozenset[str] | None = None) -> list[tuple[int, int]]:
    """Merged windows around date cues, widened to whitespace so no word is cut.
    `words`: words_of(text, start, end), when the caller has them already."""
    out: list[list[int]] = []
    if words is None:
        words = words_of(text, start, end)
    if not _CUE_FIRST.allows(words):
        return []
    for m_start, m_end in _cues(text, start, end, words):
        a = max(start, m_start - _WINDOW)
        b = min(end, m_end + _WINDOW)
        while a > start and not text[a - 1].isspace():
            a -= 1
        while b < end and not text[b].isspace():
            b += 1
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _window_hits(text: str, a: int, b: int) -> list[tuple[int, int, int, str, re.Pattern[str], int]]:
    """(start, -length, order, kind, pattern, b) of every match of every pattern in text[a:b]."""
    words = words_of(text, a, b)
    allowed = _FIRST.hits(words)
    digits = _DIGIT_HEAD in words
    allowed.update(k for k in _FIRST.prefixed if (digits or k not in _YEAR_HEADS) and _FIRST.allows(k, words, allowed))
    lead = 1 if a > 0 else 0  # \b at `a` looks at the character before
    part = text[a - lead : b]
    low = part.lower() if part.isascii() else folded_text(part)
    shift = a - lead
    hits = []
    for key in allowed:
        order, kind, pattern, lower, needs = _TABLE[key]
        if needs is not None and needs.isdisjoint(words):
            continue
        if low is not None:
            heads = _HEADS.get(key)
            found = (
                lower.finditer(low, lead) if heads is None else word_matches(lower, low, lead, len(low), heads & words)
            )
            for m in found:
                hits.append((m.start() + shift, m.start() - m.end(), order, kind, pattern, b))
        else:
            for m in pattern.finditer(text, a, b):
                hits.append((m.start(), m.start() - m.end(), order, kind, pattern, b))
    return hits


# The patterns whose words may only start with digits ("19", "20"): words_of marks the words that
# hold a word starting with a digit (_DIGIT_HEAD), and most windows' words hold none.
_YEAR_HEADS = frozenset(k for k, heads in _FIRST.prefixed.items() if all(h[:1].isdecimal() for h in heads))
# Prefilter.heads of each date pattern: it is tried only where one of the window's words stands.
_HEADS = {key: first.heads for key, first in _FIRST.first.items() if first.heads is not None}


@dataclass(frozen=True)
class DateResolution:
    date: date
    precision: int  # ACLED time_precision: 1 day, 2 week, 3 month
    start: int = 0  # span of the expression in the text given
    end: int = 0
    text: str = ""
    relative: bool = False  # resolved against the publication date or an anchor

    @property
    def iso(self) -> str:
        return self.date.isoformat()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _infer_year(month: int, day: int, pub: date | None, anchor: date | None = None) -> int | None:
    """A day without a year is in the publication's year, or the year before
    when that would put it more than a week after publication (news reports
    the past: an article of 3 January about "December 28"). With no publication
    date, the year of the nearest date the text already gave ("in April 2021 ...
    on April 5"), never a guess."""
    if pub is None:
        if anchor is None:
            return None
        options = [
            (abs((c - anchor).days), c.year)
            for y in (anchor.year - 1, anchor.year, anchor.year + 1)
            if (c := _safe_date(y, month, min(day, 28))) is not None
        ]
        return min(options)[1] if options else None
    candidate = _safe_date(pub.year, month, day)
    if candidate is not None and candidate > pub + timedelta(days=7):
        return pub.year - 1
    return pub.year


def _week_middle(day: date) -> date:
    # ACLED codes a week as its middle day: Thursday of a Monday-Sunday week.
    return day - timedelta(days=day.weekday()) + timedelta(days=3)


def _folded(word: str) -> str:
    """A matched word as the tables spell it: IGNORECASE also matches "ſunday" (long s) and
    "İn" (dotted capital I), which lower() alone leaves out of every table."""
    return word.lower() if word.isascii() else word.translate(_FOLD).lower()


def _resolve(kind: str, m: re.Match[str], pub: date | None, anchor: date | None) -> tuple[date, int] | None:
    g = m.groupdict()
    if kind in ("iso", "dmy_num"):
        d = _safe_date(int(g["year"]), int(g["m"]), int(g["day"]))
        return (d, 1) if d else None
    if kind in ("mdy", "dmy"):
        d = _safe_date(int(g["year"]), _MONTHS[_folded(g["month"])], int(g["day"]))
        return (d, 1) if d else None
    if kind in ("md", "dm"):
        month, day = _MONTHS[_folded(g["month"])], int(g["day"])
        if _folded(g["month"]) == "may" and kind == "md" and not m.group(0)[0].isupper():
            return None  # "may 3" as a verb
        year = _infer_year(month, day, pub, anchor)
        d = _safe_date(year, month, day) if year else None
        return (d, 1) if d else None
    if kind in ("part_month", "month_year", "in_month"):
        month_word = _folded(g["month"])
        if month_word == "may" and not g["month"][0].isupper():
            return None
        month = _MONTHS[month_word]
        year = int(g["year"]) if g.get("year") else _infer_year(month, 15, pub, anchor)
        if year is None:
            return None
        # ACLED: month-level knowledge codes the middle of the month.
        return date(year, month, 15), 3
    if pub is None:
        return None
    if kind == "day_before_yesterday":
        return pub - timedelta(days=2), 1
    if kind == "yesterday" or kind == "last_night":
        return pub - timedelta(days=1), 1
    if kind == "today":
        return pub, 1
    if kind == "days_ago":
        n = _folded(g["n"])
        days = int(n) if n.isdigit() else _NUM_WORDS[n]
        return pub - timedelta(days=days), 1
    if kind == "weekday":
        target = _WEEKDAYS[_folded(g["wd"])]
        back = (pub.weekday() - target) % 7
        mod = _folded(g.get("mod") or "")
        if back == 0 and mod in ("last", "past", "this past"):
            back = 7  # "last Monday" written on a Monday is a week ago
        return pub - timedelta(days=back), 1
    if kind == "last_week":
        return _week_middle(pub - timedelta(days=7)), 2
    if kind == "this_week":
        return min(_week_middle(pub), pub), 2
    if kind == "day_of_month":
        month_start = pub.replace(day=1)
        if _folded(g["rel"]) in ("last", "the previous", "the past"):
            month_start = (month_start - timedelta(days=1)).replace(day=1)
        d = _safe_date(month_start.year, month_start.month, int(g["day"]))
        return (d, 1) if d is not None and d <= pub else None
    if kind == "last_month":
        first = pub.replace(day=1) - timedelta(days=1)
        return first.replace(day=15), 3
    if kind == "this_month":
        return min(pub.replace(day=15), pub), 3
    if kind == "next_day" and anchor is not None:
        return anchor + timedelta(days=1), 1
    if kind == "same_day" and anchor is not None:
        return anchor, 1
    if kind == "day_before" and anchor is not None:
        return anchor - timedelta(days=1), 1
    return None


def find_dates(
    text: str,
    publication_date: date | None,
    start: int = 0,
    end: int | None = None,
    anchor: date | None = None,
    *,
    chain: bool = False,
    words: frozenset[str] | None = None,
) -> list[DateResolution]:
    """Every resolvable date expression in text[start:end], left to right, non-overlapping.

    With chain=True each date found becomes the anchor of the next relative
    one, so "a day after" and "the same day" follow the latest date mentioned.
    `words`: words_of(text, start, end) (text/prefilter.py), when the caller has them.
    """
    end = len(text) if end is None else end
    hits: list[tuple[int, int, int, str, re.Pattern[str], int]] = []
    # Most text holds no date: find the few windows around date-like words
    # first and run the full patterns there only (keeps the coder fast).
    for a, b in _windows(text, start, end, words):
        hits += _window_hits(text, a, b)
    hits.sort(key=lambda h: (h[0], h[1], h[2]))
    out: list[DateResolution] = []
    taken_until = -1
    for s, _neg_len, _order, kind, pattern, b in hits:
        if s < taken_until:
            continue
        # The match found (on lower-cased text, maybe) again, on the text itself: the same
        # span, as the pattern matches there and then; its words keep their case ("May").
        m = pattern.match(text, s, b)
        assert m is not None  # it matched here on this text or its lower-cased copy
        resolved = _resolve(kind, m, publication_date, anchor)
        if resolved is None:
            continue
        d, precision = resolved
        if chain:
            anchor = d
        relative = kind not in ("iso", "dmy_num", "mdy", "dmy", "month_year")
        # Day matched first in "on Monday": the span is the expression, not "on".
        out.append(DateResolution(d, precision, m.start(), m.end(), m.group(0), relative))
        taken_until = m.end()
    return out


def resolve_date(
    expression_or_text: str, publication_date: date | None = None, *, anchor: date | None = None
) -> DateResolution | None:
    """The first date the words give, or None: never an invented date."""
    if not expression_or_text:
        return None
    if isinstance(publication_date, str):
        try:
            publication_date = date.fromisoformat(publication_date)
        except ValueError:
            publication_date = None
    found = find_dates(expression_or_text, publication_date, anchor=anchor)
    return found[0] if found else None
