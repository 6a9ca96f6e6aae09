"""Re-deriving the looked-up fields (coordinates, inter codes) after an edit.

When a reviewer changes the location, the country, admin divisions,
coordinates and geo_precision must follow; when an actor changes, its inter
code. The codebook says which fields hang on which (`derived_from`). The
shared normaliser (`coder.normalize`) is the one place that knows how to fill
them; if it is not importable we look the place or actor up ourselves, so the
review works with the core alone.
"""

from __future__ import annotations

from typing import Any

from ..codebook.model import Codebook
from ..models import Alignment, Document, Event, FieldValue

# ACLED geo_precision from the gazetteer's kind (same table as coder.normalize).
_GEO_PRECISION = {"town": 1, "city": 1, "village": 1, "crossing": 1, "base": 1, "camp": 1, "oil_field": 1,
                  "area": 2, "district": 2, "region": 3}


def dependents(codebook: Codebook, type_id: str, field: str) -> list[str]:
    """The fields of this type derived from `field`, in codebook order."""
    return [name for name, spec in codebook.fields_for(type_id).items() if spec.derived_from == field]


def _normalizer(codebook: Codebook):
    try:
        from ..normalize import Normalizer  # optional: written by the normalisation feature
    except ImportError:
        return None
    return Normalizer(codebook)


def rederive(codebook: Codebook, event: Event, document: Document, field: str) -> dict[str, FieldValue | None]:
    """New values of the fields derived from `field` (None: the field goes away).

    Works on a copy: the caller records the changes as part of the decision,
    so replaying the log never depends on how derivation behaved later.
    """
    names = dependents(codebook, event.type, field)
    if not names or field == "event_date":
        return {}
    probe = event.model_copy(deep=True)
    for name in names:
        probe.fields.pop(name, None)
    normalizer = _normalizer(codebook)
    if normalizer is not None:
        normalizer.fill_derived(probe, document)
    else:
        _fill_directly(codebook, probe, field)
    return {name: probe.fields.get(name) for name in names}


def _fill_directly(codebook: Codebook, event: Event, field: str) -> None:
    fields = event.fields
    valid = set(codebook.fields_for(event.type))

    def put(name: str, value: Any) -> None:
        if value is not None and name in valid:
            fields[name] = FieldValue(value=value, spans=[], alignment=Alignment.derived)

    value = event.value(field)
    if field == "location":
        place = next((p for p in codebook.places if p.name == value), None)
        if place is not None:
            put("country", place.country)
            put("admin1", place.admin1)
            put("admin2", place.admin2)
            put("latitude", place.latitude)
            put("longitude", place.longitude)
            put("geo_precision", _GEO_PRECISION.get(place.kind, 2))
    elif field in ("actor1", "actor2"):
        actor = next((a for a in codebook.actors if a.name == value), None)
        if actor is not None:
            put("inter" + field[-1], actor.inter)
