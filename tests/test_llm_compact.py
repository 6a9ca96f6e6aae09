"""The compact schema mode: within structured outputs' original limits, same events as the full mode."""

# ruff: noqa: F811  (the fake-server fixtures are imported from test_llm and named as arguments)
from __future__ import annotations

import json

from jsonschema import Draft202012Validator

from coder.llm.compact import compact_response_schema
from coder.llm.response import CURRENT_LIMITS, ORIGINAL_LIMITS, for_model, full_response_schema, limits, measure, within
from coder.models import Alignment
from coder.schema import llm_fields

from .test_llm import answer, doc, make, server, sleeps  # noqa: F401  (fixtures)


def compact(full: dict) -> dict:
    """The full-form answer written the compact way (list values one entry per item)."""
    events = []
    for event in full["events"]:
        entries = []
        for name, given in event["fields"].items():
            value = given["value"]
            if value is None:
                continue
            for item in value if isinstance(value, list) else [value]:
                entries.append({"name": name, "value": item, "quote": given["quote"]})
        events.append({**event, "fields": entries})
    return {"events": events}


def test_both_modes_against_both_sets_of_limits(codebook):
    full, small = for_model(full_response_schema(codebook)), for_model(compact_response_schema(codebook))
    # The full schema: fine for OpenAI now, refused where the original limits hold (issue 20).
    assert limits(full)[0] > ORIGINAL_LIMITS.properties and limits(full)[1] > ORIGINAL_LIMITS.depth  # 200, 6
    assert within(full, CURRENT_LIMITS) and not within(full, ORIGINAL_LIMITS)
    assert within(small, CURRENT_LIMITS) and within(small, ORIGINAL_LIMITS)
    props, depth = limits(small)
    assert props <= 60 and depth == 5
    # Typed enums count against the enum limits in both modes; both stay inside the original ones.
    for schema in (full, small):
        size = measure(schema)
        assert 0 < size.enum_values <= ORIGINAL_LIMITS.enum_values and size.characters <= ORIGINAL_LIMITS.characters
    Draft202012Validator.check_schema(small)
    Draft202012Validator.check_schema(full)


def _enum_nodes(node):
    if isinstance(node, dict):
        if "enum" in node:
            yield node
        for value in node.values():
            yield from _enum_nodes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _enum_nodes(item)


def test_enums_are_typed_in_the_full_schema_and_carry_their_values(codebook):
    full = full_response_schema(codebook)
    nodes = list(_enum_nodes(full))
    assert nodes and all("type" in n for n in nodes)
    for et in codebook.event_types:
        variant = next(
            v for v in full["properties"]["events"]["items"]["anyOf"] if v["properties"]["type"]["enum"] == [et.id]
        )
        for name, spec in llm_fields(codebook, et.id).items():
            value = variant["properties"]["fields"]["properties"][name]["properties"]["value"]
            if spec.type == "enum":
                assert value == {"type": ["string", "null"], "enum": [*spec.values, None]}, name
            elif spec.type == "list" and spec.items == "enum":
                assert value["items"] == {"type": "string", "enum": list(spec.values)}, name
    assert full["properties"]["events"]["items"]["anyOf"][0]["properties"]["evidence"]["type"] == "array"


def test_what_is_sent_has_no_descriptions_but_keeps_fields_named_description(codebook):
    sent = json.dumps(for_model(full_response_schema(codebook)))
    assert '"description"' not in sent and '"$schema"' not in sent
    assert for_model({"properties": {"description": {"type": "string", "description": "x"}}}) == {
        "properties": {"description": {"type": "string"}}
    }


def test_enums_are_typed_and_every_field_has_one_kind(codebook):
    event = compact_response_schema(codebook)["properties"]["events"]["items"]
    variants = event["properties"]["fields"]["items"]["anyOf"]
    named = [n for v in variants for n in v["properties"]["name"]["enum"]]
    every = {n for et in codebook.event_types for n in llm_fields(codebook, et.id)}
    assert sorted(named) == sorted(every)  # each field in exactly one variant
    for v in variants:
        value = v["properties"]["value"]
        assert "type" in value and None in value.get("enum", [None])
        assert v["required"] == ["name", "value", "quote"] and v["additionalProperties"] is False


def test_a_compact_answer_codes_like_the_full_one(make, server, codebook):
    full = answer(codebook, equipment={"value": ["heavy machine guns"], "quote": "heavy machine guns"})
    server.push({"json": full}, {"json": compact(full)})
    one = make(cache=False).code(doc())
    two = make(cache=False, schema_mode="compact").code(doc())
    assert one.status == two.status == "ok"
    assert [e.model_dump() for e in one.events] == [e.model_dump() for e in two.events]
    sent = server.requests[1]["response_format"]["json_schema"]
    assert sent["strict"] is True and within(sent["schema"], ORIGINAL_LIMITS)
    assert "one entry per item" in server.requests[1]["messages"][0]["content"]
    # A different prompt, so a different cache entry.
    assert make(schema_mode="compact").prompt.hash != make().prompt.hash


def test_list_items_quoted_apart_are_grounded_together(make, server, codebook):
    text = (
        "On Monday a convoy of 15 pickup vehicles carrying Liwa Fatemiyoun fighters arrived in Albukamal from "
        "Iraq. It carried heavy machine guns, and later drones were unloaded."
    )
    raw = compact(answer(codebook))
    raw["events"][0]["evidence"] = text.split(". ")[0] + "."
    raw["events"][0]["fields"] += [
        {"name": "equipment", "value": "heavy machine guns", "quote": "heavy machine guns"},
        {"name": "equipment", "value": "drones", "quote": "drones"},
    ]
    server.push({"json": raw})
    result = make(schema_mode="compact").code(doc(text=text))
    equipment = result.events[0].fields["equipment"]
    assert equipment.value == ["heavy machine guns", "drones"] and equipment.grounded
    assert [s.text for s in equipment.spans] == ["heavy machine guns", "drones"]


def test_a_scalar_given_twice_is_sent_back(make, server, codebook):
    raw = compact(answer(codebook))
    raw["events"][0]["fields"].append({"name": "vehicle_count", "value": 16, "quote": "15 pickup vehicles"})
    server.push({"json": raw}, {"json": compact(answer(codebook))})
    coder = make(schema_mode="compact", response_format="json_object")
    result = coder.code(doc())
    assert result.status == "ok" and coder.usage.repairs == 1
    assert "vehicle_count is given twice" in server.requests[1]["messages"][-1]["content"]
    # JSON mode puts the compact schema in the prompt.
    system = server.requests[0]["messages"][0]["content"]
    assert json.dumps(compact_response_schema(codebook), separators=(",", ":")) in system
    assert result.events[0].fields["vehicle_count"].alignment == Alignment.exact
