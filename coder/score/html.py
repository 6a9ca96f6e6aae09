"""A self-contained HTML page: per document, gold and predicted spans side by side.

Evidence spans are shaded in their event type's codebook colour, field spans
underlined; below each text the events are listed as matched, missed or
invented. Every text that comes from a document or a coding is HTML-escaped.
"""

from __future__ import annotations

import re
from html import escape

from ..codebook.model import Codebook
from ..models import Event
from .scorer import EventOutcome, ScoreReport

# Colours come from the codebook (rich names such as "bright_cyan" or "#aabbcc");
# anything else is replaced so a codebook value can never inject CSS.
_CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-z]+")

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222}
h2{font-size:1.05em;margin-top:2em;border-top:1px solid #ccc;padding-top:.8em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}
.text{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.5;border:1px solid #ddd;padding:.6em;
max-height:32em;overflow:auto}
mark{padding:0 .05em;border-radius:2px}
.field{text-decoration:underline dotted 2px}
.legend span{margin-right:1em;padding:0 .4em;border-radius:3px}
li.missed,li.invented{color:#a00}
.note{color:#a60}
"""


def _colour(name: str) -> str:
    name = name.removeprefix("bright_")
    return name if _CSS_COLOUR.fullmatch(name) else "gray"


def _shade(colour: str) -> str:
    return f"background:color-mix(in srgb,{colour} 35%,white)"


def _highlighted(text: str, outcomes: list[EventOutcome], colours: dict[str, str]) -> str:
    evidence: list[tuple[int, int, str]] = []
    fields: list[tuple[int, int]] = []
    for outcome in outcomes:
        evidence += [(s.start, s.end, outcome.type) for s in outcome.event.evidence]
        fields += [(s.start, s.end) for value in outcome.event.fields.values() for s in value.spans]
    cuts = sorted({0, len(text), *(p for s, e, _ in evidence for p in (s, e)), *(p for s, e in fields for p in (s, e))})
    cuts = [c for c in cuts if 0 <= c <= len(text)]
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        chunk = escape(text[start:end])
        types = sorted({t for s, e, t in evidence if s <= start and end <= e})
        in_field = any(s <= start and end <= e for s, e in fields)
        if in_field:
            chunk = f'<span class="field">{chunk}</span>'
        if types:
            title = escape(", ".join(types))
            chunk = f'<mark style="{_shade(colours.get(types[0], "gray"))}" title="{title}">{chunk}</mark>'
        pieces.append(chunk)
    return "".join(pieces)


def _event_line(event: Event) -> str:
    parts = [f"{name}: {event.value(name)}" for name in ("event_date", "location", "actor1")
             if event.value(name) is not None]
    return "; ".join(parts) or "no date, place or actor"


def _event_list(outcomes: list[EventOutcome], unmatched_label: str) -> str:
    if not outcomes:
        return "<p>no events</p>"
    items = []
    for outcome in outcomes:
        state = "matched" if outcome.matched else unmatched_label
        items.append(f'<li class="{state}"><b>{escape(outcome.type)}</b> ({state}): '
                     f"{escape(_event_line(outcome.event))}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def html_report(report: ScoreReport, codebook: Codebook) -> str:
    colours = {t.id: _colour(t.colour) for t in codebook.event_types}
    events = report.data["events"]
    legend = "".join(f'<span style="{_shade(c)}">{escape(t)}</span>' for t, c in colours.items())
    body = [
        "<h1>coder score</h1>",
        f"<p>events: relaxed F1 {_number(events['relaxed']['f1'])}, strict F1 {_number(events['strict']['f1'])}; "
        f"spans overlap F1 {_number(report.data['spans']['overlap']['f1'])}; "
        f"document types F1 {_number(report.data['documents']['type_f1'])}</p>",
        f'<p class="legend">{legend}</p>',
        *(f'<p class="note">{escape(note)}</p>' for note in report.notes),
    ]
    for document in report.documents():
        title = f" — {escape(document.title)}" if document.title else ""
        missing = ' <span class="note">(no prediction: scored as no events)</span>' if document.prediction_missing else ""
        body.append(f"<h2>{escape(document.id)}{title}{missing}</h2>")
        body.append('<div class="pair">')
        for label, outcomes, unmatched in (("gold", document.gold, "missed"),
                                           ("predicted", document.predicted, "invented")):
            body.append(f"<div><h3>{label}</h3>"
                        f'<div class="text">{_highlighted(document.text, outcomes, colours)}</div>'
                        f"{_event_list(outcomes, unmatched)}</div>")
        body.append("</div>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>coder score</title>"
            f"<style>{_STYLE}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n")


def _number(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"
