"""Finding the words of the text that say a value a reviewer typed.

A reviewer who corrects the location to "Al Bukamal" should not have to
select "Albukamal" by hand when the text says it: the nearest spelling of the
value (canonical name, alias or variant) to the event's own evidence becomes
the value's span. When nothing is found the value is kept without evidence and
shown as such, never given an invented span.
"""

from __future__ import annotations

import re

from ..models import Alignment, Event, Span


def anchor_of(event: Event) -> int:
    spans = event.evidence or event.all_spans()
    return spans[0].start if spans else 0


def find_evidence(text: str, spellings: list[list[str]], near: int) -> tuple[list[Span], Alignment]:
    """For each item, its occurrence nearest the event; exact when the case matches too."""
    spans: list[Span] = []
    folded_only = False
    for words in spellings:
        best: tuple[int, int, int, bool] | None = None
        for word in words:
            if not word:
                continue
            left = r"\b" if word[:1].isalnum() else ""
            right = r"\b" if word[-1:].isalnum() else ""
            for m in re.finditer(left + re.escape(word) + right, text, re.IGNORECASE):
                distance = abs(m.start() - near)
                if best is None or distance < best[0]:
                    best = (distance, m.start(), m.end(), m.group(0) == word)
        if best is None:
            return [], Alignment.none
        spans.append(Span.of(text, best[1], best[2]))
        folded_only |= not best[3]
    if not spans:
        return [], Alignment.none
    return spans, Alignment.normalized if folded_only else Alignment.exact
