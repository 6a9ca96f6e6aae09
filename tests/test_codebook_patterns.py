"""Cue and trigger patterns that backtrack catastrophically are refused at
`codebook check` with file:line, so `coder code` can never hang on them (issue 17)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app

runner = CliRunner()

CATASTROPHIC = [
    r"(a+)+$",
    r"(a*)*$",
    r"(a|a)*$",
    r"(\w+\s?)*$",
    r"^(a+)+b",
    r"(a|aa)+$",
    r"([a-z]+)*$",
    r"(\w+)*\d",
    r"(a+){2,}$",
    r"\b(?:(?:foo|\w+)\s*)+$",
    r"(a?a)+$",
    r"(.*,)*x",
]
SAFE = [
    r"(\w+\s+)*x",
    r"([\w-]+ ){0,2}role in",
    r"\b(plan|plans) to\b",
    r"\basked\b[^.,;]{0,60}\b(about|if)\b",
    r"(?<!the )\b(aim|aims) to\b",
    r"\b(trucks?|tankers?)\b",
    r"(ab)+c",
    r"(\d+,)*\d+",
    r"(?:[A-Z][a-z]+ )+",
    r"(as?)+$",
]


def _problem(pattern: str):
    from coder.codebook.patterns import backtracking_problem

    return backtracking_problem(pattern)


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_catastrophic_patterns_are_named(pattern):
    assert "catastrophic backtracking" in (_problem(pattern) or "")


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns_pass(pattern):
    assert _problem(pattern) is None


def test_every_flagged_example_really_is_slow_and_every_bundled_pattern_passes(codebook):
    # The examples are not flagged on a hunch: the first ones blow up on 24 characters.
    started = time.perf_counter()
    re.search(CATASTROPHIC[0], "a" * 22 + "!")
    assert time.perf_counter() - started > 0.05
    patterns = [cue for rule in codebook.exclusion_rules for cue in (*rule.cues, *rule.unless)]
    for et in codebook.event_types:
        for trigger in et.triggers:
            patterns += trigger.requires + ([trigger.pattern] if trigger.kind == "regex" else [])
    assert len(patterns) > 50
    assert [p for p in patterns if _problem(p)] == []


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_codebook_check_refuses_a_catastrophic_cue_with_file_and_line(codebook_copy: Path):
    path = codebook_copy / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- '\\bupcoming\\b'", "- '(a+)+$'", 1), encoding="utf-8")
    result = runner.invoke(app, ["codebook", "check", str(codebook_copy)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"codebook.yaml:{_line_of(path, '(a+)+$')}:" in result.output and "catastrophic" in result.output


def test_a_catastrophic_unless_cue_of_an_exclusion_rule_is_refused_on_its_line(codebook_copy: Path):
    path = codebook_copy / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    unless:\n"  # civilian_cargo's cues that lift the rule
    assert old in text
    path.write_text(text.replace(old, old + "      - '(cargo\\w+\\s?)*$'\n", 1), encoding="utf-8")
    result = runner.invoke(app, ["codebook", "check", str(codebook_copy)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    line = _line_of(path, "(cargo")
    assert f"codebook.yaml:{line}:" in result.output and "catastrophic" in result.output


def test_catastrophic_requires_refused_and_code_never_hangs(codebook_copy: Path, tmp_path: Path):
    path = codebook_copy / "event_types" / "smuggling.yaml"
    text = path.read_text(encoding="utf-8")
    old = "requires: ['\\b{contraband}\\b']"  # the shipment trigger's only cue
    assert old in text
    path.write_text(text.replace(old, "requires: ['(\\w+\\s?)*$']", 1), encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text("Shipments of " + "a" * 40 + "!\n", encoding="utf-8")
    line = _line_of(path, "(\\w+")
    # A subprocess with a deadline: before the check, this run never ended.
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "CODER_CODEBOOK": str(codebook_copy), "PYTHONPATH": str(root)}
    try:
        result = subprocess.run(
            [sys.executable, "-c", "from coder.cli import app; app()", "code", str(article)],
            capture_output=True,
            text=True,
            timeout=30,
            env=env,
            cwd=tmp_path,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("coder code hung on a catastrophic pattern")
    assert result.returncode != 0 and "catastrophic" in result.stderr + result.stdout
    assert "Traceback" not in result.stderr
    assert f"smuggling.yaml:{line}:" in result.stderr + result.stdout
