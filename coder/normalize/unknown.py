"""Names the text presents as places or groups that no dictionary tier knows.

An analyst would rather see "Abu Hardub (unverified, near Al Mayadin)" than an event
silently moved to the nearest town the gazetteer happens to know. So a name the text
itself marks as a place ("the village of X", "X town", "in the countryside of X") and
that neither the gazetteer nor the actor dictionary knows is kept as written, flagged
unverified, and takes admin areas and coordinates from the nearest known place named
around it, at geo_precision 2 at best (ACLED's "near a known place").

The same cues feed `coder unresolved`, which lists such names with counts and contexts
so the codebook can grow from real archives.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..codebook.model import Place
from ..text.prefilter import Prefilter, words_of
from .names import Mention
from .usage import adjectival

# A transliterated name: capitalised words, articles and name-forming prefixes joined by
# hyphens or spaces ("al-Baghiliyah", "Abu Hamam", "Hawijat Katie", "Tal al-Sultan").
_WORD = r"[A-Z][\w'\u2019\u02bf]*"
_LINK = r"(?:(?:al|el|ad|ash|as|ar|az|at|an|ibn|bin|bani|bu|abu|umm)[-\s])"
_NAME = rf"(?:(?:[Aa]l|[Ee]l)-)?{_WORD}(?:[-\s]{_LINK}?{_WORD}){{0,2}}"
_KINDS = (
    r"village|town|city|hamlet|area|region|countryside|outskirts|desert|vicinity|farms|neighbou?rhood|district|"
    r"crossing|sub-?district"
)
# "the village of X", "in the countryside of X", "the towns of X and Y" (the first is taken).
_BEFORE = re.compile(rf"\b(?:{_KINDS})s?\s+of\s+(?P<name>{_NAME})")
# "X village", "X town", "X crossing", "X countryside".
_AFTER_KINDS = r"village|town|city|hamlet|area|crossing|countryside|desert"
_AFTER = re.compile(rf"(?P<name>{_NAME})\s+(?P<kind>{_AFTER_KINDS})\b")
# Both patterns need a kind word (after a space: a word of its own), which most paragraphs
# lack: their words rule the patterns out without running them (text/prefilter.py).
_BEFORE_FIRST = Prefilter.of(_BEFORE)
_AFTER_FIRST = Prefilter.of(re.compile(rf"\b(?:{_AFTER_KINDS})\b"))
# Capitalised words that start sentences or name things other than places.
_NOT_NAMES = frozenset(
    """the a an this that these those its their his her our eastern western northern southern
central rural east west north south upper lower greater old new january february march april may june july august
september october november december monday tuesday wednesday thursday friday saturday sunday iranian syrian iraqi
lebanese russian american turkish kurdish arab shia shiite sunni local nearby same""".split()
)

# Group names: a capitalised phrase holding a formation word ("Liwa al-Hamza", "Saraya Ashura",
# "Quwat al-Ridha", "al-Abbas Brigade").
_GROUP_HEAD = (
    r"(?:Liwa|Liwaa|Kataib|Kata'ib|Kata\u2019ib|Kataeb|Saraya|Harakat|Quwat|Fawj|Firqat|Jaysh|Jaish|Asaib|Tajammu)"
)
_GROUP = re.compile(
    rf"\b{_GROUP_HEAD}\s+(?:{_LINK})?{_WORD}(?:[-\s]{_LINK}?{_WORD}){{0,2}}"
    rf"|\b{_NAME}\s+(?:Brigade|Brigades|Regiment|Battalion|Militia|Forces|Division|Movement)\b"
)

_FORMATION = frozenset(
    "brigade brigades regiment battalion militia forces division movement defence defense "
    "national local popular special".split()
)

GEO_NEAR = 2  # ACLED geo_precision for "near a known place"


@dataclass(frozen=True)
class Unresolved:
    kind: str  # "place" | "actor"
    name: str  # as written, articles and all
    start: int
    end: int


def _clean(name: str) -> str | None:
    words = re.split(r"[-\s]+", name)
    while words and words[0].lower() in _NOT_NAMES:
        words = words[1:]
    if not words or all(w.lower() in _NOT_NAMES for w in words):
        return None
    cleaned = name[len(name) - len(" ".join(words)) :] if " ".join(words) and name.endswith(" ".join(words)) else name
    return cleaned if cleaned[:1].isalpha() else None


def place_candidates(
    text: str, start: int = 0, end: int | None = None, words: frozenset[str] | None = None
) -> list[tuple[int, int, str]]:
    """(start, end, name) of every name the text presents as a place, known or not.
    `words`: words_of(text, start, end), when the caller has them."""
    end = len(text) if end is None else end
    out: dict[int, tuple[int, int, str]] = {}
    if words is None:
        words = words_of(text, start, end)
    for pattern, first in ((_BEFORE, _BEFORE_FIRST), (_AFTER, _AFTER_FIRST)):
        if not first.allows(words):
            continue
        for m in pattern.finditer(text, start, end):
            raw = m.group("name")
            name = _clean(raw)
            if name is None:
                continue
            s = m.start("name") + (len(raw) - len(name))
            out.setdefault(s, (s, s + len(name), name))
    return sorted(out.values())


# A span this long (a one-line page) is not searched whole for place candidates (unknown.py tries
# a name at every capital): a candidate holds a kind word ("village": its patterns' prefilter words,
# as written) and only letters, digits, spaces, hyphens and apostrophes, so only the stretches
# between other characters that hold a kind word are searched, as within the whole span.
_LONG_SPAN = 20_000
_NOT_IN_A_CANDIDATE = re.compile(r"[^\w\s'\u2019\u02bf-]")
_FIRSTS = (_BEFORE_FIRST, _AFTER_FIRST)
_KIND_WORDS = sorted({w for first in _FIRSTS for w in (*first.words, *first.prefixes)})
# Those the text is searched for: a word that starts with another ("villages", "subdistrict") is
# found where that one is (each search reads the whole span).
_KIND_SEEDS = [w for w in _KIND_WORDS if not any(w != v and w.startswith(v) for v in _KIND_WORDS)]


def place_candidates_in(
    text: str, start: int = 0, end: int | None = None, words: frozenset[str] | None = None
) -> list[tuple[int, int, str]]:
    """place_candidates, for a span of any length (the same answer, found faster on a long one)."""
    end = len(text) if end is None else end
    if end - start < _LONG_SPAN or any(first.always for first in _FIRSTS):
        return place_candidates(text, start, end, words)
    kinds, out, searched = [], [], start
    for word in _KIND_SEEDS:
        at = text.find(word, start, end)
        while at >= 0:
            kinds.append(at)
            at = text.find(word, at + 1, end)
    # A kind word's stretch ends at the first other character from it on, and starts after the
    # last one before it, found in the span read backwards (index r there is end - 1 - r here):
    # each search reads the stretch only, not every other character of the page.
    backwards = text[start:end][::-1]
    for at in sorted(kinds):
        if at < searched:
            continue  # its stretch is searched already
        before = _NOT_IN_A_CANDIDATE.search(backwards, end - at)
        after = _NOT_IN_A_CANDIDATE.search(text, at, end)
        a = end - before.start() if before is not None else start
        b = after.start() if after is not None else end
        out += place_candidates(text, a, b)
        searched = b
    return out


def group_candidates(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    end = len(text) if end is None else end
    found = []
    for m in _GROUP.finditer(text, start, end):
        name = _clean(m.group())
        # "Battalion", "Defence Forces": formation words alone name no group.
        if name is not None and not all(w.lower() in _FORMATION for w in re.split(r"[-\s]+", name)):
            s = m.end() - len(name)
            found.append((s, m.end(), name))
    return found


def unverified_place(name: str, near: Place) -> Place:
    """A place kept as written, located by the known place named nearest to it."""
    # Near a town or site: ACLED's precision 2 ("area"); near only a region: that region's 3.
    kind = "region" if near.kind in ("region", "district") else "area"
    return Place(
        name=name,
        country=near.country,
        admin1=near.admin1,
        admin2=near.admin2 if kind == "area" else None,
        latitude=near.latitude,
        longitude=near.longitude,
        kind=kind,
        unverified=True,
    )


# What the phrase presenting a name says it is: "the village of X" (before) or "X town" (after).
_KIND_BEFORE = re.compile(rf"\b({_KINDS})s?\s+of\s+$")
_KIND_AFTER = re.compile(rf"\s+({_AFTER_KINDS})\b")
# GeoNames' cities500 holds populated places: a desert, region, district or city quarter named
# like a village is not that village.
_NOT_SETTLEMENT = re.compile(r"desert|region|(?:sub-?)?district|neighbou?rhood")
_SETTLEMENT = frozenset({"village", "town", "city", "hamlet"})


def geonames_place(
    text: str,
    start: int,
    end: int,
    name: str,
    near: list[Place],
    places: list[Place],
    tried: dict[str, Place | None] | None = None,
) -> Place | None:
    """The GeoNames tier's place for a name text[start:end] that the text presents as a place
    and the curated tier does not know, decided by the known places `near` it
    (coder.gazetteer.context). None when no known place is named, the phrase presents no
    populated place ("the X desert", "the district of X"), the name is used as an adjective
    ("X-based"), the tier has no such place near them, or the name may be a word ("Hit", "Sur")
    that the text does not present as a settlement ("the town of Hit"). `tried` keeps the tier's
    answer per name for one `near` (a megabyte article repeats its names thousands of times)."""
    if not near or adjectival(text, start, end):
        return None
    before = _KIND_BEFORE.search(text, max(0, start - 40), start)
    after = _KIND_AFTER.match(text, end)
    kinds = [m.group(1) for m in (before, after) if m is not None]
    if not kinds or any(_NOT_SETTLEMENT.fullmatch(k) for k in kinds):
        return None
    from ..gazetteer import context  # the tier loads on the first name that needs it

    if context.word_like(name) and not (before is not None and before.group(1) in _SETTLEMENT):
        return None
    if tried is not None and name in tried:
        return tried[name]
    found = context.decide(name, places, near)
    place = context.place_of(found, places, name) if found is not None else None
    if tried is not None:
        tried[name] = place
    return place


def overlaps(start: int, end: int, mentions: list[Mention[Any]]) -> bool:
    return any(m.start < end and start < m.end for m in mentions)
