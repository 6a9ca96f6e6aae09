"""What the headline says about the whole story. It is not coded as a sentence of its own (a
title says what a story is about, not what a source saw), but it speaks for the story: a modality
in it withdraws the body's events of its type, and the incident it announces is told again in
the body, whose event then keeps the headline as evidence."""

from __future__ import annotations

import re
from bisect import bisect_left

from ..codebook.model import is_catch_all
from ..models import Event, Span
from .compiled import CompiledType
from .context import Ctx
from .unnamed import IRAN_SIDE_WORD, unnamed_force

# The modalities that speak for the whole story when the headline carries them.
_STORY_MODALITIES = {"planned", "postponed", "negated", "hypothetical", "threatened"}


def _names_type(ct: CompiledType, line: str) -> bool:
    """A trigger of the type stands in the line (the cues it requires are not asked of a title)."""
    return any(t.pattern.search(line) for t in ct.triggers)


def _announces(ct: CompiledType, line: str) -> bool:
    """The line names the type by a trigger or by a word titles use for it ("militias move into
    Syria", "pro-Iran militias keep shifting weapons"): asked only where the body tells the event."""
    return _names_type(ct, line) or (ct.headline_words is not None and ct.headline_words.search(line) is not None)


def withdrawn_by_headline(ctx: Ctx, types: list[CompiledType]) -> set[str]:
    """Types the headline says did not happen: "Militia postpones its recruitment drive" over a
    body that describes the drive's terms codes no recruitment."""
    document = ctx.doc
    lines = [document.text[start:end] for start, end in ctx.headlines]
    if document.title:
        lines.append(document.title)
    withdrawn = set()
    for ct in types:
        modal = [r.cues for r in ct.rules if r.id in _STORY_MODALITIES]
        if any(_names_type(ct, line) and any(c.search(line) for c in modal) for line in lines):
            withdrawn.add(ct.id)
    return withdrawn


def headline_as_evidence(ctx: Ctx, types: list[CompiledType], events: list[Event]) -> None:
    """Each headline line's span (the title, its deck) joins the evidence of the body's first
    event (events in the body's order) of each type it announces: the manual keeps every
    sentence that reports an incident, so review shows it and scoring sees it. A trigger word, or
    one of the type's `headline_words`, is enough: the cues a trigger requires ("pulls out" beside
    a force word or a position) were met by the body's event, and a title rarely has room for them
    ("Hezbollah pulls out of al-Qusayr")."""
    text = ctx.doc.text
    # The deck is put in front first, then the title before it: the evidence reads as the page does.
    for (start, end), actors in zip(reversed(ctx.headlines), reversed(ctx.headline_actors)):
        line = text[start:end]
        span = None
        for ct in types:
            if not _announces(ct, line) or _others_only(ct, actors, text, start):
                continue
            event = next((e for e in events if e.type == ct.id), None)
            if event is None:
                continue
            span = span or Span.found(text, start, end)
            event.evidence.insert(0, span)


def _others_only(ct: CompiledType, actors, text: str, start: int) -> bool:
    """The line opens with a force of a side the type does not code and names none of the type's
    ("ISIS militants are trying to cross into Iraq", "IDF moves into the buffer zone"): it
    announces their story, not the body's event."""
    if not actors or any(m.match.side in ct.sides for m in actors):
        return False
    if ct.doer_cues:
        return False  # "Jordan seizes a haul": the type codes the other side's force too, as actor2
    first = actors[0]
    return unnamed_force(text, start, first.start) is None and not _PATRON_NAMED.search(text, start, first.start)


# A line naming Iran or its forces before the other side's force ("Iran sends forces to back
# Assad's army") is Iran's story.
_PATRON_NAMED = re.compile(r"\b" + IRAN_SIDE_WORD, re.I)


def title_actor(ctx: Ctx, si: int, ct: CompiledType):
    """The force a headline line announcing the type names, for the lede that tells its event with
    no force of its own: "Iraq's PMF send fuel to Damascus" over "On Wednesday fuel trucks from
    Iraq crossed the border" (the title is not a sentence of the body, so no lookback reaches it).
    Only a lede that dates what it tells: "Iran is building up its presence by bringing fighters
    over" under a title is a trend, not the title's incident."""
    if not ctx.headlines or si != bisect_left(ctx.starts, ctx.headlines[-1][1]):
        return None
    if not ctx.dates[si] and not ctx.names_a_day(si):
        return None  # a lede with no day of its own may tell a trend the title sums up, not an incident
    text = ctx.doc.text
    for (start, end), actors in zip(reversed(ctx.headlines), reversed(ctx.headline_actors)):
        if not _announces(ct, text[start:end]):
            continue
        # A named force only: "Iranian militias" in a title says no more than the lede's trucks,
        # and would outrank the force the body names later (assemble.py keeps a catch-all over a patron).
        found = next((m for m in actors if m.match.side in ct.sides and not is_catch_all(m.match.name)), None)
        if found is not None:
            return found
    return None
