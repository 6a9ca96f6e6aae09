"""The codebook, compiled once into what the rule coder matches.

Everything type-specific the offline coder knows is read here from the
codebook: trigger vocabulary and its `requires` cues, the exclusion rules an
event type lists, the sides whose actors count, and a plan for each field
from the role the codebook declares for it (actor, place, date, count of its
`counts` nouns, money, enum lexicon, flag cues).
Adding an event type to the codebook is enough for it to be coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

from ..codebook.model import Codebook, EventType, FieldSpec, RouteTie, Trigger
from ..codebook.vocabulary import group

# Fields the coder never fills from a sentence: looked up (derived) or written
# from the values (notes).
_NOT_FROM_TEXT = {"notes", "fatalities"}


def any_of(cues: list[str]) -> re.Pattern:
    """One case-blind pattern matching wherever any of the cues does."""
    return re.compile("|".join(f"(?:{c})" for c in cues), re.I)


def _word_re(pattern: str, kind: str) -> re.Pattern:
    if kind == "regex":
        return re.compile(pattern, re.I)
    body = r"[\s\-]+".join(re.escape(p) for p in pattern.split())
    return re.compile(r"\b" + body + r"\b", re.I)


@dataclass
class CompiledTrigger:
    pattern: re.Pattern
    weight: float
    requires: list[re.Pattern]
    meaning: str
    any_subject: bool = False
    object_moves: bool = False
    # The requires (by index) that ask for a force word ("{force}"): a force the dictionary names
    # meets them too ("Hezbollah arrived in al-Qusayr" needs no "fighters").
    force_requires: frozenset[int] = frozenset()

    @classmethod
    def of(cls, trigger: Trigger, force_words: str | None = None) -> CompiledTrigger:
        return cls(
            _word_re(trigger.pattern, trigger.kind),
            trigger.weight,
            [re.compile(r, re.I) for r in trigger.requires],
            trigger.meaning,
            trigger.subject == "any",
            trigger.mover == "object",
            frozenset(i for i, r in enumerate(trigger.requires) if force_words and force_words in r),
        )


@dataclass
class CompiledRule:
    id: str
    cues: re.Pattern
    scope: str
    unless: re.Pattern | None = None  # cues that lift the rule where they stand
    opening: bool = False  # see ExclusionRule.opening


@dataclass
class FieldPlan:
    name: str
    spec: FieldSpec
    how: str  # actor | place | date | count | amount | currency | period | enum | flag | skip
    keywords: frozenset[str] = frozenset()
    flag_re: re.Pattern | None = None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _plan(name: str, spec: FieldSpec) -> FieldPlan:
    """How the field is filled, as the codebook declares it (`role`, `counts`, `cues`)."""
    if name in _NOT_FROM_TEXT or spec.derived_from or spec.role == "none":
        return FieldPlan(name, spec, "skip")
    if spec.role == "count":
        return FieldPlan(name, spec, "count", frozenset(_singular(w.lower()) for w in spec.counts))
    if spec.role == "flag":
        return FieldPlan(name, spec, "flag", flag_re=any_of(spec.cues))
    return FieldPlan(name, spec, spec.role)


@dataclass
class CompiledRouteTie:
    """A RouteTie with its goods as one pattern of their lexicon words."""

    from_country: str
    to_country: str
    goods: re.Pattern
    side: str


def _route_tie(tie: RouteTie, fields: dict[str, FieldSpec]) -> CompiledRouteTie:
    words = [w for spec in fields.values() if spec.lexicon for v in tie.goods for w in spec.lexicon.get(v, ())]
    words += tie.goods  # a value is its own word ("weapons") even where the lexicon leaves it out
    body = "|".join(r"[\s\-]+".join(map(re.escape, w.split())) for w in sorted(set(words), key=len, reverse=True))
    return CompiledRouteTie(tie.from_country, tie.to_country, re.compile(rf"\b(?:{body})\b", re.I), tie.side)


@dataclass
class CompiledType:
    et: EventType
    triggers: list[CompiledTrigger]
    rules: list[CompiledRule]
    sides: frozenset[str]
    plans: list[FieldPlan] = field(default_factory=list)
    # (type it yields to, cue that keeps it anyway): see YieldRule.
    yields: list[tuple[str, re.Pattern | None]] = field(default_factory=list)
    route_ties: list[CompiledRouteTie] = field(default_factory=list)
    headline_words: re.Pattern | None = None  # see EventType.headline_words
    # (type whose events carry this type's goods, the cargo cues): see CargoRule.
    cargo: list[tuple[str, re.Pattern]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.et.id

    # What each trigger asks of the plans, listed once per compiled type (they never change).
    @cached_property
    def doer_cues(self) -> list[re.Pattern]:
        """The cues of the flags that say who does them (`done_by`: the seizing force)."""
        return [p.flag_re for p in self.plans if p.how == "flag" and p.flag_re and p.spec.done_by]

    @cached_property
    def has_money(self) -> bool:
        return any(p.how in ("amount", "currency", "period") for p in self.plans)

    @cached_property
    def typed_plans(self) -> list[FieldPlan]:
        """The enum, flag and tribal-names plans, in order (fill_type_fields fills only these)."""
        return [p for p in self.plans if p.how in ("enum", "flag", "tribal_names")]


def compile_codebook(codebook: Codebook) -> list[CompiledType]:
    rules = {
        r.id: CompiledRule(r.id, any_of(r.cues), r.scope, any_of(r.unless) if r.unless else None, r.opening)
        for r in codebook.exclusion_rules
    }
    # `{force}` as loading expanded it (codebook/vocabulary.py)
    force_words = group(codebook.vocabulary["force"]) if "force" in codebook.vocabulary else None
    out = []
    for et in codebook.event_types:
        fields = codebook.fields_for(et.id)
        out.append(
            CompiledType(
                et=et,
                triggers=[CompiledTrigger.of(t, force_words) for t in et.triggers],
                rules=[rules[r] for r in et.exclusion_rules if r in rules],
                sides=frozenset(et.actor_sides),
                plans=[_plan(name, spec) for name, spec in fields.items()],
                yields=[(y.type, any_of(y.unless) if y.unless else None) for y in et.yields_to],
                route_ties=[_route_tie(t, fields) for t in et.route_ties],
                headline_words=any_of(et.headline_words) if et.headline_words else None,
                cargo=[(c.type, any_of(c.cues)) for c in et.carried_in],
            )
        )
    return out
