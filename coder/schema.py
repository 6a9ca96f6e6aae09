"""JSON Schemas derived from the codebook, and their freshness check.

Three schemas are generated and committed in schemas/:

- codebook.schema.json        the meta-schema of the codebook's YAML files;
- coded-document.schema.json  a coded-documents record (predictions and gold),
                              with each event type's fields and value types;
- llm-response.schema.json    what the LLM coder asks a model to answer, in the
                              subset OpenAI structured outputs accept in strict mode.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from .codebook.model import Codebook, EventType, FieldSpec
from .io import write_text_atomic
from .models import Alignment

DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Keywords OpenAI strict structured outputs accept; the response schema uses no other.
STRICT_KEYWORDS = {
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "enum",
    "anyOf",
    "description",
    "$defs",
    "$ref",
    "$schema",
    "title",
}


def value_schema(spec: FieldSpec, *, strict: bool = False) -> dict[str, Any]:
    """Schema of a single field value; `strict` drops keywords strict mode refuses."""
    kind = spec.type
    if kind == "enum":
        return _enum(list(spec.values or []), typed=strict)
    if kind == "list":
        items: dict[str, Any] = (
            _enum(list(spec.values or []), typed=strict) if spec.items == "enum" else {"type": "string"}
        )
        schema: dict[str, Any] = {"type": "array", "items": items}
        if not strict:
            schema["uniqueItems"] = True
        return schema
    if kind == "date":
        schema = {"type": "string"}
        if not strict:
            schema.update(format="date", pattern=r"^\d{4}-\d{2}-\d{2}$")
        return schema
    schema = {"type": kind}
    if not strict:
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
    return schema


def _enum(values: list[Any], *, typed: bool) -> dict[str, Any]:
    """An enum; typed ({"type": "string", "enum": [...]}) as strict mode's own examples write it."""
    if not typed:
        return {"enum": values}
    kinds = sorted({_json_type(v) for v in values})
    return {"type": kinds[0] if len(kinds) == 1 else kinds, "enum": values}


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "enum" in schema:
        nullable = {**schema, "enum": [*schema["enum"], None]}
        if "type" in schema:
            kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            nullable["type"] = [*kinds, "null"]
        return nullable
    return {**schema, "type": [schema["type"], "null"]}


_SPAN = {
    "type": "object",
    "properties": {
        "start": {"type": "integer", "minimum": 0},
        "end": {"type": "integer", "minimum": 0},
        "text": {"type": "string"},
    },
    "required": ["start", "end", "text"],
    "additionalProperties": False,
}


def _field_value(spec: FieldSpec) -> dict[str, Any]:
    return {
        "type": "object",
        "description": spec.description.strip(),
        "properties": {
            "value": _nullable(value_schema(spec)),
            "spans": {"type": "array", "items": {"$ref": "#/$defs/span"}},
            "alignment": {"enum": [a.value for a in Alignment]},
            "quote": {"type": ["string", "null"]},
            "detail": {"type": ["string", "null"]},
        },
        "required": ["value"],
        "additionalProperties": False,
    }


def _event_schema(codebook: Codebook, et: EventType) -> dict[str, Any]:
    fields = codebook.fields_for(et.id)
    return {
        "type": "object",
        "title": et.label,
        "description": et.definition.strip(),
        "properties": {
            # The event's identity by content (coder.models.assign_event_ids).
            "id": {"type": ["string", "null"]},
            "type": {"const": et.id},
            "fields": {
                "type": "object",
                "properties": {name: _field_value(spec) for name, spec in fields.items()},
                "required": [name for name, spec in fields.items() if spec.required],
                "additionalProperties": False,
            },
            "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
            "confidence_reasons": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["reason", "delta"],
                    "additionalProperties": False,
                    "properties": {"reason": {"type": "string"}, "delta": {"type": "number"}},
                },
            },
            "incident": {"type": ["string", "null"]},
            "evidence": {"type": "array", "items": {"$ref": "#/$defs/span"}},
        },
        "required": ["type", "fields"],
        "additionalProperties": False,
    }


def coded_document_schema(codebook: Codebook) -> dict[str, Any]:
    defs: dict[str, Any] = {"span": _SPAN}
    for et in codebook.event_types:
        defs[f"event_{et.id}"] = _event_schema(codebook, et)
    defs["event"] = {"oneOf": [{"$ref": f"#/$defs/event_{t}"} for t in codebook.type_ids]}
    nullable_str = {"type": ["string", "null"]}
    return {
        "$schema": DRAFT,
        "$id": "https://eventcoder.dev/schemas/coded-document.schema.json",
        "title": "Coded document",
        "description": f"One line of a coded-documents JSONL file (codebook {codebook.version}).",
        "type": "object",
        "properties": {
            "format": {"const": 1},
            "document": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "text": {"type": "string"},
                    "title": nullable_str,
                    "url": nullable_str,
                    "publication_date": {"type": ["string", "null"], "format": "date"},
                    "source": nullable_str,
                    "source_scale": nullable_str,
                    "language": {"type": "string"},
                    "split": {"enum": ["dev", "test", None]},
                },
                "required": ["id", "text"],
                "additionalProperties": False,
            },
            "events": {"type": "array", "items": {"$ref": "#/$defs/event"}},
            "diagnostics": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "kind": {"enum": [k.id for k in codebook.uncoded_kinds] or [None]},
                        "span": {"$ref": "#/$defs/span"},
                    },
                    "required": ["kind", "span"],
                    "additionalProperties": False,
                },
            },
            "coder": {
                "type": ["object", "null"],
                "properties": {
                    "name": {"type": "string"},
                    "version": nullable_str,
                    "model": nullable_str,
                    "codebook_version": nullable_str,
                },
                "required": ["name"],
                "additionalProperties": False,
            },
            "status": {"enum": ["ok", "failed"]},
            "error": nullable_str,
        },
        "required": ["document"],
        "additionalProperties": False,
        "$defs": defs,
    }


def llm_fields(codebook: Codebook, type_id: str) -> dict[str, FieldSpec]:
    """Fields the model is asked for: everything not derived by lookup afterwards."""
    return {name: spec for name, spec in codebook.fields_for(type_id).items() if not spec.derived_from}


def llm_response_schema(codebook: Codebook) -> dict[str, Any]:
    """The strict-mode response format: every property required, nulls via type lists."""
    variants = []
    for et in codebook.event_types:
        fields = llm_fields(codebook, et.id)
        props = {}
        for name, spec in fields.items():
            props[name] = {
                "type": "object",
                "description": spec.description.strip(),
                "properties": {
                    "value": _nullable(value_schema(spec, strict=True)),
                    "quote": {
                        "type": ["string", "null"],
                        "description": "Exact words of the document that support the value, copied verbatim.",
                    },
                },
                "required": ["value", "quote"],
                "additionalProperties": False,
            }
        variants.append(
            {
                "type": "object",
                "description": f"{et.label}: {et.definition.strip()}",
                "properties": {
                    "type": {"type": "string", "enum": [et.id]},
                    # A list: an event is often told across two sentences.
                    "evidence": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "The sentence or sentences that report the event, each copied verbatim.",
                    },
                    "confidence": {
                        "type": "number",
                        "description": "0 to 1: how sure you are the event belongs in the dataset.",
                    },
                    "fields": {
                        "type": "object",
                        "properties": props,
                        "required": list(props),
                        "additionalProperties": False,
                    },
                },
                "required": ["type", "evidence", "confidence", "fields"],
                "additionalProperties": False,
            }
        )
    return {
        "$schema": DRAFT,
        "title": "coded_events",
        "type": "object",
        "properties": {"events": {"type": "array", "items": {"anyOf": variants}}},
        "required": ["events"],
        "additionalProperties": False,
    }


def codebook_meta_schema() -> dict[str, Any]:
    from .codebook.loader import _Actors, _Meta, _Places
    from .codebook.model import EventType as EventTypeModel

    parts: dict[str, type[BaseModel]] = {
        "codebook.yaml": _Meta,
        "event_types/*.yaml": EventTypeModel,
        "actors.yaml": _Actors,
        "places.yaml": _Places,
    }
    defs: dict[str, Any] = {}
    files: dict[str, Any] = {}
    for file, model in parts.items():
        schema = model.model_json_schema(ref_template="#/$defs/{model}")
        defs.update(schema.pop("$defs", {}))
        defs[model.__name__.lstrip("_")] = schema
        files[file] = {"$ref": f"#/$defs/{model.__name__.lstrip('_')}"}
    return {
        "$schema": DRAFT,
        "$id": "https://eventcoder.dev/schemas/codebook.schema.json",
        "title": "eventcoder codebook",
        "description": "Meta-schema of the codebook files; 'files' maps each file pattern to its schema.",
        "files": files,
        "$defs": defs,
    }


def render_schemas(codebook: Codebook) -> dict[str, str]:
    documents = {
        "codebook.schema.json": codebook_meta_schema(),
        "coded-document.schema.json": coded_document_schema(codebook),
        "llm-response.schema.json": llm_response_schema(codebook),
    }
    return {
        name: json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n" for name, doc in documents.items()
    }


def write_schemas(codebook: Codebook, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas(codebook).items():
        path = directory / name
        write_text_atomic(path, text)
        written.append(path)
    return written


def stale_schemas(codebook: Codebook, directory: Path) -> list[str]:
    """Names of committed schema files that differ from what the codebook generates."""
    stale = []
    for name, text in render_schemas(codebook).items():
        path = directory / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            stale.append(name)
    return stale
