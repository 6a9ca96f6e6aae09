"""Pairing predicted and gold events inside each document.

All candidate pairs of all documents are built and scored at once with numpy;
the Hungarian algorithm (scipy's linear_sum_assignment) then runs only for the
documents where some event could pair with more than one other — elsewhere the
pairing is already one-to-one and is taken as it is.

Similarity of two events of the same type, in [0, 1]:

    0.25 any overlap of their spans (evidence and field spans)
  + 0.15 Dice overlap of the characters those spans cover
  + 0.20 same location      + 0.20 same actor1
  + 0.20 same date and precision (0.10 for dates at most a week apart)

A pair may match only when the types are equal and the similarity is at least
MIN_SIMILARITY: overlapping evidence alone qualifies, and so do two of place,
date and actor, but a shared place or actor alone does not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from .compact import Side

WEIGHTS = {"overlap": 0.25, "dice": 0.15, "location": 0.20, "actor": 0.20, "date": 0.20}
MIN_SIMILARITY = 0.25
NEAR_DATE_DAYS = 7
# Floating sums such as 0.05 + 0.2 must not fall just below the threshold.
_TOLERANCE = 1e-9


def expand(counts: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For items with `counts[i]` members starting at `starts[i]`: (owner item, member index) of every member."""
    total = int(counts.sum())
    owner = np.repeat(np.arange(len(counts)), counts)
    first_slot = np.cumsum(counts) - counts
    member = np.arange(total) - np.repeat(first_slot, counts) + np.repeat(starts, counts)
    return owner, member


def pairs_in_groups(left_groups: np.ndarray, right_groups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every (left, right) pair whose group is equal; both arrays sorted by group; pairs come out in group order."""
    low = np.searchsorted(right_groups, left_groups, "left")
    high = np.searchsorted(right_groups, left_groups, "right")
    return expand(high - low, low)


def covered_overlap(left: Side, right: Side, left_index: np.ndarray, right_index: np.ndarray) -> np.ndarray:
    """Characters covered by the spans of both events of each pair."""
    pairs = len(left_index)
    if pairs == 0:
        return np.zeros(0)
    left_counts = left.cover_offsets[left_index + 1] - left.cover_offsets[left_index]
    pair_of_left, left_interval = expand(left_counts, left.cover_offsets[left_index])
    right_of_row = right_index[pair_of_left]
    right_counts = right.cover_offsets[right_of_row + 1] - right.cover_offsets[right_of_row]
    row, right_interval = expand(right_counts, right.cover_offsets[right_of_row])
    left_interval = left_interval[row]
    overlap = np.minimum(left.cover_end[left_interval], right.cover_end[right_interval]) - np.maximum(
        left.cover_start[left_interval], right.cover_start[right_interval]
    )
    np.maximum(overlap, 0, out=overlap)
    return np.bincount(pair_of_left[row], weights=overlap, minlength=pairs)


@dataclass
class Pairs:
    """All pairs of a predicted and a gold event in the same document, whatever their types."""

    pred: np.ndarray
    gold: np.ndarray
    doc: np.ndarray
    same_type: np.ndarray
    overlaps: np.ndarray
    dice: np.ndarray
    similarity: np.ndarray
    candidate: np.ndarray  # may be matched: same type and similarity >= MIN_SIMILARITY
    place_and_date: np.ndarray  # place and date both right (both absent counts as right)

    def __len__(self) -> int:
        return len(self.pred)


def build_pairs(pred: Side, gold: Side) -> Pairs:
    pred_index, gold_index = pairs_in_groups(pred.doc, gold.doc)
    shared = covered_overlap(pred, gold, pred_index, gold_index)
    lengths = pred.cover_length[pred_index] + gold.cover_length[gold_index]
    dice = np.divide(2 * shared, lengths, out=np.zeros(len(shared)), where=lengths > 0)
    overlaps = shared > 0
    same_type = pred.type[pred_index] == gold.type[gold_index]
    pred_location, gold_location = pred.location[pred_index], gold.location[gold_index]
    pred_actor, gold_actor = pred.actor[pred_index], gold.actor[gold_index]
    pred_date, gold_date = pred.date_key[pred_index], gold.date_key[gold_index]
    pred_day, gold_day = pred.day[pred_index], gold.day[gold_index]
    same_date = (pred_date == gold_date) & (gold_date >= 0)
    near_date = (pred_day >= 0) & (gold_day >= 0) & (np.abs(pred_day - gold_day) <= NEAR_DATE_DAYS)
    similarity = (
        WEIGHTS["overlap"] * overlaps
        + WEIGHTS["dice"] * dice
        + WEIGHTS["location"] * ((pred_location == gold_location) & (gold_location >= 0))
        + WEIGHTS["actor"] * ((pred_actor == gold_actor) & (gold_actor >= 0))
        + WEIGHTS["date"] * np.where(same_date, 1.0, np.where(near_date, 0.5, 0.0))
    )
    candidate = same_type & (similarity >= MIN_SIMILARITY - _TOLERANCE)
    place_and_date = (pred_location == gold_location) & (pred_date == gold_date)
    return Pairs(
        pred_index, gold_index, pred.doc[pred_index], same_type, overlaps, dice, similarity, candidate, place_and_date
    )


def assign(
    left_index: np.ndarray,
    right_index: np.ndarray,
    groups: np.ndarray,
    weight: np.ndarray,
    left_start: np.ndarray,
    right_start: np.ndarray,
) -> np.ndarray:
    """Maximum-weight one-to-one pairing within each group; pairs of weight 0 are never chosen.

    `groups` must be sorted; `left_start[g]` / `right_start[g]` is the first item of group g,
    so an item's row in its group's matrix is its index minus that start.
    """
    chosen = np.zeros(len(weight), dtype=bool)
    usable = np.flatnonzero(weight > 0)
    if usable.size == 0:
        return chosen
    left, right = left_index[usable], right_index[usable]
    left_degree = np.bincount(left)[left]
    right_degree = np.bincount(right)[right]
    contested_groups = np.unique(groups[usable][(left_degree > 1) | (right_degree > 1)])
    usable_groups = groups[usable]
    needs_solving = np.isin(usable_groups, contested_groups)
    chosen[usable[~needs_solving]] = True
    if contested_groups.size == 0:
        return chosen
    bounds_low = np.searchsorted(usable_groups, contested_groups, "left")
    bounds_high = np.searchsorted(usable_groups, contested_groups, "right")
    for group, low, high in zip(contested_groups.tolist(), bounds_low.tolist(), bounds_high.tolist()):
        members = usable[low:high]
        rows = left_index[members] - left_start[group]
        cols = right_index[members] - right_start[group]
        matrix = np.zeros((rows.max() + 1, cols.max() + 1))
        matrix[rows, cols] = weight[members]
        owner = np.full(matrix.shape, -1, dtype=np.int64)
        owner[rows, cols] = members
        picked_rows, picked_cols = linear_sum_assignment(matrix, maximize=True)
        kept = matrix[picked_rows, picked_cols] > 0
        chosen[owner[picked_rows[kept], picked_cols[kept]]] = True
    return chosen


def assign_events(pairs: Pairs, pred: Side, gold: Side, weight: np.ndarray) -> np.ndarray:
    return assign(pairs.pred, pairs.gold, pairs.doc, weight, pred.doc_start, gold.doc_start)


def cardinality_first(allowed: np.ndarray, tiebreak: np.ndarray, pred: Side, gold: Side) -> np.ndarray:
    """Weights under which the assignment first maximises how many allowed pairs it takes.

    With every weight in [K, K + 1) and K above the largest possible matching,
    one more pair always outweighs any gain in the tiebreak, so the count of a
    mode's matches is the true maximum: the same whatever the input order, and
    the same when predictions and gold change places.
    """
    per_doc = max(int(np.diff(pred.doc_start).max(initial=0)), int(np.diff(gold.doc_start).max(initial=0)))
    base = per_doc + 1.0
    return np.where(allowed, base + np.clip(tiebreak, 0.0, 0.999), 0.0)


@dataclass
class Matching:
    pairs: Pairs
    primary: np.ndarray  # chosen pairs of the similarity matching (fields, JUnit, HTML, agreement)
    strict: np.ndarray  # chosen pairs with type, place and date right
    relaxed: np.ndarray  # chosen pairs with type right and evidence overlapping
    confusion: np.ndarray  # chosen pairs of any types with overlapping evidence


def match(pred: Side, gold: Side) -> Matching:
    pairs = build_pairs(pred, gold)
    primary = assign_events(pairs, pred, gold, np.where(pairs.candidate, pairs.similarity, 0.0))
    strict = assign_events(
        pairs, pred, gold, cardinality_first(pairs.candidate & pairs.place_and_date, pairs.similarity, pred, gold)
    )
    relaxed = assign_events(
        pairs, pred, gold, cardinality_first(pairs.candidate & pairs.overlaps, pairs.similarity, pred, gold)
    )
    # Across types: most overlapping pairs first, then most pairs of equal type, then most overlap.
    # Per pair: 2K^2 for overlapping at all, K for an equal type, under 0.5/K for the overlap itself.
    k = max(int(np.diff(pred.doc_start).max(initial=0)), int(np.diff(gold.doc_start).max(initial=0))) + 1.0
    weight = 2 * k * k + k * pairs.same_type + 0.5 * pairs.dice / k
    confusion = assign_events(pairs, pred, gold, np.where(pairs.overlaps, weight, 0.0))
    return Matching(pairs, primary, strict, relaxed, confusion)
