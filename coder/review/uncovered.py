"""What the coder could not cover in a document, for the reviewer to check by hand.

Three sources, in text order: the mentions the coder met but does not code (the
record's `diagnostics`: airstrikes, clashes and other uncoded kinds, with
spans); values kept as written because no dictionary knows them (a field whose
detail is "unverified"); and place or group names that no dictionary resolves
(the normaliser's finder, the one behind `coder unresolved`). Each item has a
span, so the review can jump to it and select it for `+`.
"""

from __future__ import annotations

from dataclasses import dataclass

from .core import ReviewSession
from .state import DocState
from .values import format_value

UNVERIFIED = "unverified"  # FieldValue.detail of a name kept as written (coder.normalize.unknown)


@dataclass(frozen=True)
class Uncovered:
    kind: str  # "uncoded airstrike", "unverified place", "unknown place", "unknown group"...
    label: str  # what to show: the name, or "e2 location = Abu Hardub"
    start: int
    end: int


def _normalizer(session: ReviewSession):
    # Built once per session: it compiles the gazetteer and actor dictionary.
    norm = getattr(session, "_uncovered_normalizer", None)
    if norm is None:
        from ..normalize import Normalizer

        norm = Normalizer(session.codebook)
        session._uncovered_normalizer = norm
    return norm


def _unresolved(session: ReviewSession, doc: DocState) -> list:
    # Once per document (about 20 ms each): the text never changes, and the header counts them.
    cache = getattr(session, "_uncovered_names", None)
    if cache is None:
        cache = session._uncovered_names = {}
    if doc.id not in cache:
        try:
            cache[doc.id] = _normalizer(session).unresolved(doc.text)
        except Exception:  # a convenience view: a finder failure must not close the review
            cache[doc.id] = []
    return cache[doc.id]


def uncovered(session: ReviewSession, doc: DocState) -> list[Uncovered]:
    items: list[Uncovered] = []
    for diagnostic in doc.coded.diagnostics:
        span = diagnostic.span
        items.append(Uncovered(f"uncoded {diagnostic.kind}", span.text, span.start, span.end))
    seen: set[tuple[int, int]] = set()
    for state in doc.events:
        if state.status == "rejected":
            continue
        for name, fv in state.event.fields.items():
            if fv.detail != UNVERIFIED or not fv.spans:
                continue
            for span in fv.spans:
                seen.add((span.start, span.end))
                items.append(
                    Uncovered(
                        f"unverified {name}", f"{state.id} {name} = {format_value(fv.value)}", span.start, span.end
                    )
                )
    for u in _unresolved(session, doc):
        if (u.start, u.end) not in seen:
            items.append(Uncovered("unknown " + ("group" if u.kind == "actor" else u.kind), u.name, u.start, u.end))
    return sorted(items, key=lambda i: (i.start, i.end, i.kind))
