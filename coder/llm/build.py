"""From a validated answer to events: ground every quote, then normalise.

Grounding comes first and is ours (align.py). Normalisation is NOT done here:
actor names, places, dates, numbers and enum cues go through the shared
`coder.normalize.Normalizer`, the same code the offline coder uses, so the
two coders cannot drift apart on what "Liwa Fatimiyoun" or "last Monday"
means.
"""

from __future__ import annotations

import logging
from typing import Any

from ..codebook.model import Codebook, FieldSpec
from ..models import Alignment, Document, Event, FieldValue, Span
from .agree import date_reading, disagreement
from .align import Aligned, Aligner

log = logging.getLogger(__name__)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


class EventBuilder:
    def __init__(self, codebook: Codebook, normalizer: Any, *, threshold: float):
        self.codebook = codebook
        self.normalizer = normalizer
        self.threshold = threshold

    def events(self, answer: dict[str, Any], document: Document, window: tuple[int, int] | None = None) -> list[Event]:
        aligner = Aligner(document.text, threshold=self.threshold, normalizer=self.normalizer)
        return [self.event(raw, document, aligner, window) for raw in answer.get("events", [])]

    def event(self, raw: dict[str, Any], document: Document, aligner: Aligner, window: tuple[int, int] | None) -> Event:
        etype = raw["type"]
        evidence = self.evidence(raw.get("evidence"), aligner, window)
        # Field quotes are looked for in the evidence sentence first, then in the chunk.
        near = (evidence[0].start, evidence[-1].end) if evidence else window
        fields: dict[str, FieldValue] = {}
        for name, given in (raw.get("fields") or {}).items():
            spec = self.codebook.field_spec(etype, name)
            if spec is None or not isinstance(given, dict) or _empty(given.get("value")):
                continue
            fields[name] = self.field(spec, given.get("value"), given.get("quote"), aligner, near, document)
        confidence = raw.get("confidence")
        if isinstance(confidence, (int, float)):
            confidence = min(1.0, max(0.0, float(confidence)))
            if not evidence:
                # An event whose sentence is not in the document is doubtful however sure the model is.
                confidence = min(confidence, 0.3)
        else:
            confidence = None
        event = Event(type=etype, fields=fields, confidence=confidence, evidence=evidence)
        if self.normalizer is not None:
            filled = self.normalizer.fill_derived(event, document)
            if isinstance(filled, Event):
                event = filled
        self._mark_derived(event)
        return event

    @staticmethod
    def evidence(given: Any, aligner: Aligner, window: tuple[int, int] | None) -> list[Span]:
        """The spans of the evidence sentences found in the document, in document order."""
        sentences = [given] if isinstance(given, str) else [s for s in given or [] if isinstance(s, str)]
        spans: list[Span] = []
        for sentence in sentences:
            hit = aligner.align(sentence, window)
            if hit.grounded:
                spans.extend(hit.spans)
        return sorted(spans, key=lambda span: (span.start, span.end))

    def _mark_derived(self, event: Event) -> None:
        """A value looked up from a contradicted one (Palmyra's coordinates for a quote
        naming Deir Ezzor) is no better than its source: it is marked the same way."""
        for name, fv in event.fields.items():
            spec = self.codebook.field_spec(event.type, name)
            source = event.fields.get(spec.derived_from) if spec is not None and spec.derived_from else None
            if source is not None and source.alignment == Alignment.contradicted:
                fv.alignment = Alignment.contradicted
                fv.detail = f"derived from {spec.derived_from}, which its quote contradicts"

    def field(
        self,
        spec: FieldSpec,
        value: Any,
        quote: str | None,
        aligner: Aligner,
        near: tuple[int, int] | None,
        document: Document,
    ) -> FieldValue:
        if quote is None and isinstance(value, str) and spec.grounded:
            quote = value  # no quote given: the value itself may be the document's words
        hit: Aligned | None = aligner.align(quote, near) if quote else None
        if hit is not None and hit.grounded:
            spans, alignment = hit.spans, hit.alignment
            detail = f"fuzzy {hit.score:g}" if alignment == Alignment.fuzzy else None
            kept_quote = quote if alignment != Alignment.exact else None
        else:
            spans, detail = [], None
            # Unaligned: the quote is kept for review and the value is never grounded.
            alignment = Alignment.unaligned if (spec.grounded or quote) else Alignment.none
            kept_quote = quote
        value, norm_detail = self.normalize(spec, value, spans, quote, document)
        if spans:
            said = " ".join(s.text for s in spans)
            if spec.normalize == "date":
                value, reason = date_reading(value, said, document.publication_date, document.text)
            else:
                reason = disagreement(self.normalizer, spec, value, said)
            if reason:
                # The words are in the document but say something else: kept for review, never grounded.
                alignment, norm_detail = Alignment.contradicted, reason
                kept_quote = quote
        if norm_detail:
            detail = f"{detail}; {norm_detail}" if detail else norm_detail
        return FieldValue(value=value, spans=spans, alignment=alignment, quote=kept_quote, detail=detail)

    def normalize(
        self, spec: FieldSpec, value: Any, spans: list[Span], quote: str | None, document: Document
    ) -> tuple[Any, str | None]:
        """Canonical value via the shared normaliser: from the value, else from the grounded words."""
        n = self.normalizer
        if n is None:
            return value, None
        said = " ".join(s.text for s in spans) or quote or ""
        if spec.normalize == "actor":
            return _canonical_each(n.actor, value, said)
        if spec.normalize == "place":
            return _canonical_each(n.place, value, said)
        if spec.normalize == "date":
            return _date(value, said, document) if not spans else (value, None)
        if spec.is_enum:
            return _enum(n, spec, value)
        return value, None


def _name(match: Any) -> str | None:
    """The canonical name of an ActorMatch or PlaceMatch (None when nothing matched)."""
    return match.name if match is not None else None


def _canonical_each(lookup, value: Any, said: str) -> tuple[Any, str | None]:
    def one(item: Any, fallback: str) -> tuple[Any, bool]:
        if not isinstance(item, str):
            return item, False
        name = _name(lookup(item)) or (_name(lookup(fallback)) if fallback else None)
        return (name, True) if name else (item, False)

    if isinstance(value, list):
        items = [one(item, "") for item in value]
        unknown = [v for (v, ok) in items if not ok]
        return [v for v, _ in items], (f"not in the dictionary: {', '.join(map(str, unknown))}" if unknown else None)
    name, ok = one(value, said)
    return name, None if ok else "not in the dictionary"


def _date(value: Any, said: str, document: Document) -> tuple[Any, str | None]:
    from ..normalize import resolve_date

    # The grounded words are resolved the offline coder's way; the model's ISO
    # date is only a fallback, and is marked as such.
    if said:
        resolved = resolve_date(said, document.publication_date)
        iso = _iso(resolved)
        if iso:
            return iso, None
    return value, "date from the model, not resolved from the text"


def _iso(resolved: Any) -> str | None:
    return resolved.iso if resolved is not None else None


def _enum(n: Any, spec: FieldSpec, value: Any) -> tuple[Any, str | None]:
    allowed = set(spec.values or [])
    items = value if isinstance(value, list) else [value]
    if all(item in allowed for item in items):
        return value, None
    # The model wrote a cue word ("petrol") instead of the value (fuel): map it with the lexicon.
    mapped: list[Any] = []
    for item in items:
        found = n.enum_values(spec, str(item)) if item not in allowed else [item]
        mapped.extend(x for x in (found or []) if x not in mapped)
    if not mapped:
        return value, "not one of the allowed values"
    return (mapped if isinstance(value, list) else mapped[0]), None
