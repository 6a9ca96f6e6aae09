"""ACLED-style CSV: ACLED's columns in ACLED's order, then the project's own.

One row per incident after cross-document deduplication (`dedup`), so an
incident two outlets reported is one row whose `source` lists both
("; "-joined, as ACLED does) and whose `document_ids` says where it came from.

ACLED conventions followed:
- `event_id_cnty` is the ISO3 code and a number; here the number is derived
  from the row's event id (the smallest member's, `coder.models.assign_event_ids`:
  document and trigger words, never a position), so an event keeps its id across
  exports, re-ordered batches and documents added; `event_ids` lists the members;
- `interaction` is the two inter codes, lower first (13), or inter1 and 0
  when there is no second actor (30);
- `iso` is the numeric ISO 3166 code; `region` ACLED's region name;
- `fatalities` is the lowest figure any report gives; `timestamp` is a Unix time.

`read_acled_csv` loads a file with pandas and the right dtypes (nullable
integers, so an unknown year stays missing instead of turning the column to
floats).
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ..codebook.model import Codebook
from ..derived import contradictions
from ..gazetteer.acled import acled_admin1, acled_admin2, acled_location
from ..models import Alignment, CodedDocument
from .dedup import MergedEvent, merge_events

ACLED_COLUMNS = [
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
]
# The project's own columns, after ACLED's; the type-specific fields come between these two groups.
OWN_LEADING = ["codebook_event_type", "confidence"]
# ungrounded_fields: fields whose value no member's own words support (quote not
# found, or found and saying something else), so that no one reads them as data.
# warnings: values that contradict each other (coder.derived.contradictions), for the analyst to fix.
OWN_TRAILING = ["evidence", "document_ids", "document_count", "ungrounded_fields", "event_ids", "warnings"]
UNGROUNDED = {Alignment.unaligned, Alignment.contradicted}

_INT = [
    "year",
    "time_precision",
    "inter1",
    "inter2",
    "interaction",
    "iso",
    "geo_precision",
    "fatalities",
    "timestamp",
    "document_count",
]
_FLOAT = ["latitude", "longitude", "confidence"]

# Countries of the gazetteer: ISO3, ISO numeric, ACLED region.
COUNTRIES = {
    "syria": ("SYR", 760, "Middle East"),
    "iraq": ("IRQ", 368, "Middle East"),
    "lebanon": ("LBN", 422, "Middle East"),
    "iran": ("IRN", 364, "Middle East"),
    "jordan": ("JOR", 400, "Middle East"),
    "turkey": ("TUR", 792, "Middle East"),
    "israel": ("ISR", 376, "Middle East"),
    "palestine": ("PSE", 275, "Middle East"),
}


def type_field_columns(codebook: Codebook) -> list[str]:
    """Type-specific field names, each once, in codebook order."""
    shared = set(codebook.shared_fields)
    columns: list[str] = []
    for et in codebook.event_types:
        columns.extend(name for name in et.fields if name not in shared and name not in columns)
    return columns


def columns(codebook: Codebook) -> list[str]:
    return ACLED_COLUMNS + OWN_LEADING + type_field_columns(codebook) + OWN_TRAILING


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _joined(values: Iterable[Any], sep: str = "; ") -> str:
    seen: list[str] = []
    for v in values:
        if v not in (None, "") and str(v) not in seen:
            seen.append(str(v))
    return sep.join(seen)


def _iso3(merged: MergedEvent) -> str:
    return COUNTRIES.get(str(merged.value("country") or "").casefold(), ("XXX",))[0]


def event_ids(merged: list[MergedEvent]) -> dict[int, str]:
    """event_id_cnty of each row (by position in `merged`), from the rows' event ids.

    Nine digits of the id's hash; a clash (about one in ten thousand for ten thousand rows)
    is resolved in the order of the event ids, not of the rows, so re-ordering moves nothing.
    """
    taken: set[str] = set()
    out: dict[int, str] = {}
    for n in sorted(range(len(merged)), key=lambda i: merged[i].id):
        iso3 = _iso3(merged[n])
        number = int(merged[n].key[:15], 16) % 1_000_000_000
        while f"{iso3}{number}" in taken:
            number = (number + 1) % 1_000_000_000
        taken.add(f"{iso3}{number}")
        out[n] = f"{iso3}{number}"
    return out


def row(
    merged: MergedEvent, codebook: Codebook, event_id: str, timestamp: int, type_fields: list[str] | None = None
) -> dict[str, Any]:
    v = merged.value
    try:
        mapping = codebook.event_type(merged.type).acled
        acled = (mapping.disorder_type, mapping.event_type, mapping.sub_event_type)
    except KeyError:  # a type the codebook no longer has: exported, but without a mapping
        acled = ("", "", "")
    _, iso, region = COUNTRIES.get(str(v("country") or "").casefold(), ("XXX", None, ""))
    inter1, inter2 = _int(v("inter1")), _int(v("inter2"))
    if inter1 is None:
        interaction = None
    elif inter2 is None:
        interaction = inter1 * 10
    else:
        interaction = min(inter1, inter2) * 10 + max(inter1, inter2)
    event_date = v("event_date")
    fatalities = [f for f in (_int(m.value("fatalities")) for m in merged.members) if f is not None]
    docs = merged.documents
    out: dict[str, Any] = {
        "event_id_cnty": event_id,
        "event_date": event_date,
        "year": str(event_date)[:4] if event_date else None,
        "time_precision": v("time_precision") if event_date else None,
        "disorder_type": acled[0],
        "event_type": acled[1],
        "sub_event_type": acled[2],
        "actor1": v("actor1"),
        "assoc_actor_1": v("assoc_actor_1"),
        "inter1": inter1,
        "actor2": v("actor2"),
        "assoc_actor_2": v("assoc_actor_2"),
        "inter2": inter2,
        "interaction": interaction,
        "civilian_targeting": "",
        "iso": iso,
        "region": region,
        "country": v("country"),
        "admin1": v("admin1"),
        "admin2": v("admin2"),
        "admin3": None,
        "location": v("location"),
        "latitude": v("latitude"),
        "longitude": v("longitude"),
        "geo_precision": v("geo_precision"),
        # The outlet, else the site of the URL; never the id (document_ids has those).
        "source": _joined([d.source or (urlsplit(d.url).netloc if d.url else None) for d in docs]),
        "source_scale": _joined([d.source_scale for d in docs] or [v("source_scale")], "-") or v("source_scale"),
        "notes": v("notes"),
        "fatalities": min(fatalities) if fatalities else 0,
        "tags": "",
        "timestamp": timestamp,
        "codebook_event_type": merged.type,
        "confidence": max((m.event.confidence for m in merged.members if m.event.confidence is not None), default=None),
    }
    for name in type_fields if type_fields is not None else type_field_columns(codebook):
        out[name] = v(name)
    out["evidence"] = " | ".join(
        f"{m.document.id}[{s.start}:{s.end}] {s.text}" for m in merged.members for s in m.event.evidence
    )
    out["document_ids"] = _joined(d.id for d in docs)
    out["document_count"] = len(docs)
    out["ungrounded_fields"] = " ".join(_ungrounded(merged))
    out["event_ids"] = "; ".join(m.id for m in merged.members)
    out["warnings"] = "; ".join(contradictions(v))
    return {k: _cell(val) for k, val in out.items()}


def _ungrounded(merged: MergedEvent) -> list[str]:
    """Fields some member gives without support and no member grounds, in field order."""
    bad: dict[str, None] = {}
    good: set[str] = set()
    for m in merged.members:
        for name, fv in m.event.fields.items():
            if fv.value in (None, "", []):
                continue
            if fv.alignment in UNGROUNDED:
                bad[name] = None
            else:
                good.add(name)
    return [name for name in bad if name not in good]


def write_acled_csv(
    documents: Iterable[CodedDocument],
    codebook: Codebook,
    out: IO[str],
    *,
    dedup: bool = True,
    accepted: Iterable[Iterable[str]] | None = None,
    timestamp: int | None = None,
    undecided: dict[str, set[int]] | None = None,
    comments: dict[str, str] | None = None,
    acled_names: bool = False,
    stats: dict[str, int] | None = None,
) -> int:
    """Write the events as ACLED rows; returns the number of rows.

    accepted: the merges an analyst accepted (groups of event ids, see
    `coder.export.merges`); None merges every proposal (`dedup.merge_events`).

    undecided: document id -> indices of events no reviewer decided (a partly
    reviewed export); when given, a `review_status` column says "undecided" for
    a row with any such member and "reviewed" otherwise.
    acled_names: write ACLED's own spellings where they differ from the codebook's: admin1 and
    admin2 from the ACLED table ("Deir ez Zor"), a place's and an actor's `acled_name` ("Tadmor",
    "Liwa Fatemiyoun"); the codebook's names stay what matching and scoring use.
    comments: document id -> the reviewers' comment on it (a reviewed export);
    when given, a `review_comment` column carries the comments of the row's
    documents (an incident two outlets reported gets both, each after its id).
    stats: filled with how many rows lack an event_date ("no_event_date") or a
    source ("no_source"), so the caller can warn: such rows are valid CSV but
    not usable ACLED data; and how many have contradictory values ("contradictory").
    """
    merged = merge_events(documents, enabled=dedup, accepted=accepted)
    ids = event_ids(merged)
    stamp = int(timestamp if timestamp is not None else time.time())
    names = (
        columns(codebook)
        + (["review_status"] if undecided is not None else [])
        + (["review_comment"] if comments is not None else [])
    )
    writer = csv.DictWriter(out, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    missing = {"no_event_date": 0, "no_source": 0, "contradictory": 0}
    type_fields = type_field_columns(codebook)
    names = _Names(codebook) if acled_names else None
    for n, cluster in enumerate(merged):
        cells = row(cluster, codebook, ids[n], stamp, type_fields)
        if names is not None:
            _acled_spellings(cells, names)
        missing["no_event_date"] += not cells["event_date"]
        missing["no_source"] += not cells["source"]
        missing["contradictory"] += bool(cells["warnings"])
        if undecided is not None:
            open_ = any(m.event_index in undecided.get(m.document.id, ()) for m in cluster.members)
            cells["review_status"] = "undecided" if open_ else "reviewed"
        if comments is not None:
            cells["review_comment"] = _comments_of(cluster, comments)
        writer.writerow(cells)
    if stats is not None:
        stats.update(missing, rows=len(merged))
    return len(merged)


class _Names:
    """The codebook's places and actors by canonical name, made once per export."""

    def __init__(self, codebook: Codebook) -> None:
        self.places = {place.name: place for place in codebook.places}
        self.actors = {actor.name: actor for actor in codebook.actors}


def _acled_spellings(cells: dict[str, Any], names: _Names) -> None:
    """Rewrite a row's names in ACLED's spelling (see write_acled_csv's acled_names)."""
    country = cells.get("country") or None
    for column, lookup in (("admin1", acled_admin1), ("admin2", acled_admin2)):
        if cells.get(column):
            cells[column] = lookup(country, cells[column]) or cells[column]
    place = names.places.get(cells.get("location") or "")
    if place is not None:
        cells["location"] = acled_location(place)
    for column in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
        if cells.get(column):
            given = [n.strip() for n in str(cells[column]).split(";")]
            cells[column] = "; ".join((getattr(names.actors.get(n), "acled_name", None) or n) for n in given)


def _comments_of(cluster: MergedEvent, comments: dict[str, str]) -> str:
    ids = list(dict.fromkeys(m.document.id for m in cluster.members if m.document.id in comments))
    if len(ids) == 1:
        return comments[ids[0]]
    return "; ".join(f"{i}: {comments[i]}" for i in ids)


def dtypes(codebook: Codebook | None = None) -> dict[str, str]:
    """pandas dtypes of the export's columns (event_date is parsed as a date separately)."""
    types = {c: "string" for c in ACLED_COLUMNS + OWN_LEADING + OWN_TRAILING}
    types.update({c: "Int64" for c in _INT})
    types.update({c: "float64" for c in _FLOAT})
    if codebook is not None:
        kinds = {"integer": "Int64", "number": "float64", "boolean": "boolean"}
        for et in codebook.event_types:
            for name, spec in et.fields.items():
                types.setdefault(name, kinds.get(spec.type, "string"))
    del types["event_date"]
    return types


def read_acled_csv(path: str | Path, codebook: Codebook | None = None):
    """The export as a pandas DataFrame with the right dtypes (pandas is an optional dependency)."""
    import pandas as pd

    frame = pd.read_csv(path, dtype=dtypes(codebook), keep_default_na=False, na_values=[""])
    frame["event_date"] = pd.to_datetime(frame["event_date"], format="%Y-%m-%d", errors="raise")
    return frame
