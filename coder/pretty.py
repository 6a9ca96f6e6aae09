"""Human-readable output of coded documents: the text with evidence highlighted
(one colour per field) and the events.

On a terminal 100 columns wide or more the events are a table; narrower, or
written to a pipe or a file, each event is a block of `field  value` lines so
that no value is ever cut to an ellipsis (a table squeezed into 80 columns cut
"troop_movement" to "troop_move…").

The document text is always shown as plain text (rich.text.Text, never
markup): an article containing "[bold]" or escape-like sequences must not
style the terminal.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .codebook.model import Codebook
from .models import GROUNDED, Alignment, CodedDocument, Event

# Only measures text for wrapping; never prints.
_WRAP_CONSOLE = Console(width=10_000, color_system=None, emoji=False)

# Below this width a seven-column table cannot show its values whole.
TABLE_MIN_WIDTH = 100

_PALETTE = [
    "cyan",
    "magenta",
    "yellow",
    "green",
    "blue",
    "red",
    "bright_cyan",
    "bright_magenta",
    "bright_yellow",
    "bright_green",
    "bright_blue",
    "bright_red",
]


def field_colours(codebook: Codebook) -> dict[str, str]:
    names: list[str] = []
    for et in codebook.event_types:
        for name in codebook.fields_for(et.id):
            if name not in names:
                names.append(name)
    return {name: _PALETTE[i % len(_PALETTE)] for i, name in enumerate(names)}


def _safe(value) -> str:
    # Control characters would move the cursor or change colours: show them escaped.
    text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    return "".join(ch if ch.isprintable() or ch in "\n\t" else repr(ch)[1:-1] for ch in text)


def use_blocks(console: Console) -> bool:
    """Blocks when the table would squeeze values, and always off a terminal (a pipe's or a file's
    width is unknown: the reader may be a pager or an editor, so nothing may depend on it)."""
    return not console.is_terminal or console.width < TABLE_MIN_WIDTH


def render(coded: CodedDocument, codebook: Codebook, console: Console) -> None:
    doc = coded.document
    colours = field_colours(codebook)
    blocks = use_blocks(console)
    heading = Text(f"{doc.id}  {doc.publication_date or 'no date'}  {len(coded.events)} event(s)")
    if blocks:
        # A rule cuts a long title to fit; a plain heading wraps and keeps it whole.
        console.print(Text("== ") + heading, style="bold", overflow="fold")
    else:
        console.rule(heading)
    if coded.status != "ok":
        console.print(Text(f"failed: {_safe(coded.error)}", style="bold red"), overflow="fold")
        return
    body = Text(_safe(doc.text))
    # Evidence sentences underlined, field spans in their field's colour.
    for event in coded.events:
        for span in event.evidence:
            body.stylize("underline", span.start, span.end)
    for event in coded.events:
        for name, value in event.fields.items():
            for span in value.spans:
                body.stylize(f"bold {colours.get(name, 'white')}", span.start, span.end)
    for diagnostic in coded.diagnostics:
        body.stylize("italic", diagnostic.span.start, diagnostic.span.end)
    # fold: a word longer than the line (a URL) is broken, never cut; wrapped here so that no line
    # ends in a blank in a file.
    lines = body.wrap(console, max(20, console.width), overflow="fold")
    for line in lines:
        line.rstrip()
    console.print(Text("\n").join(lines), overflow="fold")
    if coded.diagnostics:
        kinds = Counter(d.kind for d in coded.diagnostics)
        said = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
        console.print(Text(f"also reported, not coded by this codebook: {said}", style="dim"), overflow="fold")
    if not coded.events:
        console.print(Text("no events", style="dim"))
        return
    if blocks:
        for index, event in enumerate(coded.events, start=1):
            console.print(_block(index, event, codebook, colours, console.width), overflow="fold")
    else:
        console.print(_table(coded, codebook, colours))
        for index, event in enumerate(coded.events, start=1):
            notes = event.value("notes")
            if notes:
                console.print(Text(f"{index}. {_safe(notes)}", style="dim"), overflow="fold")


def _block(index: int, event: Event, codebook: Codebook, colours: dict[str, str], width: int) -> Text:
    """One event: a heading line, then every field with a value, its quote when it is not the value
    itself, and a mark on values the text does not support."""
    et = codebook.event_type(event.type) if event.type in codebook.type_ids else None
    title = Text(f"{index}. ")
    title.append(_safe(event.type), style=f"bold {et.colour if et else 'white'}")
    if event.confidence is not None:
        title.append(f"  confidence {event.confidence:.2f}", style="dim")
    if event.evidence:
        # each span apart: a headline and a later sentence are not one stretch of text
        spans = ", ".join(f"{span.start}-{span.end}" for span in event.evidence)
        title.append(f"  evidence {spans}", style="dim")
    order = list(codebook.fields_for(event.type)) if et else []
    names = [n for n in order if n in event.fields] + [n for n in event.fields if n not in order]
    indent = 3 + max(map(len, names), default=0) + 2
    out = title
    for name in names:
        fv = event.fields[name]
        if fv.value is None or fv.value == "" or fv.value == []:
            continue
        cell = Text(_safe(fv.value), style=colours.get(name, "white"))
        quote = " ... ".join(span.text for span in fv.spans)
        if quote and quote != _safe(fv.value):
            cell.append(f'  "{_safe(quote)}"', style="dim")
        if fv.alignment == Alignment.unaligned:
            cell.append("  [unaligned: not found in the text]", style="bold red")
        elif fv.alignment not in GROUNDED and fv.alignment != Alignment.derived and fv.spans:
            cell.append(f"  [{fv.alignment.value}]", style="dim")
        # Wrapped by hand with a hanging indent: a grid would pad every line to the full width,
        # leaving trailing blanks in a file.
        lines = cell.wrap(_WRAP_CONSOLE, max(20, width - indent), overflow="fold")
        for number, line in enumerate(lines):
            out.append("\n")
            out.append(("   " + name).ljust(indent) if number == 0 else " " * indent, style="dim")
            line.rstrip()
            out.append_text(line)
    return out


def _table(coded: CodedDocument, codebook: Codebook, colours: dict[str, str]) -> Table:
    doc = coded.document
    table = Table(show_lines=False, title=Text(f"{doc.id}: coded events"))
    for column in ("#", "type", "date", "actor1", "location", "key fields", "conf."):
        # fold, never ellipsis: a value is broken across lines rather than cut.
        table.add_column(column, overflow="fold")
    for index, event in enumerate(coded.events, start=1):
        et = codebook.event_type(event.type) if event.type in codebook.type_ids else None
        shown = {"event_date", "actor1", "location"}
        keys = [k for k in (et.key_fields if et else []) if k not in shown and k in event.fields]
        key_text = Text()
        for k in keys:
            if key_text:
                key_text.append("\n")
            key_text.append(k + "=", style="dim")
            key_text.append(_safe(event.fields[k].value), style=colours.get(k, "white"))
        table.add_row(
            str(index),
            Text(event.type, style=et.colour if et else "white"),
            Text(_safe(event.value("event_date", "")), style=colours.get("event_date", "white")),
            Text(_safe(event.value("actor1", "")), style=colours.get("actor1", "white")),
            Text(_safe(event.value("location", "")), style=colours.get("location", "white")),
            key_text,
            f"{event.confidence:.2f}" if event.confidence is not None else "",
        )
    return table
