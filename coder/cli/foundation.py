"""coder codebook check | coder schema | coder validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from ..codebook.loader import default_codebook_path
from .common import CodebookOption, console, err_console, fail, no_stdio, open_codebook

codebook_app = typer.Typer(help="Check and inspect the codebook.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.add_typer(codebook_app, name="codebook")
    app.command("schema")(schema)
    app.command("validate")(validate)


def init(
    directory: Annotated[Path, typer.Argument(help="Where to put the codebook (default: ./codebook).")] = Path(
        "codebook"
    ),
) -> None:
    """Copy the bundled codebook here for editing; ./codebook is then used by default."""
    from ..codebook.loader import copy_codebook

    try:
        target = copy_codebook(directory)
    except (FileExistsError, FileNotFoundError) as exc:
        fail(str(exc))
    hint = (
        ""
        if directory.resolve() == (Path.cwd() / "codebook").resolve()
        else f"; use it with --codebook {target} (or CODER_CODEBOOK={target})"
    )
    console.print(f"codebook copied to {target}/ — edit it, then `coder codebook check`{hint}", markup=False)


def schema_dir_for(codebook: Path | None) -> Path:
    """Schemas sit beside the codebook they are generated from."""
    return (codebook or default_codebook_path()).resolve().parent / "schemas"


@codebook_app.command("check")
def codebook_check(
    path: Annotated[Path | None, typer.Argument(help="Codebook directory (default: ./codebook).")] = None,
    codebook: CodebookOption = None,
) -> None:
    """Load the codebook and report every mistake with file:line."""
    cb = open_codebook(path or codebook)
    table = Table(title=f"Codebook {cb.version}: {cb.name}", show_lines=False)
    table.add_column("event type")
    table.add_column("fields", justify="right")
    table.add_column("triggers", justify="right")
    table.add_column("ACLED sub-event type")
    for et in cb.event_types:
        table.add_row(et.label, str(len(cb.fields_for(et.id))), str(len(et.triggers)), et.acled.sub_event_type)
    console.print(table)
    console.print(f"{len(cb.actors)} actors, {len(cb.places)} places, {len(cb.exclusion_rules)} exclusion rules: ok")


def schema(
    check: Annotated[bool, typer.Option("--check", help="Exit 1 if the committed schemas are stale.")] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Schema directory (default: schemas/ beside the codebook).", show_default=False),
    ] = None,
    codebook: CodebookOption = None,
) -> None:
    """Write the JSON Schemas derived from the codebook (or check they are fresh)."""
    from ..schema import stale_schemas, write_schemas  # jsonschema: loaded by the commands that use it

    no_stdio(out, "--out", "the schemas are several files, written to a directory")
    cb = open_codebook(codebook)
    out = out or schema_dir_for(codebook)
    if check:
        stale = stale_schemas(cb, out)
        if stale:
            fail(f"stale schemas in {out}/: {', '.join(stale)}; run `coder schema` and commit the result")
        console.print(f"schemas in {out}/ are fresh for codebook {cb.version}")
        return
    for path in write_schemas(cb, out):
        console.print(f"wrote {path}")


def validate(
    path: Annotated[Path, typer.Argument(help="Coded-documents JSONL file (- for stdin) or golden directory.")],
    codebook: CodebookOption = None,
) -> None:
    """Check coded documents against the schema and every span against its text."""
    from ..validate import validate_path  # jsonschema: loaded by the commands that use it

    cb = open_codebook(codebook)
    count, problems = validate_path(path, cb)
    for problem in problems:
        err_console.print(str(problem), markup=False, soft_wrap=True)
    if problems:
        fail(f"{len(problems)} problem(s) in {count} record(s) of {path}")
    console.print(f"{count} record(s) in {path}: valid")
