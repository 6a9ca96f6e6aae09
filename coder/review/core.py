"""The review core: proposals, decisions, undo and replay, with no screen in sight.

    session = open_session("coded.jsonl", reviewer="maya")
    doc = session.docs[0]
    session.accept(doc.id, "e1")
    session.edit(doc.id, "e2", "location", "Albukamal")       # stored as "Al Bukamal", coordinates follow
    session.reject(doc.id, "e3", "planned, not carried out")
    session.undo()

Each method checks the decision completely, writes it to the log (committed)
and only then changes the state in memory; a refused decision raises
DecisionError with a message for the reviewer and changes nothing. Both the
Textual app and the plain prompt mode are thin layers over this class.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..codebook.model import Codebook, FieldSpec
from ..models import Alignment, CodedDocument, CoderInfo, Event, FieldValue, Span
from ..notes import ANCHORED_BY_REVIEWER, SET_BY_REVIEWER, fresh_notes
from .derive import contradictions, rederive
from .evidence import anchor_of, find_evidence
from .log import Decision, DecisionLog
from .sources import Filter, parse_filter, visible_events
from .state import DocState, EventState, apply, dump_field, fresh
from .values import DecisionError, NameBook, closest, format_value, parse_value


@dataclass(frozen=True)
class Outcome:
    decision: Decision
    message: str


def default_reviewer() -> str:
    try:
        return os.environ.get("CODER_REVIEWER") or getpass.getuser()
    except Exception:  # no user database entry (containers)
        return "reviewer"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class ReviewSession:
    def __init__(
        self,
        codebook: Codebook,
        proposals: list[CodedDocument],
        log: DecisionLog,
        *,
        reviewer: str | None = None,
        filters: Iterable[str | Filter] = (),
        clock: Callable[[], str] | None = None,
    ):
        self.codebook = codebook
        self.log = log
        self.reviewer = reviewer or default_reviewer()
        self.clock = clock or _now
        self.names = NameBook(codebook)
        self._proposer = None  # the offline coder, made on the first pre-fill
        self.docs: list[DocState] = [fresh(c) for c in proposals]
        self._by_id = {d.id: d for d in self.docs}
        self.warnings: list[str] = []
        self._decisions: list[Decision] = log.decisions()
        self._undone = {d.after["undoes"] for d in self._decisions if d.kind == "undo"}
        for decision in self._decisions:
            if self._active(decision):
                self._replay(decision)
        self.filters = [f if isinstance(f, Filter) else parse_filter(f, codebook.type_ids) for f in filters]
        # The filter picks what to visit once, at the start: an event accepted under
        # status=unreviewed stays on screen instead of vanishing under the cursor.
        self._shown = {d.id: visible_events(d, self.filters) for d in self.docs}

    # -- replay -------------------------------------------------------------------------
    def _active(self, decision: Decision) -> bool:
        return decision.kind != "undo" and decision.id not in self._undone

    def in_force(self, decision: Decision) -> bool:
        """The decision shapes the review now: it is no undo and was not undone."""
        return self._active(decision)

    def _replay(self, decision: Decision) -> None:
        doc = self._by_id.get(decision.document)
        if doc is None:
            self.warnings.append(f"decision {decision.id}: document {decision.document!r} is not in the source")
            return
        try:
            apply(doc, decision.event, decision.kind, decision.after)
        except (KeyError, ValueError) as exc:
            self.warnings.append(
                f"decision {decision.id} ({decision.kind}) on {decision.document} "
                f"event {decision.event}: cannot replay ({exc})"
            )

    def _rebuild(self, doc: DocState) -> None:
        again = fresh(doc.coded)
        for decision in self._decisions:
            if decision.document == doc.id and self._active(decision):
                apply(again, decision.event, decision.kind, decision.after)
        doc.events, doc.done, doc.decided, doc.comment = again.events, again.done, again.decided, again.comment

    def _record(self, doc: DocState, event_id: str | None, kind: str, before: Any, after: Any) -> Decision:
        # Written (and committed) first: the screen never shows a decision the log lacks.
        decision = self.log.append(self.reviewer, self.clock(), doc.id, event_id, kind, before, after)
        self._decisions.append(decision)
        if kind == "undo":
            self._undone.add(after["undoes"])
            self._rebuild(doc)
        else:
            apply(doc, event_id, kind, after)
        return decision

    # -- lookups --------------------------------------------------------------------------
    def doc(self, doc_id: str) -> DocState:
        doc = self._by_id.get(doc_id)
        if doc is None:
            raise DecisionError(f"no document {doc_id!r} in this source")
        return doc

    def locate(self, doc_id: str, event_id: str) -> tuple[DocState, EventState]:
        doc = self.doc(doc_id)
        state = doc.event(event_id)
        if state is None:
            ids = ", ".join(e.id for e in doc.events) or "none"
            raise DecisionError(f"document {doc_id} has no event {event_id!r} (events: {ids})")
        return doc, state

    def visible_docs(self) -> list[DocState]:
        if not self.filters:
            return list(self.docs)
        return [d for d in self.docs if self._shown[d.id] or any(e.added for e in d.events)]

    def visible(self, doc: DocState) -> list[EventState]:
        return [e for e in doc.events if e.id in self._shown.get(doc.id, ()) or e.added]

    @property
    def decisions(self) -> list[Decision]:
        return list(self._decisions)

    def check_span(self, doc: DocState, start: int, end: int) -> Span:
        n = len(doc.text)
        if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= n:
            raise DecisionError(f"span {start}-{end} is not inside the text (characters 0-{n}, start before end)")
        return Span.of(doc.text, start, end)

    # -- decisions ------------------------------------------------------------------------
    def accept(self, doc_id: str, event_id: str) -> Outcome:
        doc, state = self.locate(doc_id, event_id)
        if state.decision == "accepted":
            raise DecisionError(f"event {event_id} is already accepted")
        before = {"decision": state.decision, "reason": state.reason}
        decision = self._record(doc, event_id, "accept", before, {"decision": "accepted"})
        missing = self.ungrounded(state)
        note = f"; no evidence for {', '.join(missing)}" if missing else ""
        return Outcome(decision, f"accepted {event_id}{note}")

    def reject(self, doc_id: str, event_id: str, reason: str) -> Outcome:
        doc, state = self.locate(doc_id, event_id)
        reason = (reason or "").strip()
        if not reason:
            raise DecisionError("a rejection needs a reason (e.g. 'planned, not carried out')")
        before = {"decision": state.decision, "reason": state.reason}
        decision = self._record(doc, event_id, "reject", before, {"decision": "rejected", "reason": reason})
        return Outcome(decision, f"rejected {event_id}: {reason}")

    def _spec(self, state: EventState, name: str) -> FieldSpec:
        fields = self.codebook.fields_for(state.event.type)
        spec = fields.get(name)
        if spec is None:
            near = closest(name, list(fields))
            raise DecisionError(
                f"{name!r} is not a field of {state.event.type}" + (f"; closest: {', '.join(near)}" if near else "")
            )
        return spec

    def edit(self, doc_id: str, event_id: str, field: str, text: str, span: tuple[int, int] | None = None) -> Outcome:
        """Set (or, with an empty text, clear) a field; derived fields follow."""
        doc, state = self.locate(doc_id, event_id)
        field = field.strip()
        spec = self._spec(state, field)
        old = state.event.fields.get(field)
        changes: dict[str, FieldValue | None] = {}
        notes: list[str] = []
        if not text.strip():
            if span is not None:
                raise DecisionError(f"give {field} a value for the selected evidence")
            if spec.required:
                raise DecisionError(f"{field} is required for {state.event.type}; it can be changed, not cleared")
            if old is None:
                raise DecisionError(f"{field} has no value to clear")
            changes[field] = None
        else:
            parsed = parse_value(field, spec, text, self.names)
            given = self.check_span(doc, *span) if span is not None else None
            spans, alignment = self._evidence(doc, state, spec, parsed.value, old, given)
            if old is not None and old.value == parsed.value and given is None:
                raise DecisionError(f"{field} is already {format_value(parsed.value)}")
            changes[field] = FieldValue(value=parsed.value, spans=spans, alignment=alignment, detail=SET_BY_REVIEWER)
            if parsed.note:
                notes.append(parsed.note)
            if spec.grounded and not spans:
                notes.append(f"no evidence found for {field}: select it in the text and anchor it")
            if parsed.precision is not None and "time_precision" in self.codebook.fields_for(state.event.type):
                changes["time_precision"] = FieldValue(
                    value=parsed.precision, alignment=Alignment.derived, detail="from the reviewer's date notation"
                )
        probe = state.event.model_copy(deep=True)
        for name, fv in changes.items():
            if fv is None:
                probe.fields.pop(name, None)
            else:
                probe.fields[name] = fv
        for name, fv in rederive(self.codebook, probe, doc.coded.document, field).items():
            changes.setdefault(name, fv)
        before = {"fields": {name: dump_field(state.event.fields.get(name)) for name in changes}}
        after = {"fields": {name: dump_field(fv) for name, fv in changes.items()}}
        decision = self._record(doc, event_id, "edit", before, after)
        shown = "cleared" if changes[field] is None else f"= {format_value(changes[field].value)}"
        follow = [n for n in changes if n != field]
        message = f"{event_id}: {field} {shown}" + (f" (updated {', '.join(follow)})" if follow else "")
        # Saved all the same (the reviewer may be mid-way through a fix), but said at once, not
        # first in the export's warnings column.
        notes += [f"warning: {c}" for c in contradictions(state.event)]
        return Outcome(decision, "; ".join([message, *notes]))

    def _evidence(
        self, doc: DocState, state: EventState, spec: FieldSpec, value: Any, old: FieldValue | None, given: Span | None
    ) -> tuple[list[Span], Alignment]:
        if given is not None:
            return [given], Alignment.exact
        if not spec.grounded:
            return [], Alignment.derived if spec.derived_from else Alignment.none
        if old is not None and old.spans and (old.value == value or spec.type == "date"):
            # A corrected date keeps its words ("on Saturday"): the fix was in resolving them.
            return list(old.spans), old.alignment
        return find_evidence(doc.text, self._spellings(spec, value), anchor_of(state.event))

    def _spellings(self, spec: FieldSpec, value: Any) -> list[list[str]]:
        """For each item of the value, the words that may say it in the text."""
        items = value if isinstance(value, list) else [value]
        if spec.type == "date":
            return []  # dates are said in too many ways to look for; the reviewer anchors them
        if spec.normalize in ("actor", "place"):
            return [self.names.spellings(spec.normalize, str(v)) for v in items]
        return [[format_value(v)] for v in items]

    def ungrounded(self, state: EventState) -> list[str]:
        """Fields whose spec asks for evidence but whose value has none."""
        out = []
        for name, fv in state.event.fields.items():
            spec = self.codebook.fields_for(state.event.type).get(name)
            if spec is not None and spec.grounded and fv.value not in (None, "", []) and not fv.grounded:
                out.append(name)
        return out

    def retype(self, doc_id: str, event_id: str, type_id: str) -> Outcome:
        doc, state = self.locate(doc_id, event_id)
        type_id = type_id.strip()
        if type_id not in self.codebook.type_ids:
            near = closest(type_id, self.codebook.type_ids)
            raise DecisionError(
                f"{type_id!r} is not an event type; types are {', '.join(self.codebook.type_ids)}"
                + (f" (did you mean {near[0]}?)" if near else "")
            )
        if type_id == state.event.type:
            raise DecisionError(f"event {event_id} is already {type_id}")
        valid = self.codebook.fields_for(type_id)
        dropped = [n for n in state.event.fields if n not in valid]
        before = {"type": state.event.type, "fields": {n: dump_field(state.event.fields[n]) for n in dropped}}
        after: dict[str, Any] = {"type": type_id, "fields": {n: None for n in dropped}}
        # The old type's notes sentence would now describe the wrong kind of event.
        probe = state.event.model_copy(deep=True)
        probe.type = type_id
        for name in dropped:
            probe.fields.pop(name, None)
        notes = fresh_notes(self.codebook, probe) if "notes" in valid else None
        if notes is not None:
            before["fields"]["notes"] = dump_field(state.event.fields.get("notes"))
            after["fields"]["notes"] = dump_field(notes)
        decision = self._record(doc, event_id, "retype", before, after)
        parts = [f"{event_id} is now {type_id}"]
        if dropped:
            parts.append(f"dropped fields not in {type_id}: {', '.join(dropped)}")
        if notes is not None:
            parts.append("notes rewritten")
        missing = [n for n, s in valid.items() if s.required and n not in state.event.fields]
        if missing:
            parts.append(f"still to fill: {', '.join(missing)}")
        return Outcome(decision, "; ".join(parts))

    def anchor(self, doc_id: str, event_id: str, target: str, start: int, end: int, add: bool = False) -> Outcome:
        """Re-anchor (replace) or add an evidence span of the event or of one of its fields."""
        doc, state = self.locate(doc_id, event_id)
        span = self.check_span(doc, start, end)
        target = target.strip()
        verb = "added to" if add else "re-anchored"
        if target == "evidence":
            spans = [s for s in state.event.evidence if add and s != span] + [span]
            before = {"evidence": [s.model_dump() for s in state.event.evidence]}
            after = {"evidence": [s.model_dump() for s in spans]}
        else:
            self._spec(state, target)
            fv = state.event.fields.get(target)
            if fv is None:
                raise DecisionError(f"{target} has no value yet: set it (e {target}=VALUE) with the text selected")
            spans = [s for s in fv.spans if add and s != span] + [span]
            new = fv.model_copy(
                update={"spans": spans, "alignment": Alignment.exact, "quote": None, "detail": ANCHORED_BY_REVIEWER}
            )
            before = {"fields": {target: dump_field(fv)}}
            after = {"fields": {target: dump_field(new)}}
        decision = self._record(doc, event_id, "span", before, after)
        return Outcome(decision, f"{event_id}: {target} {verb} {span.start}-{span.end} {span.text!r}")

    def propose(self, doc_id: str, start: int, end: int) -> Event | None:
        """What the offline coder makes of the selected text alone: the first event it finds, its
        spans moved to the document's offsets, to pre-fill an added event. None when it finds none."""
        doc = self.doc(doc_id)
        if not 0 <= start < end <= len(doc.text):
            return None
        try:
            if self._proposer is None:
                from ..base import make_coder

                self._proposer = make_coder("rules", self.codebook)
            document = doc.coded.document.model_copy(update={"text": doc.text[start:end]})
            coded = self._proposer.code(document)
        except Exception:  # a pre-fill is a convenience: without one the event starts empty
            return None
        if coded.status != "ok" or not coded.events:
            return None
        event = coded.events[0]

        def moved(spans: list[Span]) -> list[Span]:
            return [Span.of(doc.text, s.start + start, s.end + start) for s in spans]

        fields = {
            name: fv.model_copy(update={"spans": moved(fv.spans), "detail": "proposed by the coder"})
            for name, fv in event.fields.items()
        }
        return event.model_copy(update={"fields": fields, "evidence": moved(event.evidence)})

    def add_event(
        self, doc_id: str, type_id: str, span: tuple[int, int] | None = None, proposal: Event | None = None
    ) -> Outcome:
        """An event the coder missed; its evidence is the selected text. Its fields are the
        proposal's (the coder run on the selection) when one of this type is given, else filled by edits."""
        doc = self.doc(doc_id)
        if type_id not in self.codebook.type_ids:
            near = closest(type_id, self.codebook.type_ids)
            raise DecisionError(
                f"{type_id!r} is not an event type; types are {', '.join(self.codebook.type_ids)}"
                + (f" (did you mean {near[0]}?)" if near else "")
            )
        evidence = [self.check_span(doc, *span)] if span is not None else []
        event = Event(type=type_id, evidence=evidence)
        fields = self.codebook.fields_for(type_id)
        if proposal is not None and proposal.type == type_id:
            event.fields = {n: fv.model_copy(deep=True) for n, fv in proposal.fields.items() if n in fields}
        document = doc.coded.document
        for name, value in (("source", document.source), ("source_scale", document.source_scale)):
            if name in fields and value is not None:
                event.fields[name] = FieldValue(value=value, alignment=Alignment.none)
        # Ids of added events are never reused, even after an undo: the log stays unambiguous.
        used = {e.id for e in doc.events} | {
            d.event for d in self._decisions if d.document == doc.id and d.kind == "add"
        }
        event_id = doc.next_added_id(used)
        after = {"event": event.model_dump(mode="json", exclude_none=True)}
        decision = self._record(doc, event_id, "add", None, after)
        required = [n for n, s in fields.items() if s.required and n not in event.fields]
        filled = f"pre-filled by the coder: {len(event.fields)} field(s), check them" if event.fields else ""
        said = "; ".join(x for x in (filled, f"fill {', '.join(required)}" if required else "") if x)
        return Outcome(decision, f"added {event_id} ({type_id})" + (f"; {said}" if said else ""))

    def duplicate(self, doc_id: str, event_id: str, of: str) -> Outcome:
        """`event_id` reports the same event as `of`: its evidence joins `of`'s, the fields `of` lacks
        are taken from it (`of`'s own values are kept), and it is rejected as a duplicate. Two logged
        decisions; undo takes them back one at a time."""
        doc, state = self.locate(doc_id, event_id)
        _, kept = self.locate(doc_id, of)
        if kept is state:
            raise DecisionError("an event cannot be a duplicate of itself")
        if kept.status == "rejected":
            raise DecisionError(f"{of} is rejected: pick an event that stays")
        evidence = list(kept.event.evidence) + [s for s in state.event.evidence if s not in kept.event.evidence]
        valid = self.codebook.fields_for(kept.event.type)
        taken = {n: fv for n, fv in state.event.fields.items() if n in valid and n not in kept.event.fields}
        before = {"evidence": [s.model_dump() for s in kept.event.evidence], "fields": {n: None for n in taken}}
        after = {
            "evidence": [s.model_dump() for s in evidence],
            "fields": {n: dump_field(fv) for n, fv in taken.items()},
        }
        self._record(doc, of, "span", before, after)
        reason = f"duplicate of {of}"
        before = {"decision": state.decision, "reason": state.reason}
        decision = self._record(doc, event_id, "reject", before, {"decision": "rejected", "reason": reason})
        took = f"; took {', '.join(taken)}" if taken else ""
        return Outcome(decision, f"{event_id} is a duplicate of {of}: evidence united{took}, {event_id} rejected")

    def mark_done(self, doc_id: str) -> Outcome:
        """Say a document is reviewed (needed for one with no proposals and nothing missed)."""
        doc = self.doc(doc_id)
        if doc.done:
            raise DecisionError(f"document {doc_id} is already marked reviewed")
        if doc.unreviewed:
            raise DecisionError(
                f"{len(doc.unreviewed)} event(s) still unreviewed: " + ", ".join(e.id for e in doc.unreviewed)
            )
        decision = self._record(doc, None, "done", {"done": False}, {"done": True})
        return Outcome(decision, f"document {doc_id} marked reviewed")

    def comment(self, doc_id: str, text: str) -> Outcome:
        """The reviewer's note on the whole document ("two reports of one convoy?"); an empty text
        removes it. A decision row of its own, so it is replayed, undone and attributed like any."""
        doc = self.doc(doc_id)
        text = " ".join((text or "").split())
        if (text or None) == doc.comment:
            raise DecisionError("the comment is unchanged" if text else "there is no comment to remove")
        decision = self._record(doc, None, "comment", {"comment": doc.comment}, {"comment": text or None})
        return Outcome(decision, f"comment on {doc_id} " + ("saved" if text else "removed"))

    def undo(self) -> Outcome:
        """Take back this reviewer's latest decision still in force (an undo is logged too)."""
        target = next((d for d in reversed(self._decisions) if self._active(d) and d.reviewer == self.reviewer), None)
        if target is None:
            raise DecisionError("nothing to undo")
        doc = self.doc(target.document)
        decision = self._record(doc, target.event, "undo", None, {"undoes": target.id, "kind": target.kind})
        what = f"{target.kind} of {target.event}" if target.event else target.kind
        return Outcome(decision, f"undid {what} in {target.document}")

    # -- moving around ----------------------------------------------------------------------
    def save_cursor(self, doc_id: str, event_id: str | None) -> None:
        self.log.save_cursor(self.reviewer, doc_id, event_id)

    def resume(self) -> tuple[str, str | None] | None:
        """Where this reviewer stopped, if that document is still visible."""
        saved = self.log.cursor(self.reviewer)
        if saved is None or saved[0] not in {d.id for d in self.visible_docs()}:
            return None
        return saved

    def next_unreviewed(self, doc_id: str | None = None, event_id: str | None = None) -> tuple[str, str] | None:
        """The first unreviewed visible event after (doc_id, event_id), wrapping around."""
        items = [(d.id, e.id, e) for d in self.visible_docs() for e in self.visible(d)]
        if not items:
            return None
        start = 0
        for i, (d, e, _) in enumerate(items):
            if d == doc_id and (e == event_id or event_id is None):
                start = i + 1 if event_id is not None else i
                break
        for d, e, state in items[start:] + items[:start]:
            if state.status == "unreviewed":
                return d, e
        return None

    def progress(self) -> dict[str, int]:
        counts = {
            "documents": len(self.visible_docs()),
            "reviewed_documents": sum(d.reviewed for d in self.visible_docs()),
        }
        for doc in self.visible_docs():
            for state in self.visible(doc):
                counts[state.status] = counts.get(state.status, 0) + 1
        return counts

    # -- results ----------------------------------------------------------------------------
    def reviewed(self, only_reviewed: bool = True) -> list[CodedDocument]:
        """Documents as reviewed: kept events (accepted, edited, added), rejected ones removed."""
        out = []
        for doc in self.docs:
            if only_reviewed and not doc.reviewed:
                continue
            out.append(
                doc.coded.model_copy(
                    update={
                        "events": [e.event.model_copy(deep=True) for e in doc.events if e.kept],
                        "coder": CoderInfo(name="review", codebook_version=self.codebook.version),
                        "status": "ok",
                        "error": None,
                    }
                )
            )
        return out

    def close(self) -> None:
        self.log.close()
