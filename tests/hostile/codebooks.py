"""Hostile codebooks: empty files, deep and exploding YAML, syntax errors that must be reported on
the line that holds them, one mistake that must not be buried under follow-on errors (issue 17).

Each is checked through `coder codebook check` (or `coder code --codebook`): exit 1, one `error:`
line, and the problems named as file:line.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from .generate import ARTICLE, ROOT, Case


def _codebook(change: Callable[[Path], None]) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        target = folder / "codebook"
        shutil.copytree(ROOT / "codebook", target)
        change(target)
        (folder / "a.txt").write_text(ARTICLE + "\n", encoding="utf-8")

    return build


def _write(file: str, data: str | bytes) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / file).write_bytes(data.encode() if isinstance(data, str) else data)

    return change


def _prepend(file: str, lines: str) -> Callable[[Path], None]:
    """Put a mistake on the first lines, so its line number does not depend on the codebook's content."""

    def change(root: Path) -> None:
        path = root / file
        path.write_text(lines + path.read_text(encoding="utf-8"), encoding="utf-8")

    return change


def _replace(file: str, old: str, new: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / file
        text = path.read_text(encoding="utf-8")
        assert old in text, f"corpus setup: {old!r} not in {file}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")

    return change


def _remove(name: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        path = root / name
        shutil.rmtree(path) if path.is_dir() else path.unlink()

    return change


_LAUGHS = (
    "a: &a [x, x, x, x, x, x, x, x, x]\n"
    + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9))
    + "actors: *j\n"
)


def _check(expect_output: list[str], problems: int | None = None) -> dict:
    expect = {"exit": 1, "error": "problem", "output": expect_output}
    if problems is not None:
        expect["output"] = [*expect_output, f"has {problems} problem(s)"]
    return expect


CHECK = ["codebook", "check", "{case}/codebook"]
CODE = ["code", "{case}/a.txt", "--codebook", "{case}/codebook"]

CASES: list[Case] = [
    Case(
        "codebook-empty-actors-file",
        _codebook(_write("actors.yaml", "")),
        CHECK,
        _check(["actors.yaml:1:1", "empty"], 1),
    ),
    Case(
        "code-with-an-empty-actors-file",
        _codebook(_write("actors.yaml", "# nothing yet\n")),
        CODE,
        _check(["actors.yaml:1:1", "empty"], 1),
    ),
    Case(
        "codebook-empty-places-file",
        _codebook(_write("places.yaml", "\n\n")),
        CHECK,
        _check(["places.yaml:1:1", "empty"], 1),
    ),
    Case(
        "codebook-empty-codebook-yaml",
        _codebook(_write("codebook.yaml", "")),
        CHECK,
        _check(["codebook.yaml:1:1", "empty"], 1),
    ),
    Case(
        "codebook-empty-event-type-file",
        _codebook(_write("event_types/new_type.yaml", "")),
        CHECK,
        _check(["new_type.yaml:1:1", "empty"], 1),
    ),
    Case(
        "codebook-10000-deep-yaml-list",
        _codebook(_write("actors.yaml", "actors:\n  - " + "[" * 10_000 + "]" * 10_000 + "\n")),
        CHECK,
        _check(["actors.yaml", "nested too deeply"], 1),
    ),
    Case(
        "codebook-200-deep-yaml-mapping",
        _codebook(_write("places.yaml", "places:\n  - " + "{a: " * 200 + "1" + "}" * 200 + "\n")),
        CHECK,
        _check(["places.yaml", "nested too deeply"], 1),
    ),
    Case(
        "codebook-billion-laughs",
        _codebook(_write("actors.yaml", _LAUGHS)),
        CHECK,
        _check(["actors.yaml", "too large"], 1),
    ),
    Case(
        "codebook-missing-colon",
        _codebook(_prepend("codebook.yaml", "title oops\n")),
        CHECK,
        _check(["codebook.yaml:1:1", "missing ':'"], 1),
    ),
    Case(
        "codebook-unclosed-quote",
        _codebook(_prepend("codebook.yaml", "title: 'unclosed\n")),
        CHECK,
        _check(["codebook.yaml:1:8", "unclosed quote"], 1),
    ),
    Case(
        "codebook-tab-indentation",
        _codebook(_prepend("actors.yaml", "\tactors: []\n")),
        CHECK,
        _check(["actors.yaml:1:1", "YAML syntax error"], 1),
    ),
    Case(
        "codebook-duplicate-key",
        _codebook(_prepend("places.yaml", "places: []\n")),
        CHECK,
        _check(["places.yaml:", "duplicate key 'places'"], 1),
    ),
    Case("codebook-utf8-byte-order-mark", _codebook(_prepend("actors.yaml", "\ufeff")), CHECK, {"output": [": ok"]}),
    Case(
        "codebook-actors-file-in-latin1",
        _codebook(_write("actors.yaml", b"actors:\n  - name: caf\xe9\n")),
        CHECK,
        _check(["actors.yaml:1:1", "not UTF-8"], 1),
    ),
    Case(
        "codebook-control-character",
        _codebook(_prepend("codebook.yaml", "# bell \x07 here\n")),
        CHECK,
        _check(["codebook.yaml:1:", "YAML syntax error"], 1),
    ),
    Case(
        "codebook-top-level-list",
        _codebook(_write("actors.yaml", "- name: A\n")),
        CHECK,
        _check(["actors.yaml:1:1", "expected a mapping"], 1),
    ),
    Case(
        "codebook-one-shared-field-mistake",
        _codebook(_replace("codebook.yaml", "    type: date\n", "    type: dat\n")),
        CHECK,
        _check(["codebook.yaml:", "shared_fields.event_date.type"], 1),
    ),
    Case(
        "codebook-one-shared-field-mistake-via-code",
        _codebook(_replace("codebook.yaml", "    type: date\n", "    type: dat\n")),
        CODE,
        _check(["shared_fields.event_date.type"], 1),
    ),
    Case(
        "codebook-shared-fields-not-a-mapping",
        _codebook(_replace("codebook.yaml", "shared_fields:\n", "shared_fields: 3\nunused:\n")),
        CHECK,
        _check(["codebook.yaml:"]),
    ),
    Case(
        "codebook-no-event-types-folder", _codebook(_remove("event_types")), CHECK, _check(["no event type files"], 1)
    ),
    Case(
        "codebook-no-actors-file",
        _codebook(_remove("actors.yaml")),
        CHECK,
        _check(["actors.yaml:1:1", "cannot read file"], 1),
    ),
    Case(
        "codebook-folder-missing",
        lambda folder: None,
        ["codebook", "check", "{case}/nowhere"],
        _check(["codebook not found"], 1),
    ),
    Case(
        "codebook-path-is-a-file",
        lambda folder: (folder / "codebook.yaml").write_text("version: 1\n"),
        ["codebook", "check", "{case}/codebook.yaml"],
        _check(["expected a codebook directory"], 1),
    ),
    Case(
        "codebook-event-type-unknown-key",
        _codebook(_prepend("event_types/smuggling.yaml", "colur: red\n")),
        CHECK,
        _check(["smuggling.yaml:1:1", "unknown key 'colur'"], 1),
    ),
    Case(
        "codebook-event-type-id-not-file-name",
        _codebook(_replace("event_types/smuggling.yaml", "id: smuggling\n", "id: smugling\n")),
        CHECK,
        _check(["smuggling.yaml:", "differs from its file name"]),
    ),
    Case(
        "codebook-invalid-trigger-regex",
        _codebook(_replace("codebook.yaml", "- '\\bupcoming\\b'", "- '(unclosed'")),
        CHECK,
        _check(["codebook.yaml:"]),
    ),
    Case(
        "codebook-event-type-is-a-directory",
        _codebook(lambda root: (root / "event_types" / "x.yaml").mkdir()),
        CHECK,
        _check(["x.yaml"]),
    ),
]
