"""Re-attaching review decisions to their events by identity after re-coding.

A decision is taken on the event the reviewer sees at a position (e3), but the
position is only where the coder happened to list it: after re-coding under a
changed codebook (or a coder that finds one more event) e3 may be another event
altogether, and replaying by position would accept, edit or reject the wrong one.
So the log stores each decision's event identity (`Event.id`, from the document
and the event's trigger words, see `coder.models.assign_event_ids`), and on load:

- a decision whose event is still proposed is applied to it, wherever it now is;
- a decision whose event is no longer proposed is *orphaned*: kept in the log
  (nothing is deleted), not applied, and reported so the reviewer can redo it;
- decisions that name no proposed event (added events n1.., "document done")
  and decisions from logs older than event identities pass through unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..models import CodedDocument, assign_event_ids
from .log import Decision


@dataclass
class Attachment:
    """Positions and identities of the proposals one review session works on."""

    proposals: Iterable[CodedDocument] | None
    orphaned: list[Decision] = field(default_factory=list)
    moved: list[tuple[Decision, str]] = field(default_factory=list)  # (as stored, position now)
    legacy: int = 0  # decisions with no stored identity, replayed by position
    _key: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)
    _position: dict[tuple[str, str], str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for coded in self.proposals or ():
            doc_id = coded.document.id
            assign_event_ids(coded.document, coded.events)
            for n, event in enumerate(coded.events, start=1):
                key = event.id or ""  # assign_event_ids gave every event one
                # Same numbering as the review state (coder.review.state.fresh): e1, e2...
                self._key[(doc_id, f"e{n}")] = key
                self._position.setdefault((doc_id, key), f"e{n}")
        self.proposals = None  # the positions are all we keep

    def key_of(self, document: str, event: str | None) -> str | None:
        """The identity of the proposed event at this position (None: not a proposal)."""
        return self._key.get((document, event)) if event else None

    def reattach(self, decisions: list[Decision]) -> list[Decision]:
        """The decisions to replay, each on its event's current position; orphans left out."""
        self.orphaned, self.moved, self.legacy = [], [], 0
        documents = {doc for doc, _ in self._key} | {doc for doc, _ in self._position}
        out = []
        for d in decisions:
            if d.event_key is None or d.document not in documents:
                # Added events and document-wide decisions carry no identity; a missing document is
                # reported by the session itself. Old logs: position is all they have.
                self.legacy += d.event_key is None and d.event is not None and d.event.startswith("e")
                out.append(d)
                continue
            now = self._position.get((d.document, d.event_key))
            if now is None:
                self.orphaned.append(d)
            elif now != d.event:
                self.moved.append((d, now))
                out.append(replace(d, event=now))
            else:
                out.append(d)
        return out

    def report(self) -> list[str]:
        """Lines for the reviewer: orphaned decisions one by one, moved ones counted."""
        lines = []
        if self.orphaned:
            lines.append(
                f"{len(self.orphaned)} review decision(s) orphaned: their event is no longer proposed "
                "(re-coded with another codebook or coder?); kept in the log, not applied:"
            )
            for d in self.orphaned[:50]:
                lines.append(
                    f"  decision {d.id} ({d.kind}, {d.reviewer}, {d.at}) on {d.document} event {d.event} "
                    f"[{d.event_key}]{_summary(d)}"
                )
            if len(self.orphaned) > 50:
                lines.append(f"  ... and {len(self.orphaned) - 50} more")
        if self.moved:
            lines.append(
                f"{len(self.moved)} review decision(s) re-attached to their event at a new position "
                "(the events were re-numbered by re-coding)"
            )
        if self.legacy:
            lines.append(f"{self.legacy} review decision(s) predate event identities and are replayed by position")
        return lines


def _summary(d: Decision) -> str:
    after = d.after if isinstance(d.after, dict) else {}
    if d.kind == "reject" and after.get("reason"):
        return f": rejected ({after['reason']})"
    if d.kind == "edit" and after.get("fields"):
        return ": set " + ", ".join(f"{k}={(v or {}).get('value')!r}" for k, v in after["fields"].items())
    return ""
