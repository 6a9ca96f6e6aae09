"""Look-ups in the gazetteer and the actor dictionary, for analysts and for the CLI.

What is shown is what coding does: the normaliser's own match comes first, then (places) the
GeoNames tier's candidates for the name, then the entries whose spellings come nearest
(rapidfuzz), each entry once. Every row says its tier: curated (the codebook) or geonames.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar

from rapidfuzz import fuzz, process

from ..codebook.model import Actor, Codebook, Place
from ..normalize import Normalizer
from . import geonames
from .geonames import Candidate

Entry = TypeVar("Entry", Actor, Place, Candidate)
# A GeoNames candidate within this distance of the curated match is that place again.
SAME_PLACE_KM = 10.0


class Row(NamedTuple):
    """(entry, the spelling that matched, how it matched, score); unpacks as four values."""

    entry: Any
    surface: str
    how: str
    score: float

    @property
    def tier(self) -> str:
        """curated (codebook/places.yaml, actors.yaml) or geonames."""
        return getattr(self.entry, "tier", "curated")


def _near(
    query: str, entries: list[Entry], names_of: Callable[[Entry], list[str]], limit: int
) -> list[tuple[Entry, str, float]]:
    surfaces, owners = [], []
    for entry in entries:
        for surface in names_of(entry):
            surfaces.append(surface)
            owners.append(entry)
    seen: dict[int, tuple[Entry, str, float]] = {}
    for surface, score, index in process.extract(
        query, surfaces, scorer=fuzz.WRatio, limit=limit * 4, processor=str.casefold
    ):
        owner = owners[index]
        if id(owner) not in seen:
            seen[id(owner)] = (owner, surface, float(score))
    return sorted(seen.values(), key=lambda t: -t[2])[:limit]


def _rows(
    query: str,
    matched: tuple[Entry, str, float] | None,
    entries: list[Entry],
    names_of: Callable[[Entry], list[str]],
    limit: int,
    extra: Sequence[Row] = (),
) -> list[Row]:
    rows: list[Row] = []
    if matched is not None:
        rows.append(Row(matched[0], query, matched[1], matched[2]))
    rows.extend(extra)
    for entry, surface, score in _near(query, entries, names_of, limit):
        # By name, not identity: the normaliser is shared between loads of the same codebook.
        if matched is None or entry.name != matched[0].name:
            rows.append(Row(entry, surface, "near", score))
    return rows[:limit]


def _geonames_rows(codebook: Codebook, query: str, matched: Place | None) -> list[Row]:
    """The GeoNames tier's candidates, less the places the curated tier already holds (the
    same GeoNames id, or the curated match itself a few kilometres away)."""
    known_ids = {p.geonames_id for p in codebook.places if p.geonames_id is not None}
    rows = []
    for c in geonames.lookup(query, codebook.places):
        if c.geonames_id in known_ids:
            continue
        if (
            matched is not None
            and geonames.distance_km(c.latitude, c.longitude, matched.latitude, matched.longitude) <= SAME_PLACE_KM
        ):
            continue
        rows.append(Row(c, c.matched, "geonames" if c.how == "exact" else f"geonames {c.how}", c.score))
    return rows


def lookup_places(codebook: Codebook, query: str, limit: int = 5, *, with_geonames: bool = True) -> list[Row]:
    match = Normalizer(codebook).place(query)
    matched = (match.place, match.how, match.score) if match is not None else None
    extra = _geonames_rows(codebook, query, match.place if match is not None else None) if with_geonames else []
    return _rows(query, matched, codebook.places, lambda p: [p.name, *p.variants], limit, extra)


def lookup_actors(codebook: Codebook, query: str, limit: int = 5) -> list[Row]:
    match = Normalizer(codebook).actor(query)
    matched = (match.actor, match.how, match.score) if match is not None and match.actor is not None else None
    return _rows(query, matched, codebook.actors, lambda a: [a.name, *a.aliases], limit)
