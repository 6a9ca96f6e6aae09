"""Options and error handling shared by every command."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from ..codebook.loader import CodebookError, default_codebook_path, load_codebook
from ..codebook.model import Codebook

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

CodebookOption = Annotated[
    Path | None,
    typer.Option("--codebook", envvar="CODER_CODEBOOK", help="Codebook directory (default: ./codebook).",
                 show_default=False),
]


def fail(message: str, code: int = 1) -> NoReturn:
    # Messages carry user text (file names, quotes); print them without markup.
    err_console.print("error: " + message, markup=False, soft_wrap=True)
    raise typer.Exit(code)


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


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
