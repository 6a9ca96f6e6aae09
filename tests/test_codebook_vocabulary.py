"""Word lists declared once in codebook.yaml and named in patterns as `{name}`."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from coder.codebook.loader import CodebookError, load_codebook
from coder.codebook.vocabulary import expand

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def codebook(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "codebook", tmp_path / "codebook"))


def test_a_reference_becomes_the_list_and_quantifiers_are_left_alone():
    expanded, unknown = expand(r"\b({force}|convoy)\b\s{0,3}x{2}", {"force": ["fighters", "gunmen", "units?"]})
    assert unknown == []
    assert expanded == r"\b((?:fighters|gunmen|units?)|convoy)\b\s{0,3}x{2}"
    assert re.search(expanded, "gunmen  xx") and re.search(expanded, "unit xx")


def test_every_trigger_that_asks_for_a_force_knows_the_same_forces():
    book = load_codebook(ROOT / "codebook")
    forces = book.vocabulary["force"]
    troop = book.event_type("troop_movement")
    full = [t for t in troop.triggers if any(all(word in r for word in forces) for r in t.requires)]
    assert len(full) >= 5
    assert any("factions?" in r for t in full for r in t.requires)
    assert not any("{force}" in r for t in troop.triggers for r in t.requires)


def test_an_unknown_name_is_reported_on_its_line_with_the_names_declared(codebook: Path):
    path = codebook / "event_types" / "troop_movement.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if "{force}" in line)
    lines[at] = lines[at].replace("{force}", "{forcse}", 1)
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(codebook)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"{path}:{at + 1}:")
    assert "unknown vocabulary name '{forcse}'" in problem and "force" in problem


def test_an_exclusion_rules_unless_cues_name_the_shared_word_lists(codebook: Path):
    path = codebook / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    unless:\n"
    at = text.index(old, text.index("  - id: civilian_cargo"))  # the rule's own unless list

    def with_cue(cue: str) -> str:
        return text[:at] + old + f"      - '{cue}'\n" + text[at + len(old) :]

    path.write_text(with_cue("\\b{people_aboard}\\b"), encoding="utf-8")
    rule = load_codebook(codebook).exclusion_rule("civilian_cargo")
    assert any(re.search(cue, "twenty trucks of fuel with militiamen aboard") for cue in rule.unless)
    path.write_text(with_cue("\\b{people_abord}\\b"), encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(codebook)
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith(f"{path}:") and "unknown vocabulary name '{people_abord}'" in problem


def test_a_malformed_vocabulary_is_one_clear_problem(codebook: Path):
    path = codebook / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("vocabulary:")
    end = text.index("\n\n", start)
    path.write_text(text[:start] + "vocabulary:\n  force: fighters" + text[end:], encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(codebook)
    found = [str(p) for p in caught.value.problems]
    assert any("vocabulary: expected a mapping of names to non-empty lists" in p for p in found)


def test_yielding_to_a_type_that_does_not_exist_is_named(codebook: Path):
    path = codebook / "event_types" / "troop_movement.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("{type: smuggling, unless:", "{type: smugling, unless:", 1), encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(codebook)
    [problem] = [str(p) for p in caught.value.problems]
    assert "troop_movement: yields_to[0].type" in problem and "'smugling' is not another event type" in problem
    assert "smuggling" in problem.split("expected one of:")[1]


def test_the_offline_coder_reads_declared_roles_and_a_count_without_nouns_is_refused(codebook: Path):
    from coder.rules.compiled import compile_codebook

    book = load_codebook(ROOT / "codebook")
    plans = {(ct.id, p.name): p for ct in compile_codebook(book) for p in ct.plans}
    assert plans[("troop_movement", "personnel_count")].how == "count"
    assert "fighter" in plans[("troop_movement", "personnel_count")].keywords
    assert plans[("smuggling", "seized")].flag_re.search("the shipment was intercepted")
    assert plans[("recruitment", "recruiter")].how == "skip"  # role none: left to the analyst
    path = codebook / "event_types" / "troop_movement.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("    counts: [fighters")
    path.write_text(text[:start] + text[text.index("\n", start) + 1 :], encoding="utf-8")
    with pytest.raises(CodebookError) as caught:
        load_codebook(codebook)
    assert any("a count field needs 'counts'" in str(p) for p in caught.value.problems)
