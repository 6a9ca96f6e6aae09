"""Overlap and nearness questions about mentions, answered by bisection.

A left-to-right scan (NameIndex.scan) yields mentions sorted by start that never overlap
one another, so their ends are sorted too: the mentions overlapping [start, end) are one
contiguous run, found with two bisections instead of a pass over all of them. On a
paragraph the difference is nothing; on a one-line article of megabytes (tens of
thousands of names, each checked against all the others) it is minutes against a second.

Mentions that are not in that shape (a caller's own list) are answered by the plain
pass, so the answers never depend on the shape.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

_SMALL = 12


class Intervals:
    """Objects with .start and .end; the same answers as a pass over the list, in list order."""

    __slots__ = ("items", "starts", "ends", "ordered")

    def __init__(self, items: Sequence[Any]):
        self.items = items
        if len(items) <= _SMALL:  # a paragraph's few names: the plain pass is cheaper than an index
            self.starts = self.ends = []
            self.ordered = False
            return
        self.starts = [m.start for m in items]
        self.ends = [m.end for m in items]
        # Sorted and disjoint: each mention starts where or after the previous one ended, and
        # later than it started (so no two share a start: ties are broken by list order alone).
        self.ordered = (
            all(s <= e for s, e in zip(self.starts, self.ends))
            and all(e <= s for e, s in zip(self.ends, self.starts[1:]))
            and all(a < b for a, b in zip(self.starts, self.starts[1:]))
        )

    def overlapping(self, start: int, end: int) -> Sequence[Any]:
        """The items with item.start < end and start < item.end, in list order."""
        if not self.ordered:
            return [m for m in self.items if m.start < end and start < m.end]
        lo, hi = bisect_right(self.ends, start), bisect_left(self.starts, end)
        return self.items[lo:hi] if lo < hi else ()

    def any(self, start: int, end: int) -> bool:
        return bool(self.overlapping(start, end))

    def nearest(self, pos: int) -> Any:
        """min(items, key=abs(item.start - pos)): the first such item in list order; None if empty."""
        if not self.items:
            return None
        if not self.ordered:
            return min(self.items, key=lambda m: abs(m.start - pos))
        i = bisect_left(self.starts, pos)
        if i == len(self.starts):
            best = self.starts[-1]
        elif i == 0:
            best = self.starts[0]
        else:
            left, right = self.starts[i - 1], self.starts[i]
            best = left if pos - left <= right - pos else right
        return self.items[bisect_left(self.starts, best)]

    def closest(self, pos: int, k: int) -> list[Any]:
        """sorted(items, key=abs(item.start - pos))[:k] (ties in list order)."""
        if not self.ordered:
            return sorted(self.items, key=lambda m: abs(m.start - pos))[:k]
        # The k nearest are among the k before pos and the k from pos on; sorting that
        # window (in list order) breaks ties exactly as sorting the whole list would.
        i = bisect_left(self.starts, pos)
        window = self.items[max(0, i - k) : i + k]
        return sorted(window, key=lambda m: abs(m.start - pos))[:k]
