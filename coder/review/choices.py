"""The other names a reviewer may put in an actor or place field: those the text gives, nearest
the event's evidence first (`o` in the app, `o FIELD [N]` in plain mode).

Picking one is an ordinary edit whose evidence is that mention, so it is logged, undone and
exported like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..normalize import Normalizer
from ..normalize.nearby import other_names
from .core import Outcome, ReviewSession
from .values import DecisionError

# The field offered when the highlighted one takes no names (the evidence row, a date...).
DEFAULT_FIELD = "location"
_CONTEXT = 36  # characters shown on each side of a mention


@dataclass(frozen=True)
class Choice:
    name: str
    start: int
    end: int
    context: str  # the mention in its words, on one line

    @property
    def span(self) -> tuple[int, int]:
        return self.start, self.end


def choice_field(session: ReviewSession, doc_id: str, event_id: str, field: str | None) -> str:
    """`field` when it takes actor or place names for this event's type, else the location."""
    fields = session.codebook.fields_for(session.locate(doc_id, event_id)[1].event.type)
    spec = fields.get(field) if field else None
    if spec is not None and spec.normalize in ("actor", "place"):
        return field  # type: ignore[return-value]
    if DEFAULT_FIELD in fields:
        return DEFAULT_FIELD
    raise DecisionError(f"{field or 'this field'} takes no actor or place names; highlight one that does")


def name_choices(session: ReviewSession, doc_id: str, event_id: str, field: str) -> list[Choice]:
    """The names of the field's kind the text gives, nearest the event's evidence first, the
    field's present value left out."""
    doc, state = session.locate(doc_id, event_id)
    spec = session.codebook.fields_for(state.event.type).get(field)
    if spec is None or spec.normalize not in ("actor", "place"):
        raise DecisionError(f"{field} takes no actor or place names")
    found = other_names(Normalizer(session.codebook), doc.text, state.event, field, spec.normalize)
    return [Choice(n.name, n.start, n.end, _context(doc.text, n.start, n.end)) for n in found]


def choose(session: ReviewSession, doc_id: str, event_id: str, field: str, choice: Choice) -> Outcome:
    """Put the chosen name in the field with its mention as the evidence. A list field gains the
    name, and its evidence is looked for item by item (one span would stand for all of them)."""
    present = session.locate(doc_id, event_id)[1].event.value(field)
    if isinstance(present, list):
        return session.edit(doc_id, event_id, field, ", ".join([*present, choice.name]))
    return session.edit(doc_id, event_id, field, choice.name, span=choice.span)


def _context(text: str, start: int, end: int) -> str:
    left = max(0, start - _CONTEXT)
    right = min(len(text), end + _CONTEXT)
    words = text[left:right]
    return " ".join((("…" if left else "") + words + ("…" if right < len(text) else "")).split())
