"""Cross-document deduplication: one incident reported by several outlets becomes one event.

ACLED codes an incident once and lists every source ("SOHR; Deir Ezzor 24").
A merge that joins two different incidents loses one of them and mixes their
values, so two events of different documents are *proposed* as the same
incident only on positive evidence of every part:

- **type**: the same codebook event type;
- **actor**: the same canonical actor1, known. A vague actor ("Iran-backed
  militias (unidentified)") is never merged with a named one (an outlet that
  names the brigade may be reporting another convoy), and two vague ones only
  when the place and the exact day agree as well;
- **place**: the same country when both are known, and either the same
  location, or the same admin1 where one of the two is only known at region
  level (geo_precision 3) or one place name contains the other ("Al Bukamal
  desert" / "Al Bukamal");
- **date**: both dated, within the window of the vaguer date
  (`coder.dates.dates_together`, a day of slack between outlets). An undated
  event never merges across articles: a publication date bounds when something
  happened, it does not say two reports are of one day.

Proposals are computed in a canonical order (date, then event id), not the order
documents were given in, so they do not change when the batch is re-ordered.
Cost is near-linear: events are blocked by type, actor and admin1 (else
location), and within a block only clusters still inside the month window of the
current date are compared. Clusters use complete linkage: an event joins a
cluster only if it is compatible with every member and no member comes from the
same document (the coder already merged within a document).

`merge_events` applies either every proposal (accepted=None: the library
default, used to score the rules) or only the groups an analyst accepted
(`coder export --merges/--accept-merges`, see `coder.export.merges`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..dates import as_date, dates_together, precision_of
from ..models import CodedDocument, Document, Event, assign_event_ids

# Two outlets may date one incident a day apart ("yesterday" against different publication days).
REPORT_SLACK_DAYS = 1
# Days a cluster stays open to a later event of its block: the widest window (a month) and the slack.
_OPEN_DAYS = 31 + REPORT_SLACK_DAYS


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
    def id(self) -> str:
        return self.event.id or ""

    @property
    def event_date(self) -> date | None:
        return as_date(self.value("event_date"))

    @property
    def precision(self) -> int:
        return precision_of(self.value("time_precision"))


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
    def id(self) -> str:
        """The smallest member event id: a row keeps its id when other documents are added or
        the batch is re-ordered, since event ids come from content, not position."""
        return min(m.id for m in self.members)

    @property
    def key(self) -> str:
        return hashlib.sha256(self.id.encode()).hexdigest()

    @property
    def proposal_id(self) -> str:
        """Names this group of events in a proposals file: the same members, the same name."""
        return "mrg-" + hashlib.sha256("|".join(sorted(m.id for m in self.members)).encode()).hexdigest()[:12]

    def primary(self) -> Occurrence:
        """The best-documented report: most grounded fields, then confidence, then reading order."""
        if len(self.members) == 1:
            return self.members[0]
        # Kept while the members stay the same: an export asks for it once per column.
        cached = self.__dict__.get("_primary")
        if cached is None or cached[0] != len(self.members):
            best = max(
                self.members,
                key=lambda m: (
                    sum(1 for f in m.event.fields.values() if f.grounded),
                    m.event.confidence or 0.0,
                    -m.doc_index,
                ),
            )
            cached = self.__dict__["_primary"] = (len(self.members), best)
        return cached[1]

    def value(self, name: str) -> Any:
        """The primary's value, else the first member that has one."""
        primary = self.primary()
        v = primary.value(name)
        if v not in (None, "", []) or len(self.members) == 1:
            return None if v in (None, "", []) else v
        for m in self.members:
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
        return (
            _fold(a.value("location")) == _fold(b.value("location"))
            and a.event_date is not None
            and a.event_date == b.event_date
            and a.precision == b.precision == 1
        )
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
    if da is None or db is None:  # no positive evidence of the same day: never merged across articles
        return False
    return dates_together(da, db, a.precision, b.precision, slack_days=REPORT_SLACK_DAYS)


def compatible(a: Occurrence, b: Occurrence) -> bool:
    return (
        a.doc_index != b.doc_index
        and a.event.type == b.event.type
        and _actor_ok(a, b)
        and _place_ok(a, b)
        and _date_ok(a, b)
    )


def _block(occ: Occurrence) -> tuple[str, str, str] | None:
    """Events that can merge share type, actor and admin1 (else location); None: cannot merge at all."""
    actor = _fold(occ.value("actor1"))
    place = _fold(occ.value("admin1")) or _fold(occ.value("location"))
    if not actor or not place or occ.event_date is None:
        return None
    return (occ.event.type, actor, place)


def occurrences(documents: Iterable[CodedDocument]) -> list[Occurrence]:
    """Every event of the documents coded ok, in reading order; events without an id get theirs."""
    out = []
    for d, coded in enumerate(documents):
        if coded.status != "ok":
            continue
        assign_event_ids(coded.document, coded.events)
        out.extend(Occurrence(d, e, coded.document, event) for e, event in enumerate(coded.events))
    return out


def _proposals(occs: list[Occurrence]) -> list[MergedEvent]:
    blocks: dict[tuple[str, str, str], list[tuple[date, Occurrence]]] = {}
    for occ in occs:
        key = _block(occ)
        if key is not None and occ.event_date is not None:
            blocks.setdefault(key, []).append((occ.event_date, occ))
    found: list[MergedEvent] = []
    for members in blocks.values():
        members.sort(key=lambda x: (x[0], x[1].id, x[1].doc_index))
        open_: list[tuple[date, MergedEvent]] = []  # (first date, cluster) still within reach
        for day, occ in members:
            open_ = [(first, c) for first, c in open_ if (day - first).days <= _OPEN_DAYS]
            for _, cluster in open_:
                if all(compatible(occ, m) for m in cluster.members):
                    cluster.members.append(occ)
                    break
            else:
                cluster = MergedEvent([occ])
                open_.append((day, cluster))
                found.append(cluster)
    return [c for c in found if len(c.members) > 1]


def propose_merges(documents: Iterable[CodedDocument]) -> list[MergedEvent]:
    """Groups of events of different documents that the rules above take for one incident,
    members in reading order, groups in the reading order of their first member."""
    return _in_reading_order(_proposals(occurrences(documents)))


def _in_reading_order(clusters: list[MergedEvent]) -> list[MergedEvent]:
    for c in clusters:
        c.members.sort(key=lambda m: (m.doc_index, m.event_index))
    return sorted(clusters, key=lambda c: (c.members[0].doc_index, c.members[0].event_index))


def merge_events(
    documents: Iterable[CodedDocument], *, enabled: bool = True, accepted: Iterable[Iterable[str]] | None = None
) -> list[MergedEvent]:
    """Events of all documents, merged into incidents; in reading order.

    accepted: groups of event ids an analyst accepted as one incident; only those are
    merged (a group with a member no longer present is not applied, and an event takes
    part in the first accepted group that names it). None: every proposal is applied.
    """
    occs = occurrences(documents)
    if not enabled:
        return [MergedEvent([o]) for o in occs]
    groups = [[m.id for m in c.members] for c in _proposals(occs)] if accepted is None else [list(g) for g in accepted]
    by_id: dict[str, Occurrence] = {}
    for o in occs:
        by_id.setdefault(o.id, o)
    home: dict[str, int] = {}
    for n, group in enumerate(groups):
        ids = [i for i in dict.fromkeys(group)]
        if len(ids) < 2 or any(i not in by_id or i in home for i in ids):
            continue
        for i in ids:
            home[i] = n
    merged: list[MergedEvent] = []
    clusters: dict[int, MergedEvent] = {}
    for occ in occs:
        at: int | None = home.get(occ.id) if by_id.get(occ.id) is occ else None
        if at is None:
            merged.append(MergedEvent([occ]))
        elif at in clusters:
            clusters[at].members.append(occ)
        else:
            clusters[at] = MergedEvent([occ])
            merged.append(clusters[at])
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
                for y in group[i + 1 :]:
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
    return {
        "predicted_pairs": len(predicted),
        "true_pairs": len(gold),
        "correct": hit,
        "precision": hit / len(predicted) if predicted else 1.0,
        "recall": hit / len(gold) if gold else 1.0,
    }
