"""The ACLED-style notes sentence, from the event type's template and the values.

A placeholder without a value takes its phrase with it: "(from {origin})"
disappears when there is no origin, "On {event_date}, " when there is no date,
so the sentence stays neutral and never states what the text did not say.

Core, not the rule coder's: the review and the exports regenerate notes after
every change of a value (`fresh_notes`), and must not import the rule coder.
"""

from __future__ import annotations

import re
from functools import lru_cache
from operator import itemgetter
from typing import Any

from .codebook.model import Codebook, EventType
from .models import Alignment, Event, FieldValue

_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def _text(value: Any) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ") if not isinstance(value, str) or " " in value else value.replace("_", " ")


_RUNS_OF_SPACES = re.compile(r"\s{2,}")
_SPACE_BEFORE_MARK = re.compile(r"\s+([,.)])")
# The replacement r"\1" as a function: re hands a template with a group reference to Python code
# (re._subx, its cache keyed by the pattern, whose hash covers its whole code) on every call.
_MARK = itemgetter(1)


@lru_cache(maxsize=256)
def _fields_of(template: str) -> tuple[str, ...]:
    """EventType.template_fields, found once per template (notes are rendered for every event)."""
    return tuple(_PLACEHOLDER.findall(template))


def render_notes(et: EventType, event: Event) -> str:
    # Each placeholder's words, worked out once: the missing ones shape the template, the others fill it.
    fields = _fields_of(et.notes_template)
    texts = {name: _text(event.value(name)) for name in fields}
    template = _without(et.notes_template, tuple(name for name in fields if texts[name] is None))
    # The shape's text and placeholders, split once: a substitution calling back into Python for
    # every placeholder of every event cost more than the rest of the notes.
    parts = list(_pieces(template))
    for i in range(1, len(parts), 2):
        parts[i] = _filled(parts[i], texts, event)
    note = "".join(parts)
    note = _SPACE_BEFORE_MARK.sub(_MARK, _RUNS_OF_SPACES.sub(" ", note)).strip()
    return note[:1].upper() + note[1:]


@lru_cache(maxsize=2048)
def _pieces(template: str) -> tuple[str, ...]:
    """_PLACEHOLDER.split(template): its text and its placeholders' names in turn (text first and last)."""
    return tuple(_PLACEHOLDER.split(template))


def _filled(name: str, texts: dict[str, str | None], event: Event) -> str:
    text = texts[name] if name in texts else _text(event.value(name))
    return text or ""


@lru_cache(maxsize=2048)
def _without(template: str, missing: tuple[str, ...]) -> str:
    """The template with the phrases of its missing placeholders taken out. A type's notes have
    a handful of shapes (which fields are missing), so its up to four pattern
    substitutions per missing field, for every event, are done once per shape."""
    for name in missing:
        token = re.escape("{" + name + "}")
        # The bracketed phrase holding it, else the comma clause, else the word.
        for pattern in (
            r"\s*\([^()]*" + token + r"[^()]*\)",
            r"(?:^|(?<=[.;]\s))[^,.;{}]*" + token + r"[^,.;{}]*,\s*",
            r"\s*\b(?:in|at|from|to|of|through|with|on|by)\s+" + token,
            token,
        ):
            template, count = re.subn(pattern, "", template, count=1)
            if count:
                break
    return template


# The field details the review writes on what a reviewer set or re-anchored; read by the
# exports (coder.derived) to know which fields to derive again.
SET_BY_REVIEWER = "set by reviewer"
ANCHORED_BY_REVIEWER = "anchored by reviewer"
REVIEWER_DETAILS = (SET_BY_REVIEWER, ANCHORED_BY_REVIEWER)


def fresh_notes(codebook: Codebook, event: Event) -> FieldValue | None:
    """The notes the event's current values give, when they differ from its notes; None when
    they agree, the type has no notes field or template, or the reviewer wrote the notes."""
    try:
        et = codebook.event_type(event.type)
    except KeyError:
        return None
    if "notes" not in codebook.fields_for(event.type) or not et.notes_template:
        return None
    current = event.fields.get("notes")
    if current is not None and current.detail == SET_BY_REVIEWER:  # the reviewer's own words stay
        return None
    text = render_notes(et, event)
    if current is not None and current.value == text:
        return None
    return FieldValue(value=text, alignment=Alignment.none)
