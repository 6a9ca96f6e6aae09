"""Generated schemas are fresh, Draft 2020-12 valid, and the LLM one is strict-mode safe."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator
from typer.testing import CliRunner

from coder.cli import app
from coder.schema import STRICT_KEYWORDS, llm_response_schema, render_schemas, stale_schemas

from .conftest import ROOT

runner = CliRunner()


def test_committed_schemas_are_fresh(codebook):
    assert stale_schemas(codebook, ROOT / "schemas") == []
    assert runner.invoke(app, ["schema", "--check"]).exit_code == 0


def test_check_detects_a_stale_schema(codebook, tmp_path):
    for name, text in render_schemas(codebook).items():
        (tmp_path / name).write_text(text)
    (tmp_path / "llm-response.schema.json").write_text("{}")
    result = runner.invoke(app, ["schema", "--check", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "llm-response.schema.json" in result.output


def test_schemas_are_valid_draft_2020_12(codebook):
    for name, text in render_schemas(codebook).items():
        schema = json.loads(text)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name


def _walk(node, path="$"):
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            if key in ("properties", "$defs"):
                for name, sub in value.items():
                    yield from _walk(sub, f"{path}.{key}.{name}")
            elif isinstance(value, (dict, list)):
                yield from _walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _walk(item, f"{path}[{index}]")


def test_llm_response_schema_meets_openai_strict_mode_rules(codebook):
    schema = llm_response_schema(codebook)
    assert schema["type"] == "object", "the root must be an object, not anyOf"
    objects = 0
    for path, node in _walk(schema):
        unsupported = set(node) - STRICT_KEYWORDS
        assert not unsupported, f"{path}: keywords strict mode refuses: {unsupported}"
        if node.get("type") == "object" or (isinstance(node.get("type"), list) and "object" in node["type"]):
            objects += 1
            assert node.get("additionalProperties") is False, path
            assert sorted(node.get("required", [])) == sorted(node.get("properties", {})), (
                f"{path}: every property must be required"
            )
        if "enum" in node and isinstance(node.get("type"), list) and "null" in node["type"]:
            assert None in node["enum"], path
    assert objects > 10


def test_llm_schema_asks_for_a_quote_per_value_and_leaves_derived_fields_out(codebook):
    schema = llm_response_schema(codebook)
    variants = schema["properties"]["events"]["items"]["anyOf"]
    assert len(variants) == len(codebook.event_types)
    for variant in variants:
        fields = variant["properties"]["fields"]["properties"]
        assert "latitude" not in fields and "inter1" not in fields and "source" not in fields
        assert "location" in fields and "actor1" in fields
        for spec in fields.values():
            assert spec["properties"]["quote"]["type"] == ["string", "null"]
