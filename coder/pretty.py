"""Human-readable output of coded documents: the text with evidence highlighted
(one colour per field) and a table of the events.

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
from .models import CodedDocument

_PALETTE = ["cyan", "magenta", "yellow", "green", "blue", "red", "bright_cyan", "bright_magenta", "bright_yellow",
            "bright_green", "bright_blue", "bright_red"]


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


def render(coded: CodedDocument, codebook: Codebook, console: Console) -> None:
    doc = coded.document
    colours = field_colours(codebook)
    console.rule(Text(f"{doc.id}  {doc.publication_date or 'no date'}  {len(coded.events)} event(s)"))
    if coded.status != "ok":
        console.print(Text(f"failed: {coded.error}", style="bold red"))
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
    console.print(body)
    if coded.diagnostics:
        kinds = Counter(d.kind for d in coded.diagnostics)
        said = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
        console.print(Text(f"also reported, not coded by this codebook: {said}", style="dim"))
    if not coded.events:
        console.print(Text("no events", style="dim"))
        return
    table = Table(show_lines=False, title=Text(f"{doc.id}: coded events"))
    for column in ("#", "type", "date", "actor1", "location", "key fields", "conf."):
        table.add_column(column)
    for index, event in enumerate(coded.events, start=1):
        et = codebook.event_type(event.type) if event.type in codebook.type_ids else None
        shown = {"event_date", "actor1", "location"}
        keys = [k for k in (et.key_fields if et else []) if k not in shown and k in event.fields]
        key_text = Text()
        for k in keys:
            if key_text:
                key_text.append("; ")
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
    console.print(table)
    for index, event in enumerate(coded.events, start=1):
        notes = event.value("notes")
        if notes:
            console.print(Text(f"{index}. {_safe(notes)}", style="dim"))
