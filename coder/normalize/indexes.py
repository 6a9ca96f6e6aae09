"""The name indexes one codebook's content needs, built once and shared by every Normalizer made
for that content (a batch makes one per worker, the tests hundreds)."""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any

from ..codebook.model import Codebook, FieldSpec, Place
from ..text.prefilter import Prefilter
from .countryside import seat_maps
from .names import NameIndex
from .tokenizer import key_of

_BRACKET = re.compile(r"\s*\([^)]*\)\s*$")


def _fingerprint(codebook: Codebook) -> str:
    # Version alone is not enough while someone edits actors.yaml without a bump.
    h = hashlib.sha1(codebook.version.encode())
    for actor in codebook.actors:
        h.update(("A" + actor.name + "|" + "|".join(actor.aliases)).encode())
    for place in codebook.places:
        h.update(("P" + place.name + "|" + "|".join(place.variants)).encode())
    return h.hexdigest()


class Indexes:
    def __init__(self, codebook: Codebook):
        self.actors = NameIndex(
            [(a.name, a, True) for a in codebook.actors]
            + [(alias, a, False) for a in codebook.actors for alias in a.aliases]
        )
        # Places that share a name ("Al-Tayyibah (Deir ez-Zor)", "Al-Tayyibah (Homs)"): the name
        # without the bracketed qualifier, and every spelling of any of them, stand for the group;
        # the one nearest the article's other places is meant (see find_names).
        groups: dict[tuple[str, ...], list[Place]] = {}
        for p in codebook.places:
            groups.setdefault(key_of(_BRACKET.sub("", p.name)), []).append(p)
        self.homonyms: dict[int, list[Place]] = {
            id(p): group for group in groups.values() if len(group) > 1 for p in group
        }
        bases = [(_BRACKET.sub("", p.name), p, False) for p in codebook.places if _BRACKET.search(p.name)]
        self.places = NameIndex(
            [(p.name, p, True) for p in codebook.places]
            + [(v, p, False) for p in codebook.places for v in p.variants]
            + bases
        )
        self.seats, self.governorate_of = seat_maps(codebook.places)
        # id(spec) -> (spec, its patterns, their prefilters, their case-free copies and whole first words
        # where those say where every match starts): the spec kept to check the id was not reused
        self.lexicons: dict[int, tuple[FieldSpec, list[tuple[re.Pattern[str], Any]], list[Prefilter], list[Any]]] = {}


_CACHE: dict[str, Indexes] = {}
_LOCK = threading.Lock()


def indexes_of(codebook: Codebook) -> Indexes:
    key = _fingerprint(codebook)
    with _LOCK:
        idx = _CACHE.get(key)
        if idx is None:
            if len(_CACHE) > 8:
                _CACHE.clear()
            idx = _CACHE[key] = Indexes(codebook)
    return idx
