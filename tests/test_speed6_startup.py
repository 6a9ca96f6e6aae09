"""Start-up speed must not change what the codebook loader reports or accepts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from coder.codebook import yamlsrc
from coder.codebook.loader import default_codebook_path

pytestmark = pytest.mark.skipif(yamlsrc._FastLoader is None, reason="PyYAML built without libyaml")


def _shape(value: object) -> object:
    """The data with every mark, so two loaders can be compared exactly."""
    if isinstance(value, yamlsrc.MarkedDict):
        return (
            str(value.mark),
            [(k, str(value.key_marks[k]), str(value.value_marks[k]), _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, yamlsrc.MarkedList):
        return (str(value.mark), [str(m) for m in value.item_marks], [_shape(v) for v in value])
    return (type(value).__name__, value)


def _slow(text: str) -> object:
    loader = yamlsrc._MarkingLoader(text)
    loader.source_name = "f.yaml"
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def test_libyaml_and_pure_python_give_the_same_data_and_marks_on_the_codebook() -> None:
    files = sorted(default_codebook_path().glob("*.yaml"))
    assert files
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert _shape(yamlsrc.load_marked(text, "f.yaml")) == _shape(_slow(text)), path.name


def test_non_ascii_keys_keep_their_columns() -> None:
    data = yamlsrc.load_marked("é😀: [1, 2]\nc: {x: 1}\n", "f.yaml")
    assert str(data.value_marks["é😀"]) == "f.yaml:1:5"
    assert str(data.value_marks["c"]) == "f.yaml:2:4"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("a: 1\n  b: 2\n", "f.yaml:2:4"),  # bad indentation
        ('a: "x\n', "f.yaml:2:1"),  # unclosed quote
        ("x: \t1\n", "f.yaml:1:4"),  # libyaml would take the tab as a space; PyYAML refuses it
    ],
)
def test_syntax_errors_are_worded_and_placed_as_the_pure_python_loader_does(text: str, where: str) -> None:
    with pytest.raises(yamlsrc.YamlSyntaxError) as caught:
        yamlsrc.load_marked(text, "f.yaml")
    assert str(caught.value).startswith(where + ": YAML syntax error: ")


def test_duplicate_keys_are_still_refused_with_both_lines() -> None:
    with pytest.raises(yamlsrc.DuplicateKeyError, match=r"f.yaml:3:1: duplicate key 'a' \(first defined at line 1\)"):
        yamlsrc.load_marked("a: 1\nb: 2\na: 3\n", "f.yaml")


def test_the_cli_starts_without_the_scorer() -> None:
    heavy = "('scipy', 'coder.score', 'jsonschema')"
    code = f"import sys, coder.cli; print(any(m.startswith({heavy}) for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path.cwd())
    assert out.stdout.strip() == "False"


def test_case_free_copies_are_compiled_when_first_asked_for() -> None:
    import re

    from coder.text.prefilter import PatternIndex, case_free

    blind, exact = re.compile(r"\bconvoys?\b", re.I), re.compile(r"\bConvoy\b")
    index = PatternIndex([blind, exact, blind])
    assert index._lower == {}
    copy = index.lower_of(blind)
    assert copy is not None and copy.pattern == case_free(blind).pattern and not copy.flags & re.I
    assert index.lower_of(blind) is copy
    assert index.lower_of(exact) is None  # no IGNORECASE: nothing to gain
    assert index.lower_of(re.compile(r"\bother\b", re.I)) is None  # not the index's
