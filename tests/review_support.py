"""What the Pilot tests of the review app share: the fixtures folder, the screen size, an asyncio
backend for anyio's pytest plugin (anyio comes with httpx/openai) and a copied proposals file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coder.review import open_session

FIXTURES = Path(__file__).parent / "test_review_fixtures"
SIZE = (150, 40)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def copy_fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copy(FIXTURES / name, target)
    return target


@pytest.fixture
def source(tmp_path: Path) -> Path:
    return copy_fixture(tmp_path, "proposals.jsonl")


def session_for(source, codebook, reviewer: str = "maya", **kw):
    """A review session on SOURCE at a fixed clock, so logged decisions are the same every run."""
    return open_session(source, reviewer=reviewer, codebook=codebook, clock=lambda: "2021-01-01T00:00:00+00:00", **kw)
