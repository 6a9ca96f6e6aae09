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

from bisect import insort
from typing import Any

from ..codebook.model import Actor, Codebook, Place, is_catch_all
from ..dates import as_date, dates_together
from ..geo import distance_km
from ..models import ConfidenceReason, Event, FieldValue, Span

# Two local places closer than this are one scene ("the town" and "its desert").
_NEAR_KM = 30.0
_SETTLEMENTS = {"city", "town", "village"}


class Consolidator:
    def __init__(self, codebook: Codebook):
        self._actors = {a.name: a for a in codebook.actors}
        self._places = {p.name: p for p in codebook.places}
        # Each place's _place_level, asked for every pair of places a long article names.
        self._levels = {name: self._place_level(p) for name, p in self._places.items()}
        # asked per merge and per pair of actors: the casefolded names once per codebook
        self._patrons = {name for name, actor in self._actors.items() if self._is_patron(actor)}
        # type -> [(field, {(value, value) pairs that are two incidents})], from the fields' `apart`
        self._kinds_apart: dict[str, list[tuple[str, set[tuple[Any, Any]]]]] = {}
        for event_type in codebook.event_types:
            for name, spec in event_type.fields.items():
                if spec.apart:
                    pairs = {(k, v) for k, vs in spec.apart.items() for v in vs}
                    pairs |= {(v, k) for k, v in pairs}
                    self._kinds_apart.setdefault(event_type.id, []).append((name, pairs))

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
        return a.affiliation == b.affiliation and (a.name in self._patrons or b.name in self._patrons)

    def _actor_rank(self, actor: Actor | None) -> int:
        """Lower wins a merge: a named force, then a catch-all "militias" (the force that acted,
        unnamed), then a patron (IRGC, Hezbollah as an affiliation), which the manual associates."""
        if actor is None:
            return 3
        return 1 if is_catch_all(actor.name) else 2 if actor.name in self._patrons else 0

    @staticmethod
    def _place_level(place: Place) -> int:
        """0 a point (town, crossing, base...), 1 a governorate or named area, 2 a broad
        region with no governorate, 3 a country."""
        if place.is_country:
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
        levels = self._levels
        la = levels[a.name] if levels.get(a.name) is not None and self._places[a.name] is a else self._place_level(a)
        lb = levels[b.name] if levels.get(b.name) is not None and self._places[b.name] is b else self._place_level(b)
        # The wider first, the first given on a tie (as a stable sort by level, widest first).
        (wide, level), (narrow, narrow_level) = ((a, la), (b, lb)) if la >= lb else ((b, lb), (a, la))
        if level >= 2:
            return wide.country == narrow.country
        if level == 1 and narrow_level == 0 and wide.admin1 and wide.admin1 == narrow.admin1:
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
        return Consolidator._when_together(
            a.value("event_date"), a.value("time_precision"), b.value("event_date"), b.value("time_precision")
        )

    @staticmethod
    def _when_together(date_a: Any, precision_a: Any, date_b: Any, precision_b: Any) -> bool:
        da, db = as_date(date_a), as_date(date_b)
        if da is None or db is None:
            return True  # an undated mention does not tell two incidents of one article apart
        return dates_together(da, db, precision_a, precision_b)

    @staticmethod
    def _listed_apart(a: Event, b: Event) -> bool:
        """Two places one sentence lists ("in X, Y and Z") were split into events on purpose:
        one event per place, however close the places are."""
        la, lb = a.value("location"), b.value("location")
        if la is None or lb is None or la == lb:
            return False
        return bool({(s.start, s.end) for s in a.evidence} & {(s.start, s.end) for s in b.evidence})

    def _kinds_differ(self, a: Event, b: Event) -> bool:
        """Values the codebook says never share an incident ("withdrawal" and "arrival")."""
        return any((a.value(name), b.value(name)) in pairs for name, pairs in self._kinds_apart.get(a.type, ()))

    def belong_together(self, a: Event, b: Event) -> bool:
        return (
            a.type == b.type
            and not self._listed_apart(a, b)
            and not self._kinds_differ(a, b)
            and self._actors_together(self._actor(a), self._actor(b))
            and self._places_together(self._place(a), self._place(b))
            and self._dates_together(a, b)
        )

    # -- merging -------------------------------------------------------------------------
    def consolidate(self, events: list[Event], evidence: EvidenceIndex | None = None) -> list[Event]:
        """Events of one document, incidents merged; order of first mention kept.

        Each event joins the first kept event it belongs with (belong_together). Asking every
        kept event in turn is quadratic: a one-line article of megabytes has tens of thousands
        of events. So kept events are indexed by type, actor, place and date, and whether two
        such values belong together is asked once per pair of values (it depends on nothing
        else); only the evidence test (_listed_apart) is asked of single events, the first of
        each compatible group. The answer is the same kept event as the plain search finds."""
        evidence = evidence if evidence is not None else EvidenceIndex()
        kept: list[Event] = []
        # type -> actor1 -> location -> (event_date, time_precision) -> positions in kept, ascending
        index: dict[str, dict] = {}
        keys: list[tuple] = []
        together: dict[tuple, bool] = {}
        # Each actor and place value indexed so far (any type), and per value asked the ones it
        # belongs with, brought up to date on each ask: a town belongs with a few of the hundreds
        # of places a long line names, so only those are looked up (not every place per event).
        seen: dict[str, list] = {"a": [], "p": []}
        known: dict[str, set] = {"a": set(), "p": set()}
        fits: dict[tuple, list] = {}  # (kind, value) -> [how many of seen[kind] asked, fitting list, as a set]
        ask = {"a": self._values_actors, "p": self._values_places}

        def fitting(kind: str, value: Any) -> list:
            entry = fits.get((kind, value))
            if entry is None:
                entry = fits[(kind, value)] = [0, [], set()]
            values = seen[kind]
            if entry[0] < len(values):
                for other in values[entry[0] :]:
                    ok = together.get((kind, other, value))
                    if ok is None:
                        ok = together[(kind, other, value)] = ask[kind](other, value)
                    if ok:
                        entry[1].append(other)
                        entry[2].add(other)
                entry[0] = len(values)
            return entry

        def register(key: tuple) -> None:
            for kind, value in (("a", key[0]), ("p", key[1])):
                if value not in known[kind]:
                    known[kind].add(value)
                    seen[kind].append(value)

        # (The memo is read inline: this loop asks it tens of thousands of times on a long line.)
        for event in events:
            key = _key(event)
            actor1, location, when1 = key
            home = None
            by_actor = index.get(event.type)
            actors = fitting("a", actor1)[1] if by_actor else []
            _, places, place_set = fitting("p", location) if by_actor else (0, [], set())
            for actor in actors:
                by_place = by_actor.get(actor)
                if not by_place:
                    continue
                if len(places) < len(by_place):
                    pairs = [(p, by_place[p]) for p in places if p in by_place]
                else:
                    pairs = [(p, w) for p, w in by_place.items() if p in place_set]
                for _place, by_when in pairs:
                    for when, positions in by_when.items():
                        if home is not None and positions[0] > home:
                            continue  # an earlier kept event already takes it
                        ok = together.get(("d", when, when1))
                        if ok is None:
                            ok = together[("d", when, when1)] = self._values_when(when, when1)
                        if not ok:
                            continue
                        for pos in positions:
                            if home is not None and pos > home:
                                break
                            if not self._apart(kept[pos], event, evidence):
                                home = pos
                                break
            if home is None:
                _put(index, event.type, key, len(kept))
                register(key)
                keys.append(key)
                kept.append(event)
            else:
                self.merge(kept[home], event, evidence)
                moved = _key(kept[home])
                if moved != keys[home]:  # the merge took a finer actor or place, or a date
                    _drop(index, event.type, keys[home], home)
                    _put(index, event.type, moved, home)
                    register(moved)
                    keys[home] = moved
        return kept

    def _values_actors(self, a: Any, b: Any) -> bool:
        return self._actors_together(self._actors.get(a), self._actors.get(b))

    def _values_places(self, a: Any, b: Any) -> bool:
        return self._places_together(self._places.get(a), self._places.get(b))

    def _values_when(self, a: tuple, b: tuple) -> bool:
        return self._when_together(a[0], a[1], b[0], b[1])

    def _apart(self, a: Event, b: Event, evidence: EvidenceIndex) -> bool:
        """_listed_apart (with the kept event's spans from the index) or _kinds_differ."""
        if self._kinds_apart and self._kinds_differ(a, b):
            return True
        la, lb = a.value("location"), b.value("location")
        if la is None or lb is None or la == lb:
            return False
        spans = evidence.spans(a)
        return any((s.start, s.end) in spans for s in b.evidence)

    def merge(self, into: Event, other: Event, evidence: EvidenceIndex | None = None) -> None:
        """Two mentions of one incident: the more specific actor, place and date win."""
        actor_in, actor_other = self._actor(into), self._actor(other)
        loser_field = other.fields.get("actor1")
        if self._actor_rank(actor_other) < self._actor_rank(actor_in):
            loser_field = into.fields.get("actor1")
            _take(into, other, ("actor1", "inter1"))
        if self._place_rank(self._place(other)) < self._place_rank(self._place(into)):
            _take(into, other, ("location", "geo_precision", "country", "admin1", "admin2", "latitude", "longitude"))
        if _finer_date(other, into):
            # "This week a convoy..." then "on Monday the convoy...": ACLED keeps the most precise date.
            _take(into, other, ("event_date", "time_precision"))
        # The patron named in the other mention is an associated actor.
        loser = self._actors.get(loser_field.value) if loser_field is not None else None
        if loser is not None and loser.name != into.value("actor1") and loser.name in self._patrons:
            _add_assoc(into, loser_field)
        absorb(into, other, evidence)


def _key(event: Event) -> tuple:
    """What belong_together reads of an event, but for its evidence."""
    return (event.value("actor1"), event.value("location"), (event.value("event_date"), event.value("time_precision")))


def _put(index: dict, type_: str, key: tuple, pos: int) -> None:
    positions = index.setdefault(type_, {}).setdefault(key[0], {}).setdefault(key[1], {}).setdefault(key[2], [])
    insort(positions, pos)


def _drop(index: dict, type_: str, key: tuple, pos: int) -> None:
    by_actor = index[type_]
    by_place = by_actor[key[0]]
    by_when = by_place[key[1]]
    positions = by_when[key[2]]
    positions.remove(pos)
    # Empty groups go, so the search never walks them (dicts keep insertion order: harmless).
    if not positions:
        del by_when[key[2]]
        if not by_when:
            del by_place[key[1]]
            if not by_place:
                del by_actor[key[0]]


def _start(span: Span) -> int:
    return span.start


class EvidenceIndex:
    """Each event's evidence spans as a set, for one document's absorbs.

    absorb() asks whether each new span is already among the event's; an event that
    absorbs thousands of mentions (a one-line article of megabytes) would be asked about
    all of them each time. The set is trusted while the event's evidence list is the same
    list object of the length it left it at; otherwise it is rebuilt."""

    def __init__(self) -> None:
        self._by_event: dict[int, tuple[Event, list, int, set]] = {}

    def spans(self, event: Event) -> set:
        entry = self._by_event.get(id(event))
        if entry is not None and entry[0] is event and entry[1] is event.evidence and entry[2] == len(event.evidence):
            return entry[3]
        return {(s.start, s.end) for s in event.evidence}

    def known(self, event: Event) -> set | None:
        """The set when it is up to date and the evidence sorted (the state absorb leaves)."""
        entry = self._by_event.get(id(event))
        if entry is not None and entry[0] is event and entry[1] is event.evidence and entry[2] == len(event.evidence):
            return entry[3]
        return None

    def keep(self, event: Event, spans: set) -> None:
        self._by_event[id(event)] = (event, event.evidence, len(event.evidence), spans)


def absorb(into: Event, other: Event, evidence: EvidenceIndex | None = None) -> None:
    """Two mentions of one event: every sentence kept as evidence, the values the
    first lacks taken from the second, and a little more confidence.

    With an EvidenceIndex (one per document) repeated absorbs into one event stay linear:
    its spans are a set, and its evidence, sorted by the previous absorb, takes new spans
    by insertion (where a stable sort would put them) instead of a sort of the whole list."""
    spans = evidence.known(into) if evidence is not None else None
    if spans is None:
        spans = {(s.start, s.end) for s in into.evidence}
        for span in other.evidence:
            if (span.start, span.end) not in spans:
                spans.add((span.start, span.end))
                into.evidence.append(span)
        into.evidence.sort(key=_start)
    else:
        for span in other.evidence:
            if (span.start, span.end) not in spans:
                spans.add((span.start, span.end))
                insort(into.evidence, span, key=_start)
    if evidence is not None:
        evidence.keep(into, spans)
    for name, value in other.fields.items():
        if name not in into.fields:
            into.fields[name] = value
    before = into.confidence or 0
    into.confidence = round(min(0.99, max(before, other.confidence or 0) + 0.05), 2)
    if into.confidence != before:
        into.confidence_reasons.append(
            ConfidenceReason.found("told again in the article", round(into.confidence - before, 2))
        )


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
    event.fields["assoc_actor_1"] = FieldValue.found(values + [actor.value], spans)


def _km(a: Place, b: Place) -> float:
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)
