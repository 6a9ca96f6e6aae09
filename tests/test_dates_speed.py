"""find_dates' short cuts (prefilters, needed words, lower-cased matching) never change an answer:
compared with the plain pass (every pattern, case-blind, in every window) on random text."""

from __future__ import annotations

import random
from datetime import date

from coder.normalize import dates
from coder.normalize.dates import _CUE, _NEEDS, _PATTERNS, _WINDOW, DateResolution, _resolve, find_dates
from coder.text.prefilter import words_of


def _plain(text: str, pub: date | None, start: int, end: int, anchor: date | None) -> list[DateResolution]:
    """find_dates as it reads, with no short cut."""
    windows: list[list[int]] = []
    for m in _CUE.finditer(text, start, end):
        a, b = max(start, m.start() - _WINDOW), min(end, m.end() + _WINDOW)
        while a > start and not text[a - 1].isspace():
            a -= 1
        while b < end and not text[b].isspace():
            b += 1
        if windows and a <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], b)
        else:
            windows.append([a, b])
    hits = []
    for a, b in windows:
        for order, (kind, pattern) in enumerate(_PATTERNS):
            for m in pattern.finditer(text, a, b):
                hits.append((m.start(), -(m.end() - m.start()), order, kind, m))
    hits.sort(key=lambda h: (h[0], h[1], h[2]))
    out, taken_until = [], -1
    for s, _n, _o, kind, m in hits:
        if s < taken_until:
            continue
        resolved = _resolve(kind, m, pub, anchor)
        if resolved is None:
            continue
        anchor = resolved[0]
        relative = kind not in ("iso", "dmy_num", "mdy", "dmy", "month_year")
        out.append(DateResolution(resolved[0], resolved[1], m.start(), m.end(), m.group(0), relative))
        taken_until = m.end()
    return out


_VOCABULARY = [
    "on",
    "On",
    "the",
    "The",
    "in",
    "In",
    "a",
    "one",
    "day",
    "Day",
    "days",
    "ago",
    "AGO",
    "week",
    "month",
    "MONTH",
    "last",
    "Last",
    "this",
    "past",
    "previous",
    "next",
    "following",
    "same",
    "before",
    "after",
    "later",
    "earlier",
    "yesterday",
    "Yesterday",
    "today",
    "tonight",
    "night",
    "morning",
    "evening",
    "mid",
    "early",
    "late",
    "end of",
    "of",
    "during",
    "since",
    "March",
    "march",
    "MAY",
    "May",
    "may",
    "Sept.",
    "Jan",
    "Dec.",
    "Monday",
    "monday",
    "FRIDAY",
    "Sunday",
    "3",
    "12th",
    "31st",
    "2021",
    "1999",
    "2020-03-04",
    "4/5/2020",
    "12,",
    "km",
    "percent",
    "ſunday",
    "Mİd",
    "ﬁve",
    "٣",
    "é",
    "convoy",
    "fighters",
    "x",
    "_",
    "-",
    "—",
]


def _text(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 30)):
        parts.append(rng.choice(_VOCABULARY))
        parts.append(rng.choice([" ", " ", " ", ", ", "-", ". ", "\n", "  ", "", "/"]))
    return "".join(parts)


def test_find_dates_answers_as_the_plain_pass():
    rng = random.Random(12)
    found = 0
    for _ in range(4000):
        text = _text(rng)
        start = rng.randint(0, len(text) // 3)
        end = rng.randint(start, len(text))
        pub = rng.choice([None, date(2021, 3, 10), date(2020, 1, 2)])
        anchor = rng.choice([None, date(2019, 6, 1)])
        expected = _plain(text, pub, start, end, anchor)
        assert find_dates(text, pub, start, end, anchor, chain=True) == expected, (text, start, end)
        assert find_dates(text, pub, start, end, anchor, chain=True, words=words_of(text, start, end)) == expected
        found += len(expected)
    assert found > 2000


def test_every_match_holds_a_needed_word():
    rng = random.Random(8)
    checked = 0
    for _ in range(4000):
        text = _text(rng)
        for kind, pattern in _PATTERNS:
            needs = _NEEDS.get(kind)
            for m in pattern.finditer(text):
                checked += 1
                if needs is not None:
                    assert not needs.isdisjoint(words_of(text, m.start(), m.end())), (kind, m.group())
    assert checked > 5000
    assert set(_NEEDS) <= {kind for kind, _p in _PATTERNS}
    assert dates._TABLE  # every pattern has its row


def test_a_long_s_or_dotted_capital_i_in_a_date_word_resolves_instead_of_failing():
    # IGNORECASE matches "ſunday" and "İn": the month and weekday tables are asked with the
    # word folded as the prefilter folds it (a KeyError used to fail the whole document).
    found = find_dates("They left on ſunday, and returned İn Auguſt.", date(2021, 3, 10))
    assert [(d.text, d.date.isoformat()) for d in found] == [("on ſunday", "2021-03-07"), ("İn Auguſt", "2020-08-15")]
