"""`coder code PATH...`: code text/HTML files or directories with a coder from the registry."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from ..base import DOCUMENT_SECONDS
from ..codebook.model import Codebook
from ..models import CodedDocument
from .common import (
    BaseUrlOption,
    CodebookOption,
    DocumentTimeoutOption,
    ModelOption,
    OutOption,
    PublicationDateOption,
    console,
    fail,
    open_codebook,
    parse_date_option,
)


class Format(str, Enum):
    jsonl = "jsonl"
    pretty = "pretty"
    html = "html"


FormatOption = Annotated[
    Format,
    typer.Option(
        "--format",
        help="jsonl (records), pretty (highlighted text and the events) or html (one self-contained page: "
        "--out page.html).",
    ),
]
ConcurrencyOption = Annotated[int | None, typer.Option("--concurrency", min=1, help="Requests at once (llm coder).")]


def code(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Text files, HTML files or directories of them; - reads one document from stdin.", show_default=False
        ),
    ],
    coder: Annotated[str, typer.Option("--coder", help="Coder to use: rules (offline) or llm.")] = "rules",
    out: OutOption = None,
    fmt: FormatOption = Format.jsonl,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    concurrency: ConcurrencyOption = None,
    publication_date: PublicationDateOption = None,
    document_timeout: DocumentTimeoutOption = DOCUMENT_SECONDS,
    codebook_path: CodebookOption = None,
) -> None:
    """Code documents into events, every value tied to its evidence in the text."""
    from ..base import UnknownCoder, code_many, make_coder
    from ..io import atomic_output, dump_record, is_stdout
    from ..sources import iter_documents

    pub = parse_date_option(publication_date)
    codebook = open_codebook(codebook_path)
    options: dict[str, Any] = {}
    if coder == "llm":
        # Only what was given: the LLM coder's own config and environment fill the rest.
        options.update(
            {k: v for k, v in (("model", model), ("base_url", base_url), ("concurrency", concurrency)) if v is not None}
        )
    try:
        engine = make_coder(coder, codebook, **options)
    except UnknownCoder as exc:
        fail(str(exc), 2)
    except ImportError as exc:
        fail(
            f"the '{coder}' coder is not available in this installation ({exc}); "
            "use --coder rules for the offline coder",
            2,
        )
    except (ValueError, TypeError) as exc:
        fail(f"cannot start the '{coder}' coder: {exc}", 2)

    documents = iter_documents(paths, publication_date=pub)
    failures: list[str] = []

    def watched(coded_documents: Iterable[CodedDocument]) -> Iterator[CodedDocument]:
        # Failed documents are written like the others (nothing is lost) and reported at the end.
        for coded in coded_documents:
            if coded.status == "failed":
                failures.append(f"{coded.document.id}: {coded.error}")
            yield coded

    results = watched(code_many(engine, documents, concurrency=concurrency or 1, seconds=document_timeout or None))
    if fmt is Format.pretty:
        results = _rendered(results, codebook)
    if fmt is Format.html:
        from ..report.proposals import proposals_page

        # One page for all documents: it is written once they are all coded (atomically, as records are).
        records = list(results)
        with atomic_output(out if out is not None else "-", newline="\n") as handle:
            handle.write(proposals_page(records, codebook))
        if out is not None and not is_stdout(out):
            console.print(f"{len(records)} document(s) coded -> {out}", markup=False, highlight=False)
    elif fmt is Format.pretty and out is None:
        for _ in results:  # shown on the terminal, no records to write
            pass
    else:
        # Atomic: a run stopped half-way leaves the previous --out file as it was, never half a file.
        with atomic_output(out if out is not None else "-", newline="\n") as handle:
            count = 0
            for coded in results:
                handle.write(dump_record(coded) + "\n")
                count += 1
        if out is not None and not is_stdout(out):
            console.print(f"{count} document(s) coded -> {out}", markup=False, highlight=False)
    if failures:
        fail(f"{len(failures)} document(s) could not be coded; first: {failures[0]}")


def _rendered(results: Iterable[CodedDocument], codebook: Codebook) -> Iterator[CodedDocument]:
    """Show each coded document as it passes (pretty format), then hand it on."""
    from ..pretty import render

    for coded in results:
        render(coded, codebook, console)
        yield coded


def register(app: typer.Typer) -> None:
    app.command("code")(code)
