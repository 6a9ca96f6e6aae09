"""Filling one event's arguments around a trigger: one small filler per argument.

Each filler reads the document context (names, places, dates found once per
sentence) and writes its fields into a `Draft`; what it finds or misses moves
the event's confidence by a named reason, so a reviewer can be told why a
proposal is weak ("actor from an earlier sentence", "no date").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..dates import reported_date
from ..models import Alignment, ConfidenceReason, Event, FieldValue, Span
from ..normalize import DateResolution, Mention, Normalizer, find_money, find_numbers
from .args import count_fields, is_generic, is_patron, object_mover, pick_actor
from .compiled import CompiledType
from .headline import title_actor
from .locate import roles_of
from .roles import SHOWN_HOW, spoken_on
from .subject import SUBJECT_GAP, other_force_at
from .unnamed import unnamed_force

# Words that point back to a force named before ("the militia", "these forces", "its fighters").
_FORCE_ANAPHOR = re.compile(
    r"\b(?:the|these|those|this|that|its|their)\s+(?:militia|militias|group|groups|force|forces|"
    r"brigade|regiment|faction|factions|fighters|members|elements|battalion)\b",
    re.I,
)
_ANAPHOR_LOOKBACK = 6
# A force named by its kind only: "the militias", "militiamen", "the militia's commanders".
_GENERIC_FORCE = re.compile(r"\b(?:the\s+)?(?:militias|militiamen|militia|factions|fighters|gunmen)\b", re.I)
# A state's own troops, unnamed ("sending extra army and security units", "police
# reinforcements"): the sentence's movers are a state's, not a militia named earlier.
_STATE_TROOPS = re.compile(
    r"\b(?:army|security|police|border guard|border police|gendarmerie)\s+(?:units?|forces|troops|reinforcements|"
    r"patrols?|personnel|detachments?)\b|\b(?:the\s+)?(?:army|police)\s+(?:sent|deployed|moved|dispatched)\b",
    re.I,
)
# The unnamed force a patron phrase follows: "militias allied to", "groups backed by".
_FORCE_BEFORE_PATRON = re.compile(
    r"\b(militias|militiamen|groups|factions|fighters|gunmen|forces)\s+(?:[\w-]+\s+)?"
    r"(?:allied|affiliated|linked|loyal|backed|aligned|attached|subordinate|funded|"
    r"supported|sponsored|trained)\s+(?:to|by|with)\s+(?:the\s+|its\s+|[\w-]+[’']s\s+)?$",
    re.I,
)


@dataclass
class Draft:
    """The fields of one event under construction and the reasons behind its confidence."""

    text: str
    reasons: list[tuple[str, float]]
    fields: dict[str, FieldValue] = field(default_factory=dict)

    def put(self, name: str, value: Any, spans: list[tuple[int, int]], detail: str | None = None) -> None:
        self.fields[name] = FieldValue.found(value, [Span.found(self.text, a, b) for a, b in spans], detail=detail)

    def derive(self, name: str, value: Any) -> None:
        self.fields[name] = FieldValue.found(value, alignment=Alignment.derived)

    def adjust(self, reason: str, delta: float) -> None:
        self.reasons.append((reason, delta))

    @property
    def confidence(self) -> float:
        # Summed in the order the reasons were given, so the figure never depends on their grouping.
        total = 0.0
        for _, delta in self.reasons:
            total += delta
        return round(max(0.05, min(0.99, total)), 2)


def start_draft(text: str, weight: float, hits: int, trigger: tuple[int, int] | None = None) -> Draft:
    words = f" '{text[trigger[0] : trigger[1]]}'" if trigger else ""
    reasons = [(f"trigger{words}", weight)]
    if hits > 1:
        reasons.append((f"{hits - 1} more trigger word(s) in the sentence", 0.05 * min(hits - 1, 3)))
    return Draft(text, reasons)


def fill_actors(
    draft: Draft,
    ctx,
    si: int,
    ct: CompiledType,
    trig: tuple[int, int],
    catch_all: dict,
    back: list[int],
    moves_object: bool = False,
) -> tuple[Mention, list[Mention]] | None:
    """actor1 and assoc_actor_1: the sentence's force, a force it introduces, else one named just before.

    None when there is no actor of a side the type allows, or when another side is the subject.
    `moves_object`: the trigger moves the force it names as object (the codebook's `mover: object`).
    """
    text = ctx.doc.text
    sentence = ctx.sentences[si]
    folded = ctx.folded()
    actor, assoc = pick_actor(text, trig, ctx.actors[si], ct.sides, folded)
    if moves_object and actor is not None and actor.end <= trig[0]:
        mover = object_mover(text, trig, ctx.actors[si], ct.sides)
        if mover is not None and mover.match.name != actor.match.name:
            # "The IRGC pulled the Nawaf al-Bashir militia out of T2": the militia moved; the IRGC sent it.
            assoc = [actor, *[m for m in assoc if m.match.name not in (actor.match.name, mover.match.name)]][:2]
            actor = mover
    if actor is not None and is_patron(text, actor, folded):
        # "Militias allied to the IRGC began a course": the militias act, none named; the
        # IRGC is their patron.
        head = _FORCE_BEFORE_PATRON.search(text[max(sentence.start, actor.start - 50) : actor.start])
        fallback = next((catch_all[s] for s in ct.sides if s in catch_all), None)
        if head is not None and fallback is not None:
            at = max(sentence.start, actor.start - 50) + head.start(1)
            assoc = [actor, *[m for m in assoc if m.match.name != actor.match.name]][:2]
            actor = Mention(at, at + len(head.group(1)), fallback)
            draft.adjust("unnamed force", -0.05)
    if actor is None:
        if any(m.match.side not in ct.sides and m.end <= trig[0] for m in ctx.actors[si]) and not any(
            m.match.side in ct.sides for m in ctx.actors[si]
        ):
            return None  # another side is the subject: not coded for this type
        unnamed = unnamed_force(text, sentence.start, sentence.end, ctx.words(si))
        fallback = next((catch_all[s] for s in ct.sides if s in catch_all), None)
        if unnamed is not None and fallback is not None:
            # A force the sentence introduces is a new one, not the one named before;
            # the article may name it later (assemble.py merges it then).
            actor, assoc = Mention(unnamed[0], unnamed[1], fallback), []
            draft.adjust("unnamed force", -0.05)
        elif _STATE_TROOPS.search(text, sentence.start, sentence.end):
            # A state's troops stopping a shipment on a route tied to a side ("security forces
            # intercepted a truck of rockets crossing from Syria into Lebanon"): the side's.
            seized = any(cue.search(text, sentence.start, sentence.end) for cue in ct.doer_cues)
            tied = route_tied(ctx, si, ct, catch_all) if seized else None
            if tied is None:
                return None
            draft.adjust("tied by its route", -0.1)
            return tied, []
        elif other_force_at(ctx, si, trig[0]) is not None:
            return None  # "Armed factions had entered the city": not the force named before
        else:
            if _FORCE_ANAPHOR.search(text, sentence.start, sentence.end):
                # "the militia", "these forces": the force named last, even a paragraph back.
                back = list(range(si - 1, max(-1, si - 1 - _ANAPHOR_LOOKBACK), -1))
            for earlier in back:
                actor, assoc = pick_actor(
                    text,
                    (ctx.sentences[earlier].end, ctx.sentences[earlier].end),
                    ctx.actors[earlier],
                    ct.sides,
                    folded,
                )
                if actor is not None:
                    at = _GENERIC_FORCE.search(text, sentence.start, sentence.end) if assoc else None
                    if at is not None and fallback is not None:
                        # "...escorted by Hezbollah and the IRGC. The militias then moved": with
                        # several forces just named, "the militias" is none of them in particular.
                        actor, assoc = Mention(at.start(), at.end(), fallback), []
                        draft.adjust("unnamed force", -0.05)
                        break
                    draft.adjust("actor from an earlier sentence", -0.1)
                    break
    if actor is None:
        actor = title_actor(ctx, si, ct)
        if actor is not None:
            draft.adjust("actor from the headline", -0.1)
            return actor, assoc
        actor = route_tied(ctx, si, ct, catch_all)
        if actor is None:
            return None
        draft.adjust("tied by its route", -0.1)
    return actor, assoc


def flag_doer(ctx, si: int, ct: CompiledType, actor: Mention, catch_all: dict) -> tuple[Mention | None, Mention] | None:
    """(owner, doer) when actor1 is the force that did what a flag with `done_by` says: "the Syrian
    army seized a truck of weapons bound for Hezbollah" is Hezbollah's shipment and the army its
    actor2. The owner is a force of the type's sides named after the cue, else the unidentified
    force of a route tied to a side (route_tied); None for the owner: nobody's shipment, no event."""
    text = ctx.doc.text
    sentence = ctx.sentences[si]
    for pattern in ct.doer_cues:
        cue = pattern.search(text, actor.end, sentence.end)
        if cue is None or not SUBJECT_GAP.fullmatch(text, actor.end, cue.start()):
            continue
        owners = [
            m
            for m in ctx.actors[si]
            if m.start >= cue.end() and m.match.side in ct.sides and m.match.name != actor.match.name
        ]
        return (owners[0] if owners else route_tied(ctx, si, ct, catch_all)), actor
    return None


# Where a place stands as the end of a route: entered, reached, the way in.
_ROUTE_ENDS = frozenset({"in", "entered", "destination", "heading"})


def route_tied(ctx, si: int, ct: CompiledType, catch_all: dict) -> Mention | None:
    """The unidentified force of a route the codebook ties to a side ("weapons trucked from Iraq
    into Syria"): the sentence names no force, but it carries the goods from a place of the
    route's first country to one of its second. The mention spans the route, which is what
    says whose the shipment is."""
    if not ct.route_ties:
        return None
    sentence = ctx.sentences[si]
    roles = roles_of(ctx, si)
    for tie in ct.route_ties:
        fallback = catch_all.get(tie.side)
        if fallback is None or not tie.goods.search(ctx.doc.text, sentence.start, sentence.end):
            continue
        leaves = [r.mention for r in roles if r.role == "origin" and r.mention.match.place.country == tie.from_country]
        enters = [r.mention for r in roles if r.role in _ROUTE_ENDS and r.mention.match.place.country == tie.to_country]
        if leaves and enters:
            start, end = min(leaves[0].start, enters[0].start), max(leaves[0].end, enters[0].end)
            return Mention(start, end, fallback)
    return None


def put_actors(draft: Draft, actor: Mention, assoc: list[Mention], plans: dict) -> None:
    if "actor1" in plans:
        draft.put("actor1", actor.match.name, [actor.span], detail=None if actor.match.how != "fuzzy" else "fuzzy")
    if assoc and "assoc_actor_1" in plans:
        draft.put("assoc_actor_1", [m.match.name for m in assoc], [m.span for m in assoc])


def event_date(ctx, si: int, trig: tuple[int, int], actor: str) -> DateResolution | None:
    """The day of the event a trigger in sentence si reports, for actor1 `actor`: the sentence's date
    nearest the trigger, else one a few sentences back that no other named force holds, else none."""
    here = _event_dates(ctx, si)
    if here:
        return min(here, key=lambda d: abs(d.start - trig[0]))
    if ctx.dates[si]:
        # Only the day the source spoke: the event itself is undated (reported-date
        # convention), not dated by an earlier sentence.
        return None
    # A date a few sentences back still governs ("On Monday... The convoy...");
    # one from the top of a long article is another occasion.
    for back in ctx.back(si):
        if ctx.dates[back]:
            named = {m.match.name for m in ctx.actors[back] if not is_generic(m.match)}
            if named and actor not in named:
                # "On Friday Hezbollah emptied its sites in Beirut. The factions in Deir
                # ez-Zor recalled their men": that day is another force's.
                return None
            usable = _event_dates(ctx, back)
            return usable[-1] if usable else None
    return None


def _event_dates(ctx, si: int) -> list[DateResolution]:
    """The sentence's dates but the days a source spoke ("reported on November 21 that..."); the
    sentences before are asked again by the triggers after (ctx.memo)."""
    start = ctx.sentences[si].start
    return ctx.memo("dates", si, lambda: [d for d in ctx.dates[si] if not spoken_on(ctx.doc.text, start, d.start)])


def fill_date(
    draft: Draft, when, plans: dict, published=None, *, year_only: bool = False, day_named: bool = False
) -> None:
    """The date the text gives, else ACLED's reported-date convention: news with no date of its
    own ("recently", or none at all) is coded to the publication date, precision 2 (the week).
    An event the text puts in a year and no finer ("in 2019") is not news of the week: undated.
    `day_named`: the sentence names a day that only a publication date would resolve ("on Monday"
    in a document that has none): the text did date it, so it is not marked down."""
    if when is not None and "event_date" in plans:
        draft.put("event_date", when.iso, [(when.start, when.end)])
        draft.derive("time_precision", when.precision)
        return
    if not (day_named and published is None):
        draft.adjust("no date in the text", -0.05)
    if published is not None and not year_only and "event_date" in plans:
        draft.fields.update(reported_date(published))


def fill_type_fields(
    draft: Draft,
    normalizer: Normalizer,
    ct: CompiledType,
    lo: int,
    hi: int,
    trig: tuple[int, int],
    tribal: list[Mention],
    enum_near,
    words: frozenset[str] | None = None,
) -> bool:
    """Enums from their lexicons, flags (seized), tribe names. True when a flag was raised.
    `words`: words_of(text, lo, hi), which rule most lexicon cues out without a search."""
    text = draft.text
    flagged = False
    for plan in ct.typed_plans:  # ct.plans but those filled elsewhere (most)
        if plan.how == "enum":
            found = normalizer.enum_mentions(plan.spec, text, lo, hi, words)
            if not found and plan.spec.required:
                found = enum_near(plan)
                if found:
                    draft.adjust(f"{plan.name} from a neighbouring sentence", -0.05)
                else:
                    draft.adjust(f"required {plan.name} not found", -0.15)
            if found:
                if plan.spec.type == "list":
                    draft.put(plan.name, [v for v, _, _ in found], [(a, b) for _, a, b in found])
                else:
                    v, a, b = min(found, key=lambda f: abs(f[1] - trig[0]))
                    draft.put(plan.name, v, [(a, b)])
        elif plan.how == "flag" and plan.flag_re is not None:
            m = plan.flag_re.search(text, lo, hi)
            if m:
                draft.put(plan.name, True, [(m.start(), m.end())])
                flagged = True
        elif plan.how == "tribal_names" and tribal:
            draft.put(plan.name, [text[m.start : m.end] for m in tribal], [m.span for m in tribal])
    return flagged


def sentence_money(ct: CompiledType, text: str, lo: int, hi: int) -> list[Any]:
    """The sums of money in text[lo:hi], for a type with money fields (none asked otherwise): read once,
    by the counts (a sum is no count) and by the money fields."""
    if not ct.has_money:
        return []
    return find_money(text, lo, hi)


def fill_counts(
    draft: Draft,
    ct: CompiledType,
    lo: int,
    hi: int,
    skip: list[tuple[int, int]],
    money: Sequence[Any] = (),
    folded: str | None = None,
    numbers: list | None = None,
) -> None:
    """Counts of the sentence's numbers, but those of dates (`skip`) and of its sums of money
    (`money`: "salaries of 350,000 pounds per member" counts no members). `folded`:
    folded_text(draft.text), if at hand; `numbers`: find_numbers of the sentence, if at hand."""
    if numbers is None:
        numbers = find_numbers(draft.text, lo, hi, folded)
    if numbers and money:
        skip = [*skip, *((m.start, m.end) for m in money)]
    for name, number in count_fields(draft.text, numbers, ct.plans, skip).items():
        draft.put(name, number.int_value, [(number.start, number.end)])


def fill_money(draft: Draft, ct: CompiledType, money: Sequence[Any], nearby: list[tuple[int, int]] = ()) -> None:
    """Amount, currency and period from the trigger's sentence (`money`: sentence_money), else the
    sentence after or before it ("Hezbollah recruited 50 young men. Each is paid $200 a month.")."""
    if not ct.has_money:
        return
    for a, b in nearby:
        if money:
            break
        money = find_money(draft.text, a, b)
        if money:
            draft.adjust("salary from a neighbouring sentence", -0.05)
    if not money:
        return
    m = money[0]
    for plan in ct.plans:
        if plan.how == "amount":
            draft.put(plan.name, m.amount, [(m.start, m.end)])
        elif plan.how == "currency" and m.currency in (plan.spec.values or []):
            draft.put(plan.name, m.currency, [(m.start, m.end)])
        elif plan.how == "period" and m.period in (plan.spec.values or []):
            draft.put(plan.name, m.period, [(m.start, m.end)])


def fill_counterpart(draft: Draft, second: list[Mention], plans: dict) -> None:
    """actor2 (the tribes courted, the force that seized) and the others beside it."""
    if not second or "actor2" not in plans:
        return
    draft.put("actor2", second[0].match.name, [second[0].span])
    if len(second) > 1 and "assoc_actor_2" in plans:
        rest = [m for m in second[1:] if m.match.name != second[0].match.name]
        if rest:
            draft.put("assoc_actor_2", sorted({m.match.name for m in rest}), [m.span for m in rest])


def events_at(draft: Draft, ct: CompiledType, locations: list, near: bool, evidence: Span) -> list[Event]:
    """One event per location, each with its own location, geo precision and place roles."""
    events = []
    # "reached X and Y": one event each, and neither town is the other's destination.
    listed = {place.mention.match.name for place in locations}
    confidence = draft.confidence
    for place in locations:
        fields = dict(draft.fields)
        match = place.mention.match
        fields["location"] = FieldValue.found(
            match.name,
            [Span.found(draft.text, *place.mention.span)],
            detail=match.how if match.how in SHOWN_HOW else None,
        )
        if near or place.role == "near":
            fields["geo_precision"] = FieldValue.found(max(2, match.geo_precision), alignment=Alignment.derived)
        for name in ("origin", "destination"):
            if name in fields and fields[name].value in listed:
                del fields[name]
        events.append(
            Event.found(
                ct.id,
                fields,
                confidence,
                [evidence],
                [ConfidenceReason.found(r, round(d, 2)) for r, d in draft.reasons],
            )
        )
    return events
