"""The actors or places a text names, nearest an event's evidence first: what a reviewer is
offered when the coder put the wrong name in a field.

On articles the offline coder has never seen it picks the wrong location for about two matched
events in five, and in most of them the right place is named in the text (bench/offered.py
counts how near). Finding the names is the normaliser's; this orders them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Event
from .normalizer import Normalizer


@dataclass(frozen=True)
class NearName:
    """A canonical name and the mention of it nearest the evidence: [start, end) in the text."""

    name: str
    start: int
    end: int
    # Characters between the mention and the nearest evidence span; 0 inside one.
    distance: int


def names_near(
    normalizer: Normalizer, text: str, evidence: Sequence[tuple[int, int]], kind: str, anchor: int | None = None
) -> list[NearName]:
    """Each actor (kind "actor") or place ("place") the text names once, nearest the evidence
    first. Among equally near ones (all those inside it) the one nearest `anchor` (where the
    field's present value is said) comes first, else the earlier; with no evidence, text order.

    Nearest the present value, because a wrong place is most often a neighbour of the right one
    in the same sentence ("from al-Qaim into Syria ... arrived in al-Mayadin")."""
    actors, places = normalizer.find_names(text)
    mentions = actors if kind == "actor" else places

    def distance(start: int, end: int) -> int:
        if not evidence:
            return start
        return min(0 if a < end and start < b else (a - end if end <= a else start - b) for a, b in evidence)

    nearest: dict[str, NearName] = {}
    for m in mentions:
        found = NearName(m.match.name, m.start, m.end, distance(m.start, m.end))
        kept = nearest.get(found.name)
        if kept is None or (found.distance, found.start) < (kept.distance, kept.start):
            nearest[found.name] = found
    if anchor is None:
        return sorted(nearest.values(), key=lambda n: (n.distance, n.start))
    return sorted(nearest.values(), key=lambda n: (n.distance, abs(n.start - anchor), n.start))


def other_names(normalizer: Normalizer, text: str, event: Event, field: str, kind: str) -> list[NearName]:
    """names_near for one field of an event: around its evidence, nearest where the field's
    present value is said, that value (each item of a list) left out."""
    present = event.value(field)
    taken = set(present) if isinstance(present, list) else {present}
    said = event.fields.get(field)
    anchor = said.spans[0].start if said is not None and said.spans else None
    evidence = [(s.start, s.end) for s in event.evidence]
    return [n for n in names_near(normalizer, text, evidence, kind, anchor) if n.name not in taken]
