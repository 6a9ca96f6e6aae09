"""The plain data every part of eventcoder speaks: documents, spans, events.

Predictions from any coder and the hand-coded golden set use these same
records, so the scorer always compares like with like. A coded-documents file
is JSON Lines, one `CodedDocument` per line (see schemas/README.md).
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from datetime import date
from enum import Enum
from itertools import compress
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

FORMAT_VERSION = 1


class Alignment(str, Enum):
    """How an evidence span was tied to the document text."""

    exact = "exact"  # the quote occurs verbatim at these offsets
    normalized = "normalized"  # equal after folding case, whitespace, quote marks, dashes
    fuzzy = "fuzzy"  # approximate alignment above the threshold
    unaligned = "unaligned"  # the quote could not be found: never shown as grounded
    contradicted = "contradicted"  # the quote was found but says something else: never grounded
    derived = "derived"  # value looked up from another value (lat/long from the place)
    none = "none"  # no evidence needed (notes, source) or none given


GROUNDED = {Alignment.exact, Alignment.normalized, Alignment.fuzzy}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


_new, _set = object.__new__, object.__setattr__
_M = TypeVar("_M", bound=Model)
_UNSET: Any = object()  # an argument not given (None is a value some fields take)


def _made(cls: type[_M], values: dict[str, Any], given: set[str]) -> _M:
    """A model instance from values the program itself made and knows good, without validation
    (the rule coder makes ~40 models per event; validating them was a tenth of its time).
    `values` holds every field in declaration order (the order they are dumped in), `given`
    the ones a constructor call would have been passed (pydantic's fields set)."""
    made: _M = _new(cls)
    _set(made, "__dict__", values)
    _set(made, "__pydantic_fields_set__", given)
    _set(made, "__pydantic_extra__", None)
    _set(made, "__pydantic_private__", None)
    return made


class Span(Model):
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @field_validator("end")
    @classmethod
    def _ordered(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"end ({end}) is before start ({start})")
        return end

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start=start, end=end, text=text[start:end])

    @classmethod
    def found(cls, text: str, start: int, end: int) -> Span:
        """`of` for offsets the program itself found in `text` (a match, a mention), built without
        validation: the check that end is not before start is a Python validator, half the cost
        of a span, and the rule coder makes ~30 spans per event. Input from outside uses `of`."""
        made = _new(cls)
        _set(made, "__dict__", {"start": start, "end": end, "text": text[start:end]})
        _set(made, "__pydantic_fields_set__", {"start", "end", "text"})
        _set(made, "__pydantic_extra__", None)
        _set(made, "__pydantic_private__", None)
        return made

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end


class FieldValue(Model):
    """A field's value and the evidence for it."""

    value: Any
    spans: list[Span] = Field(default_factory=list)
    alignment: Alignment = Alignment.exact
    # The model's own quote when it could not be aligned, kept for review.
    quote: str | None = None
    # Extra detail a normaliser attaches (matched alias, fuzzy score...).
    detail: str | None = None

    @classmethod
    def found(
        cls, value: Any, spans: list[Span] = _UNSET, alignment: Alignment = _UNSET, detail: str | None = _UNSET
    ) -> FieldValue:
        """FieldValue(value=..., [spans=...], [alignment=...], [detail=...]) for a value and spans
        the program found itself (fresh list of Span.found spans, an Alignment member)."""
        given = {"value"}
        if spans is _UNSET:
            spans = []
        else:
            given.add("spans")
        if alignment is _UNSET:
            alignment = Alignment.exact
        else:
            given.add("alignment")
        if detail is _UNSET:
            detail = None
        else:
            given.add("detail")
        values = {"value": value, "spans": spans, "alignment": alignment, "quote": None, "detail": detail}
        return _made(cls, values, given)

    @property
    def grounded(self) -> bool:
        return self.alignment in GROUNDED and bool(self.spans)


class ConfidenceReason(Model):
    """One named step of a coder's confidence ("trigger 'convoy'" +0.70, "unnamed force" -0.05), so
    review can show why a proposal is rated as it is."""

    reason: str
    delta: float

    @classmethod
    def found(cls, reason: str, delta: float) -> ConfidenceReason:
        return _made(cls, {"reason": reason, "delta": delta}, {"reason", "delta"})


class Event(Model):
    # Identity by content (see `assign_event_ids`): the same event keeps its id across
    # re-codings, reorderings and exports, so review decisions and ACLED ids follow it.
    id: str | None = None
    type: str
    fields: dict[str, FieldValue] = Field(default_factory=dict)
    confidence: float | None = Field(None, ge=0, le=1)
    confidence_reasons: list[ConfidenceReason] = Field(default_factory=list)
    # Shared by events that are the same incident reported in several documents.
    incident: str | None = None
    # The trigger or sentence that produced the event.
    evidence: list[Span] = Field(default_factory=list)

    @classmethod
    def found(
        cls,
        type: str,
        fields: dict[str, FieldValue],
        confidence: float,
        evidence: list[Span],
        confidence_reasons: list[ConfidenceReason],
    ) -> Event:
        """Event(type=, fields=, confidence=, evidence=, confidence_reasons=) from parts the program
        made itself: a fresh fields dict of FieldValues, a confidence already within [0, 1]."""
        values = {
            "id": None,
            "type": type,
            "fields": fields,
            "confidence": confidence,
            "confidence_reasons": confidence_reasons,
            "incident": None,
            "evidence": evidence,
        }
        return _made(cls, values, {"type", "fields", "confidence", "evidence", "confidence_reasons"})

    def value(self, name: str, default: Any = None) -> Any:
        field = self.fields.get(name)
        return field.value if field is not None else default

    def all_spans(self) -> list[Span]:
        spans = list(self.evidence)
        for field in self.fields.values():
            spans.extend(field.spans)
        return spans


class Document(Model):
    id: str
    text: str
    title: str | None = None
    url: str | None = None
    publication_date: date | None = None
    source: str | None = None
    source_scale: str | None = None
    language: str = "en"
    # Golden documents: "dev" for tuning rules, "test" for checking them.
    split: Literal["dev", "test"] | None = None

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


class Diagnostic(Model):
    """Something the coder met but does not code: a mention of an airstrike or a clash (an
    uncoded kind of the codebook), so review and status can say what the article is about."""

    kind: str
    span: Span

    @classmethod
    def found(cls, kind: str, span: Span) -> Diagnostic:
        return _made(cls, {"kind": kind, "span": span}, {"kind", "span"})


class CoderInfo(Model):
    name: str
    version: str | None = None
    model: str | None = None
    codebook_version: str | None = None

    @classmethod
    def found(cls, name: str, version: str | None, codebook_version: str | None) -> CoderInfo:
        """CoderInfo(name=, version=, codebook_version=) from a coder's own strings, unvalidated
        (one per coded document)."""
        values = {"name": name, "version": version, "model": None, "codebook_version": codebook_version}
        return _made(cls, values, {"name", "version", "codebook_version"})


class CodedDocument(Model):
    """One line of a coded-documents file: a document and the events coded in it."""

    format: int = FORMAT_VERSION
    document: Document
    events: list[Event] = Field(default_factory=list)
    diagnostics: list[Diagnostic] = Field(default_factory=list)
    coder: CoderInfo | None = None
    status: Literal["ok", "failed"] = "ok"
    error: str | None = None

    @model_validator(mode="after")
    def _identify(self) -> CodedDocument:
        assign_event_ids(self.document, self.events)
        return self

    @classmethod
    def found(
        cls, document: Document, events: list[Event], diagnostics: list[Diagnostic], coder: CoderInfo
    ) -> CodedDocument:
        """CodedDocument(document=, events=, diagnostics=, coder=) for a document and the parts a coder
        made itself (a fresh list of Event.found events...), unvalidated: validation only walked the
        models again. The events get their ids as validation would give them."""
        values = {
            "format": FORMAT_VERSION,
            "document": document,
            "events": events,
            "diagnostics": diagnostics,
            "coder": coder,
            "status": "ok",
            "error": None,
        }
        made = _made(cls, values, {"document", "events", "diagnostics", "coder"})
        assign_event_ids(document, events)
        return made


class _Occurrences:
    """`text.count(quote, 0, start)` for the evidence spans of one text, in linear time on a long one.

    One count per span rescans the text up to the span: on a one-line 5 MB article with 20,000
    evidence spans that was most of the coding time. str.count counts the non-overlapping matches
    found left to right; those inside a prefix are exactly the whole text's left-to-right matches
    that end within it, so each distinct quote's matches are found once and every count is a
    bisect into their ends. A quote's matches are found through the text's pieces of PIECES
    characters at every STEP-th offset: any match covers one such offset, at one of any STEP
    consecutive positions of the quote (long pieces pick out the varying words of a formulaic
    sentence; shorter quotes use shorter pieces, the shortest are searched directly, and so are
    the few quotes of a size when too few to be worth the pieces).
    """

    STEP = 12
    PIECES = (48, 12)
    LONG_TEXT = 100_000  # below this a count per span is cheaper than any index
    # Fewer quotes of one piece size than this are searched for directly (a search through a
    # megabyte ~0.3-0.5 ms, indexing its pieces of one size ~60 ms).
    INDEXED = 100

    def __init__(self, text: str, quotes: Iterable[str] = ()):
        """`quotes`: the quotes that will be asked about, when known: their matches are found in
        one pass over the text's pieces (any other quote asked is looked for on its own)."""
        self.text = text
        self._ends: dict[str, list[int]] = {}
        self._pieces: dict[int, tuple[list[str], Counter[str]]] = {}
        if len(text) >= self.LONG_TEXT:
            self._find(set(quotes))

    def before(self, quote: str, start: int) -> int:
        if len(self.text) < self.LONG_TEXT:
            return self.text.count(quote, 0, start)
        ends = self._ends.get(quote)
        if ends is None:
            self._find({quote})
            ends = self._ends[quote]
        return bisect_right(ends, start)

    def _find(self, quotes: set[str]) -> None:
        """The ends of each quote's left-to-right matches (self._ends). Each quote asks for its STEP
        pieces where they are rarest in the text; the text's pieces that are asked for are picked
        out in C (map, compress), and only those are stepped through: a dict of every piece's
        offsets, made in Python, was most of the time on a long text."""
        text, step = self.text, self.STEP
        wanted: dict[int, dict[str, list[tuple[str, int]]]] = {}  # piece size -> piece -> (quote, j)
        starts: dict[str, set[int]] = {}
        by_piece: dict[int, list[str]] = {}
        for quote in quotes:
            by_piece.setdefault(next((n for n in self.PIECES if len(quote) >= step + n - 1), 0), []).append(quote)
        for piece, group in by_piece.items():
            if not piece or (len(group) < self.INDEXED and piece not in self._pieces):
                # Short quotes, and a few of a size no index was made for: one search each through
                # the text (C) costs less than indexing its pieces.
                for quote in group:
                    found, at = [], text.find(quote)
                    while at >= 0:
                        found.append(at)
                        at = text.find(quote, at + 1)
                    self._ends[quote] = _left_to_right(found, len(quote))
                continue
            for quote in group:
                self._asked(quote, piece, wanted.setdefault(piece, {}))
                starts[quote] = set()
        for piece, asked in wanted.items():
            pieces = self._pieces_of(piece)[0]
            hit = list(map(asked.__contains__, pieces))
            offsets = range(0, len(text) - piece + 1, step)
            for part, t in zip(compress(pieces, hit), compress(offsets, hit)):
                for quote, j in asked[part]:
                    if t >= j and text.startswith(quote, t - j):
                        starts[quote].add(t - j)
        for quote, found_at in starts.items():
            self._ends[quote] = _left_to_right(sorted(found_at), len(quote))

    def _asked(self, quote: str, piece: int, asked: dict[str, list[tuple[str, int]]]) -> None:
        """The quote's STEP pieces, from where they are rarest in the text (tried every half STEP:
        one piece's rarity is a fair guess for its neighbours'), put into `asked` with their offsets."""
        counts, size, step = self._pieces_of(piece)[1], len(quote), self.STEP
        lo, least = 0, -1
        for j in range(0, size - step - piece + 2, step // 2 or 1):
            n = counts.get(quote[j : j + piece], 0)
            if least < 0 or n < least:
                lo, least = j, n
                if n <= 1:
                    break  # rare enough: at most its own match (any STEP offsets find every match)
        get = counts.get
        for j in range(lo, lo + step):
            part = quote[j : j + piece]
            if get(part):  # (a piece that stands nowhere on the grid is never met there: most)
                asked.setdefault(part, []).append((quote, j))

    def _pieces_of(self, piece: int) -> tuple[list[str], Counter[str]]:
        """The text's pieces of `piece` characters at every STEP-th offset, and how often each stands
        (Counter hashes each once: a string keeps its hash for the lookups after)."""
        made = self._pieces.get(piece)
        if made is None:
            text = self.text
            pieces = [text[t : t + piece] for t in range(0, len(text) - piece + 1, self.STEP)]
            made = self._pieces[piece] = (pieces, Counter(pieces))
        return made


def _left_to_right(starts: list[int], size: int) -> list[int]:
    """The ends of the non-overlapping matches, taken left to right (those str.count counts),
    among matches of `size` characters at ascending `starts`."""
    ends, free = [], 0
    for at in starts:
        if at >= free:
            free = at + size
            ends.append(free)
    return ends


def _evidence_basis(occurrences: _Occurrences, event: Event) -> str:
    """What the event is, without its position in the list: its trigger words and which
    occurrence of them in the text (so an edit elsewhere in the file moves nothing)."""
    if not event.evidence:
        return "fields:" + "|".join(str(event.value(n)) for n in ("actor1", "location", "event_date"))
    return "|".join(
        f"{s.text}#{occurrences.before(s.text, s.start) if s.text else s.start}"
        for s in sorted(event.evidence, key=lambda s: (s.start, s.end))
    )


def assign_event_ids(document: Document, events: list[Event]) -> None:
    """Give every event without an id one derived from its document id, type and evidence.

    An id already set is kept (it is the identity the review log and exports know). Two
    events of one type on the same words (one sentence listing places) are told apart by
    their location, then by a counter in list order.
    """
    taken = {e.id for e in events if e.id}
    occurrences = _Occurrences(document.text, (s.text for e in events if not e.id for s in e.evidence if s.text))
    for event in events:
        if event.id:
            continue
        basis = f"{document.id}\n{event.type}\n{_evidence_basis(occurrences, event)}"
        candidate = "ev-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
        if candidate in taken:
            basis += f"\n{event.value('location')}"
            candidate = "ev-" + hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]
        n, base = 1, candidate
        while candidate in taken:
            n += 1
            candidate = f"{base}-{n}"
        event.id = candidate
        taken.add(candidate)
