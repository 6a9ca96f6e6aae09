"""`coder review --plain` end to end from piped input, and a reviewer killed with SIGKILL."""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.review import open_session
from coder.review.sources import default_log_path

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "test_review_fixtures"
runner = CliRunner()


@pytest.fixture
def source(tmp_path: Path) -> Path:
    target = tmp_path / "proposals.jsonl"
    shutil.copy(FIXTURES / "proposals.jsonl", target)
    return target


def review(source: Path, commands: str, *extra: str):
    return runner.invoke(
        app,
        ["review", str(source), "--plain", "--reviewer", "maya", "--codebook", str(ROOT / "codebook"), *extra],
        input=commands,
    )


def test_plain_review_end_to_end(source, codebook):
    commands = (
        "\n".join(
            [
                "?",
                "a",  # d1 e1
                "e recruits_count=30",  # d1 e2
                "e location=Bukamall",  # refused with a suggestion
                "r planned, not carried out",  # d1 e2 -> moves to d2
                "f Mohassan",
                "s event_date 80-89",  # re-anchor d2 e1's unaligned date to 'next week'
                "+ smuggling 0-18",
                "e actor1=Hezbollah @105-114",
                "u",
                "t tribal_outreach",
                "bogus",
                "q",
            ]
        )
        + "\n"
    )
    result = review(source, commands)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "a                       accept this event" in out  # the help
    assert "ok: accepted e1" in out and "ok: e2: recruits_count = 30" in out
    assert "error: place 'Bukamall' is not in the codebook; closest:" in out
    assert "ok: rejected e2: planned, not carried out" in out
    assert "71-79 'Mohassan'" in out
    assert "ok: e1: event_date re-anchored 80-89 'next week'" in out
    assert "ok: added n1 (smuggling)" in out and "ok: undid edit of n1 in d2" in out
    assert "error: unknown command 'bogus'" in out
    assert "review> a\n" in out  # piped commands are echoed
    session = open_session(source, reviewer="maya", codebook=codebook)
    d1, d2 = session.doc("d1"), session.doc("d2")
    assert [(e.id, e.status) for e in d1.events] == [("e1", "accepted"), ("e2", "rejected")]
    assert d2.event("n1").event.type == "tribal_outreach" and "actor1" not in d2.event("n1").event.fields
    assert session.ungrounded(d2.event("e1")) == []
    session.close()


def test_plain_mode_resumes_and_filters(source):
    review(source, "a\nq\n")
    result = review(source, "x\nq\n")
    assert "Event e2 (2 of 2)" in result.output  # resumed after the accepted event
    result = review(source, "l\nq\n", "--filter", "type=recruitment")
    assert "Document 1 of 2: d1" in result.output and "e1 troop_movement" not in result.output
    bad = review(source, "q\n", "--filter", "colour=red")
    assert bad.exit_code == 1 and "unknown key 'colour'" in bad.output


def test_plain_output_never_passes_control_characters(source):
    result = review(source, "N\nN\nv\nq\n")
    assert "[bold]x[/bold]" in result.output and "\x1b" not in result.output and "␛[31mred" in result.output


def test_a_reviewer_killed_with_sigkill_loses_no_decision(source, codebook):
    """Decisions are committed before they are acknowledged; SIGKILL mid-document loses none."""
    env = {**os.environ, "CODER_CODEBOOK": str(ROOT / "codebook"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from coder.cli import main; main()",
            "review",
            str(source),
            "--plain",
            "--reviewer",
            "maya",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def send(command: str, expect: str) -> None:
        proc.stdin.write(command + "\n")
        proc.stdin.flush()
        while True:
            try:
                line = lines.get(timeout=60)
            except queue.Empty:
                proc.kill()
                pytest.fail(f"no {expect!r} from the reviewer; stderr: {proc.stderr.read()}")
            if expect in line:
                return
            assert "error:" not in line, line

    try:
        send("a", "ok: accepted e1")  # d1 e1
        send("e recruits_count=30", "ok: e2: recruits_count = 30")
        send("e activity=drive", "ok: e2: activity = drive")
        # Killed in the middle of d1: e2 edited but neither accepted nor rejected yet.
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    session = open_session(source, reviewer="maya", codebook=codebook)
    d1 = session.doc("d1")
    assert d1.event("e1").status == "accepted"
    assert d1.event("e2").status == "edited"
    assert d1.event("e2").event.value("recruits_count") == 30 and d1.event("e2").event.value("activity") == "drive"
    assert [d.kind for d in session.decisions] == ["accept", "edit", "edit"]
    assert default_log_path(source).exists()
    session.close()


def test_review_export_gold_and_jsonl(source, tmp_path, codebook):
    review(source, "a\nr planned, not carried out\nq\n")  # d1 fully reviewed
    cb = ["--codebook", str(ROOT / "codebook")]
    result = runner.invoke(
        app, ["review", "export", str(source), "--out", str(tmp_path / "gold"), "--format", "gold", *cb]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "gold").iterdir()) == ["d1.json", "d1.txt"]
    record = json.loads((tmp_path / "gold" / "d1.json").read_text(encoding="utf-8"))
    assert [e["type"] for e in record["events"]] == ["troop_movement"] and record["coder"]["name"] == "gold"
    from coder.validate import validate_path

    assert validate_path(tmp_path / "gold", codebook)[1] == []
    result = runner.invoke(app, ["review", "export", str(source), "--out", "-", "--unfinished", *cb])
    assert [json.loads(line)["document"]["id"] for line in result.stdout.splitlines()] == ["d1", "d2", "d3"]


def test_plain_duplicate_and_prefilled_add(source, codebook):
    text = open_session(source, reviewer="x", codebook=codebook).doc("d1").text
    start = text.index("The Fatemiyoun")
    commands = "\n".join(["N", "n", "D e1", "P", f"+ recruitment {start}-{len(text.rstrip())}", "q"]) + "\n"
    result = review(source, commands)
    assert result.exit_code == 0, result.output
    assert "ok: e2 is a duplicate of e1: evidence united" in result.output and "e2 rejected" in result.output
    assert "pre-filled by the coder" in result.output
    session = open_session(source, reviewer="maya", codebook=codebook)
    assert session.doc("d2").event("e2").reason == "duplicate of e1"
    added = session.doc("d1").event("n1").event
    assert added.value("actor1") == "Fatemiyoun Brigade" and added.value("recruits_count") == 25
    session.close()
