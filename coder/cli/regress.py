"""coder regress: codebook regression checks for CI."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from ..io import write_text_atomic
from .common import BaseUrlOption, CodebookOption, GoldenOption, ModelOption, console, err_console

if TYPE_CHECKING:
    from ..regress.run import RegressOptions, RegressResult


def regress(
    thresholds: Annotated[
        Path | None,
        typer.Option("--thresholds", help="Minimum scores (default: codebook/thresholds.yaml).", show_default=False),
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option("--baseline", help="Last recorded scores (default: codebook/baseline.json).", show_default=False),
    ] = None,
    junit: Annotated[Path | None, typer.Option("--junit", help="Write JUnit XML here.", show_default=False)] = None,
    summary: Annotated[
        Path | None,
        typer.Option("--summary", help="Write a Markdown summary here (CI step summary).", show_default=False),
    ] = None,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the HTML score report here.", show_default=False)
    ] = None,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Record the current scores as the baseline.")
    ] = False,
    codebook_path: CodebookOption = None,
    golden: GoldenOption = Path("golden"),
    schemas: Annotated[Path, typer.Option("--schemas", help="Committed schema directory.")] = Path("schemas"),
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="List passing checks too.")] = False,
    record_llm: Annotated[
        bool,
        typer.Option(
            "--record-llm",
            help="Ask the LLM coder again for every behavioural "
            "case and rewrite codebook/tests/recorded/ (needs the model).",
        ),
    ] = False,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
) -> None:
    """Check that a codebook change did not break the codebook, the golden set or the scores."""
    codebook = codebook_path or Path("codebook")
    llm = {k: v for k, v in (("model", model), ("base_url", base_url)) if v is not None} if record_llm else None
    from ..regress.report import junit_xml, markdown_summary
    from ..regress.run import RegressOptions

    options = RegressOptions(
        codebook,
        golden,
        schemas,
        thresholds or codebook / "thresholds.yaml",
        baseline or codebook / "baseline.json",
        update_baseline,
        html,
        llm,
    )
    result = run_regress(options)
    table = Table(title="coder regress", show_lines=False)
    for column in ("suite", "check", "result", "detail"):
        table.add_column(column, overflow="fold")
    for check in result.checks:
        if check.ok and not verbose:
            continue
        status = "[green]ok[/]" if check.ok else "[yellow]known gap[/]" if check.skipped else "[red]FAIL[/]"
        table.add_row(check.suite, check.name, status, check.message)
    if table.rows:
        console.print(table)
    if result.changes:
        changes = Table(title="scores against the baseline")
        for column in ("metric", "baseline", "now", "change"):
            changes.add_column(column)
        for metric, before, now, verdict in result.changes:
            if verdict == "same" and not verbose:
                continue
            colour = {"DROP": "red", "up": "green"}.get(verdict, "white")
            changes.add_row(metric, "—" if before is None else f"{before:.3f}", f"{now:.3f}", f"[{colour}]{verdict}[/]")
        if changes.rows:
            console.print(changes)
    for line in result.gained:
        console.print(f"[green]+[/] {line}", highlight=False)
    for line in result.lost:
        console.print(f"[red]-[/] {line}", highlight=False)
    passed = sum(1 for c in result.checks if c.ok)
    failed = [c for c in result.checks if not c.ok and not c.skipped]
    gaps = sum(1 for c in result.checks if c.skipped)
    # `-` is stdout for both; an output that cannot be written is reported at the CLI's edge.
    if junit:
        write_text_atomic(junit, junit_xml(result.checks))
    if summary:
        write_text_atomic(summary, markdown_summary(result.checks, result.changes, result.gained, result.lost))
    if update_baseline and result.metrics:
        console.print(f"baseline written to {options.baseline}")
    line = f"{passed} passed, {len(failed)} failed, {gaps} known gaps"
    if failed:
        err_console.print(f"coder regress FAILED: {line}", markup=False)
        raise typer.Exit(1)
    console.print(f"coder regress passed: {line}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("regress")(regress)


def run_regress(options: RegressOptions) -> RegressResult:
    """coder.regress.run.run_regress, imported when `coder regress` runs: it pulls in jsonschema,
    which the other commands need not load at start-up."""
    from ..regress.run import run_regress as run

    return run(options)
