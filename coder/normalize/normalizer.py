"""The shared normaliser: one object per codebook, used by every coder.

The offline coder and the LLM coder both turn words into codebook values
through this class, so "Liwa Fatimiyoun", "Albu Kamal" or "last Monday" mean
the same thing whichever coder read them. Building the indexes costs a few
milliseconds; `Normalizer(codebook)` reuses them for the same codebook content.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from ..codebook.model import Actor, Codebook, FieldSpec, Place
from ..dates import only_a_year, reported_date
from ..models import Alignment, Document, Event, FieldValue
from ..text.headsearch import word_matches
from ..text.prefilter import Prefilter, case_free, folded_text
from .countryside import widen_countryside
from .dates import resolve_date
from .indexes import indexes_of
from .intervals import Intervals
from .names import Mention, NameIndex, scan_together
from .tokenizer import key_of, tokens
from .unknown import (
    Unresolved,
    geonames_place,
    group_candidates,
    place_candidates,
    place_candidates_in,
    unverified_place,
)
from .usage import WITHIN_PLACE, adjectival, inside_longer_place_name, locative, nearest, organisational, own_groups

# ACLED geo_precision from the gazetteer's kind of place.
GEO_PRECISION = {
    "town": 1,
    "city": 1,
    "village": 1,
    "crossing": 1,
    "base": 1,
    "camp": 1,
    "oil_field": 1,
    "area": 2,
    "district": 2,
    "region": 3,
}


@dataclass(frozen=True)
class ActorMatch:
    name: str
    inter: int
    side: str
    affiliation: str
    score: float
    how: str  # "exact" | "alias" | "fuzzy"
    actor: Actor | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class PlaceMatch:
    place: Place
    score: float
    how: str  # "exact" | "alias" | "fuzzy"
    geo_precision: int

    @property
    def name(self) -> str:
        return self.place.name


def actor_match(actor: Actor, how: str, score: float) -> ActorMatch:
    return ActorMatch(actor.name, actor.inter, actor.side, actor.affiliation, score, how, actor)


def _place_match(place: Place, how: str, score: float) -> PlaceMatch:
    return PlaceMatch(place, score, how, GEO_PRECISION.get(place.kind, 2))


def _cue_pattern(cue: str) -> str:
    # Lexicon cues are words or phrases; spaces and hyphens are interchangeable.
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", cue.strip()) if p]
    body = r"[\s\-]+".join(parts)
    left = r"\b" if cue[:1].isalnum() else ""
    right = r"\b" if cue[-1:].isalnum() else ""
    return left + body + right


class Normalizer:
    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        idx = self._idx = indexes_of(codebook)
        self.seats: dict[str, Place] = idx.seats  # governorate -> the city it is named after
        self._places_by_name = {p.name: p for p in codebook.places}
        # Places find_unknown_places kept as written or found in the GeoNames tier, so fill_derived
        # locates them as found (never by a fuzzy guess at a known place). Bounded: an archive meets many.
        self._unverified: dict[str, Place] = {}
        self._actors_by_name = {a.name: a for a in codebook.actors}

    # -- single names -----------------------------------------------------------
    def actor(self, text: str | None, *, whole: bool = False) -> ActorMatch | None:
        """The dictionary actor a name (or a short phrase holding one) refers to.

        whole=True accepts only the whole text as a name or alias: a hand-written value
        such as "Abu al-Fadl al-Abbas Forces" must not become the Brigade it contains.
        """
        return cast("ActorMatch | None", self._one(text, self._idx.actors, actor_match, whole))

    def place(self, text: str | None, *, whole: bool = False) -> PlaceMatch | None:
        """The gazetteer place a name (or a short phrase holding one) refers to."""
        return cast("PlaceMatch | None", self._one(text, self._idx.places, _place_match, whole))

    def _one(
        self, text: str | None, index: NameIndex[Any], make: Callable[[Any, str, float], Any], whole: bool = False
    ) -> Any:
        if not text or not isinstance(text, str):
            return None
        hit = index.lookup(text)
        if hit is not None:
            return make(hit[0], hit[1], hit[2])
        if whole:
            return None
        # A phrase holding a name ("fighters of Liwa Fatemiyoun"): the longest mention.
        toks = tokens(text)
        mentions = index.scan(toks, fuzzy=False)
        if index is self._idx.actors:
            mentions = own_groups(mentions, toks)
        if mentions:
            best = max(mentions, key=lambda m: (m.end - m.start, -m.start))
            entry, how, score = best.match
            return make(entry, how, score)
        folded = " ".join(key_of(text))
        if folded:
            got = index.fuzzy(folded)
            if got is not None:
                return make(got[0], "fuzzy", got[1])
        return None

    # -- scanning text ------------------------------------------------------------
    def find_actors(
        self, text: str, start: int = 0, end: int | None = None, *, fuzzy: bool = True
    ) -> list[Mention[ActorMatch]]:
        """Actor mentions in text[start:end]: longest first, non-overlapping, original offsets."""
        toks = tokens(text, start, end)
        return [
            Mention(m.start, m.end, actor_match(*m.match))
            for m in own_groups(self._idx.actors.scan(toks, fuzzy=fuzzy), toks)
        ]

    def find_places(
        self, text: str, start: int = 0, end: int | None = None, *, fuzzy: bool = True
    ) -> list[Mention[PlaceMatch]]:
        return [
            Mention(m.start, m.end, _place_match(*m.match))
            for m in self._idx.places.scan(tokens(text, start, end), fuzzy=fuzzy)
        ]

    def find_names(
        self, text: str, start: int = 0, end: int | None = None, *, fuzzy: bool = True
    ) -> tuple[list[Mention[ActorMatch]], list[Mention[PlaceMatch]]]:
        """Actors and places from one tokenisation; where they overlap the longer wins
        ("Kataib Hezbollah" is an actor even though "Hezbollah" alone is too;
        "Sayyida Zaynab" the place is not the militia)."""
        toks = tokens(text, start, end)
        actors, places = scan_together((self._idx.actors, self._idx.places), toks, fuzzy=fuzzy)
        actors = own_groups(actors, toks)
        keep_a, keep_p = [], []
        # Both scans are left to right and never overlap themselves: overlaps between the two
        # lists are bisections (linear in the text, not quadratic on a one-line megabyte).
        place_spans = Intervals(places)
        for a in actors:
            rival = place_spans.overlapping(a.start, a.end)
            if a.match[1] == "fuzzy" and any(p.match[1] != "fuzzy" for p in rival):
                continue  # "Albu Kamal" the town, not a guess at the Albu Kamil clan
            if rival and locative(text, a.start) and any((p.start, p.end) == (a.start, a.end) for p in rival):
                continue  # "flew to Tehran", "the Iranian capital, Tehran": the city, not its government
            if not rival or all((a.end - a.start) >= (p.end - p.start) for p in rival):
                keep_a.append(Mention(a.start, a.end, actor_match(*a.match)))
        actor_spans = Intervals(keep_a)
        for p in places:
            if (
                adjectival(text, p.start, p.end)
                or organisational(text, p.end)
                or inside_longer_place_name(text, p.start)
            ):
                continue
            if not actor_spans.any(p.start, p.end):
                keep_p.append(Mention(p.start, p.end, _place_match(*p.match)))
        if self._idx.homonyms and any(id(m.match.place) in self._idx.homonyms for m in keep_p):
            keep_p = self._nearest_homonyms(keep_p)
        return keep_a, widen_countryside(text, keep_p, self._idx.governorate_of)

    def _nearest_homonyms(self, mentions: list[Mention[PlaceMatch]]) -> list[Mention[PlaceMatch]]:
        """Each place of a shared name becomes the one nearest the other places named around it."""
        homonyms = self._idx.homonyms
        known = [m for m in mentions if id(m.match.place) not in homonyms and m.match.place.kind != "region"]
        if not known:
            return mentions
        spans = Intervals(known)
        out = []
        for m in mentions:
            group = homonyms.get(id(m.match.place))
            if group:
                # The places named nearest in the text ("from al-Mayadin to al-Tayyibah"), not the
                # whole article's centre: one article may range from Palmyra to al-Bukamal.
                close = spans.closest(m.start, 3)
                best = nearest(group, [k.match.place for k in close])
                if best is not m.match.place:
                    m = Mention(m.start, m.end, PlaceMatch(best, m.match.score, m.match.how, m.match.geo_precision))
            out.append(m)
        return out

    def homonyms(self, place: Place) -> list[Place]:
        """The places that share this place's name (itself included), or [place]."""
        return self._idx.homonyms.get(id(place), [place])

    # -- names no tier knows ----------------------------------------------------------
    def find_unknown_places(
        self,
        text: str,
        start: int = 0,
        end: int | None = None,
        *,
        known: list[Mention[PlaceMatch]] | None = None,
        actors: list[Mention[ActorMatch]] | None = None,
        words: frozenset[str] | None = None,
    ) -> list[Mention[PlaceMatch]]:
        """Places the text presents as such ("the village of X", "X town") that the curated tier
        does not know: the GeoNames place of that spelling nearest the known places named in the
        span (how="geonames", geo_precision 1; coder.gazetteer.context), else kept as written
        (how="unverified", place.unverified) with the admin areas and coordinates of the known
        place named nearest in the text; none when no known place is named at all.
        `known` and `actors` are find_names' answer for the same span (computed if omitted);
        `words` its words_of (text/prefilter.py), if at hand."""
        if known is None or actors is None:
            actors, known = self.find_names(text, start, end)
        # With no known place to locate it by, no candidate is kept: most paragraphs end here.
        candidates = place_candidates_in(text, start, end, words) if known else []
        if not candidates:
            return []
        out: list[Mention[PlaceMatch]] = []
        # Indexed once per call: a one-line article of megabytes has thousands of candidates.
        known_spans, actor_spans = Intervals(known), Intervals(actors)
        local = {m.start for m in known if m.match.geo_precision == 1}
        located = Intervals([m for m in known if m.match.place.kind != "region"] or known)
        # The GeoNames tier decides by the span's distinct known places, once per name.
        near_places = list({id(m.match.place): m.match.place for m in known}.values())
        tried: dict[str, Place | None] = {}
        for s, e, name in candidates:
            # A dictionary word inside a longer name the text calls a place ("Jdeid Bakara town"
            # holds the Bakara tribe's spelling) does not make the place known.
            inside = [
                a
                for a in actor_spans.overlapping(s, e)
                if not (s <= a.start and a.end <= e and a.end - a.start < e - s)
            ]
            if known_spans.any(s, e) or inside or organisational(text, e):
                continue
            within = WITHIN_PLACE.match(text, e)
            if within and within.end() in local:
                continue  # "al-Sikka area, in the city of Albu Kamal": a quarter of a known place
            if self._idx.places.lookup(name) is not None or self._idx.actors.lookup(name) is not None:
                continue
            if len(self._unverified) > 5000:
                self._unverified.clear()
            found = geonames_place(text, s, e, name, near_places, self.codebook.places, tried)
            if found is not None:
                self._unverified[found.name] = found
                out.append(Mention(s, e, PlaceMatch(found, 100.0, "geonames", GEO_PRECISION.get(found.kind, 2))))
                continue
            if not located.items:
                continue
            near = located.nearest(s).match.place
            place = unverified_place(name, near)
            self._unverified[name] = place
            out.append(Mention(s, e, PlaceMatch(place, 0.0, "unverified", GEO_PRECISION.get(place.kind, 2))))
        return out

    def unresolved(self, text: str, start: int = 0, end: int | None = None) -> list[Unresolved]:
        """Place-like and group-like names in text[start:end] that no dictionary resolves."""
        actor_mentions, place_mentions = self.find_names(text, start, end)
        # A name the GeoNames tier resolves is resolved: only what no tier knows is listed.
        tiered = [
            m
            for m in self.find_unknown_places(text, start, end, known=place_mentions, actors=actor_mentions)
            if m.match.how == "geonames"
        ]
        actors, places = Intervals(actor_mentions), Intervals(sorted(place_mentions + tiered, key=lambda m: m.start))
        found = [
            Unresolved("place", name, s, e)
            for s, e, name in place_candidates(text, start, end)
            if not places.any(s, e)
            and not actors.any(s, e)
            and not organisational(text, e)
            and self._idx.places.lookup(name) is None
            and self._idx.actors.lookup(name) is None
        ]
        found += [
            Unresolved("actor", name, s, e)
            for s, e, name in group_candidates(text, start, end)
            if not actors.any(s, e) and self._idx.actors.lookup(name) is None
        ]
        return sorted(found, key=lambda u: u.start)

    # -- enums --------------------------------------------------------------------
    def enum_values(self, field_spec: FieldSpec, text: str | None) -> list[Any]:
        """Values of an enum field whose lexicon cues (or the value itself) occur in
        the text, in order of first occurrence."""
        return [value for value, _s, _e in self.enum_mentions(field_spec, text or "")]

    def enum_mentions(
        self,
        field_spec: FieldSpec,
        text: str,
        start: int = 0,
        end: int | None = None,
        words: frozenset[str] | None = None,
    ) -> list[tuple[Any, int, int]]:
        """(value, start, end) of each enum value's first cue in text[start:end].
        `words`: words_of(text, start, end) (text/prefilter.py), when the caller has them: a value
        none of whose cues can start with one of the words is not searched for (most are not)."""
        patterns = self._lexicon_patterns(field_spec)
        end = len(text) if end is None else end
        found: dict[Any, tuple[int, int]] = {}
        low: str | None = None
        lead = 1 if start > 0 else 0  # \b at `start` looks at the character before
        for (pattern, value), first, (lower, heads) in zip(patterns, *self._idx.lexicons[id(field_spec)][2:]):
            if words is not None and not first.allows(words):
                continue  # none of its cues can start with a word of the text (most)
            if words is not None and heads is not None:
                if low is None:
                    part = text[start - lead : end]
                    low = (part.lower() if part.isascii() else folded_text(part)) or ""
                if low:
                    # On the lower-cased text, tried only where one of its first words stands.
                    hits = word_matches(lower, low, lead, len(low), heads.intersection(words))
                    if hits and (value not in found or hits[0].start() + start - lead < found[value][0]):
                        found[value] = (hits[0].start() + start - lead, hits[0].end() + start - lead)
                    continue
            m = pattern.search(text, start, end)
            if m and (value not in found or m.start() < found[value][0]):
                found[value] = (m.start(), m.end())
        return sorted(((v, s, e) for v, (s, e) in found.items()), key=lambda t: (t[1], t[2]))

    def _lexicon_patterns(self, spec: FieldSpec) -> list[tuple[re.Pattern[str], Any]]:
        cached = self._idx.lexicons.get(id(spec))
        if cached is not None and cached[0] is spec:
            return cached[1]
        patterns: list[tuple[re.Pattern[str], Any]] = []
        for value in spec.values or []:
            cues = list((spec.lexicon or {}).get(str(value), []))
            if isinstance(value, str) and value not in cues:
                cues.append(value.replace("_", " "))
            cues = sorted({c for c in cues if c}, key=len, reverse=True)
            if cues:
                patterns.append((re.compile("|".join(_cue_pattern(c) for c in cues), re.I), value))
        firsts = [Prefilter.of(p) for p, _value in patterns]
        lowers = [case_free(p) for p, _value in patterns]
        heads = [f.heads if low is not None else None for f, low in zip(firsts, lowers)]
        self._idx.lexicons[id(spec)] = (spec, patterns, firsts, list(zip(lowers, heads)))
        return patterns

    # -- derived fields -------------------------------------------------------------
    def fill_derived(self, event: Event, document: Document | None = None) -> Event:
        """Set the fields looked up from other values (alignment derived/none).

        location -> country, admin1, admin2, latitude, longitude, geo_precision;
        actor1/actor2 -> inter1/inter2; event_date -> time_precision;
        the document -> source, source_scale. Returns the same event.
        """
        fields = event.fields
        # The type's fields (a dict: its keys are the names asked about), made once per event.
        spec_names = self.codebook.fields_for(event.type) if event.type in self.codebook.type_ids else None

        def put(name: str, value: Any, alignment: Alignment = Alignment.derived, detail: str | None = None) -> None:
            if value is None or (spec_names is not None and name not in spec_names):
                return
            # Built unvalidated (FieldValue.found): the values come from the codebook, the spans are none.
            fields[name] = FieldValue.found(value, [], alignment, detail)

        location = fields.get("location")
        place = self.place_named(location.value) if location is not None else None
        if place is not None:
            put("country", place.country)
            put("admin1", place.admin1)
            put("admin2", place.admin2)
            put("latitude", place.latitude)
            put("longitude", place.longitude)
            precision = GEO_PRECISION.get(place.kind, 2)
            given = fields.get("geo_precision")
            # A coder may know better ("near al-Mayadin" is 2 for a town): keep a coarser value.
            if given is not None and isinstance(given.value, int) and given.value > precision:
                precision = given.value
            put("geo_precision", precision)
        for actor_field, inter_field in (("actor1", "inter1"), ("actor2", "inter2")):
            given = fields.get(actor_field)
            if given is not None and isinstance(given.value, str):
                actor = self._actors_by_name.get(given.value)
                match = actor_match(actor, "exact", 100.0) if actor else self.actor(given.value)
                if match is not None:
                    put(inter_field, match.inter)
        when = fields.get("event_date")
        published = document.publication_date if document is not None else None
        if (
            (when is None or when.value is None)
            and published is not None
            and (spec_names is None or "event_date" in spec_names)
            and not (document is not None and _told_in_a_year(document.text, event))
        ):
            # A coder that found no date (the LLM answers null) gets the same convention as the
            # offline coder: the report's date, to the week.
            fields.update(reported_date(published))
            when = fields["event_date"]
        if when is not None and when.value and "time_precision" not in fields:
            precision = 1
            said = " ".join(s.text for s in when.spans)
            resolved = resolve_date(said, published) if said else None
            if resolved is not None:
                precision = resolved.precision
            put("time_precision", precision)
        if document is not None:
            put("source", document.source, Alignment.none)
            put("source_scale", document.source_scale, Alignment.none)
        # What the codebook says a field is when the text says nothing (fatalities 0, seized false):
        # written out, as the golden importer writes it, so review shows it and scores compare it.
        if spec_names is not None:
            for name, spec in spec_names.items():
                if name not in fields and spec.default is not None:
                    put(name, spec.default, Alignment.none)
        return event

    def place_named(self, value: Any) -> Place | None:
        """The gazetteer's place a location value names (a canonical name, else read as a mention)."""
        if not isinstance(value, str):
            return None
        place = self._places_by_name.get(value) or self._unverified.get(value)
        if place is None:
            match = self.place(value)
            place = match.place if match is not None else None
        return place


def _told_in_a_year(text: str, event: Event) -> bool:
    """The event's own words place it in a year and no finer ("in 2019"): left undated, as the
    manual says, rather than given a publication date that may be years later."""
    return any(only_a_year(text, span.start, span.end) for span in event.evidence if span.end <= len(text))
