"""One side of a comparison as flat numpy arrays.

Matching 100,000 events must not touch pydantic objects in its loops, so each
event is read once here: its document and type as integers, its place, actor
and date as interned keys, all its spans merged into a covered-interval list
(CSR layout), and every scored field as an interned value id (-1: absent).
Events are put in a canonical order (document, type, content) so that ties in
the assignment never depend on the order of the input.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from ..models import Event
from .values import DATE_FIELD, PRECISION_FIELD, Normaliser, fold, normaliser_for, sort_key

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
    location: np.ndarray  # interned folded name, -1 absent
    actor: np.ndarray
    date_key: np.ndarray  # ordinal * 4 + precision, -1 absent
    day: np.ndarray  # ordinal, -1 absent
    cover_offsets: np.ndarray  # CSR: spans of event i are cover_*[offsets[i]:offsets[i+1]]
    cover_start: np.ndarray
    cover_end: np.ndarray
    cover_length: np.ndarray
    evidence: list[tuple[tuple[int, int], ...]]
    # Evidence spans only (what span scoring compares), one row per span: event, start, end.
    evidence_rows: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), dtype=np.int64))
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


def build_side(
    events_per_doc: Sequence[Sequence[Event]],
    type_ids: list[str],
    normalisers: dict[str, dict[str, Normaliser | None]],
    index: ValueIndex,
) -> Side:
    """Flatten the events of every document (documents already in their shared order)."""
    reader = _Reader(type_ids, normalisers, index)
    rows = [reader.read(doc_number, event) for doc_number, events in enumerate(events_per_doc) for event in events]
    rows.sort(key=lambda row: row[0])
    _break_ties(rows, index)
    n = len(rows)
    columns = list(zip(*(r[1] for r in rows))) if rows else [()] * 6
    doc = np.array(columns[0], dtype=np.int64)
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
        events=[r[4] for r in rows],
        doc=doc,
        type=np.array(columns[1], dtype=np.int64),
        location=np.array(columns[2], dtype=np.int64),
        actor=np.array(columns[3], dtype=np.int64),
        date_key=np.array(columns[4], dtype=np.int64),
        day=np.array(columns[5], dtype=np.int64),
        cover_offsets=offsets,
        cover_start=cover[:, 0].copy(),
        cover_end=cover[:, 1].copy(),
        cover_length=lengths,
        evidence=[r[3] for r in rows],
    )
    evidence_counts = np.fromiter((len(r[3]) for r in rows), dtype=np.int64, count=n)
    evidence_flat = np.array([span for r in rows for span in r[3]], dtype=np.int64).reshape(-1, 2)
    side.evidence_rows = np.column_stack([np.repeat(np.arange(n), evidence_counts), evidence_flat])
    side.doc_start = np.searchsorted(doc, np.arange(len(events_per_doc) + 1)).astype(np.int64)
    per_field: dict[str, tuple[list[int], list[int]]] = {}
    for number, row in enumerate(rows):
        for name, value_id in row[5]:
            slot = per_field.get(name)
            if slot is None:
                slot = per_field[name] = ([], [])
            slot[0].append(number)
            slot[1].append(value_id)
    for name, (where, ids) in per_field.items():
        column = np.full(n, -1, dtype=np.int64)
        column[where] = ids
        side.values[name] = column
    return side


def _break_ties(rows: list, index: ValueIndex) -> None:
    """Order events equal on the cheap key by their full content, so input order never decides."""
    start = 0
    while start < len(rows):
        end = start + 1
        while end < len(rows) and rows[end][0] == rows[start][0]:
            end += 1
        if end - start > 1:
            rows[start:end] = sorted(
                rows[start:end],
                key=lambda row: sort_key(
                    tuple((name, index.values[name][value_id]) for name, value_id in sorted(row[5]))
                ),
            )
        start = end


_SKIP = -2  # cache mark: a field that is not scored


class _Reader:
    """Reads events into rows; normalised values are cached per raw value, since archives repeat them."""

    def __init__(self, type_ids: list[str], normalisers: dict[str, dict[str, Normaliser | None]], index: ValueIndex):
        self.type_number = {type_id: n for n, type_id in enumerate(type_ids)}
        self.normalisers = normalisers
        self.index = index
        self.value_cache: dict[str, dict[str, dict]] = {type_id: {} for type_id in type_ids}
        self.name_cache: dict[str, int] = {}
        self.date_cache: dict[tuple, tuple[int, int, str | None]] = {}

    def _name(self, value: object) -> int:
        if not isinstance(value, str):
            return -1
        found = self.name_cache.get(value)
        if found is None:
            found = self.name_cache[value] = self.index.name(fold(value))
        return found

    def _new_value(self, cache: dict, key: object, type_id: str, name: str, value: object) -> int:
        normalise = self.normalisers[type_id].get(name, UNKNOWN_FIELD)
        found = _SKIP if normalise is None else self.index.intern(name, normalise(value))
        if key is not None:
            cache[key] = found
        return found

    def _dates(self, date_value: object, precision_value: object) -> tuple[int, int, str | None]:
        try:
            return self.date_cache[(date_value, precision_value)]
        except KeyError:
            found = self.date_cache[(date_value, precision_value)] = _date_parts(date_value, precision_value)
            return found
        except TypeError:
            return _date_parts(date_value, precision_value)

    def read(self, doc_number: int, event: Event) -> tuple:
        type_id = event.type
        type_number = self.type_number[type_id]
        caches = self.value_cache[type_id]
        fields = event.fields
        location = fields.get("location")
        location_id = self._name(location.value) if location is not None else -1
        actor = fields.get("actor1")
        actor_id = self._name(actor.value) if actor is not None else -1
        date_value = fields.get(DATE_FIELD)
        precision = fields.get(PRECISION_FIELD)
        date_key, day, date_text = self._dates(
            date_value.value if date_value is not None else None, precision.value if precision is not None else None
        )
        # Plain loops, not comprehensions: this runs for every span of 100,000s of events.
        spans = []
        add_span = spans.append
        for span in event.evidence:
            add_span((span.start, span.end))
        evidence = tuple(sorted(set(spans))) if len(spans) > 1 else tuple(spans)
        value_ids = []
        for name, field_value in fields.items():
            for span in field_value.spans:
                add_span((span.start, span.end))
            value = field_value.value
            if value is None:
                continue
            if name == DATE_FIELD and date_text is not None:
                # A date is compared with its precision: the same day at week precision is another claim.
                value_ids.append((name, self.index.intern(name, (date_text, date_key & 3 if date_key >= 0 else 1))))
                continue
            cache = caches.get(name)
            if cache is None:
                cache = caches[name] = {}
            kind = value.__class__
            # Strings key themselves; other values carry their class, since True, 1 and 1.0 are equal keys.
            if kind is str:
                if not value:
                    continue
                key = value
            elif kind is list:
                if not value:
                    continue
                key = (tuple(value), list)
            else:
                key = (value, kind)
            try:
                found = cache.get(key)
            except TypeError:  # unhashable (a dict inside a list): normalised every time
                found, key = None, None
            if found is None:
                found = self._new_value(cache, key, type_id, name, value)
            if found >= 0:
                value_ids.append((name, found))
        cover = _merge(spans)
        cheap_key = (
            doc_number,
            type_number,
            date_key,
            location.value if location_id >= 0 else "",
            actor.value if actor_id >= 0 else "",
            cover,
            evidence,
        )
        return (
            cheap_key,
            (doc_number, type_number, location_id, actor_id, date_key, day),
            cover,
            evidence,
            event,
            value_ids,
        )
