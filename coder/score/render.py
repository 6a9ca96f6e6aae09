"""Score and agreement reports as rich tables for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from .agree import AgreementReport
from .scorer import ScoreReport
from .tables import counts_line, figure, summary_tables


def _rich_table(title: str, columns: list[str], rows: list[list[str]]) -> Table:
    table = Table(title=title)
    for n, column in enumerate(columns):
        table.add_column(column, justify="left" if n == 0 else "right")
    for row in rows:
        table.add_row(*row)
    return table


def print_score(report: ScoreReport, console: Console) -> None:
    data = report.data
    spans = data["spans"]
    console.print(Text(counts_line(report)))
    for table in summary_tables(report):
        console.print(_rich_table(table.title, table.columns, table.rows))

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
            figure(row["f1"]),
            f"P {figure(row['precision'])}, R {figure(row['recall'])}; A {events['a']}, B {events['b']}",
        )
    summary.add_row("Cohen's kappa, document types", figure(data["kappa"]["types"]), "")
    for type_id, value in data["kappa"]["per_type"].items():
        summary.add_row(f"  kappa, {type_id}", figure(value), "")
    console.print(summary)
    alpha = Table(title="Krippendorff's alpha (nominal) per field, on matched events")
    for column in ("field", "alpha", "units", "agreed"):
        alpha.add_column(column, justify="left" if column == "field" else "right")
    for name, row in data["alpha"].items():
        alpha.add_row(name, figure(row["alpha"]), str(row["units"]), str(row["agreed"]))
    console.print(alpha)
    for note in report.notes:
        console.print(Text("note: " + note, style="yellow"))
