"""Re-deriving the looked-up fields (coordinates, inter codes) after an edit.

When a reviewer changes the location, the country, admin divisions,
coordinates and geo_precision must follow; when an actor changes, its inter
code. The codebook says which fields hang on which (`derived_from`); the
shared normaliser (`coder.normalize`) is the one place that knows how to fill
them, so the review derives exactly as the coders do.
"""

from __future__ import annotations

from ..codebook.model import Codebook
from ..models import Document, Event, FieldValue
from ..normalize import Normalizer


def dependents(codebook: Codebook, type_id: str, field: str) -> list[str]:
    """The fields of this type derived from `field`, in codebook order."""
    return [name for name, spec in codebook.fields_for(type_id).items() if spec.derived_from == field]


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
    Normalizer(codebook).fill_derived(probe, document)
    return {name: probe.fields.get(name) for name in names}
