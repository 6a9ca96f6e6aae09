"""coder review SOURCE (Textual app, or --plain prompts) and coder review export.

`coder review SOURCE` is short for `coder review open SOURCE`: the group sends
anything that is not one of its command names to `open`; `coder review --status
SOURCE` is `coder review status SOURCE`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from ..io import InputError, atomic_output, is_stdout, write_coded, write_golden
from .common import CodebookOption, ReviewLogOption, RunOption, console, fail, no_stdio, open_codebook


class _OpenByDefault(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] == "--status":
            args = ["status", *args[1:]]
        elif args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["open", *args]
        return super().parse_args(ctx, args)


review_app = typer.Typer(
    cls=_OpenByDefault,
    no_args_is_help=True,
    help="Review proposals: accept, reject, fix, add. `coder review SOURCE` opens the review.",
)

# A review reads its source again and keeps its log beside it: the source is a file, never stdin.
SOURCE_IS_A_FILE = "the review log is kept beside the source (SOURCE.review.sqlite)"


@review_app.command("open")
def review(
    source: Annotated[
        Path, typer.Argument(help="Coded-documents file (.jsonl), golden directory or batch store (.sqlite).")
    ],
    reviewer: Annotated[
        str | None,
        typer.Option(
            "--reviewer", envvar="CODER_REVIEWER", help="Your name in the decision log (default: your login)."
        ),
    ] = None,
    filters: Annotated[
        list[str] | None,
        typer.Option(
            "--filter",
            help="Which events to visit: type=TYPE, status=unreviewed|accepted|rejected|edited|added, "
            "confidence<0.5. Repeat to combine.",
        ),
    ] = None,
    plain: Annotated[
        bool, typer.Option("--plain", help="Line-oriented prompts on stdin/stdout (screen readers, scripts).")
    ] = False,
    review_log: ReviewLogOption = None,
    run: RunOption = None,
    codebook: CodebookOption = None,
) -> None:
    """Accept, reject, fix and add events; every decision is saved at once."""
    from ..review import DecisionError, open_session
    from ..review.log import LogError

    no_stdio(source, "SOURCE", SOURCE_IS_A_FILE)
    cb = open_codebook(codebook)
    try:
        session = open_session(
            source, log=review_log, reviewer=reviewer, codebook=cb, filters=filters or [], run_id=run
        )
    except (InputError, DecisionError, LogError) as exc:
        fail(str(exc))
    except ImportError as exc:
        fail(f"cannot read the batch store {source}: {exc}")
    try:
        if plain:
            from ..review.plain import run_plain

            code = run_plain(session, sys.stdin, sys.stdout)
        else:
            from ..review.app import ReviewApp

            ReviewApp(session).run()
            code = 0
    finally:
        session.close()
    raise typer.Exit(code)


@review_app.command("export")
def export(
    source: Annotated[Path, typer.Argument(help="The source that was reviewed.")],
    out: Annotated[
        Path, typer.Option("--out", help="gold: a directory of <id>.txt/<id>.json; jsonl: a file ('-' for stdout).")
    ],
    format: Annotated[str, typer.Option("--format", help="gold or jsonl.")] = "jsonl",
    review_log: ReviewLogOption = None,
    run: RunOption = None,
    unfinished: Annotated[
        bool, typer.Option("--unfinished", help="Also documents not fully reviewed (their kept events only).")
    ] = False,
    codebook: CodebookOption = None,
) -> None:
    """Write reviewed documents: accepted, edited and added events; rejected ones left out."""
    from ..models import CoderInfo
    from ..review import DecisionError, reviewed_documents

    if format not in ("gold", "jsonl"):
        fail(f"--format is gold or jsonl, not {format!r}", 2)
    if format == "gold":
        no_stdio(out, "--out", "--format gold writes a directory")
    no_stdio(source, "SOURCE", SOURCE_IS_A_FILE)
    cb = open_codebook(codebook)
    try:
        docs = reviewed_documents(source, review_log, codebook=cb, only_reviewed=not unfinished, run_id=run)
    except (InputError, DecisionError) as exc:
        fail(str(exc))
    try:
        if format == "gold":
            for doc in docs:
                doc.coder = CoderInfo(name="gold", codebook_version=cb.version)
                write_golden(doc, out)
        else:
            if not is_stdout(out):
                out.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(out) as handle:
                write_coded(docs, handle)
    except InputError as exc:
        fail(str(exc))
    if not is_stdout(out):
        console.print(f"{len(docs)} reviewed document(s) written to {out}", markup=False)


@review_app.command("status")
def status(
    source: Annotated[Path, typer.Argument(help="The source under review.")],
    review_log: ReviewLogOption = None,
    run: RunOption = None,
    codebook: CodebookOption = None,
) -> None:
    """Progress across the whole source: reviewed / total documents and events, by reviewer."""
    from ..review import DecisionError, open_session
    from ..review.log import LogError
    from ..review.progress import progress
    from ..review.sources import default_log_path

    no_stdio(source, "SOURCE", SOURCE_IS_A_FILE)
    path = review_log if review_log is not None else default_log_path(source)
    if not path.exists():
        fail(f"no review log at {path}: nothing reviewed yet")
    cb = open_codebook(codebook)
    try:
        session = open_session(source, log=path, codebook=cb, run_id=run, reviewer="status")
    except (InputError, DecisionError, LogError) as exc:
        fail(str(exc))
    try:
        p = progress(session)
        comments = sum(1 for d in session.docs if d.comment)
    finally:
        session.close()
    lines = [
        f"{source}: {p.reviewed_documents}/{p.documents} documents reviewed, "
        f"{p.reviewed_events}/{p.events} events reviewed" + (f", {comments} document comment(s)" if comments else "")
    ]
    for name, share in p.by_reviewer.items():
        lines.append(
            f"  {name}: {share.documents} document(s), {share.events} event(s), {share.decisions} decision(s) in force"
        )
    if not p.by_reviewer:
        lines.append("  no decisions yet")
    console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")
