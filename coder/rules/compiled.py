"""The codebook, compiled once into what the rule coder matches.

Everything type-specific the offline coder knows is read here from the
codebook: trigger vocabulary and its `requires` cues, the exclusion rules an
event type lists, the sides whose actors count, and a plan for each field
(how to fill it: actor, place, date, number, money, enum lexicon, boolean).
Adding an event type to the codebook is enough for it to be coded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..codebook.model import Codebook, EventType, FieldSpec, Trigger

# Fields the coder never fills from a sentence: looked up (derived) or written
# from the values (notes).
_NOT_FROM_TEXT = {"notes", "fatalities"}

# English words that never tell one count from another.
_STOP = frozenset("""
the a an of in on at to for from and or with by as is are was were be been this that these those it its their
number numbers reported report text field value values lowest figure when range given stated what which who
if any where how much many per each kind length
""".split())

# Word classes for the noun a number counts: general English, not event knowledge.
PEOPLE = frozenset("""fighters fighter members member militiamen militiaman men man recruits recruit troops soldiers
soldier elements element children child youths youth civilians civilian persons person people gunmen boys
volunteers personnel tribesmen women students""".split())
VEHICLES = frozenset("""vehicles vehicle trucks truck tankers tanker cars car pickups pickup buses bus lorries lorry
vans van jeeps jeep trailers trailer""".split())


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

    @classmethod
    def of(cls, trigger: Trigger) -> "CompiledTrigger":
        return cls(_word_re(trigger.pattern, trigger.kind), trigger.weight,
                   [re.compile(r, re.I) for r in trigger.requires], trigger.meaning, trigger.subject == "any")


@dataclass
class CompiledRule:
    id: str
    cues: re.Pattern
    scope: str


@dataclass
class FieldPlan:
    name: str
    spec: FieldSpec
    how: str                      # actor | place | date | count | amount | currency | period | enum | flag | skip
    keywords: frozenset[str] = frozenset()
    flag_re: re.Pattern | None = None


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return word


def _keywords(name: str, spec: FieldSpec) -> frozenset[str]:
    words = re.findall(r"[a-z]+", (name.replace("_", " ") + " " + spec.description).lower())
    kept = {_singular(w) for w in words if len(w) > 2 and w not in _STOP}
    # Word classes: a field about fighters also counts members and militiamen.
    if kept & {_singular(w) for w in PEOPLE}:
        kept |= {_singular(w) for w in PEOPLE}
    if kept & {_singular(w) for w in VEHICLES}:
        kept |= {_singular(w) for w in VEHICLES}
    kept.discard("count")
    return frozenset(kept)


def _plan(name: str, spec: FieldSpec) -> FieldPlan:
    if name in _NOT_FROM_TEXT or spec.derived_from:
        return FieldPlan(name, spec, "skip")
    if spec.normalize in ("actor", "place", "date"):
        return FieldPlan(name, spec, spec.normalize)
    if spec.type == "integer":
        return FieldPlan(name, spec, "count", _keywords(name, spec))
    if spec.type == "number" and name.endswith("_amount"):
        return FieldPlan(name, spec, "amount")
    if spec.is_enum and name.endswith("_currency"):
        return FieldPlan(name, spec, "currency")
    if spec.is_enum and name.endswith("_period"):
        return FieldPlan(name, spec, "period")
    if spec.is_enum:
        return FieldPlan(name, spec, "enum")
    if spec.type == "boolean":
        # "True if the shipment was seized or intercepted": the participles of
        # the description are the cues.
        verbs = [w for w in re.findall(r"[a-z]+", spec.description.lower()) if w.endswith("ed") and len(w) > 4]
        if verbs:
            return FieldPlan(name, spec, "flag", flag_re=re.compile(r"\b(" + "|".join(verbs) + r")\b", re.I))
    if spec.type == "list" and re.search(r"\b(tribes?|clans?)\b", spec.description, re.I):
        return FieldPlan(name, spec, "tribal_names")
    return FieldPlan(name, spec, "skip")


@dataclass
class CompiledType:
    et: EventType
    triggers: list[CompiledTrigger]
    rules: list[CompiledRule]
    sides: frozenset[str]
    plans: list[FieldPlan] = field(default_factory=list)
    # (type it yields to, cue that keeps it anyway): see YieldRule.
    yields: list[tuple[str, re.Pattern | None]] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.et.id


def compile_codebook(codebook: Codebook) -> list[CompiledType]:
    rules = {
        r.id: CompiledRule(r.id, re.compile("|".join(f"(?:{c})" for c in r.cues), re.I), r.scope)
        for r in codebook.exclusion_rules
    }
    out = []
    for et in codebook.event_types:
        fields = codebook.fields_for(et.id)
        out.append(CompiledType(
            et=et,
            triggers=[CompiledTrigger.of(t) for t in et.triggers],
            rules=[rules[r] for r in et.exclusion_rules if r in rules],
            sides=frozenset(et.actor_sides),
            plans=[_plan(name, spec) for name, spec in fields.items()],
            yields=[(y.type, re.compile("|".join(f"(?:{c})" for c in y.unless), re.I) if y.unless else None)
                    for y in et.yields_to],
        ))
    return out
