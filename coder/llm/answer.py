"""Is the model's answer usable? JSON, the response schema, then the codebook.

Problems are phrased for the model, not for a developer: they are sent back
in a repair turn ("events[0].fields.event_date.value: '16 March' is not an
ISO date"), and the model has a bounded number of tries to fix them. Strict
structured outputs make most of these impossible; JSON mode and self-hosted
servers make all of them likely.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator

from ..codebook.model import Codebook
from ..schema import llm_fields
from .response import full_response_schema

MAX_PROBLEMS = 20
_FENCE = re.compile(r"^\s*```(?:json)?\s*\n?(.*?)\n?\s*```\s*$", re.DOTALL)


class AnswerChecker:
    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        schema = full_response_schema(codebook)
        variants = schema["properties"]["events"]["items"]["anyOf"]
        # The envelope and each event type are checked apart: an anyOf failure
        # only says "not valid under any of the given schemas", which no model
        # can repair from.
        shell = {**schema, "properties": {"events": {"type": "array", "items": {"type": "object"}}}}
        self._envelope = Draft202012Validator(shell)
        self._events = {v["properties"]["type"]["enum"][0]: Draft202012Validator(v) for v in variants}
        # jsonschema walks a valid answer in ~1 ms of event-loop time; a compiled validator says
        # "valid" in a tenth of that. jsonschema still explains an invalid answer (all its errors,
        # with paths a model can repair from). The schema's keywords mean the same in draft-07.
        # Each type is compiled when an answer first has it (0.04 s each, 0.4 s for all).
        self._fast_envelope = fastjsonschema.compile(_draft7(shell))
        self._variants = {v["properties"]["type"]["enum"][0]: v for v in variants}
        self._fast: dict[str, Callable[[Any], Any]] = {}

    def valid(self, data: Any) -> bool:
        """Does the answer fit the response schema? (A fast yes; `check` says what is wrong.)"""
        try:
            self._fast_envelope(data)
            for event in data["events"]:
                etype = event.get("type")
                if etype not in self._variants:
                    return False
                fast = self._fast.get(etype)
                if fast is None:
                    fast = self._fast[etype] = fastjsonschema.compile(_draft7(self._variants[etype]))
                fast(event)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def parse(self, content: str) -> tuple[Any, list[str]]:
        text = content.strip()
        fenced = _FENCE.match(text)
        if fenced:  # JSON mode on some servers still wraps the answer in a Markdown fence
            text = fenced.group(1)
        if not text:
            return None, ["the answer is empty; answer with the JSON object"]
        try:
            return json.loads(text), []
        except json.JSONDecodeError as exc:
            return None, [f"the answer is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"]
        except RecursionError:  # "[[[[...]]]]" ten thousand deep: no answer of ours nests so
            return None, ["the answer nests arrays or objects too deeply to be an answer; answer with the JSON object"]

    def check(self, data: Any) -> list[str]:
        """What in the answer breaks the schema or the codebook (a one-string evidence is first
        made a list, in place)."""
        evidence_as_list(data)
        if self.valid(data):
            problems: list[str] = []
            for i, event in enumerate(data["events"]):
                problems.extend(self._codebook_checks(i, event["type"], event))
            return problems[:MAX_PROBLEMS]
        problems = [f"{_path(e.absolute_path)}{e.message}" for e in self._envelope.iter_errors(data)]
        if problems or not isinstance(data, dict):
            return problems[:MAX_PROBLEMS]
        for i, event in enumerate(data["events"]):
            etype = event.get("type")
            validator = self._events.get(etype)
            if validator is None:
                problems.append(
                    f"events[{i}].type: {etype!r} is not an event type; use one of {', '.join(self._events)}"
                )
                continue
            errors = [f"events[{i}].{_path(e.absolute_path)}{e.message}" for e in validator.iter_errors(event)]
            problems.extend(errors)
            if not errors:
                problems.extend(self._codebook_checks(i, etype, event))
        return problems[:MAX_PROBLEMS]

    def _codebook_checks(self, i: int, etype: str, event: dict[str, Any]) -> list[str]:
        """What strict mode cannot express: dates, ranges, required values."""
        problems = []
        if not any(str(sentence).strip() for sentence in event.get("evidence") or []):
            problems.append(f"events[{i}].evidence: give the sentence that reports the event")
        confidence = event.get("confidence")
        if isinstance(confidence, (int, float)) and not 0 <= confidence <= 1:
            problems.append(f"events[{i}].confidence: {confidence} is not between 0 and 1")
        for name, spec in llm_fields(self.codebook, etype).items():
            fv = event["fields"].get(name) or {}
            value = fv.get("value")
            where = f"events[{i}].fields.{name}.value"
            if spec.required and value in (None, "", []):
                problems.append(
                    f"{where}: {name} is required; give it, or leave out an event the document does not support"
                )
                continue
            if value is None:
                continue
            if spec.type == "date":
                try:
                    date.fromisoformat(value)
                    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                        raise ValueError
                except (TypeError, ValueError):
                    problems.append(
                        f"{where}: {value!r} is not an ISO date (YYYY-MM-DD); use null if the document gives no date"
                    )
            if spec.type in ("integer", "number") and isinstance(value, (int, float)):
                if spec.minimum is not None and value < spec.minimum:
                    problems.append(f"{where}: {value} is below the minimum {spec.minimum:g}")
                if spec.maximum is not None and value > spec.maximum:
                    problems.append(f"{where}: {value} is above the maximum {spec.maximum:g}")
        return problems


def evidence_as_list(data: Any) -> Any:
    """`evidence` as a list of sentences, also in answers given when it was one string (answers
    recorded or cached then, a model that writes one sentence the old way)."""
    if isinstance(data, dict) and isinstance(data.get("events"), list):
        for event in data["events"]:
            if isinstance(event, dict) and isinstance(event.get("evidence"), str):
                event["evidence"] = [event["evidence"]]
    return data


def _draft7(schema: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in schema.items() if k != "$schema"}, "$schema": "http://json-schema.org/draft-07/schema#"}


def _path(path) -> str:
    parts = list(path)
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out + ": " if out else ""


def repair_message(problems: list[str]) -> str:
    listed = "\n".join(f"- {p}" for p in problems)
    return (
        "Your answer cannot be used:\n"
        + listed
        + "\nAnswer again with the complete corrected JSON object, nothing else. Keep every quote verbatim "
        "from the document."
    )
