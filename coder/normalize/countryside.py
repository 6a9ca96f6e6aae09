"""The countryside of a city a governorate is named after is the governorate (and "the province
of Raqqa", which the manual's "unless the text says province" makes the governorate too).

golden/MANUAL.md codes "the Homs countryside" as Homs governorate (precision 3) and "the
al-Mayadin countryside" as al-Mayadin (precision 2): the countryside of a seat is the province
around it. The gazetteer lists some spellings as the governorate's variants ("Homs countryside",
"rural Aleppo"), but reporting turns the phrase every way ("Al-Raqqah's eastern countryside",
"the countryside west of Deir Ezzor", "the northern Aleppo countryside"): listing each is a
list that is never complete, so the seat's name found inside the phrase is widened here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from ..codebook.model import Place
from .names import Mention

_SIDE = r"(?:(?:north|south)-?(?:east|west)ern|eastern|western|northern|southern|far|outer|rural)"
# "Al-Raqqah's eastern countryside", "Homs eastern countryside", "Aleppo's rural areas".
_AFTER = re.compile(
    r"(?:[’']s)?\s+(?:" + _SIDE + r"\s+(?:and\s+" + _SIDE + r"\s+)?)?(?:countryside|rural areas|desert|badia)\b"
    r"|(?:[’']s)?\s+(?:province|governorate)\b",
    re.I,
)
# "the countryside west of Deir Ezzor", "the eastern countryside of Aleppo", "rural Homs".
_BEFORE = re.compile(
    r"(?:\b(?:countryside|rural areas|desert|badia)\s+"
    r"(?:(?:to\s+the\s+)?(?:north|south|east|west)(?:-?(?:east|west))?\s+)?of"
    r"\s+(?:the\s+(?:city\s+of\s+)?)?|\brural\s+|\b(?:province|governorate)\s+of\s+(?:the\s+)?)$",
    re.I,
)
# "the Raqqa and Aleppo countryside": the first seat shares the countryside named after the second.
_SHARED = re.compile(
    r"(?:\s*,\s*|\s+and\s+|\s+or\s+)(?:the\s+)?[\w’'-]+(?:\s+[\w’'-]+)?(?:" + _AFTER.pattern + ")", re.I
)
_LOOK_BACK = 60


def governorate_seats(places: Iterable[Place]) -> dict[str, Place]:
    """Each governorate to the city in it that it is named after ("Raqqa governorate" -> Raqqa)."""
    places = list(places)
    seats = {}
    for region in places:
        if region.kind != "region" or region.admin1 is None:
            continue
        for city in places:
            if city.kind == "city" and city.admin1 == region.admin1 and region.name.startswith(city.name + " "):
                seats[region.name] = city
    return seats


def seat_maps(places: Iterable[Place]) -> tuple[dict[str, Place], dict[int, Place]]:
    """governorate_seats, and the other way round: id(seat city) -> its governorate."""
    places = list(places)
    by_name = {p.name: p for p in places}
    seats = governorate_seats(places)
    return seats, {id(city): by_name[name] for name, city in seats.items()}


def widen_countryside(text: str, mentions: list[Mention[Any]], governorate_of: dict[int, Place]) -> list[Mention[Any]]:
    """Seat cities named as the countryside around them become their governorate, the mention
    widened over the phrase (the evidence then says "countryside", as the region's variants do)."""
    out = []
    for m in mentions:
        province = governorate_of.get(id(m.match.place))
        if province is not None:
            after = _AFTER.match(text, m.end)
            before = None if after else _BEFORE.search(text, max(0, m.start - _LOOK_BACK), m.start)
            shared = after or before or _SHARED.match(text, m.end)
            if shared:
                start = before.start() if before else m.start
                end = after.end() if after else m.end
                match = replace(m.match, place=province, geo_precision=3, how="alias")
                m = Mention(start, end, match)
        out.append(m)
    return out
