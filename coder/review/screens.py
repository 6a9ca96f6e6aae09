"""Modal screens: a one-line prompt, an event type picker, the help."""

from __future__ import annotations

from typing import TypeVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..codebook.model import Codebook

_Picked = TypeVar("_Picked")


def _modal_css(name: str) -> str:
    # DEFAULT_CSS is scoped to its class, so each screen names itself.
    return f"""
{name} {{ align: center middle; }}
{name} > Vertical, {name} > VerticalScroll {{
    width: 80; height: auto; max-height: 90%; border: thick $accent; background: $surface; padding: 0 1;
}}
{name} .hint {{ color: $text-muted; }}
{name} OptionList {{ height: auto; max-height: 12; }}
"""


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line (a reason, FIELD=VALUE); Enter answers, Escape cancels."""

    DEFAULT_CSS = _modal_css("PromptScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "", hint: str = ""):
        super().__init__()
        self._title, self._value, self._hint = title, value, hint

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self._title, style="bold"))
            # A steady cursor: easier to find for some readers, and the same in every snapshot.
            answer = Input(value=self._value, id="answer")
            answer.cursor_blink = False
            yield answer
            if self._hint:
                yield Static(Text(self._hint), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class TypeScreen(ModalScreen[str | None]):
    """Pick an event type from the codebook."""

    DEFAULT_CSS = _modal_css("TypeScreen")
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, codebook: Codebook, title: str, current: str | None = None):
        super().__init__()
        self._codebook, self._title, self._current = codebook, title, current

    def compose(self) -> ComposeResult:
        options = [
            Option(Text.assemble((et.label, et.colour), f"  {et.id}"), id=et.id) for et in self._codebook.event_types
        ]
        with Vertical():
            yield Static(Text(self._title, style="bold"))
            yield OptionList(*options, id="types")
            yield Static(Text("Enter chooses, Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self._current in self._codebook.type_ids:
            options.highlighted = self._codebook.type_ids.index(self._current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


HELP_TEXT = """\
Every decision is saved the moment you make it; quitting loses nothing.
Select text in the document with shift+arrows (or the mouse), then:
  +  add an event the coder missed, the selection as its evidence
  s  re-anchor the highlighted field (or the event's evidence) to the selection
  S  add the selection as a further span
  e  edit the highlighted field; with text selected, the selection becomes its evidence
Values: dates YYYY-MM-DD, YYYY-Www (week), YYYY-MM (month), YYYY-MM-DD/P;
lists comma-separated; actors and places by canonical name or alias.
An empty value clears a field. Tab moves between the text, the events and the fields.
Colours: each field's evidence has its colour (the swatch in the fields table);
the selected event's spans are bold on colour, other events' spans are tinted."""


class HelpScreen(ModalScreen[None]):
    # Wider than the prompts: one line per key, with room for the scroll bar.
    DEFAULT_CSS = _modal_css("HelpScreen") + "HelpScreen > VerticalScroll { width: 98; }"
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def __init__(self, bindings: list[tuple[str, str]]):
        super().__init__()
        self._keys = bindings

    def compose(self) -> ComposeResult:
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold")
        keys.add_column()
        for key, description in self._keys:
            keys.add_row(Text(key), Text(description))
        # Scrolls rather than cuts on a short terminal.
        with VerticalScroll():
            yield Static(Text("Review keys", style="bold"))
            yield Static(keys)
            yield Static(Text(HELP_TEXT), classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


# One key per preset reason, in the order shown.
REASON_KEYS = "123456789abcdefghijkl"


def reject_reasons(codebook: Codebook, type_id: str | None = None) -> list[tuple[str, str]]:
    """(id, description) of the reasons offered for a rejection: the exclusion rules the event type
    names, the reasons every theatre has, then the codebook's other rules, as many as there are keys.
    The theatre's reasons come before other types' rules so that a codebook that grows never pushes
    "duplicate" off the keys."""
    rules = list(codebook.exclusion_rules)
    named = codebook.event_type(type_id).exclusion_rules if type_id in codebook.type_ids else []
    own = sorted((r for r in rules if r.id in named), key=lambda r: named.index(r.id))
    known = {r.id for r in rules}
    theatre = [
        (rid, text)
        for rid, text in (
            ("not_iran_backed", "the actor is not Iran-backed or not named as such"),
            ("out_of_scope", "not an event of this codebook's types or area"),
            ("duplicate", "the same event as another proposal"),
        )
        if rid not in known
    ]
    room = len(REASON_KEYS) - len(theatre)
    out = [(r.id, r.description) for r in own][:room] + theatre
    out += [(r.id, r.description) for r in rules if r.id not in named]
    return out[: len(REASON_KEYS)]


class _KeyedPick(ModalScreen[_Picked]):
    """A list whose items each have a key (REASON_KEYS); Escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")] + [
        Binding(key, f"pick({i})", show=False) for i, key in enumerate(REASON_KEYS)
    ]

    def action_cancel(self) -> None:
        self.dismiss(None)


class RejectScreen(_KeyedPick[str | None]):
    """Pick a reason with one key (the codebook's exclusion rules), or Tab and write one."""

    DEFAULT_CSS = _modal_css("RejectScreen")

    def __init__(self, title: str, reasons: list[tuple[str, str]]):
        super().__init__()
        self._title, self._reasons = title, reasons

    def compose(self) -> ComposeResult:
        options = [
            Option(Text.assemble((f"{REASON_KEYS[i]} ", "bold"), (rid, "bold"), f"  {text}"), id=rid)
            for i, (rid, text) in enumerate(self._reasons)
        ]
        with Vertical():
            yield Static(Text(self._title, style="bold"))
            yield OptionList(*options, id="reasons")
            yield Input(placeholder="or write a reason (Tab here), Enter saves", id="answer")
            yield Static(
                Text("A key picks a reason; Enter the highlighted one; Tab to write your own; Escape cancels"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def check_action(self, action: str, parameters) -> bool | None:
        # Keys typed into the free-text box are text, not picks.
        return not (action == "pick" and isinstance(self.focused, Input))

    def action_pick(self, index: int) -> None:
        if index < len(self._reasons):
            self.dismiss(self._reasons[index][0])

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())


class UncoveredScreen(ModalScreen[tuple[int, int] | None]):
    """What the coder could not cover in the document; Enter jumps to (and selects) the words."""

    DEFAULT_CSS = _modal_css("UncoveredScreen") + "UncoveredScreen OptionList { max-height: 20; }"
    BINDINGS = [Binding("escape,m", "cancel", "Close")]

    def __init__(self, title: str, items: list) -> None:
        super().__init__()
        self._title, self._items = title, items

    def compose(self) -> ComposeResult:
        options = [
            Option(
                Text.assemble((f"{item.kind:<20}", "bold"), f" {item.start}-{item.end}  ", (_one_line(item.label), "")),
                id=str(i),
            )
            for i, item in enumerate(self._items)
        ]
        with Vertical():
            yield Static(Text(self._title, style="bold"))
            if options:
                yield OptionList(*options, id="uncovered")
                hint = (
                    "Enter selects those words in the document (then + adds an event from them, "
                    "v takes their sentence); Escape closes"
                )
            else:
                hint = "The coder reports nothing it could not cover here. Escape closes."
            yield Static(Text(hint), classes="hint")

    def on_mount(self) -> None:
        if self._items:
            self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        item = self._items[int(event.option.id)]
        self.dismiss((item.start, item.end))

    def action_cancel(self) -> None:
        self.dismiss(None)


def _one_line(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class NameScreen(_KeyedPick[int | None]):
    """Pick one of the names the text gives (nearest the event first) with one key."""

    DEFAULT_CSS = _modal_css("NameScreen")

    def __init__(self, title: str, choices: list[tuple[str, str]]):
        """`choices`: (name, the mention in its words)."""
        super().__init__()
        self._title, self._choices = title, choices[: len(REASON_KEYS)]

    def compose(self) -> ComposeResult:
        options = [
            Option(Text.assemble((f"{REASON_KEYS[i]} ", "bold"), (name, "bold"), "  ", (context, "dim")), id=str(i))
            for i, (name, context) in enumerate(self._choices)
        ]
        with Vertical():
            yield Static(Text(self._title, style="bold"))
            yield OptionList(*options, id="names")
            yield Static(Text("A key picks a name (its mention becomes the evidence); Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_pick(self, index: int) -> None:
        if index < len(self._choices):
            self.dismiss(index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))
