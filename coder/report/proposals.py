"""The proposals page: `coder code ... --format html` writes coded documents as one self-contained
HTML page, in the spirit of LangExtract's visualisation.

Per document: the text with every event's evidence shaded in its type's colour and every field
span underlined in its field's colour (a tooltip names event, field and value); uncoded mentions
(diagnostics) dotted; a table of events (clicking a row scrolls to that event's spans and lights
them); every event's fields with value, quote, offsets and alignment, values that the text does not
support marked; the diagnostics listed. No external resources: the page works offline and from a
mail attachment. Every text from a document or a coding is escaped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from html import escape

from ..codebook.model import Codebook
from ..models import Alignment, CodedDocument, Event, FieldValue
from ..pretty import field_colours
from .markup import Mark, css_colour, highlighted, page, shade

_STYLE = """
section.doc{border-top:2px solid #bbb;margin-top:2em;padding-top:.5em}
tr.event{cursor:pointer}
tr.event:hover{background:#f6f6ff}
.lit{outline:2px solid #d33;outline-offset:1px}
.diag{text-decoration:underline dotted 2px #888}
tr.unaligned td,li.unaligned{color:#a00}
td.quote{font-family:Georgia,serif;color:#444}
details{margin:.3em 0}
"""

# Why a value is flagged: the quote is not in the text, or the span's stored text is not the text
# at its offsets (a record edited by hand or by a coder with another idea of offsets).
_PROBLEM = {
    Alignment.unaligned: "unaligned: the quote was not found in the text",
    Alignment.fuzzy: "approximate: the quote matched the text only approximately",
}

_SCRIPT = """
document.addEventListener('click', function (e) {
  var row = e.target.closest('[data-target]');
  if (!row) return;
  var tag = row.getAttribute('data-target');
  document.querySelectorAll('.lit').forEach(function (n) { n.classList.remove('lit'); });
  var found = document.querySelectorAll('[data-ev~="' + tag + '"]');
  found.forEach(function (n) { n.classList.add('lit'); });
  if (found.length) found[0].scrollIntoView({behavior: 'smooth', block: 'center'});
});
"""


def _text(value) -> str:
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def value_problems(text: str, fv: FieldValue) -> list[str]:
    """What is wrong with a value's grounding, in words (empty when nothing is)."""
    problems = []
    if fv.alignment in _PROBLEM:
        problems.append(_PROBLEM[fv.alignment])
    for span in fv.spans:
        if text[span.start : span.end] != span.text:
            problems.append(f"span {span.start}-{span.end} does not hold its quote {span.text!r}")
    return problems


def _marks(coded: CodedDocument, doc_index: int, colours: dict[str, str], type_colours: dict[str, str]) -> list[Mark]:
    marks: list[Mark] = []
    for e_index, event in enumerate(coded.events, start=1):
        tag = f"d{doc_index}-e{e_index}"
        for span in event.evidence:
            marks.append(
                Mark(
                    span.start,
                    span.end,
                    f"ev ev-{e_index}",
                    shade(type_colours.get(event.type, "gray")),
                    f"event {e_index}: {event.type}",
                    [tag],
                )
            )
    for e_index, event in enumerate(coded.events, start=1):
        tag = f"d{doc_index}-e{e_index}"
        for name, fv in event.fields.items():
            for span in fv.spans:
                colour = css_colour(colours.get(name, "gray"))
                marks.append(
                    Mark(
                        span.start,
                        span.end,
                        "field",
                        f"text-decoration-color:{colour}",
                        f"event {e_index} {name}: {_text(fv.value)}",
                        [tag],
                    )
                )
    for d_index, diagnostic in enumerate(coded.diagnostics, start=1):
        marks.append(
            Mark(
                diagnostic.span.start,
                diagnostic.span.end,
                "diag",
                "",
                f"{diagnostic.kind}: reported, not coded by this codebook",
                [f"d{doc_index}-x{d_index}"],
            )
        )
    return marks


def _key_fields(event: Event, codebook: Codebook) -> str:
    et = codebook.event_type(event.type) if event.type in codebook.type_ids else None
    shown = {"event_date", "actor1", "location"}
    keys = [k for k in (et.key_fields if et else []) if k not in shown and k in event.fields]
    return "<br>".join(f"{escape(k)}={escape(_text(event.fields[k].value))}" for k in keys)


def _event_table(coded: CodedDocument, doc_index: int, codebook: Codebook, type_colours: dict[str, str]) -> str:
    rows = [
        '<table class="events"><thead><tr><th>#</th><th>type</th><th>date</th><th>actor1</th>'
        "<th>location</th><th>key fields</th><th>conf.</th><th>flags</th></tr></thead><tbody>"
    ]
    for e_index, event in enumerate(coded.events, start=1):
        flagged = [name for name, fv in event.fields.items() if value_problems(coded.document.text, fv)]
        flags = ('<span class="bad">⚠ ' + escape(", ".join(flagged)) + "</span>") if flagged else ""
        confidence = f"{event.confidence:.2f}" if event.confidence is not None else ""
        rows.append(
            f'<tr class="event" data-target="d{doc_index}-e{e_index}" title="show this event in the text">'
            f'<td class="num">{e_index}</td>'
            f'<td><mark style="{shade(type_colours.get(event.type, "gray"))}">{escape(event.type)}</mark></td>'
            f"<td>{escape(_text(event.value('event_date', '')))}</td>"
            f"<td>{escape(_text(event.value('actor1', '')))}</td>"
            f"<td>{escape(_text(event.value('location', '')))}</td>"
            f'<td>{_key_fields(event, codebook)}</td><td class="num">{confidence}</td><td>{flags}</td></tr>'
        )
    rows.append("</tbody></table>")
    return "".join(rows)


def _event_fields(coded: CodedDocument, doc_index: int, codebook: Codebook) -> str:
    parts = []
    for e_index, event in enumerate(coded.events, start=1):
        order = list(codebook.fields_for(event.type)) if event.type in codebook.type_ids else []
        names = [n for n in order if n in event.fields] + [n for n in event.fields if n not in order]
        rows = []
        for name in names:
            fv = event.fields[name]
            problems = value_problems(coded.document.text, fv)
            quote = " … ".join(s.text for s in fv.spans)
            where = ", ".join(f"{s.start}-{s.end}" for s in fv.spans)
            mark = f'<span class="bad">⚠ {escape("; ".join(problems))}</span>' if problems else ""
            rows.append(
                f'<tr class="{"unaligned" if problems else "ok"}"><td>{escape(name)}</td>'
                f'<td>{escape(_text(fv.value))}</td><td class="quote">{escape(quote)}</td>'
                f"<td>{escape(where)}</td><td>{escape(fv.alignment.value)} {mark}</td></tr>"
            )
        evidence = "; ".join(f"{s.start}-{s.end}" for s in event.evidence) or "none"
        parts.append(
            f'<details class="event-fields" id="d{doc_index}-e{e_index}-fields">'
            f'<summary data-target="d{doc_index}-e{e_index}">event {e_index}: {escape(event.type)} '
            f"(evidence {escape(evidence)})</summary><table><thead><tr><th>field</th><th>value</th>"
            "<th>quote</th><th>offsets</th><th>alignment</th></tr></thead><tbody>"
            + "".join(rows)
            + "</tbody></table></details>"
        )
    return "".join(parts)


def _diagnostics(coded: CodedDocument, doc_index: int) -> str:
    if not coded.diagnostics:
        return ""
    counts = Counter(d.kind for d in coded.diagnostics)
    said = ", ".join(f"{escape(kind)} ({count})" for kind, count in counts.most_common())
    items = "".join(
        f'<li data-target="d{doc_index}-x{i}">{escape(d.kind)}: “{escape(d.span.text)}” '
        f"({d.span.start}-{d.span.end})</li>"
        for i, d in enumerate(coded.diagnostics, start=1)
    )
    return (
        f'<div class="diagnostics"><h3>Also reported, not coded by this codebook</h3><p>{said}</p>'
        f"<ul>{items}</ul></div>"
    )


def _legend(codebook: Codebook, type_colours: dict[str, str], colours: dict[str, str], used_fields: set[str]) -> str:
    # Joined by spaces: the legend wraps between entries, never inside one.
    types = " ".join(f'<span style="{shade(c)}">{escape(t)}</span>' for t, c in type_colours.items())
    fields = " ".join(
        f'<span class="field" style="text-decoration-color:{css_colour(colours.get(f, "gray"))}">{escape(f)}</span>'
        for f in colours
        if f in used_fields
    )
    return (
        '<div class="legend"><p><b>Event types</b> (evidence shaded): ' + types + "</p>"
        "<p><b>Fields</b> (spans underlined): " + fields + "</p>"
        '<p><span class="diag">dotted</span>: mentioned but not coded (diagnostics); '
        '<span class="bad">⚠</span>: value not supported by the text as quoted. '
        "Click an event to find it in the text.</p></div>"
    )


def proposals_page(records: Iterable[CodedDocument], codebook: Codebook) -> str:
    records = list(records)
    colours = field_colours(codebook)
    type_colours = {t.id: t.colour for t in codebook.event_types}
    used = {name for coded in records for event in coded.events for name in event.fields}
    events = sum(len(c.events) for c in records)
    failed = sum(c.status != "ok" for c in records)
    coders = sorted(
        {f"{c.coder.name} {c.coder.version} (codebook {c.coder.codebook_version})" for c in records if c.coder}
    )
    body = [
        "<h1>Proposed events</h1>",
        f'<p class="summary">{len(records)} document(s), {events} event(s)'
        + (f', <span class="bad">{failed} failed</span>' if failed else "")
        + (f"; coder {escape(', '.join(coders))}" if coders else "")
        + "</p>",
        _legend(codebook, type_colours, colours, used),
    ]
    for doc_index, coded in enumerate(records, start=1):
        doc = coded.document
        title = f" — {escape(doc.title)}" if doc.title else ""
        body.append(
            f'<section class="doc" id="doc-{doc_index}"><h2>{escape(doc.id)}{title}</h2>'
            f"<p>published {escape(str(doc.publication_date or 'no date'))}; {len(coded.events)} event(s)"
            + (f"; source {escape(doc.source)}" if doc.source else "")
            + "</p>"
        )
        if coded.status != "ok":
            body.append(f'<p class="bad">failed: {escape(coded.error or "")}</p>')
        body.append(f'<div class="text">{highlighted(doc.text, _marks(coded, doc_index, colours, type_colours))}</div>')
        if coded.events:
            body.append(_event_table(coded, doc_index, codebook, type_colours))
            body.append(_event_fields(coded, doc_index, codebook))
        else:
            body.append("<p>no events</p>")
        body.append(_diagnostics(coded, doc_index))
        body.append("</section>")
    return page("Proposed events", _STYLE, body, _SCRIPT)
