"""Where a moving force or load ended up, when the sentences after its event say so.

The manual places a movement at the last place the text puts the force (where it arrived, else
where it was seen passing) and a shipment at the place the text reports as its arrival. Reports
often tell the event first and its end a sentence or two later, with the movers as the subject:
"Reinforcements reached the desert of the town. The fighters were spread around the pumping
station." The event's sentence names the coarse place; the sentence that carries the same movers
on names the precise one. This runs once per document, after consolidation, so the sentences after
each mention of an incident are read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from ..codebook.model import Place
from ..geo import distance_km
from ..models import Alignment, Event, FieldValue, Span
from ..normalize.normalizer import GEO_PRECISION
from .context import Ctx
from .locate import precision_of, roles_of
from .roles import PlaceRole

# The movers carried on as the sentence's subject ("The fighters were spread ...", "According to
# the network, the trucks then headed for ...", "The monitor added that most of the fighters ...",
# "The party, it said, has set up ..."), after at most one short attribution.
_CARRIED_ON = re.compile(
    r"(?:(?:according\s+to|citing)\b[^,.;]{0,60},\s*"
    r"|[^,.;]{0,60}?\b(?:said|says|added|adds|reported|reports|noted|notes)"
    r"(?:,\s*however,|\s+(?:today|yesterday|on\s+\w+)(?:,\s*[\w ]{1,20})?,)?\s+(?:that\s+)?)?"
    r"(?:(?:the\s+)?(?:bulk|most|many|some|all|rest|majority|part)\s+of\s+)?"
    r"(?:(?:some|about|around|nearly|roughly|over|more than|at least)\s+)?"
    r"(?:(?:the|these|those|this|its|their|two|three|four|five|six|seven|eight|nine|ten|\d+)\s+"
    r"(?:[\w-]+\s+){0,3}?"
    r"(?:trucks?|lorries|vehicles?|convoys?|reinforcements?|fighters|forces|troops|militiamen|members|"
    r"elements|shipments?|consignments?|cargo|load|weapons|missiles|munitions|party|group|militia|"
    r"brigade|regiment|battalion|units?)|they)\b"
    r"(?![’']s\b)",
    re.I,
)
# Where the movers are put: not where they came from, who said so, or a crossing passed on the way.
_ARRIVAL_ROLES = ("in", "entered", "destination", "heading", "near", "based", "other")
_SITES = frozenset({"crossing", "base", "camp", "oil_field"})
# One scene: the end of a movement lies within this distance of the place its event names.
_SAME_SCENE_KM = 60.0
_WINDOW = 2
# How far into a sentence the force may be named and still be its subject, after an attribution.
_SUBJECT_REACH = 80


def settle_places(
    ctx: Ctx,
    events: Iterable[Event],
    movers: dict[str, list[re.Pattern]],
    place_named: Callable[[object], Place | None],
) -> bool:
    """Moves each moving event's location to the more precise place a following sentence carries
    its movers to (the manual's "last place the text puts the force"); whether any moved. `movers`:
    each type that moves a force or load, with the cues of its exclusion rules that say a thing is
    not done yet (planned, hypothetical...): a sentence holding one does not place the movers."""
    text = ctx.doc.text
    moved = False
    for event in events:
        if event.type not in movers or not event.evidence:
            continue
        location = event.fields.get("location")
        here = place_named(location.value) if location is not None else None
        if here is None:
            continue
        rank, actor = _rank_of_event(event, here), event.value("actor1")
        # A location that is only where the movers came from ("brought in trucks of weapons from
        # Iraq": no other place said) is no scene: the border crossing they came through will do.
        came_from = _from_origin(ctx, location)
        # After each mention (a merged incident may be told twice), the latest end found wins.
        told = sorted({ctx.index_of(span.start) for span in event.evidence})
        day = event.value("event_date")
        not_yet = movers[event.type]
        ends = [
            e for e in (_end_place(ctx, si, here, rank, actor, not_yet, came_from, day) for si in told) if e is not None
        ]
        if not ends:
            continue
        end = max(ends, key=lambda e: e[0].mention.start)
        role, near = end
        moved = True
        match = role.mention.match
        event.fields["location"] = FieldValue.found(match.name, [Span.found(text, *role.mention.span)])
        event.fields.pop("geo_precision", None)
        if near:
            event.fields["geo_precision"] = FieldValue.found(max(2, match.geo_precision), alignment=Alignment.derived)
        destination = event.fields.get("destination")
        if destination is not None and destination.value == match.name:
            del event.fields["destination"]  # the manual leaves out a destination that repeats the location
    return moved


def _end_place(
    ctx: Ctx,
    last: int,
    here: Place,
    rank: float,
    actor: str | None,
    not_yet: list[re.Pattern],
    came_from: bool = False,
    day: str | None = None,
) -> tuple[PlaceRole, bool] | None:
    for si in range(last + 1, min(last + 1 + _WINDOW, len(ctx.sentences))):
        sentence = ctx.sentences[si]
        if _another_day(ctx, si, day) or not _carries_on(ctx, si, actor):
            return None  # another day, or other subjects: another story
        if any(cues.search(ctx.doc.text, sentence.start, sentence.end) for cues in not_yet):
            return None  # "expected the reinforcements to launch a sweep around X": not where they are
        candidates = [
            r
            for r in roles_of(ctx, si)
            if (r.role in _ARRIVAL_ROLES or (came_from and r.role == "crossing"))
            and r.mention.match.name != here.name
            and (came_from or _same_scene(r.mention.match.place, here))
            and _finer(r, rank, here)
        ]
        if candidates:
            end = candidates[-1]
            return end, end.role == "near"
    return None


def _from_origin(ctx: Ctx, location: FieldValue) -> bool:
    """The location was read off a place the sentence gives as where the movers came from."""
    if not location.spans:
        return False
    start = location.spans[0].start
    return any(r.role == "origin" and r.mention.start == start for r in roles_of(ctx, ctx.index_of(start)))


def _another_day(ctx: Ctx, si: int, day: str | None) -> bool:
    """The sentence dates something, and not the event's own day ("said today, August 4, that the
    vehicles..." of an event of August 4 carries it on)."""
    dates = ctx.dates[si]
    return bool(dates) and (day is None or all(d.iso != day for d in dates))


def _carries_on(ctx: Ctx, si: int, actor: str | None) -> bool:
    """The sentence's subject is the movers: a word for them first ("The fighters ..."), or the
    force itself named near the start ("The paper said Hezbollah had also moved ...")."""
    sentence = ctx.sentences[si]
    if _CARRIED_ON.match(ctx.doc.text, sentence.start, sentence.end):
        return True
    return any(m.match.name == actor and m.start - sentence.start <= _SUBJECT_REACH for m in ctx.actors[si])


def _finer(role: PlaceRole, rank: float, here: Place) -> bool:
    """Finer than where the event is; a site (a base, a crossing) counts as finer than the town or area
    it lies by, even when the movers are only "in its vicinity"."""
    place = role.mention.match.place
    own = _rank(place, role.role == "near", precision_of(role))
    return own < rank or (place.kind in _SITES and here.kind not in _SITES and own <= rank + 0.5)


def _rank_of_event(event: Event, place: Place) -> float:
    given = event.fields.get("geo_precision")
    near = given is not None and given.value == 2 and GEO_PRECISION.get(place.kind, 1) == 1
    return _rank(place, near, 4 if place.is_country else None)


def _rank(place: Place, near: bool, precision: int | None) -> float:
    """How vague a place is, finest first: a site (a base, a crossing) before the town, the town
    before its surroundings, then an area, a region, a country."""
    level = precision if precision is not None else GEO_PRECISION.get(place.kind, 1)
    if near:
        level = max(2, level)
    return level - 0.5 if place.kind in _SITES else level


def _same_scene(there: Place, here: Place) -> bool:
    if here.is_country:
        return there.country == here.country
    if here.kind in ("region", "district") and here.admin1 is not None and there.admin1 == here.admin1:
        return True
    return distance_km(there.latitude, there.longitude, here.latitude, here.longitude) <= _SAME_SCENE_KM
