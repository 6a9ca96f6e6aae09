"""The score report's summary tables as plain rows of text, for every renderer.

The terminal (`render`) and the HTML page (`html`) show the same figures: their rows are made
here once, so the two cannot drift apart (one of them once left a row out and ordered the
event rows differently). Renderers only style the cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .scorer import ScoreReport

HEADLINE_TITLE = "Headline (95% bootstrap interval over documents)"
HEADLINE_COLUMNS = ["measure", "precision", "recall", "F1", "95% CI", "tp / fp / fn"]
PER_TYPE_TITLE = "Per event type"
PER_TYPE_COLUMNS = ["type", "gold", "predicted", "relaxed P", "relaxed R", "relaxed F1", "strict F1", "documents F1"]
FIELDS_TITLE = "Fields of matched events"
FIELDS_COLUMNS = ["field", "accuracy", "correct", "incorrect", "missing", "spurious", "items P / R"]
# The headline's F1 cell: the figure a reader looks for first.
F1_COLUMN = 3


def figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def interval(bounds: list[float] | None) -> str:
    return "—" if not bounds else f"{bounds[0]:.3f}–{bounds[1]:.3f}"


def _counts(tp: int, fp: int, fn: int) -> str:
    return f"{tp} / {fp} / {fn}"


def counts_line(report: ScoreReport) -> str:
    data = report.data
    events, documents = data["events"], data["documents"]
    split = f" (split {data['split']})" if data.get("split") else ""
    return (
        f"{documents['scored']} gold documents, {events['gold']} gold events, "
        f"{events['predicted']} predicted, {events['matched']} matched{split}"
    )


def headline_rows(report: ScoreReport) -> list[list[str]]:
    data = report.data
    events, documents, spans = data["events"], data["documents"], data["spans"]
    rows = []
    for label, row in (
        ("events, relaxed (type, overlapping evidence)", events["relaxed"]),
        ("events, strict (type, place, date)", events["strict"]),
    ):
        rows.append(
            [
                label,
                figure(row["precision"]),
                figure(row["recall"]),
                figure(row["f1"]),
                interval(row.get("f1_ci")),
                _counts(row["tp"], row["fp"], row["fn"]),
            ]
        )
    for label, row, ci in (
        ("evidence spans, overlap", spans["overlap"], interval(spans["overlap"].get("f1_ci"))),
        ("evidence spans, exact", spans["exact"], ""),
    ):
        rows.append([label, figure(row["precision"]), figure(row["recall"]), figure(row["f1"]), ci, ""])
    rows.append(
        [
            "document types",
            figure(documents["type_precision"]),
            figure(documents["type_recall"]),
            figure(documents["type_f1"]),
            interval(documents.get("type_f1_ci")),
            _counts(documents["type_tp"], documents["type_fp"], documents["type_fn"]),
        ]
    )
    return rows


def per_type_rows(report: ScoreReport) -> list[list[str]]:
    data = report.data
    per_document: dict[str, Any] = data["documents"]["per_type"]
    return [
        [
            type_id,
            str(row["gold"]),
            str(row["predicted"]),
            figure(row["precision"]),
            figure(row["recall"]),
            figure(row["f1"]),
            figure(row["strict"]["f1"]),
            figure(per_document.get(type_id, {}).get("f1")),
        ]
        for type_id, row in data["per_type"].items()
    ]


def field_rows(report: ScoreReport) -> list[list[str]]:
    rows = []
    for name, row in report.data["per_field"].items():
        items = row.get("items")
        rows.append(
            [
                name,
                figure(row["accuracy"]),
                str(row["correct"]),
                str(row["incorrect"]),
                str(row["missing"]),
                str(row["spurious"]),
                f"{figure(items['precision'])} / {figure(items['recall'])}" if items else "",
            ]
        )
    return rows


@dataclass(frozen=True)
class SummaryTable:
    title: str
    name: str  # a stable identifier ("headline", "per-type", "per-field"): the HTML's class
    columns: list[str]
    rows: list[list[str]]


def summary_tables(report: ScoreReport) -> list[SummaryTable]:
    """The summary's three tables in the order every renderer shows them."""
    return [
        SummaryTable(HEADLINE_TITLE, "headline", HEADLINE_COLUMNS, headline_rows(report)),
        SummaryTable(PER_TYPE_TITLE, "per-type", PER_TYPE_COLUMNS, per_type_rows(report)),
        SummaryTable(FIELDS_TITLE, "per-field", FIELDS_COLUMNS, field_rows(report)),
    ]
