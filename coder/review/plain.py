"""`coder review --plain`: the review as line-oriented prompts.

For plain terminals, screen readers and scripts: no colour, no cursor
movement, one command per line on stdin, every answer a line on stdout that
starts with "ok:" or "error:". Decisions go through the same core as the
Textual app and are saved before the answer is printed.
"""

from __future__ import annotations

import io
import re
from typing import TextIO

from .choices import choice_field, choose, name_choices
from .core import ReviewSession
from .cursor import Cursor
from .state import EventState
from .text import display_text
from .values import DecisionError, format_value

HELP = """\
Commands (one per line; offsets count characters of the text from 0, END excluded):
  a                       accept this event (then move to the next)
  r REASON                reject this event with a reason (then move to the next)
  e FIELD=VALUE [@S-E]    set a field; an empty VALUE clears it; @S-E gives its evidence span
                          dates: YYYY-MM-DD, YYYY-Www (week), YYYY-MM (month), YYYY-MM-DD/P
                          lists: comma-separated; actors and places by canonical name or alias
  o [FIELD]               list the actors or places the text names for FIELD (default location),
                          nearest the event first, numbered
  o [FIELD] N             put name N of that list in FIELD, its mention as the evidence
  t TYPE                  change the event type (fields the new type lacks are dropped and listed)
  s FIELD S-E             re-anchor the evidence of FIELD (or "evidence", the event's own) to S-E
  s+ FIELD S-E            add S-E as further evidence
  + TYPE [S-E]            add an event the coder missed, with S-E as its evidence
                          (pre-filled by the offline coder run on S-E when it finds a TYPE there)
  D EVENT                 this event is a duplicate of EVENT: evidence united, this one rejected
  d                       mark the document reviewed (all its events decided)
  c [TEXT]                comment on the document (shown when it is opened); c alone removes it
  m                       what the coder could not cover here: unknown names, uncoded mentions
  %                       progress across the whole source, by reviewer
  u                       undo your last decision
  n / p                   next / previous event (runs on across documents)
  N / P                   next / previous document
  j                       jump to the next unreviewed event
  g DOC [EVENT]           go to a document (and event)
  l                       list the events of this document
  x                       show this event again
  v                       show the document text again
  f WORDS                 find WORDS in the text and print their offsets
  ?                       this help
  q                       quit (every decision is already saved)"""

# No text has a trillion characters: a longer number is refused, not converted ("5,000 digits").
_SPAN = re.compile(r"^(\d{1,12})\s*-\s*(\d{1,12})$")


def _span(text: str) -> tuple[int, int]:
    m = _SPAN.match(text.strip())
    if not m:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise DecisionError(f"{shown!r} is not a span; write START-END, e.g. 120-135")
    return int(m.group(1)), int(m.group(2))


class PlainReview:
    def __init__(self, session: ReviewSession, out: TextIO, echo: bool = False):
        self.session = session
        self.cursor = Cursor(session)
        self.out = out
        self.echo = echo
        self._shown_doc: str | None = None

    def say(self, line: str = "") -> None:
        # Through display_text: an ESC in an article must not drive the reader's terminal.
        self.out.write(display_text(line) + "\n")

    # -- showing ----------------------------------------------------------------------------
    def show_document(self) -> None:
        doc = self.cursor.doc
        if doc is None:
            self.say("No documents to review with these filters.")
            return
        self._shown_doc = doc.id
        d = doc.coded.document
        events = self.cursor.events
        waiting = sum(e.status == "unreviewed" for e in events)
        facts = ", ".join(str(x) for x in (d.source, d.publication_date) if x)
        self.say(
            f"Document {self.cursor.doc_index + 1} of {len(self.cursor.docs)}: {doc.id}"
            + (f" ({facts})" if facts else "")
            + f". {len(events)} event(s), {waiting} unreviewed."
            + (" Marked reviewed." if doc.done else "")
        )
        if d.title:
            self.say(f"Title: {d.title}")
        if doc.comment:
            self.say(f"Comment: {doc.comment}")
        if doc.coded.status == "failed":
            self.say(f"The coder failed on this document: {doc.coded.error}")
        self.say("--- text ---")
        self.say(doc.text.rstrip("\n"))
        self.say("--- end of text ---")
        if not events:
            self.say("No events proposed. '+ TYPE S-E' adds one, 'd' marks the document reviewed, 'N' goes on.")

    def show_event(self, state: EventState | None = None) -> None:
        state = state or self.cursor.event
        if state is None:
            return
        session = self.session
        et = session.codebook.event_type(state.event.type)
        events = self.cursor.events
        position = next((i for i, e in enumerate(events) if e.id == state.id), 0) + 1
        confidence = f", confidence {state.event.confidence:.2f}" if state.event.confidence is not None else ""
        reason = f" ({state.reason})" if state.reason else ""
        self.say(
            f"Event {state.id} ({position} of {len(events)}): {et.label} [{et.id}], {state.status}{reason}{confidence}"
        )
        for span in state.event.evidence:
            self.say(f"  evidence: {span.start}-{span.end} {span.text!r}")
        fields = session.codebook.fields_for(state.event.type)
        order = [n for n in et.key_fields if n in state.event.fields]
        order += [n for n in fields if n in state.event.fields and n not in order]
        order += [n for n in state.event.fields if n not in order]
        for name in order:
            fv = state.event.fields[name]
            spec = fields.get(name)
            if fv.spans:
                where = "; ".join(f"{s.start}-{s.end} {s.text!r}" for s in fv.spans)
                flag = f"{fv.alignment.value}, {where}"
            else:
                flag = fv.alignment.value
            if spec is not None and spec.grounded and not fv.grounded and fv.value not in (None, "", []):
                flag = "NO EVIDENCE" + (f", quote {fv.quote!r}" if fv.quote else "") + f" ({flag})"
            self.say(f"  {name}: {format_value(fv.value)}  ({flag})")
        missing = [n for n, s in fields.items() if s.required and n not in state.event.fields]
        if missing:
            self.say(f"  missing: {', '.join(missing)}")

    def show_position(self) -> None:
        doc = self.cursor.doc
        if doc is not None and doc.id != self._shown_doc:
            self.show_document()
        self.show_event()

    def list_events(self) -> None:
        for state in self.cursor.events:
            mark = ">" if state.id == self.cursor.event_id else " "
            self.say(
                f"{mark} {state.id} {state.event.type} {state.status} "
                f"{state.event.value('actor1', '')} @ {state.event.value('location', '')}"
            )

    # -- commands ---------------------------------------------------------------------------
    def run(self, stdin: TextIO) -> int:
        self.say(f"Reviewing as {self.session.reviewer}. Type ? for help.")
        for warning in self.session.warnings:
            self.say(f"warning: {warning}")
        self.show_position()
        while True:
            self.out.write("review> ")
            self.out.flush()
            line = stdin.readline()
            if not line:
                self.say()
                break
            if self.echo:  # through display_text, as every line said: an ESC typed or piped is shown, not obeyed
                self.say(line.rstrip("\n"))
            if not self.handle(line.strip()):
                break
            self.out.flush()
        counts = self.session.progress()
        self.say("Saved. " + ", ".join(f"{v} {k.replace('_', ' ')}" for k, v in counts.items()) + ".")
        self.out.flush()
        return 0

    def handle(self, line: str) -> bool:
        """Run one command; False to quit."""
        if not line:
            return True
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        try:
            return self._dispatch(command, rest)
        except DecisionError as exc:
            self.say(f"error: {exc}")
            return True

    def _here(self) -> tuple[str, str]:
        doc, state = self.cursor.doc, self.cursor.event
        if doc is None or state is None:
            raise DecisionError("no event here; '+ TYPE S-E' adds one")
        return doc.id, state.id

    def _other_name(self, rest: str) -> None:
        words = rest.split()
        number = int(words.pop()) if words and words[-1].isdigit() else None
        here = self._here()
        field = choice_field(self.session, *here, words[0] if words else None)
        choices = name_choices(self.session, *here, field)
        if number is None:
            self.say(f"ok: {len(choices)} other name(s) the text gives for {field}, nearest the event first")
            for i, c in enumerate(choices, 1):
                self.say(f"  {i} {c.name}  {c.start}-{c.end} {c.context}")
            return
        if not 1 <= number <= len(choices):
            listed = f"choose 1-{len(choices)} ('o {field}' lists them)"
            raise DecisionError(listed if choices else f"the text names nothing else for {field}")
        self.say("ok: " + choose(self.session, *here, field, choices[number - 1]).message)
        self.show_event()

    def _dispatch(self, command: str, rest: str) -> bool:
        session, cursor = self.session, self.cursor
        if command == "q":
            return False
        if command == "?":
            self.say(HELP)
        elif command == "a":
            self.say("ok: " + session.accept(*self._here()).message)
            self._advance()
        elif command == "r":
            self.say("ok: " + session.reject(*self._here(), rest).message)
            self._advance()
        elif command == "e":
            field, eq, value = rest.partition("=")
            if not eq:
                raise DecisionError("write e FIELD=VALUE (an empty VALUE clears the field)")
            span = None
            if m := re.search(r"\s@(\d+\s*-\s*\d+)\s*$", " " + value):
                span = _span(m.group(1))
                value = (" " + value)[: m.start()].strip()
            self.say("ok: " + session.edit(*self._here(), field.strip(), value, span=span).message)
            self.show_event()
        elif command == "o":
            self._other_name(rest)
        elif command == "t":
            self.say("ok: " + session.retype(*self._here(), rest).message)
            self.show_event()
        elif command in ("s", "s+"):
            target, _, where = rest.partition(" ")
            if not target or not where:
                raise DecisionError(f"write {command} FIELD START-END (FIELD 'evidence' for the event's own)")
            self.say("ok: " + session.anchor(*self._here(), target, *_span(where), add=command == "s+").message)
            self.show_event()
        elif command == "+":
            type_id, _, where = rest.partition(" ")
            doc = cursor.doc
            if doc is None:
                raise DecisionError("no document here")
            span = _span(where) if where.strip() else None
            proposal = session.propose(doc.id, *span) if span else None
            out = session.add_event(doc.id, type_id, span, proposal=proposal)
            cursor.select(out.decision.event)
            self.say("ok: " + out.message)
            self.show_event()
        elif command == "D":
            doc_id, event_id = self._here()
            out = session.duplicate(doc_id, event_id, rest.strip())
            cursor.select(rest.strip())
            self.say("ok: " + out.message)
            self.show_event()
        elif command == "d":
            doc = cursor.doc
            if doc is None:
                raise DecisionError("no document here")
            self.say("ok: " + session.mark_done(doc.id).message)
        elif command == "c":
            doc = cursor.doc
            if doc is None:
                raise DecisionError("no document here")
            self.say("ok: " + session.comment(doc.id, rest).message)
        elif command == "m":
            self._uncovered()
        elif command == "%":
            from .progress import progress

            self.say(progress(session).line())
        elif command == "u":
            out = session.undo()
            target = out.decision
            cursor.goto(target.document, target.event)
            self.say("ok: " + out.message)
            self.show_position()
        elif command in ("n", "p", "N", "P", "j"):
            move = {
                "n": cursor.next_event,
                "p": cursor.prev_event,
                "N": cursor.next_doc,
                "P": cursor.prev_doc,
                "j": cursor.next_unreviewed,
            }[command]
            if not move():
                self.say(
                    {
                        "j": "Nothing left to review.",
                        "n": "This is the last event.",
                        "p": "This is the first event.",
                        "N": "This is the last document.",
                        "P": "This is the first document.",
                    }[command]
                )
            else:
                self.show_position()
        elif command == "g":
            doc_id, _, event_id = rest.partition(" ")
            if not cursor.goto(doc_id, event_id.strip() or None):
                raise DecisionError(f"no document {doc_id!r} here")
            self._shown_doc = None
            self.show_position()
        elif command == "l":
            self.list_events()
        elif command == "x":
            self.show_event()
        elif command == "v":
            self.show_document()
        elif command == "f":
            self._find(rest)
        else:
            self.say(f"error: unknown command {command!r}; ? lists the commands")
        return True

    def _advance(self) -> None:
        if self.cursor.next_event():
            self.show_position()
        else:
            self.say("That was the last event.")

    def _uncovered(self) -> None:
        from .uncovered import uncovered

        doc = self.cursor.doc
        if doc is None:
            raise DecisionError("no document here")
        items = uncovered(self.session, doc)
        if not items:
            self.say("The coder reports nothing it could not cover here.")
        for item in items:
            self.say(f"{item.start}-{item.end} {item.kind}: {item.label}")

    def _find(self, words: str) -> None:
        doc = self.cursor.doc
        if doc is None or not words:
            raise DecisionError("write f WORDS")
        hits = [m.start() for m in re.finditer(re.escape(words), doc.text, re.IGNORECASE)]
        if not hits:
            self.say(f"{words!r} is not in the text")
        for start in hits[:20]:
            self.say(f"{start}-{start + len(words)} {doc.text[start : start + len(words)]!r}")


def run_plain(session: ReviewSession, stdin: TextIO, stdout: TextIO, echo: bool | None = None) -> int:
    if echo is None:
        # Piped input is not shown by a terminal; echo it so a transcript reads as a dialogue.
        echo = not (hasattr(stdin, "isatty") and stdin.isatty())
    raw = getattr(stdin, "buffer", None)
    if raw is None:
        return PlainReview(session, stdout, echo=echo).run(stdin)
    # A piped file that is not UTF-8 must not end the review: its bad bytes read as U+FFFD. The
    # wrapper is detached after, so that collecting it does not close the caller's stdin.
    lenient = io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
    try:
        return PlainReview(session, stdout, echo=echo).run(lenient)
    finally:
        lenient.detach()
