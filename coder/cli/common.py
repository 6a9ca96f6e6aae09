"""Options and helpers shared by every command.

Each option shared by several commands is declared once here, so it has one name, one
short form and one help text everywhere. The naming rule: `--format` chooses what records
are written as (jsonl, html, acled-csv, gold); `--json` prints a report as JSON instead of
tables; `--out` is where output goes, `-` (or no --out where stdout is the default) being
standard output, as `-` is standard input where a file is read.

Options once spelt two ways keep their old spelling as a hidden alias (OLD_SPELLINGS), so
scripts written against it go on working.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from ..codebook.loader import CodebookError, default_codebook_path, load_codebook
from ..codebook.model import Codebook
from ..errors import CoderError, UsageError

# emoji=False: ":100:" in "file.yaml:100:143" (or in an article) is no emoji code.
console = Console(highlight=False, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)

CodebookOption = Annotated[
    Path | None,
    typer.Option(
        "--codebook", envvar="CODER_CODEBOOK", help="Codebook directory (default: ./codebook).", show_default=False
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", "-o", help="Output file (default or -: stdout).", show_default=False),
]
GoldenOption = Annotated[Path, typer.Option("--golden", help="Golden directory.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
PublicationDateOption = Annotated[
    str | None,
    typer.Option("--publication-date", help="Publication date (YYYY-MM-DD) of every document.", show_default=False),
]
ModelOption = Annotated[str | None, typer.Option("--model", help="LLM model name (llm coder).", show_default=False)]
BaseUrlOption = Annotated[
    str | None, typer.Option("--base-url", help="OpenAI-compatible endpoint (llm coder).", show_default=False)
]
DocumentTimeoutOption = Annotated[
    float,
    typer.Option(
        "--document-timeout",
        min=0,
        help="Offline coder: seconds one document may take, per started megabyte of its text; a "
        "document past it is recorded as failed and the run goes on (0: no limit).",
    ),
]
RunOption = Annotated[
    str | None, typer.Option("--run", help="Run id in the batch store (default: the latest run).", show_default=False)
]
ReviewLogOption = Annotated[
    Path | None,
    typer.Option(
        "--review-log",
        help="Review decision log (default: SOURCE.review.sqlite beside the source).",
        show_default=False,
    ),
]

# Old spelling -> the one name (without the leading dashes, as click hands them over).
OLD_SPELLINGS = {"run-id": "run", "log": "review-log"}


def one_spelling(token: str) -> str:
    """click's token_normalize_func: an old spelling parses as the one name and is shown nowhere."""
    return OLD_SPELLINGS.get(token, token)


def fail(message: str, code: int = 1) -> NoReturn:
    """Stop the command; the CLI's edge prints `error: <message>` and exits with `code`."""
    error = UsageError(message) if code == 2 else CoderError(message)
    error.exit_code = code
    raise error


def no_stdio(path: Path | None, option: str, why: str) -> None:
    """Refuse `-` where standard input or output cannot work, saying why (never a file named `-`)."""
    if path is not None and str(path) == "-":
        fail(f"{option} cannot be `-`: {why}", 2)


def open_codebook(path: Path | None) -> Codebook:
    """Load the codebook or exit with every problem listed (never a traceback)."""
    try:
        return load_codebook(path if path is not None else default_codebook_path())
    except CodebookError as exc:
        for problem in exc.problems:
            err_console.print(str(problem), markup=False, soft_wrap=True)
        fail(f"the codebook has {len(exc.problems)} problem(s)")


def parse_date_option(value: str | None, option: str = "--publication-date") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: expected YYYY-MM-DD, got {value!r}", 2)
