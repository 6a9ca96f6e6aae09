"""The response schemas the model gets, and structured outputs' limits on them.

The full form is `coder.schema.llm_response_schema`, what the schemas/ file documents
(typed enums, evidence a list of sentences). What is sent carries no descriptions: the prompt says
what each field means once, in the codebook's words (a schema's descriptions are shown to
the model too, so keeping both would say everything twice).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from ..codebook.model import Codebook
from ..schema import llm_response_schema

EVIDENCE = {"type": "array", "items": {"type": "string"}}


def full_response_schema(codebook: Codebook) -> dict[str, Any]:
    return copy.deepcopy(llm_response_schema(codebook))


def for_model(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema as sent: no descriptions (the prompt has them), no `$schema`/`title`."""

    def strip(node: Any, in_properties: bool = False) -> Any:
        if isinstance(node, list):
            return [strip(item) for item in node]
        if not isinstance(node, dict):
            return node
        # Under "properties" the keys are field names (a field may be called "description").
        return {
            k: strip(v, k == "properties")
            for k, v in node.items()
            if in_properties or k not in ("description", "$schema", "title")
        }

    return strip(schema)


@dataclass(frozen=True)
class Limits:
    """What structured outputs accept: object properties, levels of objects and arrays, enum
    values in all, and the characters of all property names and enum values together."""

    properties: int
    depth: int
    enum_values: int
    characters: int


# As first published (August 2024), and as OpenAI documents them now.
ORIGINAL_LIMITS = Limits(properties=100, depth=5, enum_values=500, characters=15_000)
CURRENT_LIMITS = Limits(properties=5000, depth=10, enum_values=1000, characters=120_000)


def measure(schema: Any) -> Limits:
    """A schema's size as the limits count it."""
    totals = {"properties": 0, "enum_values": 0, "characters": 0}

    def walk(node: Any, depth: int) -> int:
        if isinstance(node, list):
            return max((walk(item, depth) for item in node), default=depth)
        if not isinstance(node, dict):
            return depth
        kind = node.get("type")
        kinds = kind if isinstance(kind, list) else [kind]
        here = depth + (1 if "object" in kinds or "array" in kinds else 0)
        deepest = here
        for key, value in node.items():
            if key == "properties":
                totals["properties"] += len(value)
                totals["characters"] += sum(len(name) for name in value)
                value = list(value.values())
            elif key == "enum":
                totals["enum_values"] += len(value)
                totals["characters"] += sum(len(str(v)) for v in value if v is not None)
                continue
            if isinstance(value, (dict, list)):
                deepest = max(deepest, walk(value, here))
        return deepest

    depth = walk(schema, 0)
    return Limits(totals["properties"], depth, totals["enum_values"], totals["characters"])


def limits(schema: Any) -> tuple[int, int]:
    """(object properties, levels of objects and arrays): the two limits the full form can pass."""
    size = measure(schema)
    return size.properties, size.depth


def within(schema: Any, bounds: Limits) -> bool:
    size = measure(schema)
    return (
        size.properties <= bounds.properties
        and size.depth <= bounds.depth
        and size.enum_values <= bounds.enum_values
        and size.characters <= bounds.characters
    )
