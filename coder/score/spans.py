"""Evidence spans, scored the MUC/SemEval way.

The evidence spans of each document and event type are compared as sets
(two events of a type citing the same sentence cite one span):

- correct: a predicted span with exactly the gold boundaries;
- partial: a predicted and a gold span that overlap without being equal,
  paired one to one (maximum matching) among the spans not already correct;
- missing: a gold span left unpaired; spurious: a predicted span left unpaired.

exact:   P = correct / predicted,             R = correct / gold
overlap: P = (correct + partial) / predicted, R = (correct + partial) / gold
where predicted = correct + partial + spurious and gold = correct + partial + missing.
"""

from __future__ import annotations

import numpy as np

from .compact import Side
from .matching import assign, pairs_in_groups
from .metrics import prf


def _span_table(side: Side, type_count: int) -> np.ndarray:
    """Unique (group, start, end) rows, group = document * type_count + type, sorted."""
    events = side.evidence_rows[:, 0]
    table = np.column_stack([side.doc[events] * type_count + side.type[events], side.evidence_rows[:, 1:]])
    return _unique_rows(table)


def _sorted_rows(table: np.ndarray) -> np.ndarray:
    return table[np.lexsort((table[:, 2], table[:, 1], table[:, 0]))]


def _unique_rows(table: np.ndarray) -> np.ndarray:
    table = _sorted_rows(table)
    if len(table) < 2:
        return table
    new = np.ones(len(table), dtype=bool)
    new[1:] = (table[1:] != table[:-1]).any(axis=1)
    return table[new]


def _rows_in(rows: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Which rows (unique, sorted) also occur in other (unique, sorted)."""
    found = np.zeros(len(rows), dtype=bool)
    if len(rows) == 0 or len(other) == 0:
        return found
    both = np.vstack([rows, other])
    side = np.concatenate([np.zeros(len(rows), dtype=np.int64), np.ones(len(other), dtype=np.int64)])
    order = np.lexsort((side, both[:, 2], both[:, 1], both[:, 0]))
    ordered = both[order]
    equal_next = (ordered[1:] == ordered[:-1]).all(axis=1)
    # Rows are unique on each side, so an equal neighbour is the same row from the other side.
    first = order[:-1][equal_next]
    found[first[first < len(rows)]] = True
    return found


def _group_starts(groups: np.ndarray, group_count: int) -> np.ndarray:
    return np.searchsorted(groups, np.arange(group_count + 1)).astype(np.int64)


def span_scores(pred: Side, gold: Side, type_count: int, document_count: int) -> tuple[dict, dict[str, np.ndarray]]:
    """The span figures, and per document (correct + partial, predicted + gold) for the bootstrap."""
    predicted = _span_table(pred, type_count)
    expected = _span_table(gold, type_count)
    exact_pred = _rows_in(predicted, expected)
    exact_gold = _rows_in(expected, predicted)
    rest_pred, rest_gold = predicted[~exact_pred], expected[~exact_gold]
    pred_index, gold_index = pairs_in_groups(rest_pred[:, 0], rest_gold[:, 0])
    overlapping = np.minimum(rest_pred[pred_index, 2], rest_gold[gold_index, 2]) > np.maximum(
        rest_pred[pred_index, 1], rest_gold[gold_index, 1]
    )
    group_count = document_count * type_count
    chosen = assign(
        pred_index,
        gold_index,
        rest_pred[pred_index, 0],
        overlapping.astype(float),
        _group_starts(rest_pred[:, 0], group_count),
        _group_starts(rest_gold[:, 0], group_count),
    )
    correct, partial = int(exact_pred.sum()), int(chosen.sum())
    missing, spurious = len(rest_gold) - partial, len(rest_pred) - partial
    result = {
        "predicted": len(predicted),
        "gold": len(expected),
        "correct": correct,
        "partial": partial,
        "missing": missing,
        "spurious": spurious,
        "exact": _without_counts(prf(correct, len(predicted), len(expected))),
        "overlap": _without_counts(prf(correct + partial, len(predicted), len(expected))),
    }

    def per_document(groups: np.ndarray) -> np.ndarray:
        return np.bincount(groups // type_count, minlength=document_count)

    found = per_document(predicted[exact_pred, 0]) + per_document(rest_pred[pred_index[chosen], 0])
    per_doc = {"found": found, "denominator": per_document(predicted[:, 0]) + per_document(expected[:, 0])}
    return result, per_doc


def _without_counts(figures: dict) -> dict:
    return {key: figures[key] for key in ("precision", "recall", "f1")}
