"""Long documents: overlapping chunks, and merging what the overlap finds twice.

A chunk boundary never cuts a sentence the model must see whole: chunks end
at a paragraph break, else a sentence end, else whitespace, and the next
chunk starts `overlap` characters earlier (again at a boundary). An event
reported in the overlap is then found by both chunks; the copies are merged.
"""

from __future__ import annotations

import re

from ..models import Event

_BREAKS = [re.compile(r"\n\s*\n"), re.compile(r"[.!?][\"'\u201d\u2019)]?\s"), re.compile(r"\s")]


def cut_at(text: str, lo: int, hi: int) -> int:
    """The last good boundary in text[lo:hi], or hi."""
    window = text[lo:hi]
    for pattern in _BREAKS:
        ends = [m.end() for m in pattern.finditer(window)]
        if ends:
            return lo + ends[-1]
    return hi


def chunks(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    if len(text) <= size:
        return [(0, len(text))]
    overlap = min(overlap, size // 2)
    out: list[tuple[int, int]] = []
    start = 0
    while True:
        if len(text) - start <= size:
            out.append((start, len(text)))
            return out
        end = cut_at(text, start + size // 2, start + size)
        out.append((start, end))
        # Start the next chunk `overlap` back, at a boundary, and always move forward.
        back = (
            cut_at(text, max(start + 1, end - overlap - overlap // 2), end - overlap) if end - overlap > start else end
        )
        start = back if start < back < end else end


def _key(event: Event) -> tuple:
    return (event.type, event.value("actor1"), event.value("location"), event.value("event_date"))


def same_event(a: Event, b: Event) -> bool:
    if a.type != b.type:
        return False
    if a.evidence and b.evidence:
        return any(x.overlaps(y) for x in a.evidence for y in b.evidence)
    return _key(a) == _key(b)


def merge_events(events: list[Event]) -> list[Event]:
    """Merge copies of one event (found in two overlapping chunks), keeping the fuller one."""
    merged: list[Event] = []
    for event in events:
        for i, kept in enumerate(merged):
            if same_event(kept, event):
                merged[i] = _combine(kept, event)
                break
        else:
            merged.append(event)
    return merged


def _combine(a: Event, b: Event) -> Event:
    def grounded(e: Event) -> int:
        return sum(1 for f in e.fields.values() if f.grounded)

    first, second = (a, b) if (grounded(a), a.confidence or 0) >= (grounded(b), b.confidence or 0) else (b, a)
    fields = dict(second.fields)
    fields.update(first.fields)
    # A value the better copy left unaligned but the other grounded: take the grounded one.
    for name, fv in second.fields.items():
        if name in first.fields and not first.fields[name].grounded and fv.grounded:
            fields[name] = fv
    confidence = max((c for c in (a.confidence, b.confidence) if c is not None), default=None)
    return first.model_copy(update={"fields": fields, "confidence": confidence})
