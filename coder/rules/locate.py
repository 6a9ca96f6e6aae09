"""Where an event happened: the location among the places of the trigger's sentence, by their
roles (args.place_roles), else a place named just before or after it."""

from __future__ import annotations

import re

from ..normalize import Mention, PlaceMatch
from .context import Ctx
from .roles import SHOWN_HOW, PlaceRole, around_town, place_roles
from .subject import others_places

# The roles a place borrowed from a neighbouring sentence may have: not an origin or an informant's.
_PLACES_OF_EVENT = ("in", "entered", "other", "near", "destination", "heading", "based")
# A trigger that leaves a place: "pulled ... out of X", "withdrew from X", "evacuated X".
_LEAVING = re.compile(
    r"\b(?:pulled|pull|withdr[ae]w|withdrawn|withdrawal|evacuated|vacated|emptied|retreated|left|quit|departed|"
    r"abandoned|deserted)\b",
    re.I,
)
# Going back where a force came from: "back to", "home to", "returned to".
_HOME = re.compile(r"\b(?:back|home|returned|returning|return)\s+(?:\w+\s+){0,3}?to\b", re.I)
_SUBJECT_OF = re.compile(
    r"\s+(?:has|have|had|is|was|will|would|also|recently|then|now|began|sent|sends|\w+ed|\w+s)\b(?!\s+(?:of|in)\b)",
    re.I,
)
# The words that send a force to a place named before: "into the city", "reached the area".
_TO_THE = r"\b(?:in|into|to|at|reached|entered)\s+"
# "the city", "that town" (not "the city of X"): a town named before; the noun is group 1.
_THAT_TOWN = r"(?:the|that|this)\s+(city|town|village)\b(?!\s+of\b)"
_TOWN_ANAPHOR = re.compile(_TO_THE + _THAT_TOWN, re.I)
# The trigger's own phrase pointing at a town already named: "arrived in the city".
_THE_TOWN = re.compile(r"[\w\s-]{0,80}?\b(?:in|into|to|at)\s+" + _THAT_TOWN, re.I)
_TOWN_NOUNS = frozenset({"city", "town", "village"})
_KINDS_OF_NOUN = {"city": {"city", "town"}, "town": {"city", "town", "village"}, "village": {"village", "town"}}
# "into the city", after a governorate named like its capital: that city.
_THE_CITY = re.compile(_TO_THE + r"(the\s+city)\b(?!\s+of\b)", re.I)
# "in the area", "into the city", "there": a place named before.
_ANAPHOR = re.compile(
    _TO_THE + r"(?:the|that|this)\s+(?:area|city|town|village|region|"
    r"place|province|countryside|border|crossing|camp|base)\b|\bthere\b",
    re.I,
)


def choose_location(ctx: Ctx, si: int, trig: tuple[int, int], plans, put):
    """Origin, destination and crossing put into the draft; the location(s) returned with whether
    they are an area around the place (geo_precision 2) and whether they were borrowed from
    another sentence (a list spelling out the sentence's own area is not borrowed)."""
    places, near, listed = _choose(ctx, si, trig, plans, put)
    borrowed = bool(places) and not listed and not any(p.mention in ctx.places[si] for p in places)
    return places, near, borrowed


def _choose(ctx: Ctx, si: int, trig: tuple[int, int], plans, put):
    text = ctx.doc.text
    own = roles_of(ctx, si)
    # "... while rebel groups pushed on toward X": X is where the other force went.
    others = others_places(ctx, si, trig)
    roles = [r for r in own if r.role not in ("informant", "dateline") and not _within(r, others)]
    dateline = next((r for r in own if r.role == "dateline"), None)
    if dateline is not None and all(
        precision_of(r) == 4 and r.mention.match.place.country == dateline.mention.match.place.country for r in roles
    ):
        # "Al-Bukamal: 60 men registered at its office in the town": a bulletin's place line is the
        # event's when the sentence gives no other place in its country (the manual's fallback);
        # "Raqqa province: ... arrived in the city" is still its seat (below).
        roles = [PlaceRole(dateline.mention, "in", dateline.group)]
    roles = [r for r in roles if not _acting_country(text, r)]
    if not roles:
        for back in ctx.back(si):
            roles = [r for r in roles_of(ctx, back) if r.role in _PLACES_OF_EVENT and not _acting_country(text, r)]
            if roles:
                break
    by_role: dict[str, list] = {}
    for r in roles:
        by_role.setdefault(r.role, []).append(r)
    elsewhere = _town_said_before(ctx, si, trig) or _site_named_elsewhere(ctx, si, trig)
    for name in ("origin", "destination", "crossing") if elsewhere is None else ("origin", "crossing"):
        if name == "crossing":
            # The field is the border crossing used: "passing through the Deir Ezzor countryside"
            # says the route, not a crossing.
            pick = [r for r in by_role.get(name, ()) if r.mention.match.place.kind == "crossing"] or [
                r for r in roles if r.mention.match.place.kind == "crossing"
            ]
        else:
            pick = by_role.get(name, [])
        if name == "destination" and not pick:
            pick = by_role.get("heading", []) or by_role.get("aim", [])
        if pick and name in plans:
            how = pick[0].mention.match.how
            put(
                name,
                pick[0].mention.match.name,
                [pick[0].mention.span],
                detail=how if how in SHOWN_HOW else None,
            )
    # A place named before ("into the city") or the article's one base ("its airbase") is the
    # location; the sentence's origin and crossing are still its own (its destination is that place).
    if elsewhere is not None:
        return [elsewhere], False, False
    # A place the force is only heading for ranks after the crossing it was seen at.
    for role in ("in", "destination", "crossing", "entered", "heading", "based", "other", "near", "origin", "aim"):
        group = by_role.get(role)
        if not group:
            continue
        # Among the place groups with this role, the most precise one ("the town
        # of X in the countryside of Y" is X), then the one nearest the trigger
        # (not the town a relative clause says the force was founded in).
        groups: dict[int, list] = {}
        for r in group:
            groups.setdefault(r.group, []).append(r)
        best = min(
            groups.values(),
            key=lambda g: (min(precision_of(r) for r in g), min(abs(r.mention.start - trig[0]) for r in g)),
        )
        if role == "near":
            best = best[:1]  # "a base close to X and Y" is one place, not one event per town
        if role == "origin":
            if (
                _LEAVING.match(text, trig[0])
                and all(r.role in ("origin", "apposition") for r in roles)
                and all(precision_of(r) <= 3 for r in best)
            ):
                # "pulled the militia out of the T2 station": the positions left are where it happened
                # (a country left is not a position: the usual search for the place goes on).
                return best, False, False
            # Where they came from is not where it happened: "arrived in the
            # area from X" took place in the area named before.
            if _ANAPHOR.search(text, ctx.sentences[si].start, ctx.sentences[si].end):
                # The area is named before, or just after ("arrived in the area.
                # They were stationed in X").
                earlier = finer_before(ctx, si, 3) or finer_next(ctx, si, 3)
                if earlier is not None:
                    return [earlier], earlier.role == "near", False
            if len(roles) > 1:
                continue
            if _LEAVING.match(text, trig[0]) and all(precision_of(r) == 4 for r in best):
                # "Hezbollah pulled its fighters out of Syria": the country left, not a town
                # another sentence names.
                return best, False, False
            # "The fighters had crossed from al-Qaim": the only place is where they came from;
            # the town a sentence just before names is where it happened.
            earlier = finer_before(ctx, si, 2)
            if earlier is not None:
                return [earlier], earlier.role == "near", False
        if all(precision_of(r) > 3 for r in best):
            # "from Iraq into Syria through the X crossing": a country says
            # little; a finer place in the sentence, else just before, is the location.
            # "entered Syria through X and entered the town": the town named before.
            if _TOWN_ANAPHOR.search(text, ctx.sentences[si].start, ctx.sentences[si].end):
                earlier = finer_before(ctx, si, 1)
                if earlier is not None:
                    return [earlier], earlier.role == "near", False
            finer = [r for r in roles if r.role not in ("origin", "aim", "apposition") and precision_of(r) <= 3]
            if not finer and _LEAVING.match(text, trig[0]):
                # "fighters have left Qusayr, a city in southwestern Syria": the town left.
                finer = [r for r in roles if r.role == "origin" and precision_of(r) <= 3]
            if finer:
                pick = min(finer, key=lambda r: (precision_of(r), r.mention.start))
                return [pick], pick.role == "near", False
            if role == "destination" and _HOME.search(text, trig[0], ctx.sentences[si].end):
                # "drove back to Lebanon", "came home to Lebanon": the country they went back to,
                # not a town another sentence names.
                return best, False, False
            earlier = finer_before(ctx, si, 3) or finer_next(ctx, si, 3)
            if earlier is not None:
                return [earlier], earlier.role == "near", False
        if all(r.mention.match.place.kind == "region" for r in best):
            seat = seat_named(ctx, si, best)
            if seat is not None:
                return [seat], False, False
        if role == "near" or all(precision_of(r) >= 2 for r in best):
            listed = listed_next(ctx, si, best)
            if listed:
                return listed, False, True
        # "to their positions in the al-Mayadin desert": where they went is around the town.
        return best, role == "near" or any(around_town(text, r.mention) for r in best), False
    return [], False, False


def _acting_country(text: str, r: PlaceRole) -> bool:
    """ "Iran has started a campaign", "a militia which Iran backs": a country that is the subject
    of a verb is the one acting, not a place."""
    return r.role == "other" and precision_of(r) == 4 and _SUBJECT_OF.match(text, r.mention.end) is not None


def finer_next(ctx: Ctx, si: int, precision: int):
    """finer_in of the next sentence, unless it dates something the sentence does not ("On May 19
    sources had confirmed ... Habboubah": another occasion's place)."""
    return None if ctx.dates_another_occasion(si, si + 1) else finer_in(ctx, si + 1, precision)


def _town_said_before(ctx: Ctx, si: int, trig: tuple[int, int]) -> PlaceRole | None:
    """ "Sources in the X city say a militia has arrived in the city": the town the same sentence
    named before "the city" (even as where the sources are), when the trigger's phrase points at it."""
    sentence = ctx.sentences[si]
    # Its noun is a whole word of the sentence: most sentences hold none of the three.
    if _TOWN_NOUNS.isdisjoint(ctx.words(si)):
        return None
    anaphor = _THE_TOWN.match(ctx.doc.text, trig[0], sentence.end)
    if anaphor is None:
        return None
    kinds = _KINDS_OF_NOUN[anaphor.group(1).lower()]
    named = [
        r
        for r in roles_of(ctx, si)
        if r.mention.end <= anaphor.start() and r.role != "origin" and r.mention.match.place.kind in kinds
    ]
    return named[-1] if named else None


# "sent troops to its airbase in the Homs countryside": a site the sentence points at by its kind.
_SITE = re.compile(
    r"\b(?:its|their|the)\s+(?:own\s+|military\s+|main\s+)?(?:airbase|air base|airport|airfield|base)\b(?!\s+of\b)",
    re.I,
)


def _site_named_elsewhere(ctx: Ctx, si: int, trig: tuple[int, int]) -> PlaceRole | None:
    """The one base the article names, when the sentence points at "its airbase" or "the airport"
    after the trigger and names no base itself: the manual codes the most precise place the article
    gives."""
    sentence = ctx.sentences[si]
    if _SITE.search(ctx.doc.text, trig[0], sentence.end) is None:
        return None
    if any(r.mention.match.place.kind == "base" for r in roles_of(ctx, si)):
        return None
    return ctx.memo("one base", -1, lambda: _one_base(ctx))


def _one_base(ctx: Ctx) -> PlaceRole | None:
    """The base the article names, if it names exactly one: worked out once per document (every
    sentence pointing at "its base" asked it of all sentences again). A sentence's roles are one per
    place of it, so one naming no base is passed over without working out its roles."""
    bases = {}
    # The title names the base the story is about as often as the body ("T-4 airbase evacuated").
    for places in ctx.headline_places:
        for m in places:
            if m.match.place.kind == "base":
                bases.setdefault(m.match.name, PlaceRole(m, "in", -1))
    for other in range(len(ctx.sentences)):
        if all(m.match.place.kind != "base" for m in ctx.places[other]):
            continue
        for r in roles_of(ctx, other):
            if r.mention.match.place.kind == "base":
                bases.setdefault(r.mention.match.name, r)
    return next(iter(bases.values())) if len(bases) == 1 else None


def roles_of(ctx: Ctx, si: int) -> list[PlaceRole]:
    """place_roles of sentence si's places, made once per sentence (shared: callers never change it)."""
    return ctx.memo(
        "roles", si, lambda: place_roles(ctx.doc.text, ctx.sentences[si].start, ctx.places[si], ctx.folded())
    )


def seat_named(ctx: Ctx, si: int, regions: list):
    """ "Deir Ezzor province: militias brought reinforcements into the city": the city the
    governorate is named after, at the words "the city"."""
    sentence = ctx.sentences[si]
    anaphor = _THE_CITY.search(ctx.doc.text, sentence.start, sentence.end)
    if anaphor is None:
        return None
    seat = ctx.seats.get(regions[0].mention.match.place.name)
    if seat is None:
        return None
    start, end = anaphor.span(1)
    return PlaceRole(Mention(start, end, PlaceMatch(seat, 100.0, "exact", 1)), "in", -1)


def listed_next(ctx: Ctx, si: int, vague: list):
    """ "...young men of the western countryside. They came from the villages of A, B and C": an
    area the next sentence spells out as a list of towns inside it is those towns (one event each)."""
    # The next sentence that names places at all, at most two on ("...east of Aleppo. The number
    # recruited has reached 900. Recruitment centres on A, B and C").
    after = next((i for i in range(si + 1, min(si + 3, len(ctx.sentences))) if ctx.places[i]), None)
    if after is None:
        return []
    admin1 = {r.mention.match.place.admin1 or r.mention.match.place.name for r in vague}
    groups: dict[int, list] = {}
    for r in roles_of(ctx, after):
        groups.setdefault(r.group, []).append(r)
    for group in groups.values():
        if (
            len(group) >= 2
            and group[0].role not in ("informant", "destination", "heading", "near")
            and all(precision_of(r) == 1 and r.mention.match.place.admin1 in admin1 for r in group)
        ):
            return group
    return []


def finer_before(ctx: Ctx, si: int, precision: int):
    """The first place of the nearest earlier sentence that names one at this precision or finer."""
    for back in ctx.back(si):
        found = finer_in(ctx, back, precision)
        if found is not None:
            return found
    return None


def finer_in(ctx: Ctx, si: int, precision: int):
    if not 0 <= si < len(ctx.sentences):
        return None
    # Not a place of another force's doings there ("rebel groups pushed on toward Damascus"); a
    # sentence is borrowed from by every trigger after it, so its stretches are worked out once.
    others = ctx.memo("others", si, lambda: others_places(ctx, si, None))
    finer = [
        r
        for r in roles_of(ctx, si)
        if r.role in _PLACES_OF_EVENT and precision_of(r) <= precision and not _within(r, others)
    ]
    return finer[0] if finer else None


def _within(role: PlaceRole, stretches: list[tuple[int, int]]) -> bool:
    """The place is named inside one of the stretches (another force's doings, others_places)."""
    return any(a <= role.mention.start < b for a, b in stretches)


def precision_of(role) -> int:
    """geo_precision, with a whole country (a region named as its country) counted as the vaguest."""
    place = role.mention.match.place
    return 4 if place.is_country else role.mention.match.geo_precision
