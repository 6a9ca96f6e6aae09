"""Look-ups in the gazetteer and the actor dictionary, for analysts and for the CLI.

What is shown is what coding does: the normaliser's own match comes first, then the
entries whose spellings come nearest (rapidfuzz), each entry once.
"""

from __future__ import annotations

from typing import Callable, TypeVar

from rapidfuzz import fuzz, process

from ..codebook.model import Actor, Codebook, Place
from ..normalize import Normalizer

Entry = TypeVar("Entry", Actor, Place)
# (entry, the spelling that matched, how it matched, score)
Row = tuple[Entry, str, str, float]


def _near(query: str, entries: list[Entry], names_of: Callable[[Entry], list[str]], limit: int) -> list[tuple[Entry, str, float]]:
    surfaces, owners = [], []
    for entry in entries:
        for surface in names_of(entry):
            surfaces.append(surface)
            owners.append(entry)
    seen: dict[int, tuple[Entry, str, float]] = {}
    for surface, score, index in process.extract(query, surfaces, scorer=fuzz.WRatio, limit=limit * 4,
                                                 processor=str.casefold):
        owner = owners[index]
        if id(owner) not in seen:
            seen[id(owner)] = (owner, surface, float(score))
    return sorted(seen.values(), key=lambda t: -t[2])[:limit]


def _rows(query: str, matched: tuple[Entry, str, float] | None, entries: list[Entry],
          names_of: Callable[[Entry], list[str]], limit: int) -> list[Row]:
    rows: list[Row] = []
    if matched is not None:
        rows.append((matched[0], query, matched[1], matched[2]))
    for entry, surface, score in _near(query, entries, names_of, limit):
        if matched is None or entry is not matched[0]:
            rows.append((entry, surface, "near", score))
    return rows[:limit]


def lookup_places(codebook: Codebook, query: str, limit: int = 5) -> list[Row]:
    match = Normalizer(codebook).place(query)
    matched = (match.place, match.how, match.score) if match is not None else None
    return _rows(query, matched, codebook.places, lambda p: [p.name, *p.variants], limit)


def lookup_actors(codebook: Codebook, query: str, limit: int = 5) -> list[Row]:
    match = Normalizer(codebook).actor(query)
    matched = (match.actor, match.how, match.score) if match is not None and match.actor is not None else None
    return _rows(query, matched, codebook.actors, lambda a: [a.name, *a.aliases], limit)
