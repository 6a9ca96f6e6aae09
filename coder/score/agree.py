"""Inter-coder agreement between two codings of the same documents.

This is how the golden set's own reliability is measured. Coding A is read
as predictions and coding B as reference for the event-level F1 (so A's
precision is B's recall); the other figures are symmetric:

- Cohen's kappa on "does document d contain an event of type t?", over every
  (document, type), pooled and per type;
- Krippendorff's alpha (nominal) per field over the event pairs the similarity
  matching made. A value one coder gave and the other left out is a
  disagreement ("absent" is a category of its own); a field neither gave is
  not a unit. Events only one coder found count in the event F1, not here.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..codebook.model import Codebook
from ..models import CodedDocument
from .inputs import Coding, align_union, as_coding, check_types
from .metrics import cohen_kappa, krippendorff_alpha_nominal, prf
from .scorer import prepare


@dataclass
class AgreementReport:
    data: dict
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False)


def _prepared(first: Coding | Iterable[CodedDocument], second: Coding | Iterable[CodedDocument], codebook: Codebook):
    first, second = as_coding(first, "coding A"), as_coding(second, "coding B")
    check_types(first, codebook)
    check_types(second, codebook)
    aligned = align_union(first, second)
    return aligned, prepare(aligned, codebook)


def agreement(
    first: Coding | Iterable[CodedDocument], second: Coding | Iterable[CodedDocument], codebook: Codebook
) -> AgreementReport:
    aligned, p = _prepared(first, second, codebook)
    pairs, matching = p.matching.pairs, p.matching
    events: dict = {"a": len(p.pred), "b": len(p.gold), "matched": int(matching.primary.sum())}
    for mode in ("strict", "relaxed"):
        events[mode] = prf(int(getattr(matching, mode).sum()), len(p.pred), len(p.gold))

    document_count, type_count = len(aligned.ids), len(p.type_ids)
    has_a = np.zeros((document_count, type_count), dtype=bool)
    has_b = np.zeros((document_count, type_count), dtype=bool)
    has_a[p.pred.doc, p.pred.type] = True
    has_b[p.gold.doc, p.gold.type] = True
    kappa = {
        "types": cohen_kappa(has_a.ravel().tolist(), has_b.ravel().tolist()),
        "per_type": {t: cohen_kappa(has_a[:, n].tolist(), has_b[:, n].tolist()) for n, t in enumerate(p.type_ids)},
    }

    a_index, b_index = pairs.pred[matching.primary], pairs.gold[matching.primary]
    alpha: dict[str, dict] = {}
    names = [n for n in p.field_order if n in p.pred.values or n in p.gold.values]
    names += sorted((p.pred.values.keys() | p.gold.values.keys()) - set(names))
    for name in names:
        absent = np.full(len(a_index), -1, dtype=np.int64)
        a_values = p.pred.values[name][a_index] if name in p.pred.values else absent
        b_values = p.gold.values[name][b_index] if name in p.gold.values else absent
        units = [(a, b) for a, b in zip(a_values.tolist(), b_values.tolist()) if a >= 0 or b >= 0]
        alpha[name] = {
            "alpha": krippendorff_alpha_nominal(units),
            "units": len(units),
            "agreed": sum(a == b for a, b in units),
        }

    notes = []
    if aligned.missing_left:
        notes.append(f"{len(aligned.missing_left)} document(s) only in B count as coded with no events by A")
    if aligned.missing_right:
        notes.append(f"{len(aligned.missing_right)} document(s) only in A count as coded with no events by B")
    data = {
        "format": 1,
        "codebook_version": codebook.version,
        "documents": {"compared": document_count, "only_a": aligned.missing_right, "only_b": aligned.missing_left},
        "events": events,
        "kappa": kappa,
        "alpha": alpha,
    }
    return AgreementReport(data, notes)


def disagreements(
    first: Coding | Iterable[CodedDocument], second: Coding | Iterable[CodedDocument], codebook: Codebook
) -> str:
    """What an adjudicator must decide, per document: events only one coder found, and the
    fields of paired events (paired by the scorer's own matching) on which the coders differ.

    Events are numbered from 0 in each coding's order, as in its file.
    """
    aligned, p = _prepared(first, second, codebook)
    chosen = p.matching.primary
    pairs = sorted(zip(p.matching.pairs.pred[chosen].tolist(), p.matching.pairs.gold[chosen].tolist()))
    partner_of_a = dict(pairs)
    partner_of_b = {b: a for a, b in pairs}
    lines: list[str] = []
    for number, doc_id in enumerate(aligned.ids):
        a_range = range(p.pred.doc_start[number], p.pred.doc_start[number + 1])
        b_range = range(p.gold.doc_start[number], p.gold.doc_start[number + 1])
        a_name = _numbering(aligned.left[number], p.pred, a_range, "A")
        b_name = _numbering(aligned.right[number], p.gold, b_range, "B")
        items: list[str] = []
        for a in a_range:
            b = partner_of_a.get(a)
            if b is None:
                items.append(f"- only A: {a_name[a]} {_sketch(p.pred.events[a])}")
                continue
            differ = [name for name in p.field_order if _value(p, p.pred, name, a) != _value(p, p.gold, name, b)]
            if differ:
                detail = "; ".join(
                    f"{name}: A {_value(p, p.pred, name, a)} | B {_value(p, p.gold, name, b)}" for name in differ
                )
                items.append(f"- {a_name[a]} ~ {b_name[b]} {p.pred.events[a].type}: {detail}")
        for b in b_range:
            if b not in partner_of_b:
                items.append(f"- only B: {b_name[b]} {_sketch(p.gold.events[b])}")
        if items:
            lines += [f"## {doc_id}", *items, ""]
    return "\n".join(lines)


def _numbering(doc, side, indexes: range, letter: str) -> dict[int, str]:
    # The flattened side orders events its own way; name each by its place in the coding's file.
    own = {id(event): n for n, event in enumerate(doc.events)} if doc is not None else {}
    return {i: f"{letter}{own.get(id(side.events[i]), '?')}" for i in indexes}


_NOT_COMPARED = {
    "notes",
    "source",
    "source_scale",
    "latitude",
    "longitude",
    "country",
    "admin1",
    "admin2",
    "inter1",
    "inter2",
    "fatalities",
}


def _value(p, side, name: str, index: int) -> str:
    if name in _NOT_COMPARED or name not in side.values:
        return "-"
    interned = int(side.values[name][index])
    return "-" if interned < 0 else repr(p.values.values[name][interned])


def _sketch(event) -> str:
    said = event.evidence[0].text if event.evidence else ""
    said = said if len(said) <= 100 else said[:97] + "..."
    where = f"{event.value('actor1')!r} at {event.value('location')!r} {event.value('event_date')}"
    return f'{event.type} {where}: "{said}"'
