"""Precision, recall, F1, bootstrap intervals and chance-corrected agreement.

A figure whose denominator is zero is None (JSON null), never 0 or 1: with no
predictions precision is undefined, with no gold recall is, with neither F1 is.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

import numpy as np


def ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def prf(true_positives: int, predicted: int, gold: int) -> dict:
    """P = TP / predicted, R = TP / gold, F1 = 2 TP / (predicted + gold)."""
    return {
        "tp": int(true_positives),
        "fp": int(predicted - true_positives),
        "fn": int(gold - true_positives),
        "precision": ratio(true_positives, predicted),
        "recall": ratio(true_positives, gold),
        "f1": ratio(2 * true_positives, predicted + gold),
    }


def bootstrap_f1(
    per_document: dict[str, tuple[np.ndarray, np.ndarray]], samples: int, seed: int, confidence: float = 0.95
) -> dict[str, list[float] | None]:
    """Percentile intervals of F1 = 2 * sum(tp) / sum(denominator) over documents drawn with replacement.

    `per_document[name]` is (tp, predicted + gold) per document. Every measure
    uses the same resamples; the seed makes the intervals reproducible.
    """
    names = list(per_document)
    documents = len(next(iter(per_document.values()))[0]) if per_document else 0
    if documents == 0 or samples <= 0:
        return {name: None for name in names}
    rng = np.random.default_rng(seed)
    # One column per figure: each replicate's sums are (times drawn per document) @ columns.
    columns = np.column_stack([array for name in names for array in per_document[name]]).astype(np.float64)
    sums = np.empty((samples, columns.shape[1]))
    chunk = max(1, min(samples, 4_000_000 // documents))
    for done in range(0, samples, chunk):
        size = min(chunk, samples - done)
        draws = rng.integers(0, documents, size=(size, documents))
        draws += (np.arange(size) * documents)[:, None]
        times_drawn = np.bincount(draws.ravel(), minlength=size * documents).reshape(size, documents)
        sums[done : done + size] = times_drawn @ columns
    results = {}
    for number, name in enumerate(names):
        tops, bottoms = sums[:, 2 * number], sums[:, 2 * number + 1]
        results[name] = np.divide(2.0 * tops, bottoms, out=np.full(samples, np.nan), where=bottoms > 0)
    tail = (1 - confidence) / 2 * 100
    intervals: dict[str, list[float] | None] = {}
    for name in names:
        values = results[name][~np.isnan(results[name])]
        intervals[name] = (
            [float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))] if values.size else None
        )
    return intervals


def cohen_kappa(first: Sequence[Hashable], second: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two label sequences; None when chance agreement is total (no variation at all)."""
    count = len(first)
    if count == 0:
        return None
    observed = sum(a == b for a, b in zip(first, second)) / count
    first_counts, second_counts = Counter(first), Counter(second)
    expected = sum(first_counts[label] * second_counts[label] for label in first_counts) / (count * count)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


def krippendorff_alpha_nominal(units: Sequence[Sequence[Hashable]]) -> float | None:
    """Krippendorff's alpha for nominal data: 1 - (n - 1) * sum_{c!=k} o_ck / sum_{c!=k} n_c n_k.

    `units` holds the values the coders gave each unit; units with fewer than
    two values cannot be paired and are left out, as the method prescribes.
    None when there is nothing to pair or every value is the same (no expected
    disagreement). Written out here rather than depending on the `krippendorff`
    package: nominal data from two coders needs a dozen lines, and the tests
    check them against Krippendorff's own worked examples.
    """
    coincidence: Counter = Counter()
    for values in units:
        m = len(values)
        if m < 2:
            continue
        for i, first in enumerate(values):
            for j, second in enumerate(values):
                if i != j:
                    coincidence[(first, second)] += 1.0 / (m - 1)
    if not coincidence:
        return None
    totals: Counter = Counter()
    for (first, _), weight in coincidence.items():
        totals[first] += weight
    n = sum(totals.values())
    observed = sum(weight for (first, second), weight in coincidence.items() if first != second)
    expected = n * n - sum(total * total for total in totals.values())
    if expected <= 0:
        return None
    return 1.0 - (n - 1) * observed / expected
