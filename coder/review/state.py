"""Review state of documents and events, and how a logged decision changes it.

`apply` is the only code that changes review state. The live session and the
replay on load both go through it, so what the reviewer saw before a crash is
exactly what a reload rebuilds from the log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..models import CodedDocument, Event, FieldValue, Span

# Decision kinds. "edit", "retype" and "span" change an event's values.
# "comment" is a note on the whole document: it changes no event and decides nothing.
KINDS = ("accept", "reject", "edit", "retype", "span", "add", "done", "comment", "undo")
EDITS = {"edit", "retype", "span"}
STATUSES = ("unreviewed", "accepted", "rejected", "edited", "added")


@dataclass
class EventState:
    id: str  # "e1".. for proposals (source order), "n1".. for events the reviewer added
    event: Event
    decision: str | None = None  # "accepted" | "rejected"
    reason: str | None = None
    edited: bool = False
    added: bool = False

    @property
    def status(self) -> str:
        if self.decision is not None:
            return self.decision
        if self.added:
            return "added"
        return "edited" if self.edited else "unreviewed"

    @property
    def kept(self) -> bool:
        """Goes into the reviewed document: accepted, edited or added, and not rejected."""
        return self.status not in ("rejected", "unreviewed")


@dataclass
class DocState:
    coded: CodedDocument  # the proposals as loaded; never changed
    events: list[EventState] = field(default_factory=list)
    done: bool = False
    decided: int = 0  # active decisions in this document
    comment: str | None = None  # the reviewers' note on the document (the latest comment decision)

    @property
    def id(self) -> str:
        return self.coded.document.id

    @property
    def text(self) -> str:
        return self.coded.document.text

    def event(self, event_id: str) -> EventState | None:
        return next((e for e in self.events if e.id == event_id), None)

    @property
    def unreviewed(self) -> list[EventState]:
        return [e for e in self.events if e.status == "unreviewed"]

    @property
    def reviewed(self) -> bool:
        """Every event decided and something done here (or the document marked done)."""
        return self.done or (not self.unreviewed and self.decided > 0)

    def next_added_id(self, used: set[str]) -> str:
        n = 1
        while f"n{n}" in used:
            n += 1
        return f"n{n}"


def fresh(coded: CodedDocument) -> DocState:
    events = [EventState(f"e{i}", ev.model_copy(deep=True)) for i, ev in enumerate(coded.events, start=1)]
    return DocState(coded, events)


def dump_field(fv: FieldValue | None) -> dict | None:
    return None if fv is None else fv.model_dump(mode="json", exclude_none=True)


def apply(doc: DocState, event_id: str | None, kind: str, after: Any) -> None:
    """Change `doc` as the decision says. Raises KeyError for an unknown event."""
    if kind == "comment":
        # Not counted in `decided`: a comment alone does not make a document reviewed.
        doc.comment = (after or {}).get("comment") or None
        return
    doc.decided += 1
    if kind == "done":
        doc.done = bool(after.get("done", True))
        return
    if kind == "add":
        doc.events.append(EventState(event_id, Event.model_validate(after["event"]), added=True))
        return
    state = doc.event(event_id) if event_id is not None else None
    if state is None:
        raise KeyError(event_id)
    if kind in ("accept", "reject"):
        state.decision = after["decision"]
        state.reason = after.get("reason")
        return
    if kind in EDITS:
        state.edited = True
        if "type" in after:
            state.event.type = after["type"]
        if "evidence" in after:
            state.event.evidence = [Span.model_validate(s) for s in after["evidence"]]
        for name, value in (after.get("fields") or {}).items():
            if value is None:
                state.event.fields.pop(name, None)
            else:
                state.event.fields[name] = FieldValue.model_validate(value)
        return
    raise ValueError(f"unknown decision kind {kind!r}")
