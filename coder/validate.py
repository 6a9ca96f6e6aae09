"""Check coded documents against the codebook's schema and their own text.

Every problem names the record (file:line), the document id, the event index
and the field, so a coder or a reviewer can go straight to it. All problems of
a file are collected; validation never stops at the first.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from .codebook.model import Codebook, FieldSpec
from .io import InputError, RawRecord, iter_raw
from .models import GROUNDED
from .schema import coded_document_schema


@dataclass(frozen=True)
class Problem:
    where: str
    document: str | None
    event: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        parts = [self.where]
        if self.document is not None:
            parts.append(f"document {self.document}")
        if self.event is not None:
            parts.append(f"event {self.event}")
        if self.field:
            parts.append(f"field {self.field}")
        return " | ".join(parts) + f": {self.message}"


def _fold(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class RecordValidator:
    """Validates raw records for one codebook; build once, call for each record."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        schema = coded_document_schema(codebook)
        defs = schema["$defs"]
        events = {"type": "array", "items": {"type": "object"}}
        shell = {**schema, "properties": {**schema["properties"], "events": events}}
        self._record = Draft202012Validator(shell)
        self._events = {
            t: Draft202012Validator({"$ref": f"#/$defs/event_{t}", "$defs": defs}) for t in codebook.type_ids
        }
        self._actors = {_fold(a.name) for a in codebook.actors}
        self._places = {_fold(p.name) for p in codebook.places}

    def check(self, raw: RawRecord) -> list[Problem]:
        data = raw.data
        doc: dict[str, Any] = data["document"] if isinstance(data.get("document"), dict) else {}
        doc_id = doc.get("id") if isinstance(doc.get("id"), str) else None
        problems = [
            Problem(raw.where, doc_id, None, None, f"{_path(err.absolute_path)}{err.message}")
            for err in self._record.iter_errors(data)
        ]
        text = doc.get("text") if isinstance(doc.get("text"), str) else None
        events: list[Any] = data["events"] if isinstance(data.get("events"), list) else []
        for index, event in enumerate(events):
            problems.extend(self._check_event(raw.where, doc_id, index, event, text))
        return problems

    def _check_event(
        self, where: str, doc_id: str | None, index: int, event: dict[str, Any], text: str | None
    ) -> list[Problem]:
        etype = event.get("type")
        if etype not in self._events:
            return [
                Problem(
                    where,
                    doc_id,
                    index,
                    None,
                    f"unknown event type {etype!r}; expected one of: {', '.join(self.codebook.type_ids)}",
                )
            ]
        problems = []
        for err in self._events[etype].iter_errors(event):
            path = list(err.absolute_path)
            field = path[1] if len(path) > 1 and path[0] == "fields" else None
            message = err.message
            if err.validator == "additionalProperties" and path == ["fields"]:
                allowed = ", ".join(self.codebook.fields_for(etype))
                message = f"{err.message}; fields of {etype} are: {allowed}"
            problems.append(Problem(where, doc_id, index, field, message))
        if text is not None:
            for span_index, span in enumerate(event.get("evidence") or []):
                problems.extend(_check_span(where, doc_id, index, f"evidence[{span_index}]", span, text))
        fields: dict[str, Any] = event["fields"] if isinstance(event.get("fields"), dict) else {}
        for name, fv in fields.items():
            if not isinstance(fv, dict):
                continue
            spec = self.codebook.field_spec(etype, name)
            if spec is None:
                continue
            if text is not None:
                for span_index, span in enumerate(fv.get("spans") or []):
                    problems.extend(_check_span(where, doc_id, index, f"{name}.spans[{span_index}]", span, text))
            problems.extend(self._check_value(where, doc_id, index, name, spec, fv))
        return problems

    def _check_value(
        self, where: str, doc_id: str | None, index: int, name: str, spec: FieldSpec, fv: dict[str, Any]
    ) -> list[Problem]:
        problems = []
        value = fv.get("value")
        alignment = fv.get("alignment", "exact")
        grounded = alignment in {a.value for a in GROUNDED}
        if spec.grounded and value not in (None, [], "") and grounded and not fv.get("spans"):
            problems.append(
                Problem(
                    where,
                    doc_id,
                    index,
                    name,
                    f"value {value!r} is marked '{alignment}' but has no evidence span; "
                    "add the span that says it, or mark it 'unaligned'",
                )
            )
        names = value if isinstance(value, list) else [value]
        if spec.normalize == "actor":
            for item in names:
                if isinstance(item, str) and _fold(item) not in self._actors:
                    problems.append(
                        Problem(
                            where,
                            doc_id,
                            index,
                            name,
                            f"actor {item!r} is not a canonical name in the actor dictionary",
                        )
                    )
        if spec.normalize == "place" and fv.get("detail") not in ("unverified", "geonames"):
            # An unverified place is a name the text presents as a place that no gazetteer
            # tier knows, kept as written on purpose; a geonames one, a place the GeoNames tier
            # found under the curated one (coder.gazetteer.context).
            for item in names:
                if isinstance(item, str) and _fold(item) not in self._places:
                    problems.append(
                        Problem(where, doc_id, index, name, f"place {item!r} is not a canonical name in the gazetteer")
                    )
        return problems


def _path(path: Iterable[Any]) -> str:
    parts = list(path)
    return (".".join(str(p) for p in parts) + ": ") if parts else ""


def span_problem(start: int, end: int, said: Any, text: str) -> str | None:
    """What is wrong with a span of `text`, or None. The one check `coder validate` and the
    scorer (`coder score`, `coder agree`) share: a span either side would refuse is refused by both."""
    if not 0 <= start <= end <= len(text):
        return f"span {start}-{end} is outside the document (length {len(text)})"
    actual = text[start:end]
    if actual != said:
        return f"span {start}-{end} says {_short(said)} but the document has {_short(actual)} there"
    return None


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _check_span(where: str, doc_id: str | None, index: int, field: str, span: Any, text: str) -> list[Problem]:
    if not isinstance(span, dict):
        return []
    start, end, said = span.get("start"), span.get("end"), span.get("text")
    if not (isinstance(start, int) and isinstance(end, int)):
        return []
    problem = span_problem(start, end, said, text)
    return [Problem(where, doc_id, index, field, problem)] if problem else []


def validate_path(path: str | Path, codebook: Codebook) -> tuple[int, list[Problem]]:
    """Validate every record of a file or golden directory: (records checked, problems)."""
    validator = RecordValidator(codebook)
    problems: list[Problem] = []
    count = 0
    seen: dict[str, str] = {}
    try:
        for raw in iter_raw(path):
            count += 1
            record_problems = validator.check(raw)
            problems.extend(record_problems)
            doc_id = raw.data.get("document", {}).get("id") if isinstance(raw.data.get("document"), dict) else None
            if isinstance(doc_id, str):
                if doc_id in seen:
                    message = f"duplicate document id (first at {seen[doc_id]})"
                    problems.append(Problem(raw.where, doc_id, None, None, message))
                seen.setdefault(doc_id, raw.where)
    except InputError as exc:
        problems.append(Problem(exc.where, None, None, None, exc.message))
    except (ValueError, RecursionError) as exc:  # json's own limits: a 5,000-digit number, deep nesting
        problems.append(
            Problem(f"{path} (after record {count})", None, None, None, f"cannot be read: {str(exc).split(';')[0]}")
        )
    return count, problems
