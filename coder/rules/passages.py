"""One passage, two types: what the codebook says about a passage coded as one type that another
type's rules also read (EventType.yields_to, EventType.carried_in).

yields_to: trucks of weapons crossing with nobody named aboard are smuggling, not also a troop
movement; the movement coded from the same sentences is dropped unless a cue keeps it.

carried_in, the manual's "a convoy of fighters that brings weapons or ammunition as cargo across a
border is a troop movement and a smuggling event". The convoy is often told in one sentence and its
load in the next ("Two convoys of the militias entered Syria from Iraq. Each is made up of ten
trucks carrying boxes of rockets"): the load's sentence names no border and no force, and a
shipment found there alone would borrow both and be too weak to keep. So the shipment is read off
the movement already coded: a carrying event that crossed a border (a crossing, or an origin in
another country than its location) and whose sentences, or the one just after them, say its
vehicles carry the cue's goods is an event of the declaring type as well, with the movement's
actor, place and date. A convoy's own arms ("pick-ups mounted with machine guns") are not cargo:
the cues name the carrying, not the arming.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from ..codebook.model import FieldSpec
from ..models import ConfidenceReason, Event, FieldValue, Span
from .compiled import CompiledType
from .context import Ctx

# What a shipment keeps of the movement it rode with, when its type has the field.
_SHARED = (
    "actor1",
    "assoc_actor_1",
    "inter1",
    "location",
    "geo_precision",
    "event_date",
    "time_precision",
    "origin",
    "destination",
    "crossing",
    "vehicle_count",
)
# Read off another event, not found by a trigger of its own: a little weaker than its carrier.
_READ_OFF = -0.05


def without_yielded(ctx: Ctx, events: list[Event], compiled: dict[str, CompiledType]) -> list[Event]:
    """Drop an event whose every sentence codes the type it yields to, unless a cue keeps it."""
    by_type: dict[str, set[tuple[int, int]]] = {}
    for event in events:
        by_type.setdefault(event.type, set()).update((s.start, s.end) for s in event.evidence)
    text = ctx.doc.text
    kept = []
    for event in events:
        ct = compiled[event.type]
        spans = [(s.start, s.end) for s in event.evidence]
        yielded = spans and any(
            all(span in by_type.get(other, ()) for span in spans)
            and not (keep is not None and any(keep.search(text, a, b) for a, b in spans))
            for other, keep in ct.yields
        )
        if not yielded:
            kept.append(event)
    return kept


def cargo_events(
    ctx: Ctx,
    events: list[Event],
    compiled: dict[str, CompiledType],
    fields_of: Callable[[str], dict[str, FieldSpec]],
    normalizer: Any,
    excluded: Callable[[CompiledType, int, int], bool],
) -> list[Event]:
    """The events of the types that declare `carried_in`, read off the carrying events; none where
    an event of the type already covers one of the carrier's sentences. `excluded(type, sentence,
    position)`: the type's exclusion rules hold there."""
    made: list[Event] = []
    for ct in compiled.values():
        if not ct.cargo:
            continue
        spoken_for = {ctx.index_of(s.start) for e in events if e.type == ct.id for s in e.evidence}
        fields = fields_of(ct.id)
        for carrier_type, cues in ct.cargo:
            for carrier in events:
                if carrier.type != carrier_type or not carrier.evidence or not _crossed(carrier, normalizer):
                    continue
                told = sorted({ctx.index_of(s.start) for s in carrier.evidence})
                if spoken_for.intersection(told):
                    continue
                load = _load(ctx, told, cues, partial(excluded, ct))
                if load is None or load[0] in spoken_for:
                    continue
                made.append(_shipment(ctx, ct.id, fields, carrier, *load, normalizer))
                spoken_for.update(told)
    return made


def _crossed(event: Event, normalizer: Any) -> bool:
    """It came through a border crossing, or from another country than the one it reached."""
    if event.value("crossing") is not None:
        return True
    origin, location = normalizer.place_named(event.value("origin")), normalizer.place_named(event.value("location"))
    return origin is not None and location is not None and origin.country != location.country


def _load(
    ctx: Ctx, told: list[int], cues: re.Pattern, excluded: Callable[[int, int], bool]
) -> tuple[int, re.Match] | None:
    """The first cargo phrase in the carrier's sentences, or in the sentence just after the last,
    that the type's exclusion rules leave ("was not carrying any weapons")."""
    text = ctx.doc.text
    after = [] if ctx.dates_another_occasion(told[-1], told[-1] + 1) else [told[-1] + 1]
    for si in [*told, *after]:
        if 0 <= si < len(ctx.sentences):
            sentence = ctx.sentences[si]
            m = cues.search(text, sentence.start, sentence.end)
            if m is not None and not excluded(si, m.start()):
                return si, m
    return None


def _shipment(
    ctx: Ctx, type_id: str, fields: dict[str, FieldSpec], carrier: Event, si: int, m: re.Match, normalizer: Any
) -> Event:
    text = ctx.doc.text
    values = {
        name: carrier.fields[name].model_copy(deep=True)
        for name in _SHARED
        if name in fields and name in carrier.fields
    }
    # The goods as the load's clause names them ("boxes of rockets and artillery shells").
    load_end = ctx.clause(si, m.start())[1]
    for name, spec in fields.items():
        if spec.role == "enum" and spec.type == "list" and spec.required:
            found = normalizer.enum_mentions(spec, text, m.start(), load_end)
            if found:
                values[name] = FieldValue.found([v for v, _, _ in found], [Span.found(text, a, b) for _, a, b in found])
    # The load's sentence: the carrier's other sentences tell the movement, not the shipment.
    sentence = ctx.sentences[si]
    evidence = [Span.found(text, sentence.start, sentence.end)]
    carried = carrier.confidence or 0.0
    reasons = [
        ConfidenceReason.found(f"cargo of a {carrier.type.replace('_', ' ')} across a border", carried),
        ConfidenceReason.found("read off another event", _READ_OFF),
    ]
    return Event.found(type_id, values, round(max(0.05, carried + _READ_OFF), 2), evidence, reasons)
