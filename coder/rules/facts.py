"""Names and dates of a document's sentences, found a region at a time when first asked.

Most sentences of an article hold no trigger, and the coder only ever reads the names and
dates of a trigger's sentence and of a few sentences around it. So nothing is scanned up
front: the first look at a sentence's actors, places or dates scans its whole region (a
kept block, the unit the scans always ran on, so a name or date near a sentence break and
the unknown-place finder's nearest known place come out as before) and keeps the answer.

Dates chain across regions ("the next day" follows the last date mentioned, whatever
region it was in), so a region's dates may depend on every region before it. They do only
through find_dates' anchor, and the anchor changes an answer only where a pattern that reads
it can match: with a publication date, the day-relative ones ("the next day", "the same
day", "the day before"), which all need the word "day" and one of _DAY_RELATIVE (tests/
test_speed7_facts.py checks it against the patterns). A region without them is
resolved without looking back; one with it takes the anchor its predecessors leave, found
the same way, region by region back until one needs no anchor or the document starts.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Callable
from datetime import date
from typing import Any

from ..normalize import DateResolution, Normalizer, find_dates
from ..normalize.usage import names_an_organisation

# A dateline opens a block: a place name, a comma, the date, a dash or colon.
_DATELINE = re.compile(r"[^\n.!?]{0,60}$")
_DATELINE_END = re.compile(r"\s*(?:\([^)]{0,30}\))?\s*[-–—:]")
_UNKNOWN: Any = object()  # an anchor not worked out yet (None is "no date before")
# Beside "day", every match of a pattern that reads the anchor holds one of these words ("the day
# after", "a day later", "the next day", "the same day", "a day earlier", "the previous day"):
# "throughout the day", common in reports, needs no anchor.
_DAY_RELATIVE = frozenset({"after", "later", "next", "following", "same", "before", "earlier", "previous"})


class BySentence:
    """ctx.actors / ctx.places / ctx.dates: list-like, index = sentence; asking a sentence
    fills its whole region first (once)."""

    __slots__ = ("_lists", "_block_of", "_done", "_fill")

    def __init__(self, lists: list[list], block_of: list[int], done: list[bool], fill: Callable[[int], None]):
        self._lists, self._block_of, self._done, self._fill = lists, block_of, done, fill

    def __getitem__(self, si: int) -> list:
        block = self._block_of[si]
        if not self._done[block]:
            self._fill(block)
        return self._lists[si]

    def __len__(self) -> int:
        return len(self._lists)


class RegionFacts:
    """The per-region scans of one document (RuleCoder._prepare makes one per document)."""

    def __init__(self, ctx: Any, kept: list, normalizer: Normalizer, fuzzy: bool):
        # ctx holds these scans (ctx.actors...) and they read ctx: a strong link back made every
        # document's ctx, sentences and mentions a reference cycle, left to the cycle collector
        # (a fifth of the offline bench's time). A proxy lets reference counting free them.
        self.ctx = weakref.proxy(ctx)
        self.kept, self.normalizer, self.fuzzy = kept, normalizer, fuzzy
        n = len(ctx.sentences)
        block_of = [s.block for s in ctx.sentences]
        self._by_block: list[list[int]] = [[] for _ in kept]
        for si, b in enumerate(block_of):
            self._by_block[b].append(si)
        self._words: list[frozenset[str] | None] = [None] * len(kept)
        actors: list[list] = [[] for _ in range(n)]
        places: list[list] = [[] for _ in range(n)]
        dates: list[list[DateResolution]] = [[] for _ in range(n)]
        self._names_done = [False] * len(kept)
        self._dates_done = [False] * len(kept)
        # find_dates' answer per region (None: not asked yet), and the anchor it hands on
        self._found: list[list[DateResolution] | None] = [None] * len(kept)
        self._out: list[Any] = [_UNKNOWN] * len(kept)
        self._actors, self._places, self._dates = actors, places, dates
        ctx.actors = BySentence(actors, block_of, self._names_done, self._names)
        ctx.places = BySentence(places, block_of, self._names_done, self._names)
        ctx.dates = BySentence(dates, block_of, self._dates_done, self._dates_of)

    def words(self, b: int) -> frozenset[str]:
        """The region's words (Ctx.region_block_words), made once."""
        found = self._words[b]
        if found is None:
            found = self._words[b] = self.ctx.block_words(self.kept[b], self._by_block[b])
        return found

    def _names(self, b: int) -> None:
        self._names_done[b] = True
        ctx, text = self.ctx, self.ctx.doc.text
        block = self.kept[b]
        start, end = block.start, block.end
        actors, places = self.normalizer.find_names(text, start, end, fuzzy=self.fuzzy)
        # A village no gazetteer tier knows is kept as written (unverified), never replaced
        # by a known place nearby.
        unknown = self.normalizer.find_unknown_places(
            text, start, end, known=places, actors=actors, words=self.words(b)
        )
        if unknown:
            places = sorted(places + unknown, key=lambda m: m.start)
        index_of = ctx.index_of
        for m in actors:
            self._actors[index_of(m.start)].append(m)
        actor_starts = frozenset(m.start for m in actors)
        for m in places:
            if not names_an_organisation(text, m, actor_starts):
                self._places[index_of(m.start)].append(m)

    def _independent(self, b: int) -> bool:
        """Region b's dates are the same whatever anchor comes in (see the module's doc)."""
        if self.ctx.doc.publication_date is None:
            return False
        words = self.words(b)
        return "day" not in words or words.isdisjoint(_DAY_RELATIVE)

    def _find(self, b: int, anchor: date | None) -> list[DateResolution]:
        doc, block = self.ctx.doc, self.kept[b]
        found = self._found[b] = find_dates(
            doc.text, doc.publication_date, block.start, block.end, anchor, chain=True, words=self.words(b)
        )
        return found

    def _resolved(self, b: int) -> list[DateResolution]:
        """find_dates over region b, with the anchor the regions before it leave."""
        found = self._found[b]
        if found is None:
            found = self._find(b, None if self._independent(b) else self._anchor_after(b - 1))
        return found

    def _anchor_after(self, b: int) -> date | None:
        """The anchor the chain carries out of region b: its last date, else the one carried into it."""
        # Back to the nearest region whose last date is known without an anchor (or the top),
        # then forward over the regions between, each resolved with the anchor before it.
        pending = []
        anchor: date | None = None
        while b >= 0:
            out = self._out[b]
            if out is not _UNKNOWN:
                anchor = out
                break
            found = self._found[b]
            if found is None and self._independent(b):
                found = self._find(b, None)
            if found:
                anchor = self._out[b] = found[-1].date
                break
            pending.append(b)
            b -= 1
        for r in reversed(pending):
            found = self._found[r]
            if found is None:
                found = self._find(r, anchor)
            if found:
                anchor = found[-1].date
            self._out[r] = anchor
        return anchor

    def _dates_of(self, b: int) -> None:
        self._dates_done[b] = True
        text = self.ctx.doc.text
        start = self.kept[b].start
        index_of = self.ctx.index_of
        for d in self._resolved(b):
            if _DATELINE.match(text, start, d.start) and _DATELINE_END.match(text, d.end):
                continue  # "City, March 14, 2021 -": the report's date, not the event's
            self._dates[index_of(d.start)].append(d)
