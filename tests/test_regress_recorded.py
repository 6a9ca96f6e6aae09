"""Behavioural cases replayed through the LLM coder from recorded answers (no network)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from coder.regress.run import run_regress

from .fake_openai import FakeOpenAI
from .test_llm import KEY, TEXT, answer
from .test_regress import _bump, _edit, _options, project  # noqa: F401  (fixture)

CASES = f"""cases:
  - id: fatemiyoun-convoy
    text: {json.dumps(TEXT)}
    publication_date: 2021-03-16
    expect:
      - type: troop_movement
        fields: {{actor1: Fatemiyoun Brigade, location: Al Bukamal, vehicle_count: 15}}
"""


def _llm_checks(root: Path, record_llm: dict | None = None) -> list:
    options = _options(root)
    options.record_llm = record_llm
    return [c for c in run_regress(options).checks if c.suite == "behaviour-llm"]


@pytest.fixture
def recorded(project, codebook, tmp_path):  # noqa: F811
    tests = project / "codebook" / "tests"
    for path in tests.glob("*.yaml"):
        path.unlink()
    shutil.rmtree(tests / "recorded", ignore_errors=True)
    (tests / "cases.yaml").write_text(CASES, encoding="utf-8")
    (tmp_path / "none.toml").write_text("")
    with FakeOpenAI() as server:
        server.push({"json": answer(codebook)})
        checks = _llm_checks(
            project,
            record_llm=dict(
                model="fake-model",
                base_url=server.base_url,
                api_key=KEY,
                cache_dir=tmp_path / "cache",
                config=tmp_path / "none.toml",
            ),
        )
    assert [(c.name, c.ok) for c in checks] == [("recording answers", True), ("fatemiyoun-convoy", True)], checks
    return project


def test_a_recording_is_written_without_the_key_and_replayed_offline(recorded):
    path = recorded / "codebook" / "tests" / "recorded" / "fatemiyoun-convoy.json"
    data = json.loads(path.read_text())
    assert data["model"] == "fake-model" and data["answer"]["events"][0]["type"] == "troop_movement"
    assert KEY not in path.read_text()
    # No server now: the replay needs none.
    checks = _llm_checks(recorded)
    assert [(c.name, c.ok) for c in checks] == [("fatemiyoun-convoy", True)]


def test_a_renamed_field_fails_the_recorded_case_by_name(recorded):
    _edit(recorded / "codebook" / "event_types" / "troop_movement.yaml", "vehicle_count", "vehicles", count=10)
    _bump(recorded)
    (check,) = _llm_checks(recorded)
    assert not check.ok and check.name == "fatemiyoun-convoy"
    assert "no longer fits the codebook" in check.message and "vehicle_count" in check.message


def test_a_changed_case_text_makes_its_recording_stale(recorded):
    cases = recorded / "codebook" / "tests" / "cases.yaml"
    _edit(cases, "heavy machine guns", "rocket launchers")
    (check,) = _llm_checks(recorded)
    assert not check.ok and "recorded for another text" in check.message


def test_a_recording_without_its_case_is_reported(recorded):
    _edit(recorded / "codebook" / "tests" / "cases.yaml", "id: fatemiyoun-convoy", "id: renamed-case")
    (check,) = _llm_checks(recorded)
    assert not check.ok and "no case with this id" in check.message
