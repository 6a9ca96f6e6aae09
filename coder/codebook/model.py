"""The codebook as plain data: event types, fields, vocabulary, actors, places.

These models are the only description of what an event is. The JSON Schemas,
the LLM prompt, the offline coder's vocabulary and the review screen are all
derived from an instance of `Codebook`; nothing downstream restates a field.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from .patterns import backtracking_problem

FieldKind = Literal["string", "integer", "number", "boolean", "date", "enum", "list"]
ItemKind = Literal["string", "enum"]
Normalizer = Literal["actor", "place", "date", "none"]
Side = Literal[
    "iran_backed",
    "syrian_regime",
    "russia",
    "us_coalition",
    "sdf",
    "opposition",
    "isis",
    "tribal",
    "iraq_state",
    "civilian",
    "media",
    "other",
]
PlaceKind = Literal["town", "city", "village", "crossing", "camp", "oil_field", "region", "base", "area", "district"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


FieldRole = Literal[
    "none", "actor", "place", "date", "count", "amount", "currency", "period", "enum", "flag", "tribal_names"
]


class FieldSpec(Strict):
    """One field of an event: its type, meaning and evidence requirement."""

    type: FieldKind
    description: str
    required: bool = False
    grounded: bool = Field(True, description="Must the value be tied to a text span?")
    values: list[str | int] | None = Field(None, description="Allowed values for enum fields and enum lists.")
    items: ItemKind | None = Field(None, description="Item type of a list field.")
    minimum: float | None = None
    maximum: float | None = None
    default: Any = None
    normalize: Normalizer = "none"
    # Cue words that map text to an enum value ("petrol" -> fuel); the offline
    # coder reads them, the LLM prompt shows them as hints.
    lexicon: dict[str, list[str]] | None = None
    # For a derived field (country from a place, inter1 from an actor): the
    # field it is derived from, so the review screen can re-derive on edit.
    derived_from: str | None = None
    # What the field is to the offline coder, declared rather than guessed from its name:
    # actor, place (location, origin, destination, crossing: the field's name is the place's role),
    # date, count (of `counts`), amount, currency, period, enum (through `lexicon`), flag (set by
    # `cues`), tribal_names; none = left to the analyst or the LLM coder.
    role: FieldRole = "none"
    # A count's nouns: the number in "150 fighters" counts fighters ("150-strong" counts strong).
    counts: list[str] = Field(default_factory=list)
    # A flag's cues: "seized", "intercepted" set `seized`.
    cues: list[Pattern] = Field(default_factory=list)
    # For a flag: the actor field of the force that does what the cue says. The border guards that
    # seized a shipment are its actor2, never its actor1; the shipment's owner is actor1.
    done_by: str | None = None
    # Values that never share one incident with the listed others: a withdrawal and an arrival
    # told in one article are two movements, however close their places.
    apart: dict[str, list[str]] | None = None

    @model_validator(mode="after")
    def _consistent(self) -> FieldSpec:
        is_enum = self.type == "enum" or (self.type == "list" and self.items == "enum")
        if is_enum and not self.values:
            raise ValueError("an enum field needs 'values' (the allowed choices)")
        if not is_enum and self.values:
            raise ValueError("'values' is only allowed on enum fields and lists of enum")
        if self.type == "list" and self.items is None:
            raise ValueError("a list field needs 'items' (string or enum)")
        if self.type != "list" and self.items is not None:
            raise ValueError("'items' is only allowed on list fields")
        if self.role == "count" and not self.counts:
            raise ValueError("a count field needs 'counts' (the nouns its number counts, e.g. [fighters, members])")
        if self.role == "flag" and not self.cues:
            raise ValueError("a flag field needs 'cues' (the words that set it, e.g. ['\\bseized\\b'])")
        if self.done_by is not None and self.role != "flag":
            raise ValueError("'done_by' is only allowed on flag fields (role: flag)")
        if self.role == "enum" and not is_enum:
            raise ValueError("role 'enum' needs an enum field (type enum, or a list of enum)")
        if self.default is not None and is_enum:
            defaults = self.default if isinstance(self.default, list) else [self.default]
            bad = [d for d in defaults if d not in (self.values or [])]
            if bad:
                raise ValueError(f"default {bad[0]!r} is not one of the values {self.values}")
        if self.apart is not None:
            if not is_enum:
                raise ValueError("'apart' is only allowed on enum fields")
            bad = [v for k, vs in self.apart.items() for v in (k, *vs) if v not in (self.values or [])]
            if bad:
                raise ValueError(f"apart value {bad[0]!r} is not one of the values {self.values}")
        if self.lexicon is not None:
            if not is_enum:
                raise ValueError("'lexicon' is only allowed on enum fields")
            bad = [k for k in self.lexicon if k not in (self.values or [])]
            if bad:
                raise ValueError(f"lexicon key {bad[0]!r} is not one of the values {self.values}")
        return self

    @property
    def is_enum(self) -> bool:
        return self.type == "enum" or (self.type == "list" and self.items == "enum")


def _checked_pattern(pattern: str) -> str:
    """The pattern compiles and cannot backtrack catastrophically (see patterns.py).
    Checked per item, so a problem is reported at the line of that pattern."""
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"{pattern!r} is not a valid regular expression: {exc}") from None
    problem = backtracking_problem(pattern)
    if problem:
        raise ValueError(f"{pattern!r}: {problem}")
    return pattern


Pattern = Annotated[str, AfterValidator(_checked_pattern)]


class Trigger(Strict):
    """A word, phrase or regular expression that signals an event type."""

    pattern: str
    kind: Literal["word", "phrase", "regex"] = "word"
    meaning: str
    weight: float = Field(0.6, ge=0, le=1)
    # A trigger that only counts when a second cue is in the same sentence
    # ("arrived" is a movement only with fighters/convoy/reinforcements nearby).
    requires: list[Pattern] = Field(default_factory=list)
    # "coded": the force doing it must be of a side the type codes (a convoy of Russian vehicles is
    # not an Iran-backed movement); "any": another side usually does it (border guards seize a truck).
    subject: Literal["coded", "any"] = "coded"
    # "object": a verb that moves someone ("the IRGC sent the Fatemiyoun to Palmyra"): a named force
    # right after it is the one that acted (actor1), the subject who sent it is associated.
    mover: Literal["subject", "object"] = "subject"

    @model_validator(mode="after")
    def _compiles(self) -> Trigger:
        if self.kind == "regex":
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValueError(f"pattern is not a valid regular expression: {exc}") from None
            # A pattern that can hang the coder on one sentence is refused here, at load.
            problem = backtracking_problem(self.pattern)
            if problem:
                raise ValueError(f"pattern {self.pattern!r}: {problem}")
        return self


class Example(Strict):
    text: str
    code: bool = Field(description="True if the text must be coded as this type.")
    why: str


class AcledMapping(Strict):
    disorder_type: str
    event_type: str
    sub_event_type: str


class YieldRule(Strict):
    """This type is not coded from a passage that codes another type, unless a cue says both
    happened ("trucks of weapons crossed" is smuggling only; with fighters aboard, also a movement)."""

    type: str = Field(description="The event type that takes the passage.")
    unless: list[Pattern] = Field(default_factory=list, description="Cues in the passage that keep this type as well.")


class CargoRule(Strict):
    """A passage of another type whose vehicles carry these goods across a border is this type too:
    the manual's two types from one passage ("a convoy of fighters that brings weapons as cargo
    across a border is a troop movement and a smuggling event")."""

    type: str = Field(description="The event type whose vehicles carry the cargo.")
    cues: list[Pattern] = Field(min_length=1, description="The cargo as the text says it ('trucks carrying rockets').")


class RouteTie(Strict):
    """A shipment on one of these forces' supply routes is theirs even when no force is named:
    in this theatre weapons trucked from Iraq into Syria, or from Syria into Lebanon, are the
    Iran-backed corridor's (the definition's "tied to these forces or their routes")."""

    from_country: str = Field(alias="from", description="Country the goods leave (a place's `country`).")
    to_country: str = Field(alias="to", description="Country the goods enter.")
    goods: list[str] = Field(min_length=1, description="Values of the type's enum fields the shipment must carry.")
    side: Side = Field(default="iran_backed", description="The side whose unidentified actor is coded.")


class EventType(Strict):
    id: str
    label: str
    definition: str
    include: list[str]
    exclude: list[str]
    exclusion_rules: list[str] = Field(
        default_factory=list, description="Ids of codebook-level exclusion rules that apply."
    )
    actor_sides: list[Side] = Field(
        # mypy reads the lambda's list as list[str], not list[Side].
        default_factory=lambda: ["iran_backed"],  # type: ignore[arg-type]
        description="Sides whose activity is coded.",
    )
    examples: list[Example]
    acled: AcledMapping
    fields: dict[str, FieldSpec]
    triggers: list[Trigger]
    # The ACLED-style notes sentence; {field} placeholders must name fields.
    notes_template: str
    # Fields shown first on a review card and in the pretty table.
    key_fields: list[str] = Field(default_factory=list)
    yields_to: list[YieldRule] = Field(default_factory=list)
    route_ties: list[RouteTie] = Field(default_factory=list)
    carried_in: list[CargoRule] = Field(default_factory=list)
    headline_words: list[Pattern] = Field(
        default_factory=list,
        description="Words by which a title names this type (its present tense, the goods, the people "
        "enlisted): when the body tells an event of the type, a headline holding one joins its evidence. "
        "They never code an event by themselves.",
    )
    colour: str = "cyan"

    def template_fields(self) -> list[str]:
        return re.findall(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}", self.notes_template)

    @field_validator("id")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError("an event type id is lower_snake_case, e.g. troop_movement")
        return v


class UncodedKind(Strict):
    """A kind of event the articles report that the codebook does not code (an airstrike, a
    clash). Coders list its mentions as diagnostics, so a reviewer sees why nothing was coded."""

    id: str
    description: str
    cues: list[Pattern] = Field(description="Regular expressions that mark a mention of this kind.")


class ExclusionRule(Strict):
    """Negative evidence: language that means an event did not (yet) happen."""

    id: str
    description: str
    cues: list[Pattern] = Field(description="Regular expressions searched in the trigger's sentence.")
    scope: Literal["sentence", "clause"] = "clause"
    unless: list[Pattern] = Field(
        default_factory=list,
        description="Cues in the same scope under which the rule does not apply (fighters aboard the cargo trucks).",
    )
    opening: bool = Field(
        False,
        description="A cue in the short adverbial that opens the sentence ('In recent years, ...') applies to "
        "every clause after it, not only its own.",
    )


class Actor(Strict):
    name: str
    aliases: list[str] = Field(default_factory=list)
    inter: int = Field(ge=1, le=8)
    affiliation: str
    side: Side
    description: str = ""
    # The name ACLED's own data uses for this actor, when it differs from `name`
    # (exports can carry it so users join on ACLED's actor names).
    acled_name: str | None = None


_AIRFIELD_WORDS = ("airbase", "air base", "airport", "military airport", "military airbase", "airfield")
_AIRFIELD_SUFFIX = re.compile(r"\s(?:military\s+)?(?:airbase|air base|airport|airfield|air field)$", re.I)


class Place(Strict):
    name: str
    variants: list[str] = Field(default_factory=list)
    country: str
    admin1: str | None = None
    admin2: str | None = None
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    kind: PlaceKind
    geonames_id: int | None = None
    # ACLED's location name where it differs from `name` (Tadmor for Palmyra); `name`
    # stays the canonical value and every spelling remains a variant.
    acled_name: str | None = None
    # A place the text presents as one ("the village of X") that no gazetteer tier knows:
    # kept as written, with admin areas and coordinates of the nearest known place.
    unverified: bool = False

    @property
    def is_country(self) -> bool:
        """The gazetteer's entry for a whole country ("Syria"), a region named as its country."""
        return self.kind == "region" and self.name == self.country

    @model_validator(mode="after")
    def _airfield_spellings(self) -> Place:
        # Reports call one airbase an airport, an air base or a military airport at will
        # ("the T-4 military airport"); the gazetteer lists each base once.
        if self.kind != "base":
            return self
        spellings = [self.name, *self.variants]
        known = {s.casefold() for s in spellings}
        for spelling in spellings:
            m = _AIRFIELD_SUFFIX.search(spelling)
            if m is None:
                continue
            stem = spelling[: m.start()].rstrip()
            for word in _AIRFIELD_WORDS:
                variant = f"{stem} {word}"
                if variant.casefold() not in known:
                    known.add(variant.casefold())
                    self.variants.append(variant)
        return self


def is_catch_all(name: str) -> bool:
    # The dictionary names its catch-all entries "(unidentified)".
    return "unidentified" in name.casefold()


class Codebook(Strict):
    version: str
    name: str
    description: str
    shared_fields: dict[str, FieldSpec]
    exclusion_rules: list[ExclusionRule]
    uncoded_kinds: list[UncodedKind] = Field(default_factory=list)
    # Word lists patterns share as `{name}` (already expanded in every pattern; kept for display).
    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    event_types: list[EventType]
    actors: list[Actor]
    places: list[Place]

    def event_type(self, type_id: str) -> EventType:
        for et in self.event_types:
            if et.id == type_id:
                return et
        raise KeyError(type_id)

    @property
    def type_ids(self) -> list[str]:
        return [et.id for et in self.event_types]

    def fields_for(self, type_id: str) -> dict[str, FieldSpec]:
        """Shared fields first, then the type's own, in codebook order."""
        return {**self.shared_fields, **self.event_type(type_id).fields}

    def field_spec(self, type_id: str, field: str) -> FieldSpec | None:
        return self.fields_for(type_id).get(field)

    def catch_all(self, side: str) -> Actor | None:
        """The side's actor for forces the source does not name ("... (unidentified)")."""
        return next((a for a in self.actors if a.side == side and is_catch_all(a.name)), None)

    def exclusion_rule(self, rule_id: str) -> ExclusionRule:
        for rule in self.exclusion_rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
