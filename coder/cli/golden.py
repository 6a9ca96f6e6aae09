"""coder golden add | import | split | freeze | stats: building the golden corpus."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from types import ModuleType
from typing import Annotated

import typer
from rich.table import Table

from ..io import atomic_output, is_stdin, is_stdout, load_coded, read_stdin_text, read_text, write_coded
from .common import (
    CodebookOption,
    GoldenOption,
    JsonOption,
    OutOption,
    console,
    err_console,
    fail,
    open_codebook,
    parse_date_option,
)


def _corpus() -> ModuleType:
    """coder.golden.corpus, imported when a golden command runs: it pulls in jsonschema, which
    every other command (`coder code` above all) would otherwise load at start-up for nothing."""
    from ..golden import corpus

    return corpus


golden_app = typer.Typer(
    help="Build the golden corpus: add documents, import quote codings, split, freeze.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(golden_app, name="golden")


@golden_app.command("add")
def add(
    text_file: Annotated[
        Path, typer.Argument(help="The document text (UTF-8), kept byte for byte; - reads stdin.", show_default=False)
    ],
    doc_id: Annotated[str, typer.Option("--id", help="Document id (file name stem).", show_default=False)],
    source: Annotated[str | None, typer.Option(help="Outlet, e.g. 'Enab Baladi'.")] = None,
    url: Annotated[str | None, typer.Option(help="The source page (provenance).")] = None,
    publication_date: Annotated[str | None, typer.Option("--publication-date", help="YYYY-MM-DD.")] = None,
    source_scale: Annotated[str | None, typer.Option("--source-scale", help="ACLED source scale.")] = None,
    title: Annotated[str | None, typer.Option(help="Headline (default: the first line).")] = None,
    golden: GoldenOption = Path("golden"),
) -> None:
    """Add a document to golden/incoming: <id>.txt and a <id>.meta.json stub to code against."""
    parse_date_option(publication_date)
    text = read_stdin_text() if is_stdin(text_file) else read_text(text_file)
    meta = {
        "source": source,
        "url": url,
        "publication_date": publication_date,
        "source_scale": source_scale,
        "title": title or (text.strip().splitlines() or [""])[0].strip() or None,
    }
    paths = _corpus().add_document(text, golden / "incoming", doc_id, meta)
    console.print(f"added {paths[0]} and {paths[1]}", markup=False)


@golden_app.command("import")
def import_(
    codings: Annotated[list[Path], typer.Argument(help="Quote codings (.yaml files or folders).", show_default=False)],
    out: OutOption = None,
    gold: Annotated[
        bool, typer.Option("--gold", help="Write them into the golden directory as <id>.txt/.json.")
    ] = False,
    check: Annotated[bool, typer.Option("--check", help="Only check: every quote found, every name known.")] = False,
    golden: GoldenOption = Path("golden"),
    codebook: CodebookOption = None,
) -> None:
    """Locate every quote of quote codings in their texts and build coded documents."""
    cb = open_codebook(codebook)
    documents, problems = _corpus().import_codings(codings, [golden, golden / "incoming"], cb)
    for problem in problems:
        err_console.print(str(problem), markup=False, soft_wrap=True)
    if problems:
        fail(f"{len(problems)} problem(s) in the codings; nothing written")
    events = sum(len(d.events) for d in documents)
    if check:
        console.print(
            f"{len(documents)} coding(s), {events} event(s): every quote found, every name known", markup=False
        )
        return
    if out is not None:
        with atomic_output(out, newline="\n") as handle:
            write_coded(documents, handle)
    if gold:
        _corpus().write_adjudicated(documents, golden, {})
    # With --out - the records are on stdout: the summary goes to stderr so they stay parseable.
    where = err_console if is_stdout(out) else console
    where.print(f"{len(documents)} document(s), {events} event(s) imported", markup=False)


@golden_app.command("split")
def split(
    test_share: Annotated[float, typer.Option(help="Share of incident groups per stratum put in test.")] = 0.5,
    golden: GoldenOption = Path("golden"),
) -> None:
    """Give every document without a split one: incident groups kept whole, stratified by type and outlet."""
    documents = load_coded(golden)
    fixed: dict[str, str] = {d.document.id: d.document.split for d in documents if d.document.split}
    splits = _corpus().assign_splits(documents, test_share, fixed)
    _corpus().write_adjudicated([d for d in documents if d.document.id not in fixed], golden, splits)
    console.print(json.dumps(_corpus().corpus_stats(load_coded(golden))["documents_by_split"]), markup=False)


@golden_app.command("freeze")
def freeze_cmd(
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if a frozen test document changed or a test document is not frozen.")
    ] = False,
    golden: GoldenOption = Path("golden"),
) -> None:
    """Freeze the test documents not yet frozen (their ids and a fingerprint), or check the freeze."""
    if check:
        log = _corpus().FreezeLog.read(golden)
        if log is None:
            fail(f"{golden}/{_corpus().FreezeLog.FILE} not found: the test split was never frozen")
        problems = log.check(golden)
        if problems:
            fail("; ".join(problems))
        console.print(
            f"test split unchanged: {len(log.documents)} documents in {len(log.freezes)} freeze(s)", markup=False
        )
        return
    frozen = _corpus().freeze(golden, dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%MZ"))
    console.print(f"froze {len(frozen.documents)} test documents, fingerprint {frozen.fingerprint}", markup=False)


@golden_app.command("stats")
def stats(
    as_json: JsonOption = False,
    golden: GoldenOption = Path("golden"),
) -> None:
    """Documents and events by split, type, outlet and year."""
    figures = _corpus().corpus_stats(load_coded(golden))
    if as_json:
        typer.echo(json.dumps(figures, indent=2, sort_keys=True))
        return
    console.print(
        f"{figures['documents']} documents, {figures['events']} events; "
        f"without events: {figures['documents_without_events']}",
        markup=False,
    )
    for key, title in (("split", "split"), ("type", "event type"), ("source", "outlet"), ("year", "year")):
        table = Table(title=f"events by {title}")
        table.add_column(title)
        table.add_column("events", justify="right")
        if key == "type":
            table.add_column("documents", justify="right")
        for name, count in figures["events_by"][key].items():
            row = [name, str(count)]
            if key == "type":
                row.append(str(figures["documents_with_type"].get(name, 0)))
            table.add_row(*row)
        console.print(table)
