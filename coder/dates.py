"""Event dates and the window a date stands for: one rule for every part that compares dates.

A date coded with time_precision 1 is that day, 2 is "that week" (any day of it),
3 is "that month". Two dated reports can be the same incident only when the
vaguer of the two windows holds both days. Within one document that is the whole
rule (`dates_together`); across documents two outlets may date one incident a day
apart ("yesterday" read against different publication days), which `slack_days`
allows for.
"""

from __future__ import annotations

import calendar
import re
from datetime import date
from typing import Any

from .models import Alignment, FieldValue
from .text.prefilter import case_free

# Words that name a day relative to the report ("on Monday", "yesterday"): with no publication date
# to read them against they resolve to no date, though the text gave one.
DAY_WORDS = frozenset(day.lower() for day in calendar.day_name) | {"today", "yesterday", "tonight", "overnight"}

# The most days apart two dates of one incident can be, by the vaguer precision.
WINDOW_DAYS = {1: 0, 2: 6, 3: 30}


def as_date(value: Any) -> date | None:
    """A date from a date or an ISO string (a longer timestamp is cut to its day); else None."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def precision_of(value: Any) -> int:
    """time_precision as 1, 2 or 3; unknown or unreadable counts as a day (the coders' default)."""
    try:
        p = int(value) if value not in (None, "") else 1
    except (TypeError, ValueError):
        return 3
    return min(max(p, 1), 3)


def dates_together(a: date, b: date, precision_a: Any = 1, precision_b: Any = 1, *, slack_days: int = 0) -> bool:
    """Whether two known dates can be the same incident's, within the vaguer date's window.

    Precision 3 means the same calendar month ("in January" is any day of it); 2 a
    week either way; 1 the same day. slack_days widens the week and day windows
    (cross-document reports), never the month.
    """
    if a == b:
        return True
    precision = max(precision_of(precision_a), precision_of(precision_b))
    if precision >= 3:
        return (a.year, a.month) == (b.year, b.month)
    return abs((a - b).days) <= WINDOW_DAYS[precision] + slack_days


def reported_date(published: date) -> dict[str, FieldValue]:
    """ACLED's reported-date convention, for an event the text gives no date for: the
    publication date, known to the week (time_precision 2). Every coder fills it the same way."""
    return {
        "event_date": FieldValue(
            value=published.isoformat(), alignment=Alignment.none, detail="publication date (reported-date convention)"
        ),
        "time_precision": FieldValue(value=2, alignment=Alignment.derived),
    }


# A year with no month ("in 2019", "mid-2019", "early 2020", "last year"): the manual leaves such
# an event undated rather than coding it to the publication date, which may be years later.
_ONLY_A_YEAR = re.compile(
    r"\b(?:in|during|since|throughout|until|by|of)\s+(?:(?:early|mid|late)[-\s])?(?:19|20)\d\d\b(?![-/.]\d)"
    r"|\b(?:early|mid|late)[-\s](?:19|20)\d\d\b"
    r"|\b(?:last|this|that|the previous|the same) year\b",
    re.I,
)


# The same pattern without IGNORECASE, for a document's folded text (its words are all lower case):
# about three times faster a search, asked of every trigger's sentence.
_ONLY_A_YEAR_FOLDED = case_free(_ONLY_A_YEAR)
_ANY_DIGIT = re.compile(r"\d")


def only_a_year(text: str, start: int, end: int, folded: str | None = None) -> bool:
    """Whether text[start:end] places its event in a year and no finer (see _ONLY_A_YEAR).
    `folded`: the text's folded copy (text.prefilter.folded_text), when the caller has it."""
    if folded is not None and _ONLY_A_YEAR_FOLDED is not None:
        # Every match holds a figure or "year": a sentence with neither, most, is not searched
        # (re tries the alternation at every position, but finds a lone class or word by scanning).
        if folded.find("year", start, end) < 0 and _ANY_DIGIT.search(folded, start, end) is None:
            return False
        return _ONLY_A_YEAR_FOLDED.search(folded, start, end) is not None
    return _ONLY_A_YEAR.search(text, start, end) is not None
