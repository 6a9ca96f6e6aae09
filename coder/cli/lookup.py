"""coder places | coder actors | coder unresolved: look-ups in the gazetteer and actor dictionary.

Analysts ask "what does the codebook call al-Baghuz?" and "which names in this archive does
the coder not know?"; the answers come from the same Normalizer the coders use, so what is
shown is what coding does.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from ..codebook.model import Codebook
from ..gazetteer import acled_admin1, acled_admin2, acled_location
from ..gazetteer.lookup import Row as Match
from ..gazetteer.lookup import lookup_actors, lookup_places
from ..io import is_stdin, load_coded, read_stdin_text, read_text
from ..normalize import Normalizer
from .common import CodebookOption, JsonOption, console, fail, open_codebook

_TEXT_SUFFIXES = {".txt", ".html", ".htm"}


def register(app: typer.Typer) -> None:
    app.command("places")(places)
    app.command("actors")(actors)
    app.command("unresolved")(unresolved)


LimitOption = Annotated[int, typer.Option("--limit", "-n", help="How many near names to list.")]
T = TypeVar("T")


def _show(
    rows: Sequence[T],
    as_json: bool,
    record: Callable[[T], dict[str, Any]],
    header: Sequence[str],
    cells: Callable[[T], Sequence[str]],
    missing: str | None = None,
) -> None:
    """One JSON object a line (--json), or a table; `missing` (tables only) is the error for no rows."""
    if as_json:
        for row in rows:
            print(json.dumps(record(row), ensure_ascii=False))
        return
    if not rows and missing:
        fail(missing, code=1)
    table = Table(*header)
    for row in rows:
        table.add_row(*cells(row))
    console.print(table)


def places(
    query: Annotated[str, typer.Argument(help="A place name as a source spells it.", show_default=False)],
    limit: LimitOption = 5,
    as_json: JsonOption = False,
    codebook: CodebookOption = None,
) -> None:
    """What the gazetteer makes of a place name: the coder's match, then near names."""
    cb = open_codebook(codebook)
    norm = Normalizer(cb)

    def record(row: Match) -> dict[str, Any]:
        place, surface, how, score = row
        return {
            "name": place.name,
            "acled_name": acled_location(place),
            "matched": surface,
            "how": how,
            "score": round(score, 1),
            "tier": row.tier,
            "country": place.country,
            "admin1": place.admin1,
            "admin2": place.admin2,
            "acled_admin1": acled_admin1(place.country, place.admin1),
            "acled_admin2": acled_admin2(place.country, place.admin2),
            "latitude": place.latitude,
            "longitude": place.longitude,
            "kind": place.kind,
            "homonyms": [p.name for p in norm.homonyms(place)][1:] or None,
        }

    def cells(row: Match) -> list[str]:
        place, surface, how, score = row
        return [
            place.name,
            acled_location(place),
            surface,
            f"{how} {score:.0f}",
            row.tier,
            place.country,
            acled_admin1(place.country, place.admin1) or place.admin1 or "",
            acled_admin2(place.country, place.admin2) or place.admin2 or "",
            f"{place.latitude:.4f}, {place.longitude:.4f}",
            place.kind,
        ]

    header = [
        "name",
        "ACLED name",
        "matched",
        "how",
        "tier",
        "country",
        "admin1 (ACLED)",
        "admin2 (ACLED)",
        "lat, lon",
        "kind",
    ]
    _show(lookup_places(cb, query, limit), as_json, record, header, cells, f"no place near {query!r} in the gazetteer")


def actors(
    query: Annotated[str, typer.Argument(help="A group's name as a source spells it.", show_default=False)],
    limit: LimitOption = 5,
    as_json: JsonOption = False,
    codebook: CodebookOption = None,
) -> None:
    """What the actor dictionary makes of a name: the coder's match, then near names."""

    def record(row: Match) -> dict[str, Any]:
        actor, surface, how, score = row
        return {
            "name": actor.name,
            "acled_name": actor.acled_name or actor.name,
            "matched": surface,
            "how": how,
            "score": round(score, 1),
            "side": actor.side,
            "inter": actor.inter,
            "affiliation": actor.affiliation,
        }

    def cells(row: Match) -> list[str]:
        actor, surface, how, score = row
        name = actor.acled_name or actor.name
        return [actor.name, name, surface, f"{how} {score:.0f}", actor.side, str(actor.inter), actor.affiliation]

    header = ["name", "ACLED name", "matched", "how", "side", "inter", "affiliation"]
    rows = lookup_actors(open_codebook(codebook), query, limit)
    _show(rows, as_json, record, header, cells, f"no actor near {query!r} in the dictionary")


def _texts(path: Path) -> Iterator[tuple[str, str]]:
    """(document id, text) from text files, a directory of them, coded JSONL, a golden directory, a batch store
    or standard input (`-`, one text)."""
    if is_stdin(path):
        yield "stdin", read_stdin_text()
        return
    if path.is_dir():
        if any(path.glob("*.json")) and any(path.glob("*.txt")):
            for doc in load_coded(path):  # a golden directory
                yield doc.document.id, doc.document.text
            return
        for file in sorted(p for p in path.rglob("*") if p.suffix.lower() in _TEXT_SUFFIXES):
            yield file.stem, read_text(file)
        return
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(b"SQLite format 3"):
        from ..store import load_coded_documents

        for doc in load_coded_documents(path):
            yield doc.document.id, doc.document.text
    elif path.suffix.lower() in _TEXT_SUFFIXES:
        yield path.stem, read_text(path)
    else:
        for doc in load_coded(path):
            yield doc.document.id, doc.document.text


def collect_unresolved(
    codebook: Codebook, texts: Iterable[tuple[str, str]], contexts: int = 2, width: int = 60
) -> list[dict[str, Any]]:
    """Unresolved names with counts, documents and a few contexts, most frequent first."""
    norm = Normalizer(codebook)
    counts: Counter[tuple[str, str]] = Counter()
    docs: dict[tuple[str, str], set[str]] = defaultdict(set)
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for doc_id, text in texts:
        for u in norm.unresolved(text):
            key = (u.kind, u.name)
            counts[key] += 1
            docs[key].add(doc_id)
            if len(seen[key]) < contexts:
                left = max(0, u.start - width)
                said = " ".join(text[left : u.end + width].split())
                seen[key].append(f"{doc_id}: …{said}…")
    return [
        {"kind": kind, "name": name, "count": n, "documents": len(docs[(kind, name)]), "contexts": seen[(kind, name)]}
        for (kind, name), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def unresolved(
    source: Annotated[
        Path,
        typer.Argument(
            help="Text files or a directory, a coded JSONL file, a golden directory, "
            "a batch store (.db), or - for one text on stdin.",
            show_default=False,
        ),
    ],
    kind: Annotated[
        str | None, typer.Option("--kind", help="Only 'place' or 'actor' names.", show_default=False)
    ] = None,
    contexts: Annotated[int, typer.Option("--contexts", help="Contexts shown per name.")] = 2,
    as_json: JsonOption = False,
    codebook: CodebookOption = None,
) -> None:
    """Place and group names the coder met but could not resolve, with counts and contexts."""
    if not is_stdin(source) and not source.exists():
        fail(f"{source}: no such file or directory")
    if kind not in (None, "place", "actor"):
        fail("--kind is 'place' or 'actor'")
    cb = open_codebook(codebook)
    rows = collect_unresolved(cb, _texts(source), contexts)
    rows = [r for r in rows if kind is None or r["kind"] == kind]
    header = ["kind", "name as written", "count", "docs", "contexts"]

    def cells(row: dict[str, Any]) -> list[str]:
        return [row["kind"], row["name"], str(row["count"]), str(row["documents"]), "\n".join(row["contexts"])]

    _show(rows, as_json, dict, header, cells)
    if not as_json:
        console.print(f"{len(rows)} unresolved name(s)")
