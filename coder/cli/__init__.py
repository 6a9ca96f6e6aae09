"""The `coder` command line: a thin layer over library functions.

Each feature keeps its commands in its own module (code, score, batch, llm-batch,
review, regress, ...) with a register(app) function. This module only puts them
together: the help lists them by workflow, and it is the CLI's edge, the one place
where a `CoderError` becomes `error: <message>` and an exit status.
"""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperGroup
from typer.models import CommandInfo, TyperInfo

from ..errors import CoderError
from . import batch, code, foundation, golden, llmbatch, lookup, regress, review, score
from .common import err_console, one_spelling

# Help panels in the order work happens; every command is in exactly one (a test checks).
WORKFLOW: dict[str, tuple[str, ...]] = {
    "Code": ("code",),
    "Batch": ("batch", "status", "llm-batch"),
    "Review": ("review",),
    "Export": ("export",),
    "Score": ("score", "score-sentences", "agree", "golden"),
    "Regress": ("regress",),
    "Codebook": ("init", "codebook", "schema", "validate", "places", "actors", "unresolved"),
}
_ORDER = [name for names in WORKFLOW.values() for name in names]


class _Edge(TyperGroup):
    """The root group: lists commands by workflow and reports every CoderError the same way."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        return sorted(names, key=lambda n: _ORDER.index(n) if n in _ORDER else len(_ORDER))

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except CoderError as exc:
            # Messages carry user text (file names, quotes): printed without markup, on one line each.
            err_console.print(f"error: {exc}", markup=False, soft_wrap=True)
            raise typer.Exit(exc.exit_code) from None


app = typer.Typer(
    name="coder",
    cls=_Edge,
    help="Code news into ACLED-style events, every value tied to its evidence in the text.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Old spellings of renamed options (--run-id, --log) still parse, in every command, unseen in help.
    context_settings={"token_normalize_func": one_spelling},
)

for module in (foundation, code, score, batch, llmbatch, review, regress, golden, lookup):
    module.register(app)

_PANEL = {name: panel for panel, names in WORKFLOW.items() for name in names}
infos: list[CommandInfo | TyperInfo] = [*app.registered_commands, *app.registered_groups]
for info in infos:
    info.rich_help_panel = _PANEL.get(info.name or "")


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
    show_version: bool = typer.Option(
        False, "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
    ),
) -> None:
    """Code news into ACLED-style events, every value tied to its evidence in the text."""


def main() -> None:
    app()
