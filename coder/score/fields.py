"""Field values of matched events: accuracy per field, missing and spurious apart.

For each field and each matched pair where at least one side has a value:
correct (equal after normalisation), incorrect (both given, different),
missing (only gold has it) or spurious (only the prediction has it).
accuracy = correct / (correct + incorrect + missing + spurious).
List fields also get item-level P/R/F1, comparing the two lists as sets.
"""

from __future__ import annotations

import numpy as np

from .compact import Side, ValueIndex
from .metrics import prf, ratio


def field_scores(
    pred: Side, gold: Side, pred_index: np.ndarray, gold_index: np.ndarray, values: ValueIndex, field_order: list[str]
) -> dict[str, dict]:
    names = [name for name in field_order if name in pred.values or name in gold.values]
    names += sorted((pred.values.keys() | gold.values.keys()) - set(names))
    scores: dict[str, dict] = {}
    for name in names:
        absent = np.full(len(pred_index), -1, dtype=np.int64)
        predicted = pred.values[name][pred_index] if name in pred.values else absent
        expected = gold.values[name][gold_index] if name in gold.values else absent
        has_pred, has_gold = predicted >= 0, expected >= 0
        both = has_pred & has_gold
        correct = int((both & (predicted == expected)).sum())
        incorrect = int(both.sum()) - correct
        missing = int((has_gold & ~has_pred).sum())
        spurious = int((has_pred & ~has_gold).sum())
        compared = correct + incorrect + missing + spurious
        entry = {
            "accuracy": ratio(correct, compared),
            "compared": compared,
            "correct": correct,
            "incorrect": incorrect,
            "missing": missing,
            "spurious": spurious,
        }
        table = values.values.get(name, [])
        if any(isinstance(value, frozenset) for value in table):
            entry["items"] = _item_scores(predicted, expected, table)
        scores[name] = entry
    return scores


def _item_scores(predicted: np.ndarray, expected: np.ndarray, table: list) -> dict:
    empty: frozenset = frozenset()
    true_positives = predicted_items = gold_items = 0
    for pred_id, gold_id in zip(predicted.tolist(), expected.tolist()):
        if pred_id < 0 and gold_id < 0:
            continue
        pred_set = table[pred_id] if pred_id >= 0 and isinstance(table[pred_id], frozenset) else empty
        gold_set = table[gold_id] if gold_id >= 0 and isinstance(table[gold_id], frozenset) else empty
        true_positives += len(pred_set & gold_set)
        predicted_items += len(pred_set)
        gold_items += len(gold_set)
    result = prf(true_positives, predicted_items, gold_items)
    result["predicted"], result["gold"] = predicted_items, gold_items
    return result
