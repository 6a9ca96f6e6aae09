"""`coder review SOURCE`: the Textual review screen on the review core.

The app holds no review state of its own: it asks the session (core.py) to
make each decision, then redraws from the session. A decision is in the log
before the screen changes, so killing the terminal loses nothing.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Footer, Static

from .choices import choice_field, choose, name_choices
from .core import Outcome, ReviewSession
from .cursor import Cursor
from .keys import KEYS, shown_key
from .progress import progress
from .screens import HelpScreen, NameScreen, PromptScreen, RejectScreen, TypeScreen, UncoveredScreen, reject_reasons
from .uncovered import uncovered
from .values import DecisionError, format_value
from .widgets import EVENT_COLUMNS, FIELD_COLUMNS, DocumentView, event_row, field_rows, fill_table, span_marks


class ReviewApp(App[None]):
    TITLE = "eventcoder review"
    # No command palette: every action has its key, and the footer stays the same everywhere.
    ENABLE_COMMAND_PALETTE = False
    CSS = """
    #title { height: 1; background: $primary; color: $text; padding: 0 1; }
    #body { height: 1fr; }
    #document { width: 45%; border: round $secondary; }
    #side { width: 1fr; }
    #events { height: 9; border: round $secondary; }
    #fields { height: 1fr; border: round $secondary; }
    #status { height: 1; padding: 0 1; }
    /* Ids, as in the rules above: a type selector (DocumentView:focus) lost to #document and
       focus was invisible. */
    #document:focus, #events:focus, #fields:focus { border: heavy $accent; }
    """
    BINDINGS = [
        Binding(key, action, label or description, show=bool(label), key_display=shown_key(key))
        for key, action, label, description in KEYS
    ]

    def __init__(self, session: ReviewSession):
        super().__init__()
        self.session = session
        self.cursor = Cursor(session)
        self._doc_shown: str | None = None
        self._progress: tuple[int, str] | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="title")
        with Horizontal(id="body"):
            yield DocumentView(id="document")
            with Vertical(id="side"):
                events = DataTable(id="events", cursor_type="row", zebra_stripes=False)
                events.border_title = "events"
                yield events
                fields = DataTable(id="fields", cursor_type="row")
                fields.border_title = "fields"
                yield fields
        yield Static(id="status")
        yield Footer(compact=True)  # every key with a label fits in 150 columns, help and quit included

    def on_mount(self) -> None:
        # Kept, not queried: redraw() also runs while a modal screen is on top.
        self.doc_view = self.query_one("#document", DocumentView)
        self.events_table = self.query_one("#events", DataTable)
        self.fields_table = self.query_one("#fields", DataTable)
        self.status_line = self.query_one("#status", Static)
        self.title_line = self.query_one("#title", Static)
        self.doc_view.border_title = "document"
        self.redraw()
        warnings = self.session.warnings
        self.say(
            f"{len(warnings)} decision(s) in the log could not be replayed: {warnings[0]}"
            if warnings
            else f"Reviewing as {self.session.reviewer}. ? for help."
        )
        self.events_table.focus()

    # -- drawing ------------------------------------------------------------------------------
    def say(self, message: str, error: bool = False) -> None:
        self.status_line.update(Text(message, style="bold red" if error else ""))

    def redraw(self) -> None:
        doc, state = self.cursor.doc, self.cursor.event
        view, title = self.doc_view, self.title_line
        if doc is None:
            title.update(Text("No documents to review with these filters."))
            return
        d = doc.coded.document
        counts = {}
        for e in self.cursor.events:
            counts[e.status] = counts.get(e.status, 0) + 1
        facts = " · ".join(str(x) for x in (d.source, d.publication_date) if x)
        summary = ", ".join(f"{n} {s}" for s, n in counts.items()) or "no events"
        n_uncovered = len(uncovered(self.session, doc))
        title.update(
            Text.assemble(
                (f"{self.cursor.doc_index + 1}/{len(self.cursor.docs)} ", "bold"),
                (doc.id, "bold"),
                (f"  {facts}" if facts else ""),
                f"  {summary}",
                ("  ✓ reviewed" if doc.reviewed else ""),
                (f"  coder failed: {doc.coded.error}" if doc.coded.status == "failed" else "", "bold red"),
                (f"  m: {n_uncovered} uncovered" if n_uncovered else "", "yellow"),
                ("  │ source: ", "dim"),
                self._progress_line(),
            )
        )
        if self._doc_shown != doc.id:
            view.show(doc.text)
            self._doc_shown = doc.id
        # The document's comment stays in sight while it is open, and on every return to it.
        view.border_subtitle = Text(f"comment: {doc.comment}", style="bold") if doc.comment else None
        view.mark(span_marks(self.session, doc, state))
        events = self.events_table
        rows = [(e.id, event_row(self.session, e, e.id == self.cursor.event_id)) for e in self.cursor.events]
        fill_table(events, EVENT_COLUMNS, rows, self.cursor.event_id)
        events.border_title = f"events {self.cursor.event_index + 1}/{len(rows)}" if rows else "events: none"
        self._draw_fields()

    def _progress_line(self) -> str:
        # Only a decision changes it; recounting a large source on every move would slow the keys
        # (65 ms for 5,000 documents and 5,000 decisions).
        count = len(self.session.decisions)
        if self._progress is None or self._progress[0] != count:
            self._progress = (count, progress(self.session).line())
        return self._progress[1]

    def _draw_fields(self) -> None:
        fields = self.fields_table
        state = self.cursor.event
        keep = self._field_key()
        if state is None:
            fields.clear()
            fields.border_title = "fields"
            return
        et = self.session.codebook.event_type(state.event.type)
        fields.border_title = Text(f"{state.id} {et.label}", style=et.colour)
        fill_table(fields, FIELD_COLUMNS, field_rows(self.session, state), keep)

    def _field_key(self) -> str | None:
        fields = self.fields_table
        if not fields.row_count:
            return None
        try:
            return fields.coordinate_to_cell_key(fields.cursor_coordinate).row_key.value
        except Exception:  # the table was just cleared
            return None

    def _scroll_to_event(self) -> None:
        state = self.cursor.event
        spans = state.event.evidence or state.event.all_spans() if state else []
        if spans:
            view = self.doc_view
            view.move_cursor(view.location_of(spans[0].start), center=True)

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        # Highlight messages arrive after redraw() refilled the table; only the row the
        # table's cursor is on now counts, so a stale message never changes the event.
        table = message.data_table
        if table is not self.events_table or not table.row_count:
            return
        try:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        except Exception:
            return
        if key != self.cursor.event_id:
            self.cursor.select(key)
            self.redraw()
            self._scroll_to_event()

    # -- helpers ------------------------------------------------------------------------------
    def _run(self, make) -> Outcome | None:
        """Make a decision through the core; a refusal becomes the status line."""
        try:
            outcome = make()
        except DecisionError as exc:
            self.say(str(exc), error=True)
            return None
        self.say(outcome.message)
        return outcome

    def _here(self):
        doc, state = self.cursor.doc, self.cursor.event
        if doc is None or state is None:
            self.say("No event here: select text and press + to add one.", error=True)
            return None
        return doc.id, state.id

    def _selection(self) -> tuple[int, int] | None:
        return self.doc_view.selected_span()

    def _used_selection(self) -> None:
        # A selection is used once: left in place it anchored every later edit to the same words.
        self.doc_view.clear_selection()

    def _move(self, moved: bool, why: str) -> None:
        if moved:
            doc = self.cursor.doc
            if doc is not None and doc.id != self._doc_shown:
                self.say("")  # the previous document's message is not about this one
            self.redraw()
            self._scroll_to_event()
        else:
            self.say(why)

    # -- actions ------------------------------------------------------------------------------
    def action_next_event(self) -> None:
        self._move(self.cursor.next_event(), "This is the last event.")

    def action_prev_event(self) -> None:
        self._move(self.cursor.prev_event(), "This is the first event.")

    def action_next_doc(self) -> None:
        self._move(self.cursor.next_doc(), "This is the last document.")

    def action_prev_doc(self) -> None:
        self._move(self.cursor.prev_doc(), "This is the first document.")

    def action_next_unreviewed(self) -> None:
        self._move(self.cursor.next_unreviewed(), "Nothing left to review.")

    def action_accept(self) -> None:
        here = self._here()
        if here and self._run(lambda: self.session.accept(*here)):
            self.cursor.next_event()
            self.redraw()
            self._scroll_to_event()

    def action_reject(self) -> None:
        here = self._here()
        if not here:
            return

        def done(reason: str | None) -> None:
            if reason is not None and self._run(lambda: self.session.reject(*here, reason)):
                self.cursor.next_event()
                self._scroll_to_event()
            self.redraw()

        reasons = reject_reasons(self.session.codebook, self.cursor.event.event.type)
        self.push_screen(RejectScreen(f"Reject {here[1]}: why?", reasons), done)

    def action_duplicate(self) -> None:
        here = self._here()
        if not here:
            return
        others = [e.id for e in self.cursor.doc.events if e.id != here[1] and e.status != "rejected"]
        if not others:
            self.say("No other event in this document to be a duplicate of.", error=True)
            return

        def done(answer: str | None) -> None:
            if answer is not None and self._run(lambda: self.session.duplicate(*here, answer.strip())):
                self.cursor.select(answer.strip())
                self._scroll_to_event()
            self.redraw()

        self.push_screen(
            PromptScreen(
                f"{here[1]} is a duplicate of",
                others[0],
                f"Events: {', '.join(others)}. Its evidence joins that event; {here[1]} is rejected as a duplicate.",
            ),
            done,
        )

    def action_edit(self) -> None:
        here = self._here()
        if not here:
            return
        state = self.cursor.event
        name = self._field_key()
        if name in (None, "evidence", "rejected"):
            name = next(iter(self.session.codebook.event_type(state.event.type).key_fields), "actor1")
        span = self._selection()
        doc = self.cursor.doc
        hint = "FIELD=VALUE; an empty value clears the field."
        if span:
            hint = f"The selection {span[0]}-{span[1]} {doc.text[span[0] : span[1]]!r} becomes its evidence. " + hint

        def done(answer: str | None) -> None:
            if answer is not None:
                field, eq, value = answer.partition("=")
                if not eq:
                    self.say("Write FIELD=VALUE.", error=True)
                elif self._run(lambda: self.session.edit(*here, field, value, span=span)) and span:
                    self._used_selection()
            self.redraw()

        self.push_screen(PromptScreen(f"Edit {here[1]}", f"{name}={format_value(state.event.value(name))}", hint), done)

    def action_other_name(self) -> None:
        here = self._here()
        if not here:
            return
        try:
            field = choice_field(self.session, *here, self._field_key())
            choices = name_choices(self.session, *here, field)
        except DecisionError as exc:
            self.say(str(exc), error=True)
            return
        if not choices:
            self.say(f"The text names nothing else that could be the {field}.")
            return

        def done(index: int | None) -> None:
            if index is not None:
                self._run(lambda: choose(self.session, *here, field, choices[index]))
            self.redraw()

        shown = [(c.name, c.context) for c in choices]
        self.push_screen(NameScreen(f"{field} of {here[1]}: nearest the event first", shown), done)

    def action_retype(self) -> None:
        here = self._here()
        if here:

            def done(type_id: str | None) -> None:
                if type_id is not None:
                    self._run(lambda: self.session.retype(*here, type_id))
                self.redraw()

            self.push_screen(
                TypeScreen(self.session.codebook, f"New type for {here[1]}", self.cursor.event.event.type), done
            )

    def _anchor(self, add: bool) -> None:
        here = self._here()
        if not here:
            return
        span = self._selection()
        if span is None:
            self.say("Select the words in the document first (shift+arrows or the mouse).", error=True)
            return
        key = self._field_key()
        target = key if key not in (None, "rejected") else "evidence"
        if self._run(lambda: self.session.anchor(*here, target, *span, add=add)):
            self._used_selection()
            self.redraw()

    def action_anchor(self) -> None:
        self._anchor(add=False)

    def action_add_span(self) -> None:
        self._anchor(add=True)

    def action_add_event(self) -> None:
        doc = self.cursor.doc
        if doc is None:
            return
        span = self._selection()
        proposal = self.session.propose(doc.id, *span) if span else None

        def done(type_id: str | None) -> None:
            if type_id is not None:
                use = proposal if proposal is not None and proposal.type == type_id else None
                outcome = self._run(lambda: self.session.add_event(doc.id, type_id, span, proposal=use))
                if outcome:
                    self.cursor.select(outcome.decision.event)
                    self._used_selection()
                    self._scroll_to_event()
            self.redraw()

        where = f" from {span[0]}-{span[1]}" if span else " (no text selected: no evidence yet)"
        if proposal is not None:
            where += f"; the coder proposes {proposal.type} (Enter keeps it, pre-filled)"
        self.push_screen(
            TypeScreen(self.session.codebook, f"Add an event{where}", proposal.type if proposal is not None else None),
            done,
        )

    def action_select_sentence(self) -> None:
        view = self.doc_view
        span = view.select_sentence()
        if span:
            self.say(
                f"Selected {span[0]}-{span[1]}: + adds an event from it, s/S anchors, e edits with it; "
                "] [ one word more at the end / start, } { one fewer."
            )

    def _resize(self, side: str, grow: bool) -> None:
        span = self.doc_view.resize_selection(side, grow)
        if span is None:
            self.say("No word to take there." if grow else "One word left: it stays selected.", error=True)
        else:
            text = " ".join(self.cursor.doc.text[span[0] : span[1]].split()) if self.cursor.doc else ""
            self.say(f"Selected {span[0]}-{span[1]} “{text if len(text) <= 90 else text[:89] + '…'}”")

    def action_grow_end(self) -> None:
        self._resize("end", True)

    def action_shrink_end(self) -> None:
        self._resize("end", False)

    def action_grow_start(self) -> None:
        self._resize("start", True)

    def action_shrink_start(self) -> None:
        self._resize("start", False)

    def action_uncovered(self) -> None:
        doc = self.cursor.doc
        if doc is None:
            return
        items = uncovered(self.session, doc)

        def done(span: tuple[int, int] | None) -> None:
            if span is not None:
                self.doc_view.focus()
                self.doc_view.select_span(*span)
                self.say(
                    f"Selected {span[0]}-{span[1]} {doc.text[span[0] : span[1]]!r}: + adds an event from it, "
                    "v takes its sentence."
                )

        self.push_screen(UncoveredScreen(f"{doc.id}: what the coder could not cover ({len(items)})", items), done)

    def action_comment(self) -> None:
        doc = self.cursor.doc
        if doc is None:
            return

        def done(answer: str | None) -> None:
            if answer is not None and (answer.strip() or doc.comment):
                self._run(lambda: self.session.comment(doc.id, answer))
            self.redraw()

        self.push_screen(
            PromptScreen(
                f"Comment on {doc.id}",
                doc.comment or "",
                "A note on the whole document, kept in the log and shown whenever it is "
                "opened; an empty comment removes it.",
            ),
            done,
        )

    def action_done(self) -> None:
        doc = self.cursor.doc
        if doc is not None and self._run(lambda: self.session.mark_done(doc.id)):
            self.redraw()

    def action_undo(self) -> None:
        outcome = self._run(self.session.undo)
        if outcome:
            self.cursor.goto(outcome.decision.document, outcome.decision.event)
            self.redraw()
            self._scroll_to_event()

    def action_help(self) -> None:
        # The four word keys share one row so the help fits a 40-line terminal.
        brackets = {"right_square_bracket", "right_curly_bracket", "left_square_bracket", "left_curly_bracket"}
        shown = []
        for key, _, _, description in KEYS:
            if key == "right_square_bracket":
                shown.append(("] [ } {", "a word more at the selection's end / start; } { one fewer"))
            elif key not in brackets:
                shown.append((shown_key(key) or key, description))
        shown += [
            ("shift+arrows", "select text in the document (ctrl+shift+arrows by word)"),
            ("mouse", "drag selects whole words; shift+click moves the nearer end"),
            ("tab", "move between text, events and fields"),
        ]
        self.push_screen(HelpScreen(shown))
