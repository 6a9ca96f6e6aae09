"""Arguments around a trigger: actors and counts (places and their roles: roles.py; unnamed forces:
unnamed.py).

What is here is English grammar, not event knowledge: the words that make an actor a patron rather
than the actor ("IRGC-backed"), the noun a number counts.
"""

from __future__ import annotations

import re

from ..codebook.model import Codebook, is_catch_all
from ..normalize import PATRON_PARTICIPLES, ActorMatch, Mention, actor_match
from ..normalize.numbers import NumberMention
from .compiled import FieldPlan, _singular
from .roles import folded_pattern

_PATRON = re.compile(r"^[\s\-–]*(?:" + PATRON_PARTICIPLES + r")\b", re.I)
# "trained by the IRGC", "on the orders of the leadership of the IRGC": the
# organisation behind the actor, named after it.
_PATRON_BEFORE = re.compile(
    r"\b(?:(?:backed|aligned|affiliated|sponsored|supported|funded|trained|delegated|supervised|armed|commanded|"
    r"directed|ordered|run|led|created|formed|established|controlled|financed) (?:by|with)|loyal to|"
    r"(?:allied|affiliated|linked|attached|subordinate) to|allied with|"
    r"leadership of|on behalf of|orders of|behalf of|command of|umbrella of|auspices of|"
    r"(?:funds|funding|money|salaries|training|support|weapons|arms|orders|instructions) from)"
    # "allied to Iran's Revolutionary Guard": a possessive before the name changes nothing.
    r"(?:\s+(?:the|its|their|a|[\w-]+[’']s))?\s*$",
    re.I,
)

_PATRON_FREE, _PATRON_BEFORE_FREE = folded_pattern(_PATRON), folded_pattern(_PATRON_BEFORE)


def is_patron(text: str, m: Mention, folded: str | None = None) -> bool:
    """ "IRGC-backed militia", "trained by the IRGC": the IRGC is the patron, the militia acts.
    `folded`: folded_text(text), when the caller has it."""
    if folded is not None:
        before = folded[max(0, m.start - 40) : m.start]
        # Every _PATRON_BEFORE match holds " by", " with", " to", " of" or " from": most runs before a
        # name hold none, and the search, tried at each of their 40 places, is not run.
        linked = " by" in before or " with" in before or " to" in before or " of" in before or " from" in before
        return bool(_PATRON_FREE.match(folded[m.end : m.end + 14]) or (linked and _PATRON_BEFORE_FREE.search(before)))
    return bool(_PATRON.match(text[m.end : m.end + 14]) or _PATRON_BEFORE.search(text[max(0, m.start - 40) : m.start]))


def catch_all_actors(codebook: Codebook) -> dict[str, ActorMatch]:
    """The dictionary's catch-all actor of each side ("... (unidentified)": Codebook.catch_all), as
    the match the coder puts in a mention."""
    found = {side: codebook.catch_all(side) for side in dict.fromkeys(a.side for a in codebook.actors)}
    return {side: actor_match(actor, "unnamed", 1.0) for side, actor in found.items() if actor is not None}


def is_generic(actor: ActorMatch) -> bool:
    return is_catch_all(actor.name)


def pick_actor(
    text: str,
    trigger: tuple[int, int],
    actors: list[Mention[ActorMatch]],
    sides: frozenset[str],
    folded: str | None = None,
) -> tuple[Mention[ActorMatch] | None, list[Mention[ActorMatch]]]:
    """actor1 (and associated actors) among the mentions of allowed sides.

    The nearest named actor wins, before the trigger (the subject) rather than
    after it; catch-all "militias" and patrons ("IRGC-backed") only when no
    named actor is there. `folded`: folded_text(text), when the caller has it.
    """
    allowed = [m for m in actors if m.match.side in sides]
    if not allowed:
        return None, []
    # Each mention's patron search done once (the ranking and the subject check below ask again).
    patron = {id(m): is_patron(text, m, folded) for m in allowed}

    def cost(m: Mention[ActorMatch]) -> float:
        t0, t1 = trigger
        distance = (t0 - m.end) if m.end <= t0 else (m.start - t1) * 1.5 if m.start >= t1 else 0
        if is_generic(m.match):
            distance += 400
        if patron[id(m)]:
            distance += 800
        return distance

    ranked = sorted(allowed, key=lambda m: (cost(m), m.start))
    best = ranked[0]
    if best.end <= trigger[0] and not is_generic(best.match) and not patron[id(best)]:
        # "The Fatemiyoun and the Nujaba reached...": forces named together as one subject, none
        # said to lead; the first named is actor1, as the manual codes it (the others associated).
        for m in sorted(allowed, key=lambda m: m.start):
            if m.start >= best.start:
                break
            if (
                m.match.name != best.match.name
                and not is_generic(m.match)
                and not patron[id(m)]
                and _COORDINATED.fullmatch(text, m.end, best.start)
            ):
                best = m
                break
    assoc = []
    for m in ranked:
        # A patron named beside the force ("IRGC-backed", "trained by Hezbollah") is an associated
        # actor, as ACLED codes it; a catch-all "militias" adds nothing to a named force.
        if m.match.name == best.match.name or is_generic(m.match):
            continue
        if m.match.name not in [a.match.name for a in assoc]:
            assoc.append(m)
    return best, assoc[:2]


# Between a verb that moves someone and the force it moves: "sent the", "moved fighters of the",
# "pulled the clan militia headed by".
_OBJECT_GAP = re.compile(
    r"\s+(?:(?:the|its|their|his|some|dozens of|hundreds of|scores of|\d[\d,]*)\s+)*"
    r"(?:(?:fighters|members|militiamen|elements|units|troops|groups?|forces|men|personnel|"
    r"(?:[\w-]+\s+)?militia(?:\s+(?:headed|led|commanded)\s+by)?)\s+(?:of\s+|from\s+)?(?:the\s+)?)?[\"“‘']?",
    re.I,
)


def object_mover(
    text: str, trigger: tuple[int, int], actors: list[Mention[ActorMatch]], sides: frozenset[str]
) -> Mention[ActorMatch] | None:
    """The named force a moving verb takes as its object ("sent the Fatemiyoun"), if any."""
    for m in actors:
        if m.start < trigger[1]:
            continue
        if m.start - trigger[1] > 60:
            return None
        if m.match.side in sides and not is_generic(m.match) and _OBJECT_GAP.fullmatch(text, trigger[1], m.start):
            return m
        return None  # only the first name after the verb can be its object
    return None


_HEAD_WORD = re.compile(r"[A-Za-z]+")
# Between two forces named as one subject: "X militia and the Iraqi Y", "X, Y".
_COORDINATED = re.compile(
    r"[\"'”’]?(?:\s+(?:militias?|brigades?|forces|movement|group|fighters|members))?[\"'”’]?"
    r"\s*(?:,|and|as well as|along with|together with)\s+(?:the\s+)?"
    r"(?:(?:Iraqi|Afghan|Pakistani|Lebanese|Syrian|Iranian)\s+)?[\"'“‘]?",
    re.I,
)


# A range's upper bound ("between 100 and 150", "100 to 150", "100-150") is not a count.
_IN_RANGE = re.compile(r"(?:\bbetween\s+[\d,]+\s+and|[\d,]+\s*(?:to|-|–)\s*)\s*$", re.I)
_BETWEEN = re.compile(r"\bbetween\s+$", re.I)
_CARRYING = {"carrying", "transporting", "loaded", "laden", "packed", "with"}
_SAME_LIST = re.compile(r"[^.;]{0,40}?\b(?:and|plus|as well as|,)\s*", re.I)


def count_fields(
    text: str, numbers: list[NumberMention], plans: list[FieldPlan], skip: list[tuple[int, int]]
) -> dict[str, NumberMention]:
    """Assign each number to the count field whose words name what it counts.

    "12 vehicles carrying 80 fighters": the noun after each number (within a
    few words, not past a preposition that starts another phrase) is looked up
    in the `counts` nouns the codebook declares for each count field.
    """
    out: dict[str, NumberMention] = {}
    count_plans = [p for p in plans if p.how == "count"]
    if not count_plans:
        return out
    for number in numbers:
        if any(number.start < b and a < number.end for a, b in skip):
            continue  # part of a date
        if 1900 <= number.value <= 2100 and not number.vague:
            continue  # a year
        after = text[number.end : number.end + 48]
        after = re.split(r"[.;:()\"“”]", after, maxsplit=1)[0]
        words = _HEAD_WORD.findall(after)[:5]
        if _IN_RANGE.search(text, max(0, number.start - 40), number.start):
            continue  # "between 100 and 150 fighters": the lower bound already counted
        carried = out.get("vehicle_count")
        if (
            carried is not None
            and words
            and words[0].lower() in _CARRYING
            and _SAME_LIST.fullmatch(text, carried.end, number.start)
        ):
            # "8 cargo trucks and 2 carrying fighters": ten vehicles, not two fighters.
            out["vehicle_count"] = NumberMention(carried.value + number.value, carried.start, number.end)
            continue
        for word in words:
            w = _singular(word.lower())
            hit = next((p for p in count_plans if w in p.keywords and p.name not in out), None)
            if hit is not None:
                out[hit.name] = number
                break
            if word.lower() in ("for", "with", "by", "at", "on", "into", "near", "under", "inside"):
                break  # "three training centres for children": the number counted the centres
            if word.lower() in ("of", "and", "to", "from", "in"):
                # "tens of members" reads on; "12 to 15 trucks" and "between 100 and 150 men" too.
                between = word.lower() == "and" and _BETWEEN.search(text, max(0, number.start - 12), number.start)
                if word.lower() not in ("of", "to") and not between:
                    break
    return out
