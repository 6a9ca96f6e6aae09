"""The `coder` command line: a thin layer over library functions.

Each feature keeps its commands in its own module (code, score, batch, llm-batch,
review, regress) with a register(app) function; nothing else lives here.
"""

from __future__ import annotations

import typer

from . import batch, code, foundation, golden, llmbatch, lookup, regress, review, score

app = typer.Typer(
    name="coder",
    help="Code news into ACLED-style events, every value tied to its evidence in the text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (foundation, code, score, batch, llmbatch, review, regress, golden, lookup):
    module.register(app)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        from .. import __version__
        try:
            installed = version("eventcoder")
        except PackageNotFoundError:
            installed = __version__
        typer.echo(f"eventcoder {installed}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True,
                                      callback=_print_version),
) -> None:
    """Code news into ACLED-style events, every value tied to its evidence in the text."""


def main() -> None:
    app()
