"""How a name stands in its sentence: a place used as an adjective ("pro-Iran", "Iraq-based")
or for its government ("the Damascus government") is no place; a group's own name holds the
place or actor words inside it ("Deir Ezzor Military Council"); of several places with one
name, the one nearest the article's other places."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from collections.abc import Sequence
from typing import Any

from ..codebook.model import Place
from .names import Mention
from .tokenizer import Tokens, key_of

# "pro-Iran", "anti-Damascus", "Iraq-based", "Tehran-backed": a place name used
# as an adjective about a group, not the place where something happened.
_ADJ_BEFORE = re.compile(r"(?:\b(?:pro|anti|non)[-\u2010\u2011])$", re.I)
# The participles that make a name the patron of what follows ("IRGC-backed militia").
PATRON_PARTICIPLES = "backed|aligned|affiliated|sponsored|supported|linked|led|allied|funded|loyal"
_ADJ_AFTER = re.compile(r"[-\u2010\u2011](?:" + PATRON_PARTICIPLES + r"|based)\b", re.I)


# "the Damascus government", "Baghdad's authorities", "the Tehran regime": a capital standing for
# its government is an actor's name, not where something happened.
_ORGANISATIONAL = re.compile(
    r"(?:['\u2019]s?)?\s+(?:government|regime|authorities|administration|officials|leadership|"
    r"cabinet|ministry|parliament|rulers|ally|allies|backers?|patrons?|partners?|envoys?)\b",
    re.I,
)


# What joins a quarter or suburb to the known place it lies in.
WITHIN_PLACE = re.compile(
    r"(?:\s+(?:area|neighbou?rhood|district|quarter))?,?\s+(?:in|inside|within|of)\s+"
    r"(?:the\s+(?:(?:border\s+)?(?:city|town|village))\s+of\s+)?",
    re.I,
)


# A capital that is also its government's name ("Tehran") is the city after a preposition of place.
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:in|to|into|from|at|towards?|near|via|through|capital,?|capital of|city of)\s+(?:the\s+)?$", re.I
)


def locative(text: str, start: int) -> bool:
    return bool(_LOCATIVE_BEFORE.search(text, max(0, start - 20), start))


def organisational(text: str, end: int) -> bool:
    return bool(_ORGANISATIONAL.match(text, end))


def nearest(candidates: list[Place], context: list[Place]) -> Place:
    """The candidate closest to the centroid of the context places (equirectangular distance:
    within one theatre, good enough to tell Deir ez-Zor's al-Tayyibah from Homs's)."""
    if not context:
        return candidates[0]
    lat = sum(p.latitude for p in context) / len(context)
    lon = sum(p.longitude for p in context) / len(context)
    scale = math.cos(math.radians(lat))
    return min(candidates, key=lambda p: (p.latitude - lat) ** 2 + ((p.longitude - lon) * scale) ** 2)


# "militias backed by Iran", "groups loyal to Tehran": the patron, said after the group.
_PATRON_BY_BEFORE = re.compile(
    r"\b(?:(?:backed|supported|sponsored|funded|financed|armed|trained|run)\s+by|"
    r"(?:loyal|allied|affiliated|linked|tied|aligned|answerable)\s+(?:to|with))\s+(?:the\s+)?$",
    re.I,
)


def adjectival(text: str, start: int, end: int) -> bool:
    return bool(
        _ADJ_BEFORE.search(text, max(0, start - 5), start)
        or _ADJ_AFTER.match(text, end)
        or _PATRON_BY_BEFORE.search(text, max(0, start - 30), start)
    )


# The first words of Arabic compound place names. Written with a capital right before a known
# name, they make it the tail of a longer one the gazetteer does not hold: "Umm Hamdan" is not
# Al-Hamdan, "Tal Hamis" not Hamis. Such a name is left for the unknown-place finder to keep as
# written rather than resolved to a different place.
_PLACE_HEAD_BEFORE = re.compile(
    r"(?<![\w-])(?:Umm|Um|Abu|Tal|Tall|Tell|Ain|Ayn|Ein|Deir|Dayr|Jabal|Jebel|Khirbet|Khirbat|Kafr|Kfar|Beit|Bayt|"
    r"Bir|Ras|Wadi|Marj|Qasr|Hawi|Huwayjat|Hawijat|Mazraat|Sheikh)\s$"
)


def inside_longer_place_name(text: str, start: int) -> bool:
    return bool(_PLACE_HEAD_BEFORE.search(text, max(0, start - 10), start))


# The words that make a name part of a longer one, another group's: "Kataeb Hizballah" is not
# Hezbollah, "Abu al-Fadl al-Abbas Forces" is not the Brigade, "Liwa al-Baqir" is not al-Baqir
# the man. Written with a capital, next to a known name but outside the match, they mean the
# text names a group the dictionary does not hold under that spelling: better unresolved than
# merged into a different named group.
_GROUP_HEADS = frozenset(
    {
        "liwa",
        "liwaa",
        "kataib",
        "kataeb",
        "katibat",
        "harakat",
        "saraya",
        "quwat",
        "fawj",
        "firqat",
        "jaysh",
        "jaish",
        "asaib",
        "alwiyat",
        "tajammu",
        "hizb",
        "free",
    }
)  # "Free Syrian Army" is not the Syrian army
# Kinds of formation: a name followed by a noun of another kind is another group
# ("Abu al-Fadl al-Abbas Forces" next to the Brigade); one of the same kind is the same
# group said differently ("Fatemiyoun Division" for the Brigade, "Liwa Fatimiyoun Militia").
_GROUP_KIND = {
    "forces": "forces",
    "force": "forces",
    "brigade": "unit",
    "brigades": "unit",
    "division": "unit",
    "regiment": "unit",
    "battalion": "unit",
    "battalions": "unit",
    "liwa": "unit",
    "movement": "movement",
    "organization": "organization",
    "organisation": "organization",
}


def own_groups(mentions: list[Any], toks: Sequence[Any]) -> list[Any]:
    """Drop actor mentions that are the inside of a longer, different group name."""
    if not mentions:
        return mentions
    # The token columns (tokenizer.Tokens): a mention's first and last token found by bisection,
    # their neighbours read from the columns, no map of every token nor a Token made.
    cols = toks if isinstance(toks, Tokens) else Tokens.of(toks)
    starts, ends, texts, capitals, n = cols.starts, cols.ends, cols.texts, cols.capitals, len(cols)
    kept = []
    for m in mentions:
        i = bisect_left(starts, m.start)
        if (
            0 < i < n
            and starts[i] == m.start
            and capitals[i - 1]
            and texts[i - 1] in _GROUP_HEADS
            and m.start - ends[i - 1] <= 2
        ):
            continue
        j = bisect_left(ends, m.end)
        if j < n and ends[j] == m.end and j + 1 < n:
            name_key = key_of(m.match[0].name) if hasattr(m.match[0], "name") else ()
            own_kind = _GROUP_KIND.get(name_key[-1]) if name_key else None
            said_kind = _GROUP_KIND.get(texts[j + 1])
            if capitals[j + 1] and said_kind and own_kind and said_kind != own_kind and starts[j + 1] - m.end <= 1:
                continue
        kept.append(m)
    return kept


# "Deir Ezzor 24", "Raqqa Post", "Halab Today TV": an outlet or organisation named after a
# place; the place is not where anything happened.
# (A capital standing for its government, "the Damascus government", is _ORGANISATIONAL's: find_names
# and find_unknown_places drop those before any place reaches names_an_organisation.)
_NAMED_AFTER = re.compile(
    r"[’']?\s*(?:24\b|TV\b|Today\b|Post\b|News\b|Network\b|Agency\b|website\b|Radio\b|Media\b|"
    r"Military Council\b|Civil Council\b)"
)


# "Iran's Revolutionary Guard", "Iraq's PMF": the country owns the force named next; it is no place.
_OWNER = re.compile(r"[’']s\s+(?:own\s+)?")
# "Iran's militias", "Iraq's armed factions": a country owning forces the dictionary does not name.
_OWNED_FORCES = re.compile(
    r"[’']s\s+(?:own\s+)?(?:[\w-]+\s+)?(?:militias?|militiamen|proxies|proxy|forces|fighters|factions|groups|allies)\b",
    re.I,
)


def names_an_organisation(text: str, mention: Mention[Any], actor_starts: frozenset[int] = frozenset()) -> bool:
    """The place names an outlet, a council or a government, or owns the force named next: no place
    where something happened (`actor_starts`: where the sentence's actors start)."""
    if _NAMED_AFTER.match(text, mention.end):
        return True
    owner = _OWNER.match(text, mention.end)
    if owner is not None and owner.end() in actor_starts:
        return True
    place = mention.match.place
    return place.name == place.country and _OWNED_FORCES.match(text, mention.end) is not None
