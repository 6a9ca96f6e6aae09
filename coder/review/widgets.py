"""Widgets of the review screen: the document with its evidence, events, fields.

Document text and every value from a document reach the screen as rich
`Text` objects, never as markup strings: "[bold]x[/bold]" in an article is
shown as those eleven characters.
"""

from __future__ import annotations

import re

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import DataTable, TextArea
from textual.widgets.text_area import Selection

from ..codebook.model import Codebook
from .core import ReviewSession
from .state import DocState, EventState
from .text import display_text, line_starts
from .values import format_value

# Colours for fields, given in the order the event type lists its fields, so a
# field keeps its colour from event to event of a type.
PALETTE = [
    "cyan",
    "magenta",
    "yellow",
    "green",
    "bright_blue",
    "bright_red",
    "bright_magenta",
    "bright_cyan",
    "bright_yellow",
    "bright_green",
    "blue",
    "red",
]
EVIDENCE_COLOUR = "grey70"
STATUS_STYLE = {
    "unreviewed": "bold",
    "accepted": "green",
    "rejected": "red strike",
    "edited": "yellow",
    "added": "cyan",
}


def field_colours(codebook: Codebook, type_id: str) -> dict[str, str]:
    et = codebook.event_type(type_id)
    grounded = [
        n
        for n in [*et.key_fields, *codebook.fields_for(type_id)]
        if codebook.fields_for(type_id).get(n) and codebook.fields_for(type_id)[n].grounded
    ]
    ordered = list(dict.fromkeys(grounded))
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(ordered)}


class DocumentView(TextArea):
    """The document, read-only, with evidence spans coloured per field.

    A TextArea gives keyboard selection (shift+arrows) and mouse selection for
    free; the selection is what a new event or a re-anchored span is made of.
    """

    def __init__(self, **kwargs):
        super().__init__("", read_only=True, soft_wrap=True, show_line_numbers=False, **kwargs)
        self.cursor_blink = False
        self._starts: list[int] = [0]
        self._marks: list[tuple[int, int, Style]] = []

    def show(self, text: str) -> None:
        shown = display_text(text)
        self._starts = line_starts(shown)
        self._marks = []
        self.load_text(shown)

    def mark(self, marks: list[tuple[int, int, Style]]) -> None:
        self._marks = sorted(marks, key=lambda m: (m[0], m[1]))
        self.notify_style_update()  # drops the rendered-line cache
        self.refresh()

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        if line_index >= len(self._starts):
            return line
        start = self._starts[line_index]
        end = start + len(line.plain)
        for s, e, style in self._marks:
            if s >= end:
                break
            if e > start:
                line.stylize(style, max(s, start) - start, min(e, end) - start)
        return line

    def offset_of(self, location: tuple[int, int]) -> int:
        row, column = location
        return self._starts[min(row, len(self._starts) - 1)] + column

    def location_of(self, offset: int) -> tuple[int, int]:
        row = 0
        for i, start in enumerate(self._starts):
            if start > offset:
                break
            row = i
        return row, offset - self._starts[row]

    def clear_selection(self) -> None:
        self.selection = Selection.cursor(self.selection.end)

    def select_sentence(self) -> tuple[int, int] | None:
        """Select the sentence around the cursor (bounded by . ! ? and blank lines), trimmed."""
        span = sentence_at(self.text, self.offset_of(self.cursor_location))
        if span is None:
            return None
        self.selection = Selection(self.location_of(span[0]), self.location_of(span[1]))
        return span

    def selected_span(self) -> tuple[int, int] | None:
        start, end = sorted(self.selection)
        if start == end:
            return None
        return self.offset_of(start), self.offset_of(end)

    def select_span(self, start: int, end: int, scroll: bool = True) -> None:
        """Select text[start:end], the cursor at its end, scrolled into view (not under a mouse:
        the text would move away from the pointer)."""
        self.selection = Selection(self.location_of(start), self.location_of(end))
        if scroll:
            self.scroll_cursor_visible(center=True)

    def resize_selection(self, side: str, grow: bool) -> tuple[int, int] | None:
        """One word more (grow) or fewer at the selection's start or end side; with nothing
        selected, the word at the cursor. None when there is no word to take or to drop."""
        span = self.selected_span()
        if span is None:
            span = word_at(self.text, self.offset_of(self.cursor_location))
        else:
            span = resized(self.text, span, side, grow)
        if span is not None:
            self.select_span(*span)
        return span

    async def _on_mouse_down(self, event: events.MouseDown) -> None:
        # Shift+click moves the nearer end of the selection to the clicked word (grows or
        # shrinks it); Textual's own handler would start a new selection instead.
        span = self.selected_span()
        if event.shift and span is not None:
            event.prevent_default()
            offset = self.offset_of(self.get_target_document_location(event))
            word = word_at(self.text, offset) or (offset, offset)
            if offset >= span[0] and abs(offset - span[1]) <= abs(offset - span[0]):
                span = (span[0], max(word[1], span[0] + 1))
            else:
                span = (min(word[0], span[1] - 1), span[1])
            self.select_span(*span, scroll=False)

    async def _on_mouse_up(self, event: events.MouseUp) -> None:
        # A drag that ends or starts inside a word takes the whole word: evidence never cuts one.
        # (Runs before TextArea's own handler, which ends the drag.)
        if getattr(self, "_selecting", False):
            span = self.selected_span()
            if span is not None:
                self.select_span(*whole_words(self.text, span), scroll=False)


# A word: letters and digits, joined by inner hyphens and apostrophes ("al-Mayadin", "Iran's").
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def _words(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _WORD.finditer(text)]


def word_at(text: str, offset: int) -> tuple[int, int] | None:
    """The word holding offset (or ending just before it)."""
    return next(((s, e) for s, e in _words(text) if s <= offset <= e and s < e), None)


def whole_words(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """span widened so that it cuts no word at either end."""
    start, end = span
    for s, e in _words(text):
        if s < start < e:
            start = s
        if s < end < e:
            end = e
    return start, end


def resized(text: str, span: tuple[int, int], side: str, grow: bool) -> tuple[int, int] | None:
    """span with one word more or fewer at its "start" or "end"; None when that cannot be done
    (no word beyond it, or a single word left)."""
    start, end = span
    words = _words(text)
    inside = [w for w in words if w[0] < end and w[1] > start]
    if side == "end":
        if grow:  # completes a cut word first, else takes the next one
            nxt = next((w for w in words if w[1] > end), None)
            return (start, nxt[1]) if nxt else None
        return (start, inside[-2][1]) if len(inside) >= 2 else None
    if grow:
        prev = next((w for w in reversed(words) if w[0] < start), None)
        return (prev[0], end) if prev else None
    return (inside[1][0], end) if len(inside) >= 2 else None


_SENTENCE_END = re.compile(r"[.!?](?=[\s\"'”’)]|$)|\n\s*\n")


def sentence_at(text: str, offset: int) -> tuple[int, int] | None:
    """The sentence holding `offset`: from after the previous sentence end to its own end
    (the full stop included), without surrounding blanks."""
    start = 0
    end = len(text)
    for match in _SENTENCE_END.finditer(text):
        if match.end() <= offset:
            start = match.end()
        elif match.start() >= offset or match.end() > offset:
            end = match.end() if not match.group().isspace() else match.start()
            break
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def span_marks(session: ReviewSession, doc: DocState, selected: EventState | None) -> list[tuple[int, int, Style]]:
    """Styles for every span: other events' spans tinted, the selected event's emphasised."""
    marks: list[tuple[int, int, Style]] = []
    for state in doc.events:
        if state.status == "rejected" and state is not selected:
            continue
        colours = field_colours(session.codebook, state.event.type)
        chosen = state is selected
        for span in state.event.evidence:
            style = Style(bgcolor="grey23", italic=True) if chosen else Style(underline=True)
            marks.append((span.start, span.end, style))
        for name, fv in state.event.fields.items():
            colour = colours.get(name, EVIDENCE_COLOUR)
            for span in fv.spans:
                style = Style(color="black", bgcolor=colour, bold=True) if chosen else Style(color=colour)
                marks.append((span.start, span.end, style))
    return marks


def event_row(session: ReviewSession, state: EventState, current: bool) -> list[Text]:
    event = state.event
    flags = []
    if session.ungrounded(state):
        flags.append(("✗ evidence", "bold red"))
    if event.confidence is not None and event.confidence < 0.5:
        flags.append(("low conf", "yellow"))
    missing = [n for n, s in session.codebook.fields_for(event.type).items() if s.required and n not in event.fields]
    if missing:
        flags.append(("missing " + ",".join(missing), "bold red"))
    flag_text = Text(", ").join(Text(t, style=s) for t, s in flags) if flags else Text("")
    conf = f"{event.confidence:.2f}" if event.confidence is not None else "-"
    return [
        Text("▶" if current else " "),
        Text(state.id),
        Text(event.type, style=session.codebook.event_type(event.type).colour),
        _status(state),
        Text(conf),
        flag_text,
        Text(format_value(event.value("actor1"))),
        Text(format_value(event.value("location"))),
    ]


def _status(state: EventState) -> Text:
    # The reason stays beside a rejection, also after the review is reopened (it is in the log).
    text = Text(state.status, style=STATUS_STYLE[state.status])
    if state.status == "rejected" and state.reason:
        text.append(f" ({_cut(state.reason, 24)})", style="red not strike")
    return text


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _quoted(spans, width: int = 28) -> str:
    """Offsets and the words at them: "74-83 'Albukamal'" — the words are what a reviewer checks."""
    return "; ".join(f"{s.start}-{s.end} “{_cut(s.text.replace(chr(10), ' '), width)}”" for s in spans)


EVENT_COLUMNS = ["", "id", "type", "status", "conf", "flags", "actor1", "location"]
FIELD_COLUMNS = ["", "field", "value", "evidence"]


def field_rows(session: ReviewSession, state: EventState) -> list[tuple[str, list[Text]]]:
    """(key, cells): the event's own evidence, its fields (key fields first), then unset
    key or required fields, so what is missing shows without listing every empty field."""
    event = state.event
    cb = session.codebook
    fields = cb.fields_for(event.type)
    colours = field_colours(cb, event.type)
    evidence = _quoted(event.evidence, 40) or "none"
    rows = []
    if state.status == "rejected":
        rows.append(
            (
                "rejected",
                [Text("✗", style="red"), Text("rejected", style="red"), Text(_cut(state.reason or "", 40)), Text("")],
            )
        )
    rows.append(
        (
            "evidence",
            [
                Text("■", style=Style(bgcolor="grey23")),
                Text("evidence", style="italic"),
                Text(f"{len(event.evidence)} span(s)"),
                Text(evidence),
            ],
        )
    )
    key_fields = cb.event_type(event.type).key_fields
    order = list(dict.fromkeys([*key_fields, *fields, *event.fields]))
    for name in order:
        if name not in event.fields and name not in key_fields and not (name in fields and fields[name].required):
            continue
        spec = fields.get(name)
        fv = event.fields.get(name)
        swatch = Text("■", style=colours[name]) if name in colours else Text(" ")
        label = Text(name, style="bold" if spec is not None and spec.required else "")
        if fv is None:
            value = Text("—", style="dim")
            where = Text("missing", style="bold red") if spec is not None and spec.required else Text("")
        else:
            shown = format_value(fv.value)
            # Long values (notes) are cut here so the evidence column stays on screen;
            # the edit prompt shows them whole.
            value = Text(shown if len(shown) <= 40 else shown[:39] + "…")
            if fv.spans:
                where = Text(f"{fv.alignment.value} " + _quoted(fv.spans))
            else:
                where = Text(fv.alignment.value, style="dim")
            if spec is not None and spec.grounded and not fv.grounded:
                quote = f" {fv.quote!r}" if fv.quote else ""
                where = Text(f"✗ no evidence ({fv.alignment.value}{quote})", style="bold red")
        rows.append((name, [swatch, label, value, where]))
    return rows


def fill_table(
    table: DataTable, columns: list[str], rows: list[tuple[str, list[Text]]], cursor_key: str | None
) -> None:
    # Columns go too: DataTable widths only grow, and one long note would push
    # the evidence column off screen for every later event.
    table.clear(columns=True)
    table.add_columns(*columns)
    for key, cells in rows:
        table.add_row(*cells, key=key)
    keys = [k for k, _ in rows]
    if cursor_key in keys:
        table.move_cursor(row=keys.index(cursor_key), animate=False)
