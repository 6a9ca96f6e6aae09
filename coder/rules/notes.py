"""The ACLED-style notes sentence, from the event type's template and the values.

A placeholder without a value takes its phrase with it: "(from {origin})"
disappears when there is no origin, "On {event_date}, " when there is no date,
so the sentence stays neutral and never states what the text did not say.
"""

from __future__ import annotations

import re

from ..codebook.model import EventType
from ..models import Event

_PLACEHOLDER = re.compile(r"\{([a-zA-Z_][a-zA-Z0-9_]*)\}")


def _text(value) -> str | None:
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, list):
        return ", ".join(str(v).replace("_", " ") for v in value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).replace("_", " ") if not isinstance(value, str) or " " in value else value.replace("_", " ")


def render_notes(et: EventType, event: Event) -> str:
    template = et.notes_template
    missing = [name for name in et.template_fields() if _text(event.value(name)) is None]
    for name in missing:
        token = re.escape("{" + name + "}")
        # The bracketed phrase holding it, else the comma clause, else the word.
        for pattern in (r"\s*\([^()]*" + token + r"[^()]*\)",
                        r"(?:^|(?<=[.;]\s))[^,.;{}]*" + token + r"[^,.;{}]*,\s*",
                        r"\s*\b(?:in|at|from|to|of|through|with|on|by)\s+" + token,
                        token):
            template, count = re.subn(pattern, "", template, count=1)
            if count:
                break
    note = _PLACEHOLDER.sub(lambda m: _text(event.value(m.group(1))) or "", template)
    note = re.sub(r"\s+([,.)])", r"\1", re.sub(r"\s{2,}", " ", note)).strip()
    return note[:1].upper() + note[1:]
