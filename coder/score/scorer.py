"""Scoring predictions against gold: the figures behind `coder score`.

    report = score_documents(load_coding("pred.jsonl"), load_coding("golden"), codebook)
    report.data["events"]["relaxed"]["f1"]

`report.data` is the JSON of `coder score --json` (keys documented in README.md).
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from ..codebook.model import Codebook
from ..models import CodedDocument, Event
from .compact import Side, ValueIndex, build_side
from .fields import field_scores
from .inputs import Aligned, Coding, align_to_gold, as_coding, check_types, events_of
from .matching import MIN_SIMILARITY, NEAR_DATE_DAYS, WEIGHTS, Matching, match
from .metrics import bootstrap_f1, prf
from .spans import span_scores
from .values import normalisers

NO_EVENT = "(none)"
BOOTSTRAP_SAMPLES = 1000
CONFIDENCE = 0.95


@dataclass
class Prepared:
    """Both sides flattened and matched; shared by scoring and agreement."""

    aligned: Aligned
    type_ids: list[str]
    pred: Side
    gold: Side
    values: ValueIndex
    matching: Matching
    field_order: list[str]


@contextmanager
def _without_cyclic_gc():
    # Flattening allocates millions of small acyclic tuples; each full collection
    # would rescan every pydantic object of the input, so scoring time would grow
    # faster than the archive.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def prepare(aligned: Aligned, codebook: Codebook) -> Prepared:
    with _without_cyclic_gc():
        return _prepare(aligned, codebook)


def _prepare(aligned: Aligned, codebook: Codebook) -> Prepared:
    values = ValueIndex()
    per_type = normalisers(codebook)
    pred = build_side(events_of(aligned.left), codebook.type_ids, per_type, values)
    gold = build_side(events_of(aligned.right), codebook.type_ids, per_type, values)
    field_order = list(codebook.shared_fields)
    for event_type in codebook.event_types:
        field_order += [name for name in event_type.fields if name not in field_order]
    return Prepared(aligned, codebook.type_ids, pred, gold, values, match(pred, gold), field_order)


@dataclass
class EventOutcome:
    event: Event
    type: str
    matched: bool


@dataclass
class DocumentOutcome:
    id: str
    title: str | None
    text: str
    gold: list[EventOutcome]
    predicted: list[EventOutcome]
    prediction_missing: bool


@dataclass
class ScoreReport:
    data: dict
    prepared: Prepared
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(self.data, indent=2, sort_keys=True, ensure_ascii=False)

    def documents(self) -> Iterable[DocumentOutcome]:
        """Per document, which events the similarity matching paired (for JUnit and HTML)."""
        p = self.prepared
        chosen = p.matching.primary
        pred_matched = np.zeros(len(p.pred), dtype=bool)
        gold_matched = np.zeros(len(p.gold), dtype=bool)
        pred_matched[p.matching.pairs.pred[chosen]] = True
        gold_matched[p.matching.pairs.gold[chosen]] = True
        missing = set(p.aligned.missing_left)

        def outcomes(side: Side, matched: np.ndarray, number: int) -> list[EventOutcome]:
            return [
                EventOutcome(side.events[i], p.type_ids[side.type[i]], bool(matched[i]))
                for i in range(side.doc_start[number], side.doc_start[number + 1])
            ]

        for number, doc_id in enumerate(p.aligned.ids):
            yield DocumentOutcome(
                doc_id,
                p.aligned.titles[number],
                p.aligned.texts[number],
                outcomes(p.gold, gold_matched, number),
                outcomes(p.pred, pred_matched, number),
                doc_id in missing,
            )


def score_documents(
    predictions: Coding | Iterable[CodedDocument],
    gold: Coding | Iterable[CodedDocument],
    codebook: Codebook,
    split: str | None = None,
    *,
    bootstrap_samples: int = BOOTSTRAP_SAMPLES,
    seed: int = 0,
) -> ScoreReport:
    """Score predictions against gold; raises InputError (with file:line) on malformed input."""
    predictions = as_coding(predictions, "predictions")
    gold = as_coding(gold, "gold")
    check_types(gold, codebook)
    check_types(predictions, codebook)
    aligned = align_to_gold(predictions, gold, split)
    prepared = prepare(aligned, codebook)
    data = _figures(prepared, bootstrap_samples, seed)
    data["format"] = 1
    data["codebook_version"] = codebook.version
    data["split"] = split
    data["settings"] = {
        "min_similarity": MIN_SIMILARITY,
        "similarity_weights": WEIGHTS,
        "near_date_days": NEAR_DATE_DAYS,
        "bootstrap": {"samples": bootstrap_samples, "seed": seed, "confidence": CONFIDENCE},
    }
    return ScoreReport(data, prepared, _notes(aligned, data))


def _notes(aligned: Aligned, data: dict) -> list[str]:
    notes = []
    if aligned.missing_left:
        shown = ", ".join(aligned.missing_left[:5]) + (" ..." if len(aligned.missing_left) > 5 else "")
        notes.append(
            f"{len(aligned.missing_left)} gold document(s) have no prediction and count as coded with "
            f"no events: {shown}"
        )
    if aligned.failed_left:
        notes.append(f"{len(aligned.failed_left)} predicted document(s) have status 'failed'")
    if aligned.outside_split:
        notes.append(
            f"{aligned.outside_split} prediction(s) for gold documents outside split '{data['split']}' were left out"
        )
    false_events = data["documents"]["false_events"]
    if false_events["events"]:
        notes.append(
            f"{false_events['events']} event(s) coded in {false_events['documents']} document(s) "
            "whose gold has no events"
        )
    return notes


def _figures(p: Prepared, bootstrap_samples: int, seed: int) -> dict:
    types, pred, gold, matching = p.type_ids, p.pred, p.gold, p.matching
    type_count, document_count = len(types), len(p.aligned.ids)
    pairs = matching.pairs
    pred_per_type = np.bincount(pred.type, minlength=type_count)
    gold_per_type = np.bincount(gold.type, minlength=type_count)
    pred_per_doc = np.bincount(pred.doc, minlength=document_count)
    gold_per_doc = np.bincount(gold.doc, minlength=document_count)
    events_denominator = pred_per_doc + gold_per_doc

    events = {"predicted": len(pred), "gold": len(gold), "matched": int(matching.primary.sum())}
    per_type: dict[str, dict] = {
        t: {"predicted": int(pred_per_type[n]), "gold": int(gold_per_type[n])} for n, t in enumerate(types)
    }
    per_document: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for mode in ("strict", "relaxed"):
        chosen = getattr(matching, mode)
        matched_pred = pairs.pred[chosen]
        events[mode] = prf(len(matched_pred), len(pred), len(gold))
        tp_per_type = np.bincount(pred.type[matched_pred], minlength=type_count)
        for n, t in enumerate(types):
            per_type[t][mode] = prf(int(tp_per_type[n]), int(pred_per_type[n]), int(gold_per_type[n]))
        per_document[f"events.{mode}"] = (
            np.bincount(pred.doc[matched_pred], minlength=document_count),
            events_denominator,
        )
    for t in types:
        for key in ("precision", "recall", "f1"):
            per_type[t][key] = per_type[t]["relaxed"][key]

    spans, span_per_doc = span_scores(pred, gold, type_count, document_count)
    per_document["spans.overlap"] = (span_per_doc["found"], span_per_doc["denominator"])

    documents, type_per_doc = _document_figures(p, pred_per_doc, gold_per_doc)
    per_document["documents.type"] = type_per_doc

    intervals = bootstrap_f1(per_document, bootstrap_samples, seed, CONFIDENCE)
    events["strict"]["f1_ci"] = intervals["events.strict"]
    events["relaxed"]["f1_ci"] = intervals["events.relaxed"]
    spans["overlap"]["f1_ci"] = intervals["spans.overlap"]
    documents["type_f1_ci"] = intervals["documents.type"]
    return {
        "events": events,
        "per_type": per_type,
        "documents": documents,
        "spans": spans,
        "per_field": field_scores(
            pred, gold, pairs.pred[matching.primary], pairs.gold[matching.primary], p.values, p.field_order
        ),
        "confusion": _confusion(p),
    }


def _document_figures(
    p: Prepared, pred_per_doc: np.ndarray, gold_per_doc: np.ndarray
) -> tuple[dict, tuple[np.ndarray, np.ndarray]]:
    """Does the document contain an event of type T? Scored over every (document, type)."""
    document_count, type_count = len(p.aligned.ids), len(p.type_ids)
    pred_has = np.zeros((document_count, type_count), dtype=bool)
    gold_has = np.zeros((document_count, type_count), dtype=bool)
    pred_has[p.pred.doc, p.pred.type] = True
    gold_has[p.gold.doc, p.gold.type] = True
    both = pred_has & gold_has
    overall = prf(int(both.sum()), int(pred_has.sum()), int(gold_has.sum()))
    empty_gold = (gold_per_doc == 0) & (pred_per_doc > 0)
    documents = {
        "scored": document_count,
        "predicted": document_count - len(p.aligned.missing_left),
        "missing_predictions": len(p.aligned.missing_left),
        "missing_prediction_ids": list(p.aligned.missing_left),
        "failed_predictions": len(p.aligned.failed_left),
        "outside_split": p.aligned.outside_split,
        "type_tp": overall["tp"],
        "type_fp": overall["fp"],
        "type_fn": overall["fn"],
        "type_precision": overall["precision"],
        "type_recall": overall["recall"],
        "type_f1": overall["f1"],
        "per_type": {
            t: prf(int(both[:, n].sum()), int(pred_has[:, n].sum()), int(gold_has[:, n].sum()))
            for n, t in enumerate(p.type_ids)
        },
        "false_events": {
            "documents": int(empty_gold.sum()),
            "events": int(pred_per_doc[empty_gold].sum()),
            "document_ids": [p.aligned.ids[i] for i in np.flatnonzero(empty_gold)[:100].tolist()],
        },
    }
    return documents, (both.sum(axis=1), pred_has.sum(axis=1) + gold_has.sum(axis=1))


def _confusion(p: Prepared) -> dict:
    """Gold type (rows) against predicted type (columns), events paired across types by evidence overlap."""
    labels = [*p.type_ids, NO_EVENT]
    none = len(p.type_ids)
    matrix = np.zeros((none + 1, none + 1), dtype=np.int64)
    chosen = p.matching.confusion
    pred_index, gold_index = p.matching.pairs.pred[chosen], p.matching.pairs.gold[chosen]
    np.add.at(matrix, (p.gold.type[gold_index], p.pred.type[pred_index]), 1)
    gold_left = np.ones(len(p.gold), dtype=bool)
    gold_left[gold_index] = False
    pred_left = np.ones(len(p.pred), dtype=bool)
    pred_left[pred_index] = False
    np.add.at(matrix, (p.gold.type[gold_left], none), 1)
    np.add.at(matrix, (none, p.pred.type[pred_left]), 1)
    return {
        "labels": labels,
        "matrix": {labels[g]: {labels[q]: int(matrix[g, q]) for q in range(none + 1)} for g in range(none + 1)},
    }
