"""`coder regress` on real codebook changes made in a temporary copy of the project."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.codebook import load_codebook
from coder.regress.run import RegressOptions, run_regress
from coder.schema import write_schemas

from .conftest import ROOT

runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("codebook", "golden", "schemas"):
        shutil.copytree(ROOT / name, tmp_path / name)
    (tmp_path / "codebook" / "baseline.json").unlink(missing_ok=True)
    return tmp_path


def _regress_cli(root: Path, *extra: str):
    """`coder regress` on the copied project."""
    paths = ["--codebook", str(root / "codebook"), "--golden", str(root / "golden"), "--schemas", str(root / "schemas")]
    return runner.invoke(app, ["regress", *paths, *extra])


def _options(root: Path, update: bool = False) -> RegressOptions:
    return RegressOptions(
        root / "codebook",
        root / "golden",
        root / "schemas",
        root / "codebook" / "thresholds.yaml",
        root / "codebook" / "baseline.json",
        update_baseline=update,
    )


def _failures(root: Path) -> list[str]:
    result = run_regress(_options(root))
    return [f"{c.suite}/{c.name}: {c.message}" for c in result.checks if not c.ok and not c.skipped]


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _bump(root: Path) -> None:
    path = root / "codebook" / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    version = re.search(r'^version: "(\d+)\.(\d+)\.(\d+)"', text, re.M)
    major, minor, patch = map(int, version.groups())
    path.write_text(text.replace(version.group(0), f'version: "{major}.{minor}.{patch + 1}"'), encoding="utf-8")
    # As an author would after a change: regenerate the committed schemas.
    write_schemas(load_codebook(root / "codebook"), root / "schemas")


def test_the_bundled_project_passes(project: Path):
    assert _failures(project) == []
    result = _regress_cli(project, "--junit", str(project / "j.xml"), "--summary", str(project / "s.md"))
    assert result.exit_code == 0, result.output
    assert '<testsuite name="behaviour"' in (project / "j.xml").read_text()
    assert "passed" in (project / "s.md").read_text()


def test_deleting_a_trigger_word_fails_the_cases_that_need_it(project: Path):
    _edit(
        project / "codebook" / "event_types" / "recruitment.yaml",
        "  - {pattern: '\\b(recruit|recruits|recruited|recruiting|recruitment)\\b', kind: regex, "
        "meaning: enrolling new members, weight: 0.6}\n",
        "",
    )
    failures = _failures(project)
    assert any(f.startswith("behaviour/rc-number-enrolled: missing recruitment event") for f in failures), failures


def test_renaming_a_field_names_the_golden_documents_it_breaks(project: Path):
    path = project / "codebook" / "event_types" / "troop_movement.yaml"
    _edit(path, "  vehicle_count:\n", "  vehicles:\n")
    _edit(path, "vehicle_count]", "vehicles]")
    failures = _failures(project)
    assert any(f.startswith("codebook/committed schemas are fresh") for f in failures), failures
    assert any(
        f.startswith("golden/002_7877fa3e648d39d3 is valid") and "event 0" in f and "vehicle_count" in f
        for f in failures
    ), failures


def test_dropping_actor_aliases_and_actors(project: Path):
    actors = project / "codebook" / "actors.yaml"
    _edit(
        actors,
        "aliases: [Al-Nujabaa Movement, al-Nujaba Movement, Nujaba Movement, al-Nujaba, Nujaba, Nujabaa, "
        "Harakat al-Nujaba, al-Nujabaa]",
        "aliases: [Harakat al-Nujaba]",
    )
    failures = _failures(project)
    assert any(f.startswith("behaviour/tm-spelling-albu-kamal:") for f in failures), failures
    # Dropping an actor the golden set uses makes those documents invalid, by name.
    text = actors.read_text(encoding="utf-8")
    start = text.index("  - name: Al-Sheikh Brigade")
    end = text.index("  - name: 47th Regiment")
    actors.write_text(text[:start] + text[end:], encoding="utf-8")
    failures = _failures(project)
    assert any(
        f.startswith("golden/001_f52b13d2b83b53d2 is valid") and "actor 'Al-Sheikh Brigade'" in f for f in failures
    ), failures


def test_an_exclusion_that_removes_a_golden_event_drops_the_score(project: Path):
    # The bundled minimums sit just under today's scores; this test is about the
    # baseline, so the floor is lowered to let an accepted drop pass.
    (project / "codebook" / "thresholds.yaml").write_text("minimums:\n  events.relaxed.f1: 0.3\n", encoding="utf-8")
    assert run_regress(_options(project, update=True)).ok
    assert (project / "codebook" / "baseline.json").exists()
    _edit(
        project / "codebook" / "codebook.yaml",
        "      - '\\bfrom time to time\\b'\n",
        "      - '\\bfrom time to time\\b'\n      - '\\bpetrol\\b'\n",
    )
    _bump(project)
    result = run_regress(_options(project))
    failures = [f"{c.suite}/{c.name}: {c.message}" for c in result.checks if not c.ok and not c.skipped]
    assert any("per_type.smuggling.f1 not below baseline" in f for f in failures), failures
    assert any(line.startswith("000_199125f0bf7501c0: missed smuggling@Al Bukamal crossing") for line in result.lost)
    # Recording the new baseline is how an intended drop is accepted.
    assert run_regress(_options(project, update=True)).ok
    assert _failures(project) == []


def test_a_held_out_document_gates_the_build_without_being_named(project: Path):
    (project / "codebook" / "thresholds.yaml").write_text("minimums:\n  events.relaxed.f1: 0.3\n", encoding="utf-8")
    _edit(project / "golden" / "000_199125f0bf7501c0.json", '"split": "dev"', '"split": "test"')
    run_regress(_options(project, update=True))  # the baseline; the moved document trips the split lock, not scores
    _edit(
        project / "codebook" / "codebook.yaml",
        "      - '\\bfrom time to time\\b'\n",
        "      - '\\bfrom time to time\\b'\n      - '\\bpetrol\\b'\n",
    )
    _bump(project)
    result = run_regress(_options(project))
    failed = [c for c in result.checks if not c.ok and not c.skipped]
    worse = [c for c in failed if c.name.startswith("held-out document")]
    assert worse and all("lost" in c.message and "sealed" in c.message for c in worse), failed
    # (Schema validity still names the file: a broken gold file must be found and fixed.)
    scores = [c for c in result.checks if c.suite == "scores"]
    shown = " ".join(f"{c.name} {c.message}" for c in scores) + " ".join(result.gained + result.lost)
    assert "000_199125f0bf7501c0" not in shown
    assert "Al Bukamal crossing" not in shown


def test_a_codebook_change_without_a_version_bump_is_reported(project: Path):
    assert run_regress(_options(project, update=True)).ok
    actors = project / "codebook" / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "\n# a new comment\n", encoding="utf-8")
    failures = _failures(project)
    assert any(f.startswith("codebook/codebook version bumped on change") for f in failures), failures
    _bump(project)
    assert _failures(project) == []


def test_cli_exit_code_and_junit_on_failure(project: Path):
    _edit(
        project / "codebook" / "event_types" / "smuggling.yaml",
        "sub_event_type: Other",
        "sub_event_type: Other\nbogus: 1",
    )
    junit = project / "j.xml"
    result = _regress_cli(project, "--junit", str(junit))
    assert result.exit_code == 1
    assert "unknown key 'bogus'" in junit.read_text()
