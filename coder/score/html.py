"""The score report as one self-contained HTML page, worth reading top to bottom.

First the summary: relaxed and strict event F1 with their bootstrap intervals, evidence spans,
document types, then per event type and per field. Then the documents, those with errors first
(most missed and invented events first, then most field disagreements), each with gold and
predicted text side by side; within matched events the fields that disagree are shown gold beside
predicted (a "matched" event with a wrong date is not hidden); missed and invented events are
listed with a cause where one is known (coded as another type, or reported by the coder as an
uncoded mention). Documents without errors come last, folded.
Every text that comes from a document or a coding is HTML-escaped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

import numpy as np

from ..codebook.model import Codebook
from ..models import Event
from ..report.markup import Mark, highlighted, page, shade
from .scorer import ScoreReport
from .tables import F1_COLUMN, counts_line, summary_tables

_STYLE = """
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}
section.doc{border-top:2px solid #bbb;margin-top:1.6em}
h2 .badge{font-size:.8em;font-weight:normal;color:#a00;margin-left:.6em}
h2 .badge.ok{color:#080}
tr.differs td.v,tr.missing td.v,tr.spurious td.v{background:#fde8e8}
li.missed,li.invented{color:#a00}
.cause{color:#555;font-style:italic}
caption{text-align:left;font-weight:600;padding:.2em 0}
"""


def _text(value) -> str:
    if value is None:
        return "—"
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _table(cls: str, headers: list[str], rows: list[list[str]], numeric_from: int = 1) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="num">{c}</td>' if i >= numeric_from else f"<td>{c}</td>" for i, c in enumerate(row))
        + "</tr>"
        for row in rows
    )
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _summary(report: ScoreReport) -> str:
    parts = [f'<p class="counts">{escape(counts_line(report))}</p>']
    for table in summary_tables(report):
        rows = [[escape(cell) for cell in row] for row in table.rows]
        if table.name == "headline":
            for row in rows[:2]:  # the events' F1, the figures a reader looks for first
                row[F1_COLUMN] = f"<b>{row[F1_COLUMN]}</b>"
        parts.append(f"<h3>{escape(table.title)}</h3>")
        parts.append(_table(table.name, table.columns, rows))
    parts += [f'<p class="note">{escape(note)}</p>' for note in report.notes]
    return '<section id="summary"><h2>Summary</h2>' + "".join(parts) + "</section>"


@dataclass
class _Doc:
    number: int
    id: str
    title: str | None
    text: str
    gold: list[int]  # global indexes into the gold side
    pred: list[int]
    pairs: list[tuple[int, int]] = field(default_factory=list)  # (gold, pred) matched
    disagreements: dict[tuple[int, int], list[tuple[str, str, str, str]]] = field(default_factory=dict)
    missed: list[tuple[int, str]] = field(default_factory=list)  # (gold, cause)
    invented: list[tuple[int, str]] = field(default_factory=list)
    prediction_missing: bool = False

    @property
    def errors(self) -> int:
        return len(self.missed) + len(self.invented) + sum(map(len, self.disagreements.values()))


def _compare(report: ScoreReport, g: int, p: int) -> list[tuple[str, str, str, str]]:
    """Fields of a matched pair that differ after the scorer's normalisation: (field, gold, predicted, verdict)."""
    prep = report.prepared
    gold, pred = prep.gold, prep.pred
    names = [n for n in prep.field_order if n in gold.values or n in pred.values]
    names += sorted((gold.values.keys() | pred.values.keys()) - set(names))
    out = []
    for name in names:
        gid = int(gold.values[name][g]) if name in gold.values else -1
        pid = int(pred.values[name][p]) if name in pred.values else -1
        if gid == pid:
            continue
        verdict = "missing" if pid < 0 else "spurious" if gid < 0 else "differs"
        out.append((name, _text(gold.events[g].value(name)), _text(pred.events[p].value(name)), verdict))
    return out


def _analyse(report: ScoreReport) -> list[_Doc]:
    prep = report.prepared
    gold, pred, matching, pairs = prep.gold, prep.pred, prep.matching, prep.matching.pairs
    chosen = np.flatnonzero(matching.primary)
    matched = {int(pairs.gold[k]): int(pairs.pred[k]) for k in chosen}
    matched_pred = set(matched.values())
    # Pairs of any types with overlapping evidence: a missed gold event "coded as" another type.
    crossed = [(int(pairs.gold[k]), int(pairs.pred[k])) for k in np.flatnonzero(matching.confusion)]
    gold_as = {g: p for g, p in crossed}
    pred_as = {p: g for g, p in crossed}
    missing = set(prep.aligned.missing_left)
    docs = []
    for number, doc_id in enumerate(prep.aligned.ids):
        doc = _Doc(
            number + 1,
            doc_id,
            prep.aligned.titles[number],
            prep.aligned.texts[number],
            list(range(gold.doc_start[number], gold.doc_start[number + 1])),
            list(range(pred.doc_start[number], pred.doc_start[number + 1])),
            prediction_missing=doc_id in missing,
        )
        record = prep.aligned.left[number]
        diagnostics = list(record.diagnostics) if record is not None else []
        for g in doc.gold:
            if g in matched:
                doc.pairs.append((g, matched[g]))
                found = _compare(report, g, matched[g])
                if found:
                    doc.disagreements[(g, matched[g])] = found
                continue
            cause = _missed_cause(gold.events[g], gold_as.get(g), pred, diagnostics, doc.prediction_missing)
            doc.missed.append((g, cause))
        for p in doc.pred:
            if p not in matched_pred:
                other = pred_as.get(p)
                cause = (
                    f"gold has a {gold.events[other].type} here"
                    if other is not None and gold.events[other].type != pred.events[p].type
                    else "no gold event here"
                )
                doc.invented.append((p, cause))
        docs.append(doc)
    return docs


def _missed_cause(event: Event, other: int | None, pred, diagnostics, prediction_missing: bool) -> str:
    if prediction_missing:
        return "no prediction for this document"
    if other is not None and pred.events[other].type != event.type:
        return f"coded as {pred.events[other].type}"
    for span in event.evidence:
        kinds = sorted({d.kind for d in diagnostics if d.span.start < span.end and span.start < d.span.end})
        if kinds:
            return "reported by the coder as an uncoded mention: " + ", ".join(kinds)
    return "not found by the coder"


def _event_line(event: Event) -> str:
    parts = [
        f"{name}: {_text(event.value(name))}"
        for name in ("event_date", "location", "actor1")
        if event.value(name) is not None
    ]
    return "; ".join(parts) or "no date, place or actor"


def _marks(events: list[Event], colours: dict[str, str]) -> list[Mark]:
    marks = [Mark(s.start, s.end, "ev", shade(colours.get(e.type, "gray")), e.type) for e in events for s in e.evidence]
    marks += [Mark(s.start, s.end, "field") for e in events for v in e.fields.values() for s in v.spans]
    return marks


def _document(report: ScoreReport, doc: _Doc, colours: dict[str, str]) -> str:
    gold, pred = report.prepared.gold, report.prepared.pred
    title = f" — {escape(doc.title)}" if doc.title else ""
    if doc.errors:
        said = [
            f"{len(doc.missed)} missed" if doc.missed else "",
            f"{len(doc.invented)} invented" if doc.invented else "",
            f"{sum(map(len, doc.disagreements.values()))} field disagreement(s)" if doc.disagreements else "",
        ]
        badge = f'<span class="badge">{", ".join(s for s in said if s)}</span>'
    else:
        badge = '<span class="badge ok">no errors</span>'
    missing = ' <span class="note">(no prediction: scored as no events)</span>' if doc.prediction_missing else ""
    out = [
        f'<section class="doc" id="doc-{doc.number}" data-errors="{doc.errors}">'
        f"<h2>{escape(doc.id)}{title}{badge}{missing}</h2>",
        '<div class="pair">',
    ]
    for label, indexes, side in (("gold", doc.gold, gold), ("predicted", doc.pred, pred)):
        events = [side.events[i] for i in indexes]
        out.append(
            f'<div class="side {label}"><h3>{label}</h3>'
            f'<div class="text">{highlighted(doc.text, _marks(events, colours))}</div></div>'
        )
    out.append("</div>")
    if doc.pairs:
        out.append("<h3>Matched events</h3>")
        for g, p in doc.pairs:
            rows = doc.disagreements.get((g, p), [])
            caption = (
                f"{escape(gold.events[g].type)}: gold {doc.gold.index(g) + 1} ↔ "
                f"predicted {doc.pred.index(p) + 1}"
                f" — {len(rows) or 'no'} field disagreement(s)"
            )
            body = "".join(
                f'<tr class="{v}"><td>{escape(n)}</td><td class="v">{escape(a)}</td>'
                f'<td class="v">{escape(b)}</td><td>{v}</td></tr>'
                for n, a, b, v in rows
            )
            out.append(
                f'<table class="matched"><caption>{caption}</caption>'
                + (
                    "<thead><tr><th>field</th><th>gold</th><th>predicted</th><th></th></tr></thead>"
                    f"<tbody>{body}</tbody>"
                    if rows
                    else ""
                )
                + "</table>"
            )
    for label, items, side in (("Missed", doc.missed, gold), ("Invented", doc.invented, pred)):
        if items:
            lis = "".join(
                f'<li class="{label.lower()}"><b>{escape(side.events[i].type)}</b>: '
                f'{escape(_event_line(side.events[i]))} <span class="cause">— {escape(cause)}</span></li>'
                for i, cause in items
            )
            out.append(f'<h3>{label} events</h3><ul class="{label.lower()}">{lis}</ul>')
    out.append("</section>")
    return "".join(out)


def html_report(report: ScoreReport, codebook: Codebook) -> str:
    colours = {t.id: t.colour for t in codebook.event_types}
    legend = " ".join(f'<span style="{shade(c)}">{escape(t)}</span>' for t, c in colours.items())
    docs = _analyse(report)
    # Missed and invented events before field disagreements: one wrong place also disagrees on its
    # coordinates and admin areas, so counts of fields alone would rank it above a missed event.
    wrong = sorted((d for d in docs if d.errors), key=lambda d: (-(len(d.missed) + len(d.invented)), -d.errors, d.id))
    right = [d for d in docs if not d.errors]
    body = [
        "<h1>coder score</h1>",
        _summary(report),
        f'<section id="documents"><h2>Documents with errors ({len(wrong)} of {len(docs)}), '
        "most missed and invented first</h2>"
        f'<p class="legend">evidence shaded by type: {legend}; field spans underlined</p></section>',
    ]
    body += [_document(report, d, colours) for d in wrong]
    if right:
        body.append(
            f'<section id="correct"><details><summary>Documents without errors ({len(right)})</summary>'
            + "".join(_document(report, d, colours) for d in right)
            + "</details></section>"
        )
    return page("coder score", _STYLE, body)
