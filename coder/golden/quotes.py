"""Codings written as quotes, turned into golden records with spans.

A human (or a helper) codes a document fastest by copying the words that say
each value; counting character offsets by hand is where mistakes creep in. A
quote coding is a YAML file:

    document: 121_enab
    coder: a
    events:
      - type: troop_movement
        incident: null
        evidence: ["a convoy of 20 vehicles ... arrived in al-Mayadeen"]
        fields:
          actor1: {value: Kataib Hezbollah, quote: "Kataib Hezbollah"}
          assoc_actor_1: [{value: Islamic Revolutionary Guard Corps, quote: "the IRGC"}]
          geo_precision: 1
          notes: "..."

Each quote is located in the text. A quote that occurs more than once is
placed where the event is: inside its evidence when it can be, else nearest to
the quotes of the event that occur only once. A quote not found, a name not in
the codebook's dictionaries or an enum value the codebook does not list is an
error that names the file, the event and the field; nothing is guessed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from ..codebook.model import Codebook, FieldSpec
from ..errors import CoderError
from ..models import Alignment, CodedDocument, CoderInfo, Document, Event, FieldValue, Span
from ..normalize import Normalizer
from ..validate import Problem

# Fields a quote coding never writes: the importer derives them from other values.
DERIVED = {"country", "admin1", "admin2", "latitude", "longitude", "inter1", "inter2", "source", "source_scale"}


def QuoteProblem(where: str, event: int | None, field: str | None, message: str) -> Problem:
    """A problem of a quote coding, in the shape every validation problem has (file, event, field)."""
    return Problem(where, None, event, field, message)


class QuoteCodingError(CoderError):
    def __init__(self, problems: list[Problem]):
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def read_quote_coding(path: Path) -> dict:
    """The YAML of a quote coding, or a QuoteCodingError naming the line."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = QuoteProblem(where, None, None, f"invalid YAML: {getattr(exc, 'problem', exc)}")
        raise QuoteCodingError([problem]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise QuoteCodingError([QuoteProblem(str(path), None, None, f"cannot read: {exc}")]) from None
    if not isinstance(data, dict) or not isinstance(data.get("document"), str):
        raise QuoteCodingError(
            [QuoteProblem(str(path), None, None, "expected a mapping with 'document: <id>' and 'events: [...]'")]
        )
    if not isinstance(data.get("events") or [], list):
        raise QuoteCodingError([QuoteProblem(str(path), None, None, "'events' must be a list")])
    return data


def occurrences(text: str, quote: str) -> list[int]:
    found, at = [], text.find(quote)
    while at >= 0:
        found.append(at)
        at = text.find(quote, at + 1)
    return found


class _Locator:
    """Places the quotes of one event: unique ones first, then the rest near them."""

    def __init__(self, text: str, quotes: list[str]):
        self.text = text
        self.found = {q: occurrences(text, q) for q in quotes if q}
        self.anchors = sorted(hits[0] for hits in self.found.values() if len(hits) == 1)
        self.evidence: list[Span] = []

    def span(self, quote: str) -> Span | None:
        hits = self.found.get(quote) or []
        if not hits:
            return None
        if len(hits) > 1:
            inside = [h for h in hits if any(e.start <= h and h + len(quote) <= e.end for e in self.evidence)]
            hits = inside or hits
        if len(hits) > 1 and self.anchors:
            hits = sorted(hits, key=lambda h: min(abs(h - a) for a in self.anchors))
        start = hits[0]
        return Span.of(self.text, start, start + len(quote))


def _quotes_of(event: dict) -> list[str]:
    quotes = [q for q in event.get("evidence") or [] if isinstance(q, str)]
    for raw in (event.get("fields") or {}).values():
        for item in raw if isinstance(raw, list) else [raw]:
            if isinstance(item, dict):
                said = item.get("quote")
                quotes.extend(q for q in (said if isinstance(said, list) else [said]) if isinstance(q, str))
    return quotes


class QuoteImporter:
    """Turns quote codings of one codebook into coded documents."""

    def __init__(self, codebook: Codebook, coder_name: str = "gold"):
        self.codebook = codebook
        self.normalizer = Normalizer(codebook)
        self.coder = CoderInfo(name=coder_name, codebook_version=codebook.version)

    def build(self, coding: dict, document: Document, where: str) -> CodedDocument:
        problems: list[QuoteProblem] = []
        events = []
        for index, raw in enumerate(coding.get("events") or []):
            event = self._event(raw, document, where, index, problems)
            if event is not None:
                events.append(event)
        if problems:
            raise QuoteCodingError(problems)
        name = str(coding.get("coder") or self.coder.name)
        coder = self.coder if name == self.coder.name else self.coder.model_copy(update={"name": name})
        return CodedDocument(document=document, events=events, coder=coder)

    def _event(
        self, raw: Any, document: Document, where: str, index: int, problems: list[QuoteProblem]
    ) -> Event | None:
        def problem(field: str | None, message: str) -> None:
            problems.append(QuoteProblem(where, index, field, message))

        if not isinstance(raw, dict):
            problem(None, "an event must be a mapping with type, evidence and fields")
            return None
        etype = raw.get("type")
        if etype not in self.codebook.type_ids:
            problem(None, f"unknown event type {etype!r}; expected one of: {', '.join(self.codebook.type_ids)}")
            return None
        locate = _Locator(document.text, _quotes_of(raw))
        for quote in raw.get("evidence") or []:
            span = locate.span(quote) if isinstance(quote, str) else None
            if span is None:
                problem("evidence", f"quote not found in the text: {quote!r}")
            else:
                locate.evidence.append(span)
        if not locate.evidence:
            problem("evidence", "an event needs at least one evidence quote")
        fields: dict[str, FieldValue] = {}
        for name, given in (raw.get("fields") or {}).items():
            spec = self.codebook.field_spec(etype, name)
            if spec is None:
                problem(name, f"not a field of {etype}; fields are: {', '.join(self.codebook.fields_for(etype))}")
                continue
            if name in DERIVED:
                problem(name, "derived from another value by the importer; leave it out")
                continue
            value = self._field(name, spec, given, locate, problem)
            if value is not None:
                fields[name] = value
        if "notes" in fields and isinstance(fields["notes"].value, str):
            fields["notes"] = FieldValue(value=fields["notes"].value.strip(), alignment=Alignment.none)
        event = Event(
            type=etype, fields=fields, confidence=1.0, incident=raw.get("incident") or None, evidence=locate.evidence
        )
        self.normalizer.fill_derived(event, document)
        for name, spec in self.codebook.fields_for(etype).items():
            if spec.required and name not in event.fields:
                problem(name, "required by the codebook and missing")
        return event

    def _field(self, name: str, spec: FieldSpec, given: Any, locate: _Locator, problem) -> FieldValue | None:
        items = given if isinstance(given, list) else [given]
        values, spans = [], []
        for item in items:
            value, quotes = (item.get("value"), item.get("quote")) if isinstance(item, dict) else (item, None)
            value = self._value(name, spec, value, problem)
            if value is None:
                continue
            values.append(value)
            for quote in quotes if isinstance(quotes, list) else [quotes]:
                if quote is None:
                    continue
                span = locate.span(quote) if isinstance(quote, str) else None
                if span is None:
                    problem(name, f"quote not found in the text: {quote!r}")
                else:
                    spans.append(span)
        if not values:
            return None
        is_list = spec.type == "list"
        if not is_list and len(values) > 1:
            problem(name, f"one value expected, got {len(values)}")
            return None
        if is_list:
            values = list(dict.fromkeys(values))
        alignment = Alignment.exact if spans else (Alignment.derived if spec.derived_from else Alignment.none)
        return FieldValue(value=values if is_list else values[0], spans=spans, alignment=alignment)

    def _value(self, name: str, spec: FieldSpec, value: Any, problem) -> Any:
        if value is None:
            problem(name, "no value")
            return None
        kind = spec.items if spec.type == "list" else spec.type
        if spec.normalize in ("actor", "place"):
            return self._name(name, spec.normalize, value, problem)
        if spec.type == "date" or spec.normalize == "date":
            if isinstance(value, dt.date):
                return value.isoformat()
            try:
                return dt.date.fromisoformat(str(value)).isoformat()
            except ValueError:
                problem(name, f"{value!r} is not an ISO date (YYYY-MM-DD)")
                return None
        if kind == "enum":
            if value not in (spec.values or []):
                problem(name, f"{value!r} is not one of: {', '.join(map(str, spec.values or []))}")
                return None
            return value
        if kind == "integer" and (isinstance(value, bool) or not isinstance(value, int)):
            problem(name, f"{value!r} is not a whole number")
            return None
        if kind == "number" and (isinstance(value, bool) or not isinstance(value, (int, float))):
            problem(name, f"{value!r} is not a number")
            return None
        if kind == "boolean" and not isinstance(value, bool):
            problem(name, f"{value!r} is not true or false")
            return None
        if kind == "string" and not isinstance(value, str):
            return str(value)
        return value

    def _name(self, name: str, kind: str, value: Any, problem) -> str | None:
        if not isinstance(value, str):
            problem(name, f"{value!r} is not a name")
            return None
        lookup = self.normalizer.actor if kind == "actor" else self.normalizer.place
        match = lookup(value, whole=True)
        if match is None or match.how == "fuzzy":
            book = "codebook/actors.yaml" if kind == "actor" else "codebook/places.yaml"
            near = lookup(value)
            hint = f" (closest: {near.name!r})" if near is not None else ""
            problem(name, f"{kind} {value!r} is not a name or variant in {book}; add it there{hint}")
            return None
        return match.name


def to_quote_coding(doc: CodedDocument, coder: str) -> dict:
    """A coded record back as a quote coding (each span's words as the quote), for recoding or review.

    Derived fields and codebook defaults are left out: the importer puts them back.
    """
    events = []
    for event in doc.events:
        fields: dict[str, Any] = {}
        for name, fv in event.fields.items():
            if name in DERIVED or (name in ("fatalities", "seized") and fv.value in (0, False) and not fv.spans):
                continue
            quotes = [s.text for s in fv.spans]
            if isinstance(fv.value, list):
                if len(quotes) == len(fv.value):
                    fields[name] = [{"value": v, "quote": q} for v, q in zip(fv.value, quotes)]
                else:
                    fields[name] = [
                        {"value": v, **({"quote": quotes} if quotes and n == 0 else {})} for n, v in enumerate(fv.value)
                    ]
            elif quotes:
                fields[name] = {"value": fv.value, "quote": quotes[0] if len(quotes) == 1 else quotes}
            else:
                fields[name] = fv.value
        events.append(
            {
                "type": event.type,
                "incident": event.incident,
                "evidence": [s.text for s in event.evidence],
                "fields": fields,
            }
        )
    return {"document": doc.document.id, "coder": coder, "events": events}
