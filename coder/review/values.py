"""Turning what a reviewer types into a codebook value, or a clear refusal.

Everything here is checked against the field's spec in the codebook: enum
choices, integer and number ranges, dates with their ACLED precision, and
canonical actor and place names. A refusal says what was wrong and, for names
and choices, which codebook values are closest (rapidfuzz), so a typo costs
one more keystroke rather than a trip to the YAML.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from rapidfuzz import fuzz, process

from ..codebook.model import Codebook, FieldSpec
from ..errors import CoderError


class DecisionError(CoderError, ValueError):
    """A decision the core refuses; the message is meant for the reviewer."""


@dataclass(frozen=True)
class Parsed:
    value: Any
    # For event_date: the ACLED time_precision the reviewer's notation implies.
    precision: int | None = None
    # "IRGC" was typed and "Islamic Revolutionary Guard Corps" stored: say so.
    note: str | None = None


def fold(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().replace("’", "'").split())


def closest(word: str, choices: list[str], limit: int = 3) -> list[str]:
    """The codebook names nearest to a typo, best first."""
    if not choices:
        return []
    found = process.extract(fold(word), {c: fold(c) for c in choices}, scorer=fuzz.WRatio, limit=limit)
    return [key for _, score, key in found if score >= 50] or [key for _, _, key in found[:1]]


def _suggest(kind: str, word: str, choices: list[str]) -> str:
    near = closest(word, choices)
    hint = f"; closest: {', '.join(near)}" if near else ""
    return f"{kind} {word!r} is not in the codebook{hint}"


class NameBook:
    """Canonical names and their aliases for actors and places, folded for lookup."""

    def __init__(self, codebook: Codebook):
        self.actor_names = [a.name for a in codebook.actors]
        self.place_names = [p.name for p in codebook.places]
        self.actors = {fold(n): a.name for a in codebook.actors for n in [a.name, *a.aliases]}
        self.places = {fold(n): p.name for p in codebook.places for n in [p.name, *p.variants]}
        self.actor_spellings = {a.name: [a.name, *a.aliases] for a in codebook.actors}
        self.place_spellings = {p.name: [p.name, *p.variants] for p in codebook.places}

    def canonical(self, kind: str, word: str) -> Parsed:
        table, names, label = (
            (self.actors, self.actor_names, "actor") if kind == "actor" else (self.places, self.place_names, "place")
        )
        name = table.get(fold(word))
        if name is None:
            raise DecisionError(_suggest(label, word, names))
        return Parsed(name, note=None if name == word else f"{word!r} is {name!r}")

    def spellings(self, kind: str, name: str) -> list[str]:
        return (self.actor_spellings if kind == "actor" else self.place_spellings).get(name, [name])


_WEEK = re.compile(r"^(\d{4})-W(\d{1,2})$", re.I)
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_EXPLICIT = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:/|~|\s)\s*([123])$")

DATE_HELP = (
    "a date is YYYY-MM-DD (the day is known), YYYY-Www (only the week: its Thursday is coded), "
    "YYYY-MM (only the month: the 15th is coded) or YYYY-MM-DD/P with P the time precision 1-3"
)


def parse_date(text: str) -> Parsed:
    """A date in one of the notations of DATE_HELP, with its ACLED time_precision."""
    text = text.strip()
    try:
        if m := _EXPLICIT.match(text):
            return Parsed(date.fromisoformat(m.group(1)).isoformat(), int(m.group(2)))
        if m := _WEEK.match(text):
            # ISO week: Monday of week W, plus three days (ACLED's middle of the week).
            monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
            return Parsed((monday + timedelta(days=3)).isoformat(), 2)
        if m := _MONTH.match(text):
            return Parsed(date(int(m.group(1)), int(m.group(2)), 15).isoformat(), 3)
        return Parsed(date.fromisoformat(text).isoformat(), 1)
    except ValueError:
        raise DecisionError(f"{text!r} is not a date: {DATE_HELP}") from None


_TRUE = {"true", "yes", "y", "1"}
_FALSE = {"false", "no", "n", "0"}


def _number(text: str, spec: FieldSpec, name: str, integer: bool) -> Any:
    cleaned = text.strip().replace(",", "").replace("_", "")
    try:
        value: Any = int(cleaned) if integer else float(cleaned)
    except ValueError:
        raise DecisionError(f"{name} takes {'a whole number' if integer else 'a number'}, not {text!r}") from None
    if not math.isfinite(value):
        raise DecisionError(f"{name} takes a finite number, not {text!r}")
    if spec.minimum is not None and value < spec.minimum:
        raise DecisionError(f"{name} must be at least {_fmt(spec.minimum)}, not {value}")
    if spec.maximum is not None and value > spec.maximum:
        raise DecisionError(f"{name} must be at most {_fmt(spec.maximum)}, not {value}")
    return value


def _fmt(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


def _enum(text: str, spec: FieldSpec, name: str) -> Any:
    choices = spec.values or []
    for choice in choices:
        if fold(str(choice)) == fold(text):
            return choice
    near = closest(text, [str(c) for c in choices])
    raise DecisionError(
        f"{name} is one of {', '.join(map(str, choices))}; {text!r} is not"
        + (f" (did you mean {near[0]}?)" if near else "")
    )


def split_list(text: str) -> list[str]:
    # Semicolons when any are present, so a name holding a comma can still be typed.
    sep = ";" if ";" in text else ","
    return [part.strip() for part in text.split(sep) if part.strip()]


def parse_value(name: str, spec: FieldSpec, text: str, names: NameBook) -> Parsed:
    """The value a reviewer typed for a field, checked against its spec."""
    text = text.strip()
    if spec.type == "list":
        items = split_list(text)
        notes = []
        values: list[Any] = []
        for item in items:
            if spec.items == "enum":
                values.append(_enum(item, spec, name))
            elif spec.normalize in ("actor", "place"):
                parsed = names.canonical(spec.normalize, item)
                values.append(parsed.value)
                if parsed.note:
                    notes.append(parsed.note)
            else:
                values.append(item)
        return Parsed(values, note="; ".join(notes) or None)
    if spec.type == "enum":
        return Parsed(_enum(text, spec, name))
    if spec.type == "integer":
        return Parsed(_number(text, spec, name, integer=True))
    if spec.type == "number":
        return Parsed(_number(text, spec, name, integer=False))
    if spec.type == "boolean":
        if text.lower() in _TRUE:
            return Parsed(True)
        if text.lower() in _FALSE:
            return Parsed(False)
        raise DecisionError(f"{name} is yes or no, not {text!r}")
    if spec.type == "date" or spec.normalize == "date":
        return parse_date(text)
    if spec.normalize in ("actor", "place"):
        return names.canonical(spec.normalize, text)
    return Parsed(text)


def format_value(value: Any) -> str:
    """A value as a reviewer would type it back (lists joined by commas)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)
