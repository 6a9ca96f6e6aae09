"""Derived values kept current: looked-up fields and notes after a change, contradictions named.

When a value changes (a reviewer's edit), the country, admin divisions,
coordinates and geo_precision follow the location; the inter code follows its
actor; the notes sentence follows whatever changed (unless a reviewer wrote
it). The codebook says which fields hang on which (`derived_from`); the shared
normaliser (`coder.normalize`) is the one place that knows how to fill them,
and `coder.notes` the one that writes notes, so the review and the exports
derive exactly as the coders do. Core: the review (`coder.review.derive`) and
the exports use it without importing each other or the rule coder.

`contradictions` names values that cannot both be right (an actor associated
with itself, an origin that is the location), for review and export to warn about.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .codebook.model import Codebook
from .models import CodedDocument, Document, Event, FieldValue
from .notes import REVIEWER_DETAILS, fresh_notes

# Pairs of fields whose values must differ: (field, field, what it means when they do not).
CONTRADICTIONS = [
    ("actor1", "assoc_actor_1", "actor1 is also listed as its own associated actor (assoc_actor_1)"),
    ("actor2", "assoc_actor_2", "actor2 is also listed as its own associated actor (assoc_actor_2)"),
    ("actor1", "actor2", "actor1 and actor2 are the same actor"),
    ("location", "origin", "the location is also the origin"),
    ("origin", "destination", "the origin is also the destination"),
]


def dependents(codebook: Codebook, type_id: str, field: str) -> list[str]:
    """The fields of this type derived from `field`, in codebook order."""
    return [name for name, spec in codebook.fields_for(type_id).items() if spec.derived_from == field]


def rederive(codebook: Codebook, event: Event, document: Document, field: str) -> dict[str, FieldValue | None]:
    """New values of the fields derived from `field` (None: the field goes away), and new notes
    when the values now say something else than the notes do.

    `event` already holds the edit. Works on a copy: the caller records the changes as
    part of the decision, so replaying the log never depends on how derivation behaved later.
    """
    out: dict[str, FieldValue | None] = {}
    names = dependents(codebook, event.type, field)
    probe = event.model_copy(deep=True)
    if names and field != "event_date":  # time_precision follows the reviewer's date notation instead
        from .normalize import Normalizer  # lazy: exports import this module for `contradictions` only

        for name in names:
            probe.fields.pop(name, None)
        Normalizer(codebook).fill_derived(probe, document)
        out = {name: probe.fields.get(name) for name in names}
    if field != "notes":
        notes = fresh_notes(codebook, probe)
        if notes is not None:
            out["notes"] = notes
    return out


def _same(a: Any, b: Any) -> bool:
    items = a if isinstance(a, list) else [a]
    others = b if isinstance(b, list) else [b]
    fold = {str(x).casefold() for x in others if x not in (None, "")}
    return any(str(x).casefold() in fold for x in items if x not in (None, ""))


def contradictions(event: Event | Callable[[str], Any]) -> list[str]:
    """What in the event's values contradicts itself, one line each (empty: nothing).

    Takes an event, or a function from field name to value (an export row's merged values)."""
    value = event.value if isinstance(event, Event) else event
    out = []
    for a, b, message in CONTRADICTIONS:
        x, y = value(a), value(b)
        if x not in (None, "", []) and y not in (None, "", []) and _same(x, y):
            out.append(message)
    return out


def refreshed(codebook: Codebook, coded: CodedDocument) -> CodedDocument:
    """The document with every event a reviewer changed re-derived from its reviewed values:
    looked-up fields from each field the reviewer set, then the notes. Events nobody changed
    are the coder's, derived when coded, and are left exactly as they are (a language model's
    own notes sentence is not replaced by the template's). Returns `coded` itself when
    nothing changes, else a copy."""
    changed = False
    events = []
    for event in coded.events:
        edited = [n for n, fv in event.fields.items() if fv.detail in REVIEWER_DETAILS]
        if not edited:
            events.append(event)
            continue
        probe = event.model_copy(deep=True)
        for name in edited:
            for dep, fv in rederive(codebook, probe, coded.document, name).items():
                if dep in edited:
                    continue
                if fv is None:
                    probe.fields.pop(dep, None)
                else:
                    probe.fields[dep] = fv
        changed = changed or probe != event
        events.append(probe)
    return coded.model_copy(update={"events": events}) if changed else coded
