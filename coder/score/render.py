"""Score and agreement reports as rich tables for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .agree import AgreementReport
from .scorer import ScoreReport


def _figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _interval(bounds: list[float] | None) -> str:
    return "—" if bounds is None else f"{bounds[0]:.3f}–{bounds[1]:.3f}"


def print_score(report: ScoreReport, console: Console) -> None:
    data = report.data
    events, documents, spans = data["events"], data["documents"], data["spans"]
    console.print(
        Text(
            f"{documents['scored']} gold documents, {events['gold']} gold events, "
            f"{events['predicted']} predicted, {events['matched']} matched"
            + (f" (split {data['split']})" if data["split"] else "")
        )
    )

    headline = Table(title="Headline (95% bootstrap interval over documents)")
    for column in ("measure", "precision", "recall", "F1", "95% CI", "tp / fp / fn"):
        headline.add_column(column, justify="left" if column == "measure" else "right")
    for label, row, interval in (
        ("events, strict (type, place, date)", events["strict"], events["strict"]["f1_ci"]),
        ("events, relaxed (type, overlapping evidence)", events["relaxed"], events["relaxed"]["f1_ci"]),
    ):
        headline.add_row(
            label,
            _figure(row["precision"]),
            _figure(row["recall"]),
            _figure(row["f1"]),
            _interval(interval),
            f"{row['tp']} / {row['fp']} / {row['fn']}",
        )
    headline.add_row(
        "evidence spans, overlap",
        _figure(spans["overlap"]["precision"]),
        _figure(spans["overlap"]["recall"]),
        _figure(spans["overlap"]["f1"]),
        _interval(spans["overlap"]["f1_ci"]),
        "",
    )
    headline.add_row(
        "evidence spans, exact",
        _figure(spans["exact"]["precision"]),
        _figure(spans["exact"]["recall"]),
        _figure(spans["exact"]["f1"]),
        "",
        "",
    )
    headline.add_row(
        "document types",
        _figure(documents["type_precision"]),
        _figure(documents["type_recall"]),
        _figure(documents["type_f1"]),
        _interval(documents["type_f1_ci"]),
        f"{documents['type_tp']} / {documents['type_fp']} / {documents['type_fn']}",
    )
    console.print(headline)

    per_type = Table(title="Per event type")
    for column in ("type", "gold", "pred", "relaxed P", "relaxed R", "relaxed F1", "strict F1", "documents F1"):
        per_type.add_column(column, justify="left" if column == "type" else "right")
    for type_id, row in data["per_type"].items():
        per_type.add_row(
            type_id,
            str(row["gold"]),
            str(row["predicted"]),
            _figure(row["precision"]),
            _figure(row["recall"]),
            _figure(row["f1"]),
            _figure(row["strict"]["f1"]),
            _figure(documents["per_type"][type_id]["f1"]),
        )
    console.print(per_type)

    fields = Table(title="Fields of matched events")
    for column in ("field", "accuracy", "correct", "incorrect", "missing", "spurious", "items P/R"):
        fields.add_column(column, justify="left" if column == "field" else "right")
    for name, row in data["per_field"].items():
        items = row.get("items")
        fields.add_row(
            name,
            _figure(row["accuracy"]),
            str(row["correct"]),
            str(row["incorrect"]),
            str(row["missing"]),
            str(row["spurious"]),
            f"{_figure(items['precision'])} / {_figure(items['recall'])}" if items else "",
        )
    console.print(fields)

    console.print(
        Text(
            f"Evidence spans: {spans['correct']} correct, {spans['partial']} partial, "
            f"{spans['missing']} missing, {spans['spurious']} spurious"
        )
    )
    confusion = Table(title="Type confusion (rows gold, columns predicted; events paired by evidence overlap)")
    labels = data["confusion"]["labels"]
    confusion.add_column("gold \\ predicted")
    for label in labels:
        confusion.add_column(label, justify="right")
    for gold_label in labels:
        confusion.add_row(gold_label, *(str(data["confusion"]["matrix"][gold_label][label]) for label in labels))
    console.print(confusion)
    for note in report.notes:
        console.print(Text("note: " + note, style="yellow"))


def print_agreement(report: AgreementReport, console: Console) -> None:
    data = report.data
    events = data["events"]
    summary = Table(title=f"Agreement over {data['documents']['compared']} documents (A against B)")
    for column in ("measure", "value", "detail"):
        summary.add_column(column, justify="left" if column != "value" else "right")
    for mode in ("strict", "relaxed"):
        row = events[mode]
        summary.add_row(
            f"event F1, {mode}",
            _figure(row["f1"]),
            f"P {_figure(row['precision'])}, R {_figure(row['recall'])}; A {events['a']}, B {events['b']}",
        )
    summary.add_row("Cohen's kappa, document types", _figure(data["kappa"]["types"]), "")
    for type_id, value in data["kappa"]["per_type"].items():
        summary.add_row(f"  kappa, {type_id}", _figure(value), "")
    console.print(summary)
    alpha = Table(title="Krippendorff's alpha (nominal) per field, on matched events")
    for column in ("field", "alpha", "units", "agreed"):
        alpha.add_column(column, justify="left" if column == "field" else "right")
    for name, row in data["alpha"].items():
        alpha.add_row(name, _figure(row["alpha"]), str(row["units"]), str(row["agreed"]))
    console.print(alpha)
    for note in report.notes:
        console.print(Text("note: " + note, style="yellow"))
