"""`coder llm-batch prepare|read`: code an archive through the OpenAI Batch API at half the price."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .common import CodebookOption, console, err_console, fail, open_codebook

llm_batch = typer.Typer(
    help="Code an archive through the OpenAI Batch API (half the price, answers within 24 h).", no_args_is_help=True
)

ModelOption = Annotated[str | None, typer.Option("--model", help="LLM model name (as for coder code --coder llm).")]
ConfigOption = Annotated[Path | None, typer.Option("--config", help="LLM coder config file (TOML).")]


def _coder(codebook_path: Path | None, model: str | None, config: Path | None):
    from ..llm import LLMCoder

    codebook = open_codebook(codebook_path)
    options = {k: v for k, v in (("model", model), ("config", config)) if v is not None}
    try:
        return LLMCoder(codebook, **options)
    except (ValueError, TypeError, OSError) as exc:
        fail(f"cannot start the llm coder: {exc}", 2)


@llm_batch.command("prepare")
def prepare_command(
    paths: Annotated[list[Path], typer.Argument(help="Files, directories or archives to code.", show_default=False)],
    out: Annotated[Path, typer.Option("--out", "-o", help="The Batch API requests file (JSONL) to write.")],
    model: ModelOption = None,
    config: ConfigOption = None,
    codebook_path: CodebookOption = None,
) -> None:
    """Write the requests file to upload (and a manifest beside it for `read`)."""
    from ..io import InputError, is_stdout
    from ..llm.batchapi import manifest_path, prepare
    from ..sources import iter_documents

    if is_stdout(out):
        fail("--out must be a file: the manifest `read` needs is written beside it", 2)
    coder = _coder(codebook_path, model, config)
    try:
        done = prepare(coder, iter_documents(paths), out)
    except InputError as exc:
        fail(str(exc))
    cost = "unknown (model not in the price table)" if done.cost_usd is None else f"about ${done.cost_usd:.4f}"
    where = (
        str(out)
        if len(done.files) == 1
        else (
            f"{len(done.files)} files (a batch takes at most 50,000 requests "
            f"and 200 MB): " + ", ".join(str(f) for f in done.files)
        )
    )
    console.print(
        f"{done.documents} document(s): {done.requests} request(s) -> {where}, "
        f"{done.cached} chunk(s) already answered in the cache; "
        f"~{done.prompt_tokens} prompt tokens, batch prompt cost {cost}",
        markup=False,
    )
    if done.stale:
        err_console.print(
            f"note: {', '.join(str(f) for f in done.stale)} left by an earlier prepare "
            "(not part of this batch: do not submit)",
            markup=False,
        )
    console.print(f"manifest -> {manifest_path(out)} (keep it: `coder llm-batch read` needs it)", markup=False)
    console.print(
        "submit: upload each file with purpose 'batch' and create one batch per file on "
        "/v1/chat/completions (openai files create / batches create); "
        "then: coder llm-batch read OUTPUT.jsonl... [ERRORS.jsonl...] --requests " + str(out),
        markup=False,
    )


@llm_batch.command("read")
def read_command(
    results: Annotated[
        list[Path],
        typer.Argument(
            help="The batch's output file, and its error file if any; or recorded answers (text_sha256, answer) "
            "to play back.",
            show_default=False,
        ),
    ],
    requests: Annotated[Path, typer.Option("--requests", help="The requests file `prepare` wrote.")],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Coded documents (JSONL); default or -: stdout.")
    ] = None,
    model: ModelOption = None,
    config: ConfigOption = None,
    codebook_path: CodebookOption = None,
) -> None:
    """Turn the batch's answers into coded documents, grounded and checked like live answers."""
    from ..io import InputError, atomic_output, dump_record, is_stdout
    from ..llm.batchapi import BatchFileError, read

    coder = _coder(codebook_path, model, config)
    failures: list[str] = []
    count = 0
    try:
        with atomic_output(out if out is not None else "-", newline="\n") as handle:
            for coded in read(coder, requests, results):
                if coded.status == "failed":
                    failures.append(f"{coded.document.id}: {coded.error}")
                handle.write(dump_record(coded) + "\n")
                count += 1
    except (BatchFileError, InputError) as exc:
        fail(str(exc))
    # With `--out -` the records are on stdout: the summary goes to stderr so they stay parseable.
    where = err_console if out is None or is_stdout(out) else console
    where.print(
        f"{count} document(s) -> {out if out is not None and not is_stdout(out) else 'stdout'}; {coder.report()}",
        markup=False,
    )
    if failures:
        fail(f"{len(failures)} document(s) could not be coded; first: {failures[0]}")


def register(app: typer.Typer) -> None:
    app.add_typer(llm_batch, name="llm-batch")
