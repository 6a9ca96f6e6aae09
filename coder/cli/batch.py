"""`coder batch`, `coder status`, `coder export`: code archives into a store, see where a run is, get the
results out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from ..base import DOCUMENT_SECONDS

if TYPE_CHECKING:
    from ..store import Status

from .common import (
    CodebookOption,
    DocumentTimeoutOption,
    JsonOption,
    ReviewLogOption,
    RunOption,
    console,
    err_console,
    fail,
    no_stdio,
    open_codebook,
    parse_date_option,
)

DbOption = Annotated[Path, typer.Option("--db", help="The batch store (SQLite), e.g. run.sqlite.", show_default=False)]
# A store is a database file, and a batch is resumed by reading its sources again: neither can be a stream.
STORE_IS_A_FILE = "the batch store is a SQLite file"


def batch(
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="Directories, .txt/.html/.json files, .jsonl, .csv, .zip, .tar.gz, .warc(.gz).", show_default=False
        ),
    ],
    db: DbOption,
    coder: Annotated[str, typer.Option("--coder", help="rules (offline) or llm.")] = "rules",
    concurrency: Annotated[
        int | None,
        typer.Option(
            "--concurrency", min=1, help="LLM: requests at once (default 8). rules: processes (default: the cores)."
        ),
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Only the first N documents.")] = None,
    text_column: Annotated[
        str | None, typer.Option("--text-column", help="CSV/JSONL text column (default: text, body or content).")
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help="Id column (default: id).")] = None,
    url_column: Annotated[str | None, typer.Option("--url-column", help="URL column (default: url).")] = None,
    title_column: Annotated[str | None, typer.Option("--title-column", help="Title column (default: title).")] = None,
    date_column: Annotated[
        str | None,
        typer.Option("--date-column", help="Publication date column (default: date, published or publication_date)."),
    ] = None,
    source_column: Annotated[
        str | None, typer.Option("--source-column", help="Outlet column (default: source).")
    ] = None,
    model: Annotated[str | None, typer.Option("--model", help="LLM model name (llm coder).")] = None,
    base_url: Annotated[str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (llm coder).")] = None,
    retry_failed: Annotated[
        bool, typer.Option("--retry-failed/--no-retry-failed", help="Code again documents whose coding failed before.")
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    publication_date: Annotated[
        str | None,
        typer.Option(
            "--publication-date",
            help="Publication date (YYYY-MM-DD) of every document; else each one's own "
            "(its record, <name>.meta.json beside the file, or a dateline).",
        ),
    ] = None,
    allow_failures: Annotated[
        bool,
        typer.Option(
            "--allow-failures", help="Exit 0 even when documents of the run failed (they are still reported)."
        ),
    ] = False,
    document_timeout: DocumentTimeoutOption = DOCUMENT_SECONDS,
    codebook_path: CodebookOption = None,
) -> None:
    """Code an archive into a store; run the same command again to finish an interrupted run.

    Exits 1 when documents of the run failed (see `coder status`), unless --allow-failures.
    """
    from ..base import UnknownCoder
    from ..batch import Bar, Quiet, run_batch
    from ..io import InputError
    from ..sources import SourceOptions, check_sources, count_hint

    no_stdio(db, "--db", STORE_IS_A_FILE)
    for source in sources:
        no_stdio(
            source,
            "SOURCES",
            "a batch reads its sources again to resume an interrupted run; save standard "
            "input to a file (or use `coder code -`)",
        )
    pub = parse_date_option(publication_date)
    options = SourceOptions(
        text_column=text_column,
        id_column=id_column,
        url_column=url_column,
        title_column=title_column,
        date_column=date_column,
        source_column=source_column,
    )
    try:
        check_sources(sources, options)  # a CSV without its text column fails now, not after hours
    except InputError as exc:
        fail(str(exc), 2)
    codebook = open_codebook(codebook_path)
    coder_options: dict = {}
    if coder == "llm":
        coder_options.update({k: v for k, v in (("model", model), ("base_url", base_url)) if v is not None})
        if concurrency:
            coder_options["concurrency"] = concurrency
    progress = Quiet() if quiet else Bar(err_console)
    try:
        summary = run_batch(
            sources,
            db,
            coder,
            concurrency,
            limit,
            codebook=codebook,
            options=options,
            coder_options=coder_options,
            retry_failed=retry_failed,
            progress=progress,
            total_hint=None if quiet else count_hint(sources),
            publication_date=pub,
            document_seconds=document_timeout or None,
        )
    except UnknownCoder as exc:
        fail(str(exc), 2)
    except ImportError as exc:
        fail(f"the '{coder}' coder is not available in this installation ({exc})", 2)
    except InputError as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        fail(f"interrupted; every result so far is in {db}: run the same command again to go on", 130)
    cost = f", ${summary.cost_usd:.4f}" if summary.cost_usd is not None else ""
    tokens = f", {summary.tokens:,} tokens" if summary.tokens else ""
    err_console.print(
        f"run {summary.run_id}: {summary.coded} coded, {summary.already_done} already done, {summary.failed} failed, "
        f"{summary.skipped} skipped, {summary.events} events in {summary.seconds:.1f} s "
        f"({summary.rate:.1f} doc/s, {summary.engine} x{summary.workers}){tokens}{cost} -> {db}",
        markup=False,
        soft_wrap=True,
    )
    if summary.undated:
        err_console.print(
            f'note: {summary.undated} document(s) have no publication date: relative dates in them ("on Monday", '
            '"yesterday") could not be resolved; give --publication-date or a <name>.meta.json '
            '({"publication_date": "YYYY-MM-DD"}) beside each file',
            markup=False,
            soft_wrap=True,
        )
    if summary.run_failed:
        # A script running `coder batch && coder export` must not export a run that silently lost documents.
        message = f"{summary.run_failed} of {summary.run_documents} documents failed; see `coder status --db {db}`"
        if allow_failures:
            err_console.print("warning: " + message, markup=False, soft_wrap=True)
        else:
            fail(message + " (--allow-failures to exit 0 anyway)")


def status(db: DbOption, run: RunOption = None, as_json: JsonOption = False) -> None:
    """Summarise a store: documents, done, failed with reasons, events per type."""
    from ..io import InputError
    from ..store import Store

    no_stdio(db, "--db", STORE_IS_A_FILE)
    try:
        with Store(db, create=False) as store:
            st = store.status(run)
            runs = store.runs()
    except InputError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(_status_data(db, st, len(runs)), indent=2, sort_keys=True, ensure_ascii=False))
        return
    if st.run is None:
        console.print(f"{db}: no run yet")
        return
    r = st.run
    overview = Table(title=f"{db} — run {r.id} of {len(runs)}", show_header=False, title_justify="left")
    overview.add_column(style="bold")
    overview.add_column(justify="right")
    coder = r.coder + (f" {r.coder_version}" if r.coder_version else "") + (f" ({r.model})" if r.model else "")
    for label, value in (
        ("coder", coder),
        ("codebook", r.codebook_version),
        ("started", r.created_at),
        ("documents", st.documents),
        ("done", st.done),
        ("  coded", st.ok),
        ("  failed", st.failed),
        ("  skipped (not documents)", st.skipped),
        ("pending", st.pending),
        ("events", st.events),
    ):
        overview.add_row(label, str(value))
    if st.tokens:
        overview.add_row("tokens", f"{st.tokens:,}")
    if st.cost_usd is not None:
        overview.add_row("cost", f"${st.cost_usd:.4f}")
    console.print(overview)
    if st.events_by_type:
        types = Table(title="events per type", title_justify="left")
        types.add_column("type")
        types.add_column("events", justify="right")
        for name, count in st.events_by_type.items():
            types.add_row(name, str(count))
        console.print(types)
    for title, rows in (
        ("failed", [(f"{stage}: {reason}", n) for stage, reason, n in st.failures]),
        ("skipped", st.skips),
    ):
        if rows:
            table = Table(title=f"{title}, by reason", title_justify="left")
            table.add_column("reason", overflow="fold")
            table.add_column("documents", justify="right")
            for reason, n in rows[:15]:
                table.add_row(reason, str(n))
            if len(rows) > 15:
                table.add_row(f"... {len(rows) - 15} more reasons", "")
            console.print(table)


def _status_data(db: Path, st: Status, runs: int) -> dict[str, Any]:
    """What `coder status` shows, as JSON (keys stable, sorted; run null before the first run)."""
    r = st.run
    run = (
        None
        if r is None
        else {
            "id": r.id,
            "coder": r.coder,
            "coder_version": r.coder_version,
            "model": r.model,
            "codebook_version": r.codebook_version,
            "started": r.created_at,
        }
    )
    return {
        "store": str(db),
        "runs": runs,
        "run": run,
        "documents": st.documents,
        "done": st.done,
        "coded": st.ok,
        "failed": st.failed,
        "skipped": st.skipped,
        "pending": st.pending,
        "events": st.events,
        "events_by_type": st.events_by_type,
        "tokens": st.tokens,
        "cost_usd": st.cost_usd,
        "failures": [{"stage": stage, "reason": reason, "documents": n} for stage, reason, n in st.failures],
        "skips": [{"reason": reason, "documents": n} for reason, n in st.skips],
    }


def export(
    db: DbOption,
    fmt: Annotated[str, typer.Option("--format", help="jsonl, acled-csv or gold.")] = "jsonl",
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File (jsonl, acled-csv; default or -: stdout) or directory (gold)."),
    ] = None,
    run: RunOption = None,
    dedup: Annotated[
        bool,
        typer.Option(
            "--dedup/--no-dedup",
            help="Propose merges of one incident reported by several documents "
            "(applied only when accepted: --merges, --accept-merges).",
        ),
    ] = True,
    merges: Annotated[
        Path | None,
        typer.Option(
            "--merges",
            help="Write the proposed merges to this CSV file (- for stdout); mark each row accept or refuse.",
            show_default=False,
        ),
    ] = None,
    accept_merges: Annotated[
        Path | None,
        typer.Option(
            "--accept-merges",
            help="Apply the merges accepted in this file (a --merges file with its decision column "
            "filled; may be the same file; - reads it from stdin).",
            show_default=False,
        ),
    ] = None,
    reviewed: Annotated[
        bool,
        typer.Option(
            "--reviewed",
            help="Export the reviewed state (accepted, edited and added "
            "events of finished documents) from the review log.",
        ),
    ] = False,
    review_log: ReviewLogOption = None,
    acled_names: Annotated[
        bool,
        typer.Option(
            "--acled-names",
            help="acled-csv: write ACLED's spellings of admin areas, places and actors "
            "(Deir ez Zor, Tadmor, Liwa Fatemiyoun) instead of the codebook's.",
        ),
    ] = False,
    include_partial: Annotated[
        bool,
        typer.Option(
            "--include-partial",
            help="With --reviewed: also partly reviewed documents, their undecided events marked "
            "in a review_status column (acled-csv).",
        ),
    ] = False,
    codebook_path: CodebookOption = None,
) -> None:
    """Export a run: coded documents (jsonl), ACLED rows (acled-csv) or a golden directory (gold).

    With --reviewed, every document left out is named on stderr with the reason.
    Nothing is merged across documents unless accepted: --merges FILE lists the proposed
    merges, --accept-merges FILE applies those marked accept.
    """
    from ..export import write_acled_csv, write_gold, write_jsonl
    from ..io import InputError, atomic_output, is_stdout
    from ..store import load_coded_documents

    no_stdio(db, "--db", STORE_IS_A_FILE)
    if fmt not in ("jsonl", "acled-csv", "gold"):
        fail(f"--format: expected jsonl, acled-csv or gold, got {fmt!r}", 2)
    if fmt == "gold" and (out is None or is_stdout(out)):
        fail("--format gold writes a directory: give it with --out DIR", 2)
    if include_partial and not reviewed:
        fail("--include-partial goes with --reviewed", 2)
    if acled_names and fmt != "acled-csv":
        fail("--acled-names goes with --format acled-csv (the other formats keep the codebook's names)", 2)
    if include_partial and fmt != "acled-csv":
        # The coded-documents format has no place to say an event is undecided; exporting
        # such events unmarked would pass them off as reviewed.
        fail("--include-partial needs --format acled-csv (its review_status column marks undecided events)", 2)
    if merges is not None and str(merges) == "-" and (out is None or is_stdout(out)):
        fail("--merges - and the export would both go to stdout: give one of them a file", 2)
    if (merges or accept_merges) and not dedup:
        fail("--merges and --accept-merges go with --dedup (the default)", 2)
    codebook = open_codebook(codebook_path)
    undecided = comments = None
    try:
        if reviewed:
            from ..review import DecisionError, reviewed_export

            try:
                export = reviewed_export(db, review_log, codebook=codebook, run_id=run, include_partial=include_partial)
            except DecisionError as exc:
                fail(f"{exc}; review the store first with `coder review {db}`")
            _report_left_out(export.left_out, include_partial)
            documents = export.documents
            undecided = export.undecided if include_partial else None
            comments = export.comments
        else:
            documents = load_coded_documents(db, run_id=run)
    except InputError as exc:
        fail(str(exc))
    documents = _current(codebook, documents)
    if comments and fmt != "acled-csv":
        # Said, not dropped in silence: only the CSV has a place for a reviewer's comment.
        err_console.print(
            f"note: {len(comments)} document comment(s) from the review are not carried by --format {fmt}; "
            "--format acled-csv has a review_comment column",
            markup=False,
        )
    accepted = _merges(documents, merges, accept_merges) if dedup else None
    if fmt == "gold":
        count = write_gold(documents, out, dedup=dedup, accepted=accepted)
        err_console.print(f"{count} document(s) -> {out}/", markup=False)
        return
    stats: dict[str, int] = {}
    try:
        # Atomic: FILE keeps its previous content unless this export completes.
        with atomic_output(out if out is not None else "-", newline="") as handle:
            if fmt == "jsonl":
                count = write_jsonl(documents, handle, dedup=dedup, accepted=accepted)
                what = "document(s)"
            else:
                count = write_acled_csv(
                    documents,
                    codebook,
                    handle,
                    dedup=dedup,
                    accepted=accepted,
                    undecided=undecided,
                    comments=comments,
                    acled_names=acled_names,
                    stats=stats,
                )
                what = "event row(s)"
    except InputError as exc:
        fail(str(exc))
    for key, column in (("no_event_date", "event_date"), ("no_source", "source")):
        if stats.get(key):
            err_console.print(f"warning: {stats[key]} of {count} row(s) have no {column}", markup=False)
    if stats.get("contradictory"):
        err_console.print(
            f"warning: {stats['contradictory']} of {count} row(s) have values that contradict each "
            "other (see the warnings column)",
            markup=False,
        )
    if out is not None and not is_stdout(out):
        err_console.print(f"{count} {what} -> {out}", markup=False)


def _current(codebook, documents):
    """Documents whose reviewer-changed events are re-derived (looked-up fields, notes), after
    naming on stderr the events whose values contradict each other."""
    from ..derived import contradictions, refreshed

    documents = [refreshed(codebook, d) for d in documents]
    found = [(d.document.id, e.id, m) for d in documents for e in d.events for m in contradictions(e)]
    if found:
        err_console.print(f"warning: {len(found)} contradiction(s) between values:", markup=False)
        for doc_id, event_id, message in found[:20]:
            err_console.print(f"  {doc_id} {event_id}: {message}", markup=False, soft_wrap=True)
        if len(found) > 20:
            err_console.print(f"  ... and {len(found) - 20} more", markup=False)
    return documents


def _merges(documents, merges: Path | None, accept_merges: Path | None) -> list[list[str]]:
    """The merge groups to apply (the accepted ones; none without a decisions file), after writing
    the proposals file and saying on stderr what was proposed, applied and left undecided."""
    from ..export import merge_events, propose_merges
    from ..export.merges import merge_report, read_decisions, write_proposals
    from ..io import InputError, atomic_output

    proposals = propose_merges(documents)
    try:
        decisions = read_decisions(accept_merges) if accept_merges is not None else None
    except InputError as exc:
        fail(str(exc))
    accepted = list(decisions.accepted.values()) if decisions is not None else []
    if merges is not None:
        try:
            with atomic_output(merges, newline="") as handle:
                write_proposals(proposals, handle, decisions)
        except InputError as exc:
            fail(str(exc))
        err_console.print(f"{len(proposals)} proposed merge(s) -> {merges}", markup=False)
    applied = merge_events(documents, accepted=accepted) if accepted else []
    for line in merge_report(proposals, decisions, applied):
        err_console.print(line, markup=False, soft_wrap=True)
    return accepted


def _report_left_out(left_out, include_partial: bool) -> None:
    """Name every document a reviewed export leaves out, and why (stderr: stdout may hold the export)."""
    if not left_out:
        return
    err_console.print(f"{len(left_out)} document(s) left out of the reviewed export:", markup=False)
    for item in left_out[:50]:
        err_console.print(f"  {item.id}: {item.reason}", markup=False, soft_wrap=True)
    if len(left_out) > 50:
        err_console.print(f"  ... and {len(left_out) - 50} more", markup=False)
    if not include_partial and any(item.reason.startswith("partly") for item in left_out):
        err_console.print(
            "  (--include-partial exports partly reviewed documents, undecided events marked)", markup=False
        )


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)
    app.command("status")(status)
    app.command("export")(export)
