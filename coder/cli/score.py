"""coder score | coder agree: thin wrappers over coder.score."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.console import Console

from ..io import write_text_atomic
from .common import CodebookOption, JsonOption, console, err_console, fail, open_codebook

if TYPE_CHECKING:
    from ..score import AgreementReport, ScoreReport

# coder.score pulls in scipy (~0.7 s): imported inside the commands that use it, so the other
# commands (`coder code` above all) start without it.


class Split(str, Enum):
    dev = "dev"
    test = "test"


def register(app: typer.Typer) -> None:
    app.command("score")(score)
    app.command("agree")(agree)
    app.command("score-sentences")(score_sentences)


def _write(path: Path, content: str) -> None:
    try:
        write_text_atomic(path, content)  # whole or not at all; `-` is stdout
    except OSError as exc:
        fail(f"{path}: cannot write: {exc.strerror}")


def score(
    predictions: Annotated[
        Path,
        typer.Argument(
            help="Predictions: a coded-documents JSONL file (- for stdin) or golden directory.", show_default=False
        ),
    ],
    gold: Annotated[Path, typer.Argument(help="Gold: a golden directory or coded-documents file.", show_default=False)],
    as_json: JsonOption = False,
    junit: Annotated[
        Path | None,
        typer.Option("--junit", help="Write JUnit XML: one case per document and type.", show_default=False),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write an HTML page of gold and predicted spans.", show_default=False)
    ] = None,
    split: Annotated[
        Split | None, typer.Option("--split", help="Score only gold documents of this split.", show_default=False)
    ] = None,
    codebook: CodebookOption = None,
) -> None:
    """Score predictions against gold: events, fields, spans, types, with bootstrap intervals."""
    from ..score import load_coding, score_documents
    from ..score.html import html_report
    from ..score.junit import junit_xml
    from ..score.render import print_score

    cb = open_codebook(codebook)
    report = score_documents(load_coding(predictions), load_coding(gold), cb, split.value if split else None)
    if junit is not None:
        _write(junit, junit_xml(report))
    if html is not None:
        _write(html, html_report(report, cb))
    _show(report, as_json, print_score)


def agree(
    coding_a: Annotated[Path, typer.Argument(help="First coding: JSONL file or golden directory.", show_default=False)],
    coding_b: Annotated[Path, typer.Argument(help="Second coding of the same documents.", show_default=False)],
    as_json: JsonOption = False,
    listing: Annotated[
        Path | None,
        typer.Option("--disagreements", help="Write every disagreement (per document) to this file, for adjudication."),
    ] = None,
    codebook: CodebookOption = None,
) -> None:
    """Inter-coder agreement: event F1 of A against B, Cohen's kappa, Krippendorff's alpha per field."""
    from ..score import agreement, load_coding
    from ..score.agree import disagreements
    from ..score.render import print_agreement

    cb = open_codebook(codebook)
    first, second = load_coding(coding_a), load_coding(coding_b)
    report = agreement(first, second, cb)
    if listing is not None:
        _write(listing, disagreements(first, second, cb))
    _show(report, as_json, print_agreement)


Report = TypeVar("Report", "ScoreReport", "AgreementReport")


def _show(report: Report, as_json: bool, print_table: Callable[[Report, Console], None]) -> None:
    """JSON on stdout (notes on stderr, so the JSON stays parseable), or rich tables."""
    if as_json:
        for note in report.notes:
            err_console.print("note: " + note, markup=False, soft_wrap=True)
        typer.echo(report.to_json())
    else:
        print_table(report, console)


def score_sentences(
    corpus: Annotated[
        list[Path], typer.Argument(help="Sentence-labelled JSONL files or folders of them.", show_default=False)
    ],
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions",
            help="Coded documents of the corpus' reports (JSONL); without it the offline coder codes them.",
            show_default=False,
        ),
    ] = None,
    errors: Annotated[int, typer.Option("--errors", help="List this many missed and invented sentences.")] = 0,
    as_json: JsonOption = False,
    codebook: CodebookOption = None,
) -> None:
    """Score a coder on sentence-labelled reports: per type, sentences found, missed and invented."""
    from rich.table import Table

    from ..base import code_many, make_coder
    from ..batch.progress import Bar
    from ..io import InputError
    from ..score import load_coding
    from ..score.sentences import read_corpus
    from ..score.sentences import score_sentences as score_labels

    cb = open_codebook(codebook)
    try:
        reports = read_corpus(corpus, cb.type_ids)
    except InputError as exc:
        fail(str(exc))
    if predictions is not None:
        coded = load_coding(predictions).documents
    else:
        engine, bar = make_coder("rules", cb), Bar(err_console)
        bar.start(len(reports))
        coded = []
        try:
            for done in code_many(engine, (r.document() for r in reports)):
                coded.append(done)
                bar.update(advance=1, errors=int(done.status == "failed"))
        finally:
            bar.stop()
    report = score_labels(reports, coded, cb.type_ids)
    if as_json:
        data = report.as_dict()
        data["errors"] = [dict(zip(("kind", "type", "report", "sentence"), e)) for e in report.errors[: errors or None]]
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table(title=f"{len(reports)} labelled reports", title_justify="left")
    for column in ("type", "found", "missed", "invented", "precision", "recall", "F1"):
        table.add_column(column, justify="left" if column == "type" else "right")
    for type_id in [*cb.type_ids, None]:
        f = report.figures(type_id)
        table.add_row(
            type_id or "all",
            *(str(f[k]) for k in ("tp", "fn", "fp")),
            *(f"{f[k]:.3f}" for k in ("precision", "recall", "f1")),
            end_section=type_id == cb.type_ids[-1],
        )
    console.print(table)
    located = {t: f for t in [*cb.type_ids, None] if "placed" in (f := report.figures(t))}
    if located:
        # A corpus that labels where each incident happened: how often the coder put it there.
        shown = [f"{t or 'all'} {f['location_accuracy']:.3f} of {f['placed']}" for t, f in located.items()]
        console.print("location, found sentences at the labelled place: " + "; ".join(shown), highlight=False)
    for kind, type_id, report_id, sentence in report.errors[:errors]:
        console.print(f"[bold]{kind}[/] {type_id} [dim]{report_id}[/] {sentence}", highlight=False)
