"""The per-document time limit of batch coding: a document past it is failed with the reason,
the run goes on, in worker processes and inline (issue 17)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from coder.batch import run_batch
from coder.store import Store
from tests.hostile import slow_coder


@pytest.fixture(autouse=True)
def _registered():
    slow_coder.register()


def _pages(folder: Path) -> Path:
    folder.mkdir()
    for i in range(6):
        (folder / f"d{i}.txt").write_text(f"A convoy arrived in Albukamal, report {i}.\n")
    (folder / "d2.txt").write_text("A convoy BACKTRACK arrived.\n")
    (folder / "d4.txt").write_text("A convoy SLEEP arrived.\n")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_past_the_limit_fails_and_the_run_goes_on(tmp_path: Path, workers: int):
    pages = _pages(tmp_path / "pages")
    started = time.monotonic()
    summary = run_batch([pages], tmp_path / "run.sqlite", "hostile-slow", concurrency=workers, document_seconds=1.0)
    assert time.monotonic() - started < 30
    assert summary.engine == ("processes" if workers > 1 else "inline")
    with Store(tmp_path / "run.sqlite") as store:
        status = store.status()
    assert (status.ok, status.failed) == (4, 2)
    [(stage, reason, count)] = status.failures
    assert stage == "code" and count == 2 and reason.startswith("time limit: not coded within 1 s")


def test_the_limit_is_lifted_and_does_not_leak_a_timer(tmp_path: Path):
    import signal

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "a.txt").write_text("A convoy arrived.\n")
    run_batch([pages], tmp_path / "run.sqlite", "hostile-slow", concurrency=1, document_seconds=5)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None, signal.default_int_handler)
