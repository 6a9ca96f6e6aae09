"""Where a place stands in its sentence: the role a preposition, a verb or a phrase around it gives it
(origin, destination, heading, crossing, near, in, entered, based, aim, apposition, informant,
dateline), and the day a source spoke, not the day something happened.

What is here is English grammar, not event knowledge: the prepositions that make a place an origin
("from"), a destination ("to") or the location ("in", "at", "into"); locate.py chooses the
location among the roles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalize import Mention, PlaceMatch
from ..text.prefilter import case_free

# Words between a preposition and a name that do not change its role:
# "from the city of", "in the eastern countryside of", "near the town of".
_FILLER = (
    r"(?:\s+(?:the|a|an|city|town|village|villages|area|areas|region|province|governorate|countryside|"
    r"desert|outskirts|vicinity|district|neighbourhood|neighborhood|border|crossing|eastern|western|"
    r"northern|southern|central|rural|nearby|of|its|their|strategic|regime-held|held|controlled|"
    r"border-town|border-city|districts|parts|capital|some|several|various|different|provinces|governorates|"
    r"regions))*\s*[\"“‘']?$"  # 'to the "Imam Ali" base': a quoted name
)
_ROLE_WORDS: list[tuple[str, str]] = [
    (
        "origin",
        r"(?:from|out of|leaving|left|departing|departed|coming from|withdrew from|withdrawn from|pulled out of|"
        r"evacuated|cleared out(?: of)?|vacated|emptied|abandoned|stripped|moved out of|pulled back from|"
        r"retreated from)",
    ),
    # Where a force is still going: not where it was seen.
    (
        "heading",
        r"(?:bound for|heading (?:for|to)|headed (?:for|to)|on (?:their|its|the) way to|en route to|destined for)",
    ),
    # not "close to" / "next to": those say near
    ("destination", r"(?<!close\s)(?<!next\s)(?:to|towards|toward)"),
    ("crossing", r"(?:through|via|across)"),
    (
        "near",
        r"(?:near|close to|around|outside|west of|east of|north of|south of|outskirts of|vicinity of|countryside of|"
        r"desert of|suburbs of)",
    ),
    (
        "in",
        r"(?:in|at|into|inside|within|reached|reach|reaches|entered|enter|enters|arrived in|arrived at|arrive in|"
        r"stationed in|deployed in|based in|over|rolled into|rumbled into)",
    ),
]
# The verbs by which a source speaks.
_SPEECH = (
    r"(?:said|say|says|told|tell|tells|confirmed|reported|report|reports|added|stated|announced|claimed|"
    r"spoke|speaking)"
)
_INFORMANT = re.compile(
    r"\b(?:sources|activists|correspondents?|reporters?|journalists?|monitors?|informants?)\s+"
    r"(?:based\s+|working\s+|located\s+)?(?:in|from)\b"
    # up to the place, as long as the informant has not spoken yet
    r"(?:(?!\b" + _SPEECH + r"\b)[^.;:]){0,80}$",
    re.I,
)
# "told Shafaq News on Friday that...", "the ministry said on Tuesday": the verb, at most a few
# words naming whom it was told to, then the date; not "said that on Friday...".
_SPOKEN_ON = re.compile(r"\b" + _SPEECH + r"(?:\s+(?!that\b|on\b)[\w'’.-]+){0,4}(?:\s+on)?\s*$", re.I)
_PHRASE_OF = re.compile(
    r"\b(from|out of|to|towards|toward)\s+(?:its|their|the|his|a|an)\s+(?:[\w-]+\s+){0,3}?"
    r"(?:in|at|near|inside|outside)" + _FILLER,
    re.I,
)
_ROLE_RE = [(role, re.compile(r"\b" + words + _FILLER, re.I)) for role, words in _ROLE_WORDS]
# "Maskanah, al-Sfirah": a fuzzy match may leave the article outside the name, in the gap before it.
_ARTICLE_LEFT = r"(?:(?:al|el|as|ash|ad|ar|az|an|at)-)?$"
_COORD = re.compile(
    r"^\s*(?:,\s*(?:and\s+|as well as\s+)?|and\s+|as well as\s+|&\s*)"
    # "to the city of X and to Y": the preposition said again keeps the list (and its role).
    r"(?:(?P<again>to|in|into|towards?|at)\s+)?(?:the\s+)?"
    r"(?:(?:city|town|village|towns|cities|villages|areas?)\s+of\s+)?" + _ARTICLE_LEFT,
    re.I,
)
# How a place was matched, recorded as its detail when review should see it: a guess (fuzzy),
# a name no tier knows (unverified), one only the GeoNames tier knows (geonames).
SHOWN_HOW = ("fuzzy", "unverified", "geonames")

# "the al-Mayadin desert", "Albu Kamal countryside": the area around a town, not the town
# itself (ACLED: the town at geo_precision 2). A governorate's countryside is in the gazetteer.
_AROUND_AFTER = re.compile(
    r"[’']?s?\s+(?:(?:eastern|western|northern|southern|north-eastern|north-western|south-eastern|"
    r"south-western|rural|surrounding)\s+)?(?:desert|countryside|outskirts|suburbs|vicinity|environs)\b",
    re.I,
)
_TOWN_KINDS = {"town", "city", "village"}


def around_town(text: str, mention: Mention) -> bool:
    """ "the al-Mayadin desert", "Albu Kamal countryside": the area around the town named."""
    return mention.match.place.kind in _TOWN_KINDS and _AROUND_AFTER.match(text, mention.end) is not None


@dataclass
class PlaceRole:
    mention: Mention[PlaceMatch]
    # origin | destination | heading | crossing | near | in | entered | based | other | apposition
    # | informant | dateline | aim
    role: str
    group: int  # places listed together ("Palmyra, Raqqa and Homs") share a group


_ENTERED = re.compile(
    r"\b(?:(?:crossed|crossing|came|coming|smuggled|brought|moved)\s+into|entered|entering)\s+(?:the\s+)?$", re.I
)
_BASED_IN = re.compile(
    r"\b(?:militias?|militiamen|factions?|forces|fighters|troops|elements|groups?|brigades?|units?|members|commanders?)\s+"
    # "the forces deployed west of the Euphrates in X": a few words of where, then the place.
    # "troops formerly posted in X": where they were, before the move.
    r"(?:(?:formerly\s+|previously\s+|long\s+)?(?:based|stationed|deployed|positioned|posted)\s+(?:[\w-]+\s+){0,4}?)?in"
    + _FILLER,
    re.I,
)


# The stated aim of a move, said after it: its places are where the movers mean to act, not where
# they went ("... into Syria to help its government fight rebels in Aleppo"; the manual's aim).
_AIM = re.compile(
    r"\b(?:in order )?to\s+(?:help|back|support|bolster|prop up|aid|assist|defend|fight)\b"
    r"(?:(?!\b(?:and|but|while|as|after|before|when)\b)[^.;:,])*$",
    re.I,
)
# "from al-Fuaa and Kafraya, two besieged towns in Syria": where the towns just named lie, even
# when the gazetteer does not know them.
_DESCRIBED_IN = re.compile(
    r",\s*(?:an?|two|three|four|several|both)\s+(?:[\w-]+\s+){0,2}(?:towns?|cities|city|villages?)\s+in\s+(?:the\s+)?$",
    re.I,
)


_OWN_FORCE = re.compile(r"\b(?:its|their)\s+(?:[\w-]+\s+)?$", re.I)


# "Al-Mayadeen city, in the Deir Ezzor countryside": the second place says where the
# first one is; it is not a second place of the event.
_APPOSITION = re.compile(
    r"\s*(?:city|town|village|area)?\s*(?:,\s*|\s(?=in\s))"
    # "Al-Qaim, a city in Anbar province", "X, the main town of Y"
    r"(?:(?:an?|the)\s+(?:(?:small|main|border|key|strategic|nearby|frontier)\s+)?"
    r"(?:city|town|village|area|district|region|hub|outpost)\s+)?"
    r"(?:in|of|(?:east|west|north|south)(?:ern)? of)?\s*"
    r"(?:the\s+)?(?:(?:eastern|western|northern|southern|rural|central)\s+)?$",
    re.I,
)


# "Nubl and al-Zahraa, two towns northwest of Aleppo": a bearing from a town says where the
# first places are, whatever the two places' sizes.
_BEARING_FROM = re.compile(
    r"[’']?\s*,\s*(?:(?:an?|the|two|three|both)\s+)?(?:[\w-]+\s+)?(?:cities|towns|villages|city|town|village|areas?)\s+"
    r"(?:(?:about|some|around)\s+)?(?:\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:(?:north|south)(?:-?(?:east|west))?|east|west)(?:ern)?\s+of\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.I,
)


# "the T2 station, which lies in the town of X": where the first place is, whatever its size.
_WHICH_LIES_IN = re.compile(
    r"[’']?\s*,?\s*(?:which|that)\s+(?:lies|is|sits|stands)\s+(?:located\s+|situated\s+)?(?:in|near|by)\s+"
    r"(?:the\s+)?(?:(?:town|city|village|area|countryside|outskirts)\s+of\s+)?" + _ARTICLE_LEFT,
    re.I,
)


def _apposition(text: str, prev: PlaceRole | None, m: Mention[PlaceMatch]) -> bool:
    if prev is None:
        return False
    if _BEARING_FROM.fullmatch(text, prev.mention.end, m.start) or _WHICH_LIES_IN.fullmatch(
        text, prev.mention.end, m.start
    ):
        return True
    if not _APPOSITION.fullmatch(text, prev.mention.end, m.start):
        return False
    if around_town(text, m):
        return True  # "X, in the Y countryside": the area around a town is wider than the place in it
    return m.match.geo_precision > prev.mention.match.geo_precision or m.match.place.kind == "region"


# After the dateline's place: a region or agency, a date, then a colon or dash ("BEIRUT:", "Damascus,
# Jul 28 (IANS):", "DEIR EZ-ZOR –", "Damascus, SANA-").
_DATELINE_TAIL = re.compile(r"\s*(?:,\s*[\w .,'’-]{0,30}?)?\s*(?:\([^()]{1,30}\)\s*[-–—:]?|[-–—:](?!\w))")


def _dateline_end(text: str, sentence_start: int, places: list[Mention[PlaceMatch]]) -> int:
    """Where a dateline ends, if the sentence opens with one; else -1."""
    if not places or places[0].start - sentence_start > 1:
        return -1
    tail = _DATELINE_TAIL.match(text, places[0].end)
    return tail.end() if tail is not None else -1


def folded_pattern(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """case_free(pattern): the same matches on the folded text (text/prefilter.py folded_text),
    several times faster than IGNORECASE on these alternations of words, tried at every offset."""
    found = case_free(pattern)
    assert found is not None, pattern.pattern  # every pattern given here is written in lower case
    return found


_ROLE_FREE = [(role, folded_pattern(pattern)) for role, pattern in _ROLE_RE]
_INFORMANT_FREE, _PHRASE_OF_FREE, _BASED_IN_FREE = (
    folded_pattern(_INFORMANT),
    folded_pattern(_PHRASE_OF),
    folded_pattern(_BASED_IN),
)


def spoken_on(text: str, sentence_start: int, date_start: int) -> bool:
    """Is this date the day a source spoke rather than the day the event happened?"""
    return _SPOKEN_ON.search(text, max(sentence_start, date_start - 60), date_start) is not None


def place_roles(
    text: str, sentence_start: int, places: list[Mention[PlaceMatch]], folded: str | None = None
) -> list[PlaceRole]:
    """`folded`: folded_text(text) when the caller has it (the words before each place are read there)."""
    out: list[PlaceRole] = []
    group = -1
    prev: PlaceRole | None = None
    if folded is None:
        said, roles, informant, phrase_of, based_in = text, _ROLE_RE, _INFORMANT, _PHRASE_OF, _BASED_IN
    else:
        said, roles, informant, phrase_of, based_in = (
            folded,
            _ROLE_FREE,
            _INFORMANT_FREE,
            _PHRASE_OF_FREE,
            _BASED_IN_FREE,
        )
    # "BEIRUT: ...", "Beirut, Dec 2 (AP) ...", "QAMISHLI, Syria (North Press) – ...": where the
    # reporter files from, not where the event happened.
    dateline = _dateline_end(text, sentence_start, places)
    for m in places:
        if m.end <= dateline:
            group += 1
            out.append(PlaceRole(m, "dateline", group))
            continue
        # "the T2 station, which lies in the town of X in the Y countryside": Y says where X is.
        chained = out[-1] if out and out[-1].role == "apposition" else None
        if (
            _apposition(text, prev, m)
            or _apposition(text, chained, m)
            or _DESCRIBED_IN.search(text, sentence_start, m.start)
        ):
            group += 1
            out.append(PlaceRole(m, "apposition", group))
            continue
        coord = _COORD.match(text[prev.mention.end : m.start]) if prev is not None else None
        if coord is not None and not (coord.group("again") and prev.role == "origin"):
            role = prev.role  # listed with the previous place: same role ("out of X and into Y": not)
        else:
            group += 1
            before = said[max(sentence_start, m.start - 60) : m.start]
            role = "other"
            for name, pattern in roles:
                if pattern.search(before):
                    role = name
                    break
            # "SOHR sources in X confirmed that ...": where the informant is, not the event.
            if informant.search(before):
                out.append(PlaceRole(m, "informant", group))
                prev = out[-1]
                continue
            # "from its camps in X", "to their bases near X": the place of the
            # phrase the preposition opens.
            if role in ("in", "near"):
                phrase = phrase_of.search(before)
                if phrase:
                    role = "origin" if phrase.group(1).lower() in ("from", "out of") else "destination"
            # "the factions in X recalled...": where the force is based, not (yet) where it acted;
            # "bolstered their forces in X": the force is the verb's object, X where it happened.
            based = based_in.search(before) if role == "in" else None
            if based is not None and _OWN_FORCE.search(before, 0, based.start()) is None:
                role = "based"
            if role in ("in", "other", "destination", "near", "based") and _AIM.search(
                text, max(sentence_start, m.start - 90), m.start
            ):
                role = "aim"  # "crossed into Syria to help the government fight rebels in Aleppo"
            if role in ("in", "other") and around_town(text, m):
                role = "near"
            # "X crossing" is a crossing whatever the preposition says.
            if m.match.place.kind == "crossing" and role in ("in", "other", "near"):
                role = "crossing" if role != "in" else "in"
        current = PlaceRole(m, role, group)
        out.append(current)
        prev = current
    # A force's base ranks below where it acted only when the sentence goes on to name that place
    # ("the factions in X emptied their headquarters in Y"); alone, it is the place ("struck a
    # convoy of the militia in X").
    # "crossed into Deir ez-Zor via the X crossing": where the border was crossed is the crossing;
    # the town or province entered is where they went.
    if any(r.mention.match.place.kind == "crossing" for r in out):
        for i, r in enumerate(out):
            place = r.mention.match.place
            # (a country entered says little and is handled where the location is chosen)
            if (
                r.role == "in"
                and place.kind != "crossing"
                and place.name != place.country
                and _ENTERED.search(text, max(sentence_start, r.mention.start - 40), r.mention.start)
            ):
                out[i] = PlaceRole(r.mention, "entered", r.group)
    # "the militia in the X area, in Y city" is still one place said twice.
    for i, r in enumerate(out):
        if r.role == "based" and not any(
            later.role in ("in", "entered", "destination", "heading")
            and len(text[r.mention.end : later.mention.start].split()) > 2
            for later in out[i + 1 :]
        ):
            out[i] = PlaceRole(r.mention, "in", r.group)
    return out
