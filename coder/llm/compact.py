"""The compact response schema: fields as a list of {name, value, quote}.

The full schema names every field of every event type as an object property:
about 200 properties, 6 levels of objects and arrays. OpenAI takes that today
(5,000 properties, 10 levels) but endpoints that still apply structured
outputs' original limits (100 properties, 5 levels) refuse it. The compact form
stays inside both: an event's fields are a list of entries, one variant per
kind of value (text, integer, each enum...), so the size grows with the kinds of
value, not with the fields. A list field (equipment, tribes) takes one entry per
item, each with its own quote, which also keeps every quote short.

An answer in this form is expanded into the full form before anything else
looks at it: the checks, grounding and the cache see one shape whatever the
mode.
"""

from __future__ import annotations

import json
from typing import Any

from ..codebook.model import Codebook, FieldSpec
from ..schema import llm_fields, value_schema
from .response import EVIDENCE

HOW = (
    'Each event\'s `fields` is a list of entries {"name", "value", "quote"}, one per value the document '
    "gives; leave out a field it does not give. A list field has one entry per item, each with its own quote."
)


def _nullable_typed(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        return {"type": ["string", "null"], "enum": [*schema["enum"], None]}
    return {**schema, "type": [schema["type"], "null"]}


def _item_schema(spec: FieldSpec) -> dict[str, Any]:
    """What one entry's value is: a list field's entries are its items."""
    schema = value_schema(spec, strict=True)
    return schema["items"] if spec.type == "list" else schema


def compact_response_schema(codebook: Codebook) -> dict[str, Any]:
    kinds: dict[str, tuple[dict[str, Any], list[str]]] = {}
    for et in codebook.event_types:
        for name, spec in llm_fields(codebook, et.id).items():
            item = _item_schema(spec)
            key = json.dumps(item, sort_keys=True)
            names = kinds.setdefault(key, (item, []))[1]
            if name not in names:
                names.append(name)
    variants = [
        {
            "type": "object",
            "properties": {
                "name": {"type": "string", "enum": names},
                "value": _nullable_typed(item),
                "quote": {"type": ["string", "null"]},
            },
            "required": ["name", "value", "quote"],
            "additionalProperties": False,
        }
        for item, names in kinds.values()
    ]
    event = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": [et.id for et in codebook.event_types]},
            "evidence": EVIDENCE,
            "confidence": {"type": "number"},
            "fields": {"type": "array", "items": {"anyOf": variants}},
        },
        "required": ["type", "evidence", "confidence", "fields"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {"events": {"type": "array", "items": event}},
        "required": ["events"],
        "additionalProperties": False,
    }


def expand(codebook: Codebook, data: Any) -> tuple[Any, list[str]]:
    """A compact answer in the full form (every field present, null when not given), and
    what in it cannot be read that way (sent back to the model in a repair turn)."""
    if not isinstance(data, dict) or not isinstance(data.get("events"), list):
        return data, []  # the envelope check says what is wrong
    problems: list[str] = []
    events = []
    for i, event in enumerate(data["events"]):
        if not isinstance(event, dict) or not isinstance(event.get("fields"), list):
            events.append(event)
            continue
        specs = llm_fields(codebook, event.get("type")) if event.get("type") in codebook.type_ids else {}
        fields: dict[str, Any] = {name: {"value": None, "quote": None} for name in specs}
        quotes: dict[str, list[str]] = {}
        for j, entry in enumerate(event["fields"]):
            name = entry.get("name") if isinstance(entry, dict) else None
            if name is None:
                problems.append(f'events[{i}].fields[{j}]: an entry is {{"name", "value", "quote"}}')
                continue
            value, quote = entry.get("value"), entry.get("quote")
            if value is None:
                continue
            spec = specs.get(name)
            if spec is not None and spec.type == "list":
                fields[name]["value"] = [*(fields[name]["value"] or []), value]
                if quote and quote not in quotes.setdefault(name, []):
                    quotes[name].append(quote)
                continue
            if name in fields and fields[name]["value"] is not None:
                problems.append(
                    f"events[{i}].fields: {name} is given twice; give one value (a list field takes one entry per item)"
                )
                continue
            fields[name] = {"value": value, "quote": quote}
        for name, said in quotes.items():
            # Items quoted apart: their passages in order, as one quote with gaps, which the
            # aligner grounds piece by piece.
            fields[name]["quote"] = " ... ".join(said)
        events.append({**event, "fields": fields})
    return {**data, "events": events}, problems
