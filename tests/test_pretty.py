"""`--format pretty` fits the terminal: every value whole at 80 columns and in a pipe, a table only
when there is room for one."""

import io
import re
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from coder.base import make_coder
from coder.cli import app
from coder.codebook.loader import load_codebook
from coder.models import Alignment, CodedDocument, Document, Span
from coder.pretty import _safe, render

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "convoy_and_recruitment.txt"


def _coded() -> tuple[CodedDocument, object]:
    codebook = load_codebook(ROOT / "codebook")
    text = EXAMPLE.read_text(encoding="utf-8")
    doc = Document(id="convoy_and_recruitment", text=text, publication_date="2021-03-14")
    return make_coder("rules", codebook).code(doc), codebook


def _render(width: int, terminal: bool) -> str:
    coded, codebook = _coded()
    out = io.StringIO()
    render(coded, codebook, Console(file=out, width=width, force_terminal=terminal, color_system=None))
    return out.getvalue()


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_narrow_terminal_shows_every_value_whole_in_blocks():
    coded, _ = _coded()
    shown = _render(80, terminal=True)
    assert "…" not in shown and max(map(len, shown.splitlines())) <= 80
    flat = _flat(shown)
    for index, event in enumerate(coded.events, start=1):
        assert f"{index}. {event.type}" in shown
        for name, fv in event.fields.items():
            assert _flat(f"{name} {_safe(fv.value)}") in flat or _flat(_safe(fv.value)) in flat, name
    # quotes beside values that differ from them
    assert '"al-Mayadin"' in shown and '"on Saturday"' in shown
    assert "┃" not in shown  # no table


def test_wide_terminal_keeps_the_table_uncut():
    shown = _render(140, terminal=True)
    assert "┃" in shown and "…" not in shown
    assert "troop_movement" in shown and "tribal_outreach" in shown


def test_pipe_is_plain_complete_and_without_trailing_blanks():
    # CliRunner's output is not a terminal: the pipe case.
    result = CliRunner().invoke(app, ["code", str(EXAMPLE), "--format", "pretty", "--codebook", str(ROOT / "codebook")])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "\x1b[" not in out and "…" not in out and "┃" not in out
    assert not [line for line in out.splitlines() if line.endswith(" ")]
    coded, _ = _coded()
    for event in coded.events:  # the longest values, the notes, whole
        assert _flat(_safe(event.value("notes"))) in _flat(out)
    assert "salary_amount" in out and "150.0" in out


def test_unaligned_values_marked_and_diagnostics_kept():
    coded, codebook = _coded()
    event = coded.events[0]
    event.fields["origin"].alignment = Alignment.unaligned
    coded.diagnostics = [
        __import__("coder.models", fromlist=["Diagnostic"]).Diagnostic(
            kind="airstrike", span=Span.of(coded.document.text, 0, 4)
        )
    ]
    out = io.StringIO()
    render(coded, codebook, Console(file=out, width=80, color_system=None))
    shown = out.getvalue()
    assert "unaligned: not found in the text" in shown
    assert "also reported, not coded by this codebook: airstrike (1)" in shown


def test_long_unbroken_words_and_hostile_text_are_folded_not_cut():
    codebook = load_codebook(ROOT / "codebook")
    url = "https://example.org/" + "x" * 150
    doc = Document(
        id="d" * 120,
        text=f"[bold]A Hezbollah convoy reached Al-Qusayr on May 3, 2021. {url}\x1b[31m",
        publication_date="2021-05-04",
    )
    coded = make_coder("rules", codebook).code(doc)
    out = io.StringIO()
    render(coded, codebook, Console(file=out, width=80, color_system=None))
    shown = out.getvalue()
    assert "x" * 150 in shown.replace("\n", "") and "d" * 120 in shown.replace("\n", "")
    assert "[bold]" in shown and "\x1b" not in shown
