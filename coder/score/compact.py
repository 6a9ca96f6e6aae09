"""One side of a comparison as flat numpy arrays.

Matching 100,000 events must not touch pydantic objects in its loops, so each
event is read once here: its document and type as integers, its place, actor
and date as interned keys, all its spans merged into a covered-interval list
(CSR layout), and every scored field as an interned value id (-1: absent).
Events are put in a canonical order (document, type, content) so that ties in
the assignment never depend on the order of the input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Hashable, Sequence

import numpy as np

from ..models import Event
from .values import DATE_FIELD, PRECISION_FIELD, Normaliser, fold, is_empty, normaliser_for, sort_key

# A field the codebook does not declare for the type is still compared, generically.
UNKNOWN_FIELD = normaliser_for(None)


class ValueIndex:
    """Interned normalised values per field, shared by both sides so ids compare."""

    def __init__(self) -> None:
        self.ids: dict[str, dict[Hashable, int]] = {}
        self.values: dict[str, list[Hashable]] = {}
        self.names: dict[str, int] = {}

    def intern(self, field_name: str, value: Hashable) -> int:
        table = self.ids.get(field_name)
        if table is None:
            table = self.ids[field_name] = {}
            self.values[field_name] = []
        found = table.get(value)
        if found is None:
            found = table[value] = len(table)
            self.values[field_name].append(value)
        return found

    def name(self, text: str) -> int:
        found = self.names.get(text)
        if found is None:
            found = self.names[text] = len(self.names)
        return found


@dataclass
class Side:
    events: list[Event]
    doc: np.ndarray
    type: np.ndarray
    location: np.ndarray      # interned folded name, -1 absent
    actor: np.ndarray
    date_key: np.ndarray      # ordinal * 4 + precision, -1 absent
    day: np.ndarray           # ordinal, -1 absent
    cover_offsets: np.ndarray  # CSR: spans of event i are cover_*[offsets[i]:offsets[i+1]]
    cover_start: np.ndarray
    cover_end: np.ndarray
    cover_length: np.ndarray
    evidence: list[tuple[tuple[int, int], ...]]
    values: dict[str, np.ndarray] = field(default_factory=dict)
    doc_start: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.events)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue  # an empty span covers nothing and overlaps nothing
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _date_parts(value: object, precision: object) -> tuple[int, int, str | None]:
    if not isinstance(value, str):
        return -1, -1, None
    text = value.strip()
    try:
        ordinal = date.fromisoformat(text).toordinal()
    except ValueError:
        return -1, -1, text
    level = precision if isinstance(precision, int) and not isinstance(precision, bool) and 1 <= precision <= 3 else 1
    return ordinal * 4 + level, ordinal, text


def build_side(events_per_doc: Sequence[Sequence[Event]], type_ids: list[str],
               normalisers: dict[str, dict[str, Normaliser | None]], index: ValueIndex) -> Side:
    """Flatten the events of every document (documents already in their shared order)."""
    type_number = {type_id: n for n, type_id in enumerate(type_ids)}
    rows = []
    for doc_number, events in enumerate(events_per_doc):
        for event in events:
            rows.append(_read_event(doc_number, type_number[event.type], event, normalisers[event.type], index))
    rows.sort(key=lambda row: row[0])
    n = len(rows)
    doc = np.fromiter((r[1][0] for r in rows), dtype=np.int64, count=n)
    columns = list(zip(*(r[1] for r in rows))) if rows else [()] * 6
    cover_counts = np.fromiter((len(r[2]) for r in rows), dtype=np.int64, count=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(cover_counts, out=offsets[1:])
    flat = [interval for r in rows for interval in r[2]]
    cover = np.array(flat, dtype=np.int64).reshape(-1, 2)
    lengths = np.zeros(n, dtype=np.int64)
    if len(cover):
        owner = np.repeat(np.arange(n), cover_counts)
        lengths = np.bincount(owner, weights=cover[:, 1] - cover[:, 0], minlength=n).astype(np.int64)
    side = Side(
        events=[r[4] for r in rows], doc=doc,
        type=np.array(columns[1], dtype=np.int64), location=np.array(columns[2], dtype=np.int64),
        actor=np.array(columns[3], dtype=np.int64), date_key=np.array(columns[4], dtype=np.int64),
        day=np.array(columns[5], dtype=np.int64),
        cover_offsets=offsets, cover_start=cover[:, 0].copy(), cover_end=cover[:, 1].copy(), cover_length=lengths,
        evidence=[r[3] for r in rows],
    )
    side.doc_start = np.searchsorted(doc, np.arange(len(events_per_doc) + 1)).astype(np.int64)
    per_field: dict[str, list[tuple[int, int]]] = {}
    for number, row in enumerate(rows):
        for name, value_id in row[5]:
            per_field.setdefault(name, []).append((number, value_id))
    for name, pairs in per_field.items():
        column = np.full(n, -1, dtype=np.int64)
        where, ids = zip(*pairs)
        column[list(where)] = ids
        side.values[name] = column
    return side


def _read_event(doc_number: int, type_number: int, event: Event, normalisers: dict[str, Normaliser | None],
                index: ValueIndex) -> tuple:
    fields = event.fields
    location = fields.get("location")
    location_id = index.name(fold(location.value)) if location is not None and isinstance(location.value, str) else -1
    actor = fields.get("actor1")
    actor_id = index.name(fold(actor.value)) if actor is not None and isinstance(actor.value, str) else -1
    date_value = fields.get(DATE_FIELD)
    precision = fields.get(PRECISION_FIELD)
    date_key, day, date_text = _date_parts(date_value.value if date_value is not None else None,
                                           precision.value if precision is not None else None)
    spans = [(s.start, s.end) for s in event.evidence]
    evidence = tuple(sorted(set(spans)))
    normalised: list[tuple[str, Hashable]] = []
    for name, field_value in fields.items():
        spans.extend((s.start, s.end) for s in field_value.spans)
        value = field_value.value
        if is_empty(value):
            continue
        normalise = normalisers.get(name, UNKNOWN_FIELD)
        if normalise is None:
            continue
        if name == DATE_FIELD and date_text is not None:
            normalised.append((name, (date_text, date_key & 3 if date_key >= 0 else 1)))
        else:
            normalised.append((name, normalise(value)))
    normalised.sort(key=lambda item: item[0])
    cover = _merge(spans)
    canonical = (doc_number, type_number, date_key, sort_key(tuple(v for _, v in normalised)),
                 repr([n for n, _ in normalised]), cover, evidence)
    value_ids = [(name, index.intern(name, value)) for name, value in normalised]
    return canonical, (doc_number, type_number, location_id, actor_id, date_key, day), cover, evidence, event, value_ids
