"""One event per incident within a document, the ACLED way.

Articles name the same incident several times and rarely the same way: the lede
says "the IRGC and its militias" in "eastern Syria", a later paragraph names the
brigade and the town; a quote calls it "the regiment", a caption "the fighters".
The sentence-level coder makes one event of each mention, so a document is
consolidated before it is written: events of one type whose actors belong
together (one is the other's patron, a catch-all "militias", or the same
affiliation), whose places are compatible (one contains the other or they are a
few kilometres apart) and whose dates do not disagree are one event. The most
specific actor and place win; a patron named alongside becomes an associated
actor, as ACLED codes "IRGC-backed brigade" events.

Two events in different towns are never merged, however close the towns: three
towns reinforced are three events, and a shipment into al-Hari is not the one
into Albu Kamal eight kilometres away. Only a town and a site or area by it (a
base, a camp, a desert) count as one scene when they are a few kilometres apart.
"""

from __future__ import annotations

import math

from ..codebook.model import Actor, Codebook, Place
from ..models import ConfidenceReason, Event, FieldValue, Span
from ..normalize import as_date
from .args import is_catch_all

# Two local places closer than this are one scene ("the town" and "its desert").
_NEAR_KM = 30.0
_SETTLEMENTS = {"city", "town", "village"}


class Consolidator:
    def __init__(self, codebook: Codebook):
        self._actors = {a.name: a for a in codebook.actors}
        self._places = {p.name: p for p in codebook.places}

    # -- relations between values ------------------------------------------------------
    def _actor(self, event: Event) -> Actor | None:
        return self._actors.get(event.value("actor1"))

    def _place(self, event: Event) -> Place | None:
        return self._places.get(event.value("location"))

    @staticmethod
    def _is_patron(actor: Actor) -> bool:
        """The organisation an affiliation is named after (the IRGC for "IRGC")."""
        names = {actor.name.casefold(), *(a.casefold() for a in actor.aliases)}
        return actor.affiliation.casefold() in names

    def _actors_together(self, a: Actor | None, b: Actor | None) -> bool:
        if a is None or b is None:
            return a is b
        if a.name == b.name:
            return True
        if a.side != b.side:
            return False
        # "an Iran-sponsored militia" may be any force of its side; a patron only its own.
        if is_catch_all(a.name) or is_catch_all(b.name):
            return True
        return a.affiliation == b.affiliation and (self._is_patron(a) or self._is_patron(b))

    def _actor_rank(self, actor: Actor | None) -> int:
        """Lower is more specific: a named force, then its patron, then a catch-all."""
        if actor is None:
            return 3
        return 1 if is_catch_all(actor.name) else 2 if self._is_patron(actor) else 0

    @staticmethod
    def _place_level(place: Place) -> int:
        """0 a point (town, crossing, base...), 1 a governorate or named area, 2 a broad
        region with no governorate, 3 a country."""
        if place.kind == "region" and place.name == place.country:
            return 3
        if place.kind == "region" and place.admin1 is None:
            return 2
        if place.kind in ("region", "area", "district") and place.admin2 is None:
            return 1
        return 0

    def _places_together(self, a: Place | None, b: Place | None) -> bool:
        if a is None or b is None:
            return True  # a place borrowed from nowhere does not tell incidents apart
        if a.name == b.name:
            return True
        wide, narrow = sorted((a, b), key=self._place_level, reverse=True)
        level = self._place_level(wide)
        if level >= 2:
            return wide.country == narrow.country
        if level == 1 and self._place_level(narrow) == 0 and wide.admin1 and wide.admin1 == narrow.admin1:
            return _km(a, b) <= 3 * _NEAR_KM
        if a.kind in _SETTLEMENTS and b.kind in _SETTLEMENTS:
            return False  # two named towns are two scenes, however close: al-Hari is not Albu Kamal
        return _km(a, b) <= _NEAR_KM

    def _place_rank(self, place: Place | None) -> tuple[int, int]:
        if place is None:
            return (9, 9)
        return (self._place_level(place), 0 if place.kind != "region" else 1)

    @staticmethod
    def dates_agree(a: Event, b: Event) -> bool:
        return Consolidator._dates_together(a, b)

    @staticmethod
    def _dates_together(a: Event, b: Event) -> bool:
        """Equal days, or days within the window the vaguer date stands for ("this
        week" is any day of it, "in January" any day of the month)."""
        da, db = as_date(a.value("event_date")), as_date(b.value("event_date"))
        if da is None or db is None or da == db:
            return True
        precision = max(a.value("time_precision") or 1, b.value("time_precision") or 1)
        if precision >= 3:
            return (da.year, da.month) == (db.year, db.month)
        return precision == 2 and abs((da - db).days) <= 6

    @staticmethod
    def _listed_apart(a: Event, b: Event) -> bool:
        """Two places one sentence lists ("in X, Y and Z") were split into events on purpose:
        one event per place, however close the places are."""
        la, lb = a.value("location"), b.value("location")
        if la is None or lb is None or la == lb:
            return False
        return bool({(s.start, s.end) for s in a.evidence} & {(s.start, s.end) for s in b.evidence})

    def belong_together(self, a: Event, b: Event) -> bool:
        return (a.type == b.type and not self._listed_apart(a, b)
                and self._actors_together(self._actor(a), self._actor(b))
                and self._places_together(self._place(a), self._place(b)) and self._dates_together(a, b))

    # -- merging -------------------------------------------------------------------------
    def consolidate(self, events: list[Event]) -> list[Event]:
        """Events of one document, incidents merged; order of first mention kept."""
        kept: list[Event] = []
        for event in events:
            home = next((k for k in kept if self.belong_together(k, event)), None)
            if home is None:
                kept.append(event)
            else:
                self.merge(home, event)
        return kept

    def merge(self, into: Event, other: Event) -> None:
        """Two mentions of one incident: the more specific actor, place and date win."""
        actor_in, actor_other = self._actor(into), self._actor(other)
        loser_field = other.fields.get("actor1")
        if self._actor_rank(actor_other) < self._actor_rank(actor_in):
            loser_field = into.fields.get("actor1")
            _take(into, other, ("actor1", "inter1"))
        if self._place_rank(self._place(other)) < self._place_rank(self._place(into)):
            _take(into, other, ("location", "geo_precision", "country", "admin1", "admin2",
                                "latitude", "longitude"))
        if _finer_date(other, into):
            # "This week a convoy..." then "on Monday the convoy...": ACLED keeps the most precise date.
            _take(into, other, ("event_date", "time_precision"))
        # The patron named in the other mention is an associated actor.
        loser = self._actors.get(loser_field.value) if loser_field is not None else None
        if loser is not None and loser.name != into.value("actor1") and self._is_patron(loser):
            _add_assoc(into, loser_field)
        absorb(into, other)


def absorb(into: Event, other: Event) -> None:
    """Two mentions of one event: every sentence kept as evidence, the values the
    first lacks taken from the second, and a little more confidence."""
    for span in other.evidence:
        if all((s.start, s.end) != (span.start, span.end) for s in into.evidence):
            into.evidence.append(span)
    into.evidence.sort(key=lambda s: s.start)
    for name, value in other.fields.items():
        if name not in into.fields:
            into.fields[name] = value
    before = into.confidence or 0
    into.confidence = round(min(0.99, max(before, other.confidence or 0) + 0.05), 2)
    if into.confidence != before:
        into.confidence_reasons.append(ConfidenceReason(reason="told again in the article",
                                                        delta=round(into.confidence - before, 2)))


def _finer_date(other: Event, into: Event) -> bool:
    """The other mention dates the incident from the text more precisely."""
    date = other.fields.get("event_date")
    if date is None or not date.spans or as_date(date.value) is None:
        return False
    mine = into.fields.get("event_date")
    if mine is None or as_date(mine.value) is None:
        return True
    return (other.value("time_precision") or 3) < (into.value("time_precision") or 3)


def _take(into: Event, other: Event, names: tuple[str, ...]) -> None:
    for name in names:
        if name in other.fields:
            into.fields[name] = other.fields[name]
        else:
            into.fields.pop(name, None)


def _add_assoc(event: Event, actor: FieldValue) -> None:
    current = event.fields.get("assoc_actor_1")
    values = list(current.value) if current is not None and isinstance(current.value, list) else []
    if actor.value in values:
        return
    spans: list[Span] = list(current.spans) if current is not None else []
    spans += [s for s in actor.spans if all((s.start, s.end) != (t.start, t.end) for t in spans)]
    event.fields["assoc_actor_1"] = FieldValue(value=values + [actor.value], spans=spans)


def _km(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))
