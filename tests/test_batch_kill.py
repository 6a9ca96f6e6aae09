"""kill -9 at random moments, resume each time: the store ends as an uninterrupted run's, nothing lost or twice."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from coder.store import Store

ROOT = Path(__file__).resolve().parents[1]
# The CLI in a subprocess, with the test coders registered (a real `coder` would not know them).
SCRIPT = "import sys; from tests.batch_fakes import register; register(); from coder.cli import app; app(sys.argv[1:])"


def _archive(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            text = f"Report {i}. A convoy arrived in Albukamal.\nA second convoy left Al Mayadin on day {i}.\n"
            if i % 17 == 0:
                text = f"Report {i}. FAIL"
            out.write(json.dumps({"id": f"d{i}", "text": text, "source": "SOHR"}) + "\n")
    return path


def _batch(src: Path, db: Path, concurrency: int) -> subprocess.Popen:
    env = {**os.environ, "FAKE_CODER_DELAY": "0.004", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            SCRIPT,
            "batch",
            str(src),
            "--db",
            str(db),
            "--coder",
            "fake",
            "--concurrency",
            str(concurrency),
            "-q",
            "--allow-failures",
        ],  # FAIL documents are expected
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _workers_gone(pgid: int, timeout: float = 5.0) -> None:
    """The killed run's worker processes leave by themselves (they watch their parent)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(pgid, signal.SIGKILL)  # tidy up before failing
    raise AssertionError("worker processes outlived the killed batch process")


def _snapshot(db: Path) -> dict:
    with Store(db, create=False) as store:
        q = store.db.execute
        run_ids = [r[0] for r in q("SELECT id FROM runs")]
        return {
            "runs": len(run_ids),
            "documents": q("SELECT count(*) FROM run_documents").fetchone()[0],
            "results": sorted(q("SELECT doc_hash, status, error FROM results").fetchall()),
            "events": sorted(q("SELECT doc_hash, seq, type, data FROM events").fetchall()),
            "errors": sorted(q("SELECT key, stage, reason FROM errors").fetchall()),
        }


def test_sigkill_at_random_points_then_resume_matches_an_uninterrupted_run(tmp_path: Path):
    src = _archive(tmp_path / "archive.jsonl", 600)
    reference = tmp_path / "reference.sqlite"
    proc = _batch(src, reference, 2)
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    expected = _snapshot(reference)
    assert len(expected["results"]) == 600 and expected["runs"] == 1

    db = tmp_path / "killed.sqlite"
    rng = random.Random(7)
    kills = 0
    progress = []
    for attempt in range(5):
        proc = _batch(src, db, 2 if attempt % 2 == 0 else 1)
        time.sleep(rng.uniform(0.5, 1.6))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)  # the batch process only; its workers must notice and go
            kills += 1
        proc.wait(timeout=30)
        _workers_gone(proc.pid)
        if db.exists():
            progress.append(len(_snapshot(db)["results"]))
    print("results after each kill:", progress)
    assert kills >= 3
    proc = _batch(src, db, 2)
    assert proc.wait(timeout=120) == 0, proc.stderr.read().decode()
    got = _snapshot(db)
    assert got == expected  # same results, events and errors: no gaps, no duplicates
    assert progress == sorted(progress)  # each resume kept what the killed runs had committed
