"""Documents that take too long: the per-document limit fails them with the reason, the run goes
on (issue 17). The hang comes from a stand-in coder (`slow_coder`), since the offline coder's own
patterns are now checked for catastrophic backtracking before a run."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .generate import Case, filler


def _pages(marks: dict[int, str]) -> callable:
    def build(folder: Path) -> None:
        pages = folder / "pages"
        pages.mkdir()
        for i in range(8):
            (pages / f"d{i}.txt").write_bytes(filler(i) + marks.get(i, "").encode())

    return build


@contextlib.contextmanager
def _slow_coder():
    from coder.base import REGISTRY

    from . import slow_coder

    slow_coder.register()
    try:
        yield
    finally:
        REGISTRY.pop("hostile-slow", None)


def _batch(workers: int) -> list[str]:
    return [
        "batch",
        "{case}/pages",
        "--db",
        "{db}",
        "-q",
        "--allow-failures",
        "--coder",
        "hostile-slow",
        "--concurrency",
        str(workers),
        "--document-timeout",
        "1",
    ]


CASES: list[Case] = [
    Case(
        "batch-document-backtracking-in-a-worker",
        _pages({3: " BACKTRACK"}),
        _batch(2),
        {"ok": 7, "failed": 1, "total": 8, "reasons": ["time limit"]},
        patch=_slow_coder,
    ),
    Case(
        "batch-document-backtracking-inline",
        _pages({3: " BACKTRACK"}),
        _batch(1),
        {"ok": 7, "failed": 1, "total": 8, "reasons": ["time limit"]},
        patch=_slow_coder,
    ),
    Case(
        "batch-documents-sleeping-in-workers",
        _pages({0: " SLEEP", 7: " SLEEP"}),
        _batch(2),
        {"ok": 6, "failed": 2, "total": 8, "reasons": ["time limit"]},
        patch=_slow_coder,
    ),
    Case(
        "batch-every-document-too-slow",
        _pages({i: " BACKTRACK" for i in range(8)}),
        _batch(2),
        {"ok": 0, "failed": 8, "total": 8, "reasons": ["time limit"]},
        patch=_slow_coder,
    ),
]
