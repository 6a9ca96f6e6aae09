from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coder.codebook import load_codebook

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK_DIR = ROOT / "codebook"


@pytest.fixture(scope="session")
def codebook():
    return load_codebook(CODEBOOK_DIR)


@pytest.fixture
def codebook_copy(tmp_path: Path) -> Path:
    """A writable copy of the bundled codebook, for tests that break it."""
    target = tmp_path / "codebook"
    shutil.copytree(CODEBOOK_DIR, target)
    return target
