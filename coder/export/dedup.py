"""Cross-document deduplication: one incident reported by several outlets becomes one event.

ACLED codes an incident once and lists every source ("SOHR; Deir Ezzor 24").
Two events from different documents are taken to be the same incident when:

- **type**: the same codebook event type;
- **actor**: the same canonical actor1. A vague actor ("Iran-backed militias
  (unidentified)") is never merged with a named one (an outlet that names the
  brigade may be reporting another convoy), and two vague ones only when the
  place and the exact day agree as well;
- **place**: the same country and either the same location, or the same
  admin1 where one of the two is only known at region level (geo_precision 3)
  or one place name contains the other ("Al Bukamal desert" / "Al Bukamal");
- **date**: within the precision window of the vaguer date (1 day, a week, a
  month for time_precision 1, 2, 3). When an event has no date, the
  publication date bounds it: the incident happened on or before it, at most
  a month earlier. When neither is known the date does not block the merge:
  the other conditions must then carry it alone (the seed pairs are like that).

Clusters are built greedily in a stable order with complete linkage: an event
joins a cluster only if it is compatible with every member and no member
comes from the same document (the coder already merged within a document).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Iterable

from ..models import CodedDocument, Document, Event

WINDOW_DAYS = {1: 1, 2: 7, 3: 31}
# How long before publication a report's undated incident may have happened.
REPORT_LAG_DAYS = 31


@dataclass
class Occurrence:
    """One event as coded in one document."""

    doc_index: int
    event_index: int
    document: Document
    event: Event

    def value(self, name: str) -> Any:
        return self.event.value(name)

    @property
    def event_date(self) -> date | None:
        value = self.value("event_date")
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            return None

    @property
    def precision(self) -> int:
        try:
            return int(self.value("time_precision") or 1)
        except (TypeError, ValueError):
            return 3


@dataclass
class MergedEvent:
    members: list[Occurrence] = field(default_factory=list)

    @property
    def type(self) -> str:
        return self.members[0].event.type

    @property
    def documents(self) -> list[Document]:
        seen: dict[int, Document] = {}
        for m in self.members:
            seen.setdefault(m.doc_index, m.document)
        return list(seen.values())

    @property
    def key(self) -> str:
        """Stable across exports: the members' documents and positions, not the export order."""
        parts = sorted(f"{m.document.content_hash}:{m.document.id}:{m.event_index}" for m in self.members)
        return hashlib.sha256("|".join(parts).encode()).hexdigest()

    def primary(self) -> Occurrence:
        """The best-documented report: most grounded fields, then confidence, then reading order."""
        return max(self.members, key=lambda m: (sum(1 for f in m.event.fields.values() if f.grounded),
                                                m.event.confidence or 0.0, -m.doc_index))

    def value(self, name: str) -> Any:
        """The primary's value, else the first member that has one."""
        for m in [self.primary(), *self.members]:
            v = m.value(name)
            if v not in (None, "", []):
                return v
        return None


def _fold(value: Any) -> str:
    return " ".join(str(value or "").casefold().replace("-", " ").split())


def is_vague_actor(name: Any) -> bool:
    folded = _fold(name)
    return not folded or any(w in folded for w in ("unidentified", "unknown", "unnamed"))


def _actor_ok(a: Occurrence, b: Occurrence) -> bool:
    x, y = _fold(a.value("actor1")), _fold(b.value("actor1"))
    if not x or x != y:
        return False
    if is_vague_actor(x):  # two vague reports: only the same place on the same known day
        return (_fold(a.value("location")) == _fold(b.value("location")) and a.event_date is not None
                and a.event_date == b.event_date and a.precision == b.precision == 1)
    return True


def _place_ok(a: Occurrence, b: Occurrence) -> bool:
    ca, cb = _fold(a.value("country")), _fold(b.value("country"))
    if ca and cb and ca != cb:
        return False
    la, lb = _fold(a.value("location")), _fold(b.value("location"))
    if la and la == lb:
        return True
    aa, ab = _fold(a.value("admin1")), _fold(b.value("admin1"))
    if not (aa and aa == ab):
        return False
    geo = {a.value("geo_precision"), b.value("geo_precision")}
    return 3 in geo or bool(la and lb and (la in lb or lb in la))


def _date_ok(a: Occurrence, b: Occurrence) -> bool:
    da, db = a.event_date, b.event_date
    if da and db:
        return abs((da - db).days) <= max(WINDOW_DAYS.get(a.precision, 31), WINDOW_DAYS.get(b.precision, 31))
    pa, pb = a.document.publication_date, b.document.publication_date
    if da or db:  # one dated event, one undated report: the report came out after it, within a month
        known, report = (da, pb) if da else (db, pa)
        return report is None or (known - timedelta(days=1) <= report <= known + timedelta(days=REPORT_LAG_DAYS))
    if pa and pb:
        return abs((pa - pb).days) <= REPORT_LAG_DAYS
    return True


def compatible(a: Occurrence, b: Occurrence) -> bool:
    return (a.doc_index != b.doc_index and a.event.type == b.event.type
            and _actor_ok(a, b) and _place_ok(a, b) and _date_ok(a, b))


def merge_events(documents: Iterable[CodedDocument], *, enabled: bool = True) -> list[MergedEvent]:
    """Events of all documents, those reporting the same incident merged; in reading order."""
    occurrences = [Occurrence(d, e, coded.document, event)
                   for d, coded in enumerate(documents) if coded.status == "ok"
                   for e, event in enumerate(coded.events)]
    if not enabled:
        return [MergedEvent([o]) for o in occurrences]
    # Blocking: only events of the same type and actor can merge, so comparisons stay within a block.
    blocks: dict[tuple[str, str], list[MergedEvent]] = {}
    merged: list[MergedEvent] = []
    for occ in occurrences:
        block = blocks.setdefault((occ.event.type, _fold(occ.value("actor1"))), [])
        for cluster in block:
            if all(compatible(occ, member) for member in cluster.members):
                cluster.members.append(occ)
                break
        else:
            cluster = MergedEvent([occ])
            block.append(cluster)
            merged.append(cluster)
    return merged


def pair_scores(merged: list[MergedEvent], truth: dict[tuple[int, int], str | None]) -> dict[str, float]:
    """Precision/recall of cross-document pairs against incident keys.

    `truth` maps (doc_index, event_index) to the gold incident key (None: a
    single-report event). A predicted pair is two members of one merged event;
    a true pair is two events of different documents sharing a key.
    """
    def pairs_of(groups: Iterable[list[tuple[int, int]]]) -> set[frozenset]:
        out = set()
        for group in groups:
            for i, x in enumerate(group):
                for y in group[i + 1:]:
                    if x[0] != y[0]:
                        out.add(frozenset((x, y)))
        return out

    predicted = pairs_of([[(m.doc_index, m.event_index) for m in c.members] for c in merged])
    by_key: dict[str, list[tuple[int, int]]] = {}
    for pos, key in truth.items():
        if key:
            by_key.setdefault(key, []).append(pos)
    gold = pairs_of(by_key.values())
    hit = len(predicted & gold)
    return {"predicted_pairs": len(predicted), "true_pairs": len(gold), "correct": hit,
            "precision": hit / len(predicted) if predicted else 1.0,
            "recall": hit / len(gold) if gold else 1.0}
