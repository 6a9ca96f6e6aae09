"""Who a trigger's subject is: the force that acts, not one a phrase around it names.

A trigger asking for a force word ("arrived" beside "fighters", "convoy") is also about a force when
the sentence names one of the sides the type codes as the trigger's subject ("the PMF also
deployed"); and a trigger whose own of-phrase or clause names a force of another side ("a convoy of
three Russian armoured vehicles") is that side's.
"""

from __future__ import annotations

import re

from ..text import Sentence
from ..text.prefilter import Prefilter
from .compiled import CompiledTrigger, CompiledType
from .context import Ctx, cached
from .unnamed import IRAN_SIDE_WORD, unnamed_force

# Between a trigger noun and the force that owns it: " of three ", " of the ", " belonging to ";
# a passive's agent: "enlisted by the ... militia". "a convoy of the regime's 4th Division": the
# words between may carry a possessive.
_OF_PHRASE = re.compile(r"\s+(?:of|belonging to|owned by|by)\s+(?:[\w'’-]+\s+){0,3}?", re.I)


# Two forces named as one subject: "Iranian militias and regime forces", "Hezbollah, alongside the army".
_TOGETHER = re.compile(
    r"\s*(?:,\s*)?(?:and|as well as|together with|alongside|along with)\s+(?:the\s+)?(?:[\w'’-]+\s+)?", re.I
)


def owned_by_other_side(ctx: Ctx, si: int, start: int, end: int, ct: CompiledType) -> bool:
    """The trigger belongs to a force of a side the type does not code, whatever Iran-backed force
    the sentence names elsewhere: its own of-phrase names it ("a convoy of three Russian armoured
    vehicles"), or it is the last force named before the trigger in the trigger's clause."""
    text = ctx.doc.text
    clause_start = None  # the clause is looked for only when a force is named before the trigger
    before = None
    ours = None  # the last force of the type's sides before `before`
    for m in ctx.actors[si]:
        if end <= m.start <= end + 50 and m.match.side not in ct.sides and _OF_PHRASE.fullmatch(text, end, m.start):
            return True
        if m.end <= start:
            if clause_start is None:
                clause_start = ctx.clause(si, start)[0]
            if clause_start <= m.start:
                if before is not None and before.match.side in ct.sides:
                    ours = before
                before = m
    other = other_force_at(ctx, si, start)
    if other is not None and (before is None or before.start < other):
        # "..., as the war escalated with opposition forces pushing toward the capital": the rebels'
        # push, whatever force the sentence named before.
        return True
    if before is None or before.match.side in ct.sides:
        return False
    # "reinforcements of Iranian militias and regime forces reached": the side's force acts too.
    return ours is None or not _TOGETHER.fullmatch(text, ours.end, before.start)


def required_met(
    trigger: CompiledTrigger, ct: CompiledType, cache: dict, sentence: Sentence, ctx: Ctx, si: int, at: int
) -> bool:
    """Every cue the trigger requires is in the sentence; one asking for a force word is also met
    by a force of a side the type codes named as the trigger's subject ("the PMF also deployed")."""
    text = ctx.doc.text
    for index, cue in enumerate(trigger.requires):
        if cached(cache, cue, sentence.start, sentence.end, text, ctx, si):
            continue
        if index in trigger.force_requires and _named_subject(ctx, si, at, ct):
            continue
        return False
    return True


# Between a force and the verb it is the subject of: a few words ("also", "on Monday", "stationed
# near the town"), no clause mark and no word that starts another verb's clause ("... and seized").
SUBJECT_GAP = re.compile(r"(?:\s+(?!(?:and|or|but|who|which|that|after|before|while|when)\b)[\w'’-]+){0,5}\s+", re.I)
# A name after a preposition is no subject: "fled the fighting with Hezbollah arrived".
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:with|against|from|by|of|to|for|at|on|near|between|and|than|like)\s+(?:the\s+)?(?:Lebanese\s+|Iraqi\s+)?$",
    re.I,
)


# One person between the force and the verb is the subject, not the force: "PMF chief arrives in
# al-Qaim", "the IRGC's envoy reached the town" (a visit, not troops; "its advisers" are troops).
_ONE_PERSON = re.compile(
    r"\b(?:chief|commander|leader|head|official|envoy|delegation|delegate|spokesman|spokesperson|minister|"
    r"general|representative|cleric|mediator)\b",
    re.I,
)


def _named_subject(ctx: Ctx, si: int, at: int, ct: CompiledType) -> bool:
    """A force of a side the type codes is named just before the trigger in its clause."""
    text = ctx.doc.text
    before = [m for m in ctx.actors[si] if m.end <= at]
    if not before or before[-1].match.side not in ct.sides:
        return False
    last = before[-1]
    return (
        ctx.clause(si, at)[0] <= last.start
        and SUBJECT_GAP.fullmatch(text, last.end, at) is not None
        and _ONE_PERSON.search(text, last.end, at) is None
        and _PREPOSITION_BEFORE.search(text, max(0, last.start - 30), last.start) is None
    )


# Forces of no side the dictionary codes, named by their kind: rebels, the opposition, jihadists.
_OTHER_FORCE_KINDS = (
    r"rebels|rebel (?:fighters|groups|factions|forces)|insurgents|opposition (?:fighters|factions|forces|groups)|"
    r"armed (?:factions|groups|opposition)|jihadists|(?:ISIS|IS|Daesh|Islamic State) (?:fighters|militants|cells)"
)
_OTHER_FORCE = re.compile(r"\b(?:" + _OTHER_FORCE_KINDS + r")(?=" + SUBJECT_GAP.pattern + r"$)", re.I)
# The other force's own doings, as the subject of a clause of their own: "while rebel groups
# pushed on toward X", "as a rebel offensive piles pressure on X", "after Hayat Tahrir al-Sham
# entered X".
_OTHERS_DOING = re.compile(
    r"\b(?:" + _OTHER_FORCE_KINDS + r"|(?:rebel|opposition) (?:offensive|advance|assault)|Hayat Tahrir al-Sham|HTS|"
    # "... moved their fighters after Israeli strikes hit X": where the strikes fell.
    r"(?:Israeli|US|U\.S\.|American|coalition|Russian) "
    r"(?:air ?strikes|strikes|raids|air raids|jets|warplanes|drones))\b",
    re.I,
)
_OTHERS_PREFILTER = Prefilter.of(_OTHERS_DOING)
# "after Israeli strikes hit their positions in X": the force's own place, wherever the strikes fell.
_ITS_OWN_PLACE = re.compile(
    r"\b(?:its|their)\s+(?:[\w-]+\s+)?(?:positions|bases?|headquarters|posts|sites|points)\b", re.I
)
# A word that opens a clause of its own between the trigger and the other force: "... into Syria
# as a rebel offensive ...".
_SUBORDINATE = re.compile(r"\b(?:as|while|after|before|when|since|once|whereupon|because|until)\s", re.I)


# "Tehran-loyal armed factions" are Iran's; "the armed factions" are the ones named before.
_TIED_BEFORE = re.compile(r"(?:" + IRAN_SIDE_WORD + r"|\b(?:the|these|those))\s+$", re.I)
_TIED_TO_IRAN = re.compile(IRAN_SIDE_WORD + r"\s+$", re.I)


def other_force_at(ctx: Ctx, si: int, at: int) -> int | None:
    """Where the force of no coded side that is the subject of the trigger at `at` is named, named
    by its kind ("Armed factions had entered the city"); None when there is none."""
    start = ctx.clause(si, at)[0]
    text = ctx.doc.text
    m = _OTHER_FORCE.search(text[start:at])
    if m is None or _TIED_BEFORE.search(text, max(start, start + m.start() - 25), start + m.start()) is not None:
        return None
    # "Iraqi armed factions", "pro-Iranian armed groups": a force of Iran's side, unnamed.
    ours = unnamed_force(text, max(start, start + m.start() - 30), start + m.end())
    if ours is not None and ours[1] > start + m.start():
        return None
    return start + m.start()


def others_places(ctx: Ctx, si: int, trig: tuple[int, int] | None) -> list[tuple[int, int]]:
    """The stretches of sentence si that tell what a force of no coded side did, in a clause that
    is not the trigger's ("Hezbollah pulled out of Syria while rebel groups pushed on toward
    Damascus"): a place named there is the other force's, not the event's. `trig` None: a sentence
    a place is borrowed from, whose every such clause is the other force's."""
    sentence = ctx.sentences[si]
    text = ctx.doc.text
    # Named by their kind ("rebel groups"), or forces the dictionary knows that no type codes.
    # ("SDF-held areas" names a place, not the SDF doing something there.)
    named = [
        (m.start, m.end)
        for m in ctx.actors[si]
        if m.match.side in _NEVER_CODED and not text.startswith(("-", "‐", "‑"), m.end)
    ]
    if not named and not _OTHERS_PREFILTER.allows(ctx.words(si)):
        return []
    kinds = [(m.start(), m.end()) for m in _OTHERS_DOING.finditer(text, sentence.start, sentence.end)]
    own = ctx.clause(si, trig[0]) if trig is not None else None
    out = []
    for start, end in sorted(named + kinds):
        if _TIED_TO_IRAN.search(text, max(sentence.start, start - 25), start):
            continue
        clause = ctx.clause(si, start)
        if trig is None:
            apart = True
        elif start >= trig[1]:
            apart = clause != own or _SUBORDINATE.search(text, trig[1], start) is not None
        else:
            apart = clause != own
        if apart:
            own_place = _ITS_OWN_PLACE.search(text, end, clause[1])
            stop = own_place.start() if own_place else clause[1]
            # "... US forces might act to expel the Iranian militias holding areas near X": X is where
            # the militias are; the other force's stretch ends where Iran's side is named again.
            ours = next(
                (m.start for m in ctx.actors[si] if end <= m.start < stop and m.match.side == "iran_backed"), stop
            )
            out.append((end, ours))
    return out


# The sides of forces none of the event types codes as actor1 or its partner.
_NEVER_CODED = frozenset({"russia", "us_coalition", "sdf", "isis"})
