"""Run the hostile corpus through the CLI, in one process, and judge each case.

    python -m tests.hostile.run CORPUS_DIR RESULTS.jsonl

One process for all cases (importing the package costs seconds on a busy
machine); `test_hostile.py` runs it with a deadline, so a case that hangs is
named by the "started" line it leaves without a result. Each result line:
{"case", "exit", "seconds", "verdict", "problems", "output"}; verdict is
clean (a one-line error: naming the input), handled (exit 0, right result),
traceback, hang (past CASE_SECONDS), or wrong (the contract broken in another
way: data lost or misreported, a wrong count).
"""

from __future__ import annotations

import contextlib
import json
import sys
import time
import traceback
from pathlib import Path

from typer.testing import CliRunner

from .generate import Case, all_cases

# Per case, on a shared two-core machine; most cases take well under a second.
CASE_SECONDS = 60


def _argv(case: Case, folder: Path) -> list[str]:
    values = {"case": str(folder), "db": str(folder / "run.sqlite"), "out": str(folder / "out.jsonl")}
    return [part.format(**values) for part in case.argv]


def _store_problems(case: Case, folder: Path) -> list[str]:
    from coder.store import Store

    expect = case.expect
    store = Store(folder / "run.sqlite")
    try:
        status = store.status()
    finally:
        store.close()
    reasons = [reason for _stage, reason, _n in status.failures] + [reason for reason, _n in status.skips]
    problems = []
    if "ok" in expect and status.ok != expect["ok"]:
        problems.append(f"{status.ok} coded ok, expected {expect['ok']}")
    if "failed" in expect and status.failed < expect["failed"]:
        problems.append(f"{status.failed} failed with a reason, expected at least {expect['failed']}")
    if "skipped" in expect and status.skipped != expect["skipped"]:
        problems.append(f"{status.skipped} skipped, expected {expect['skipped']}")
    if "total" in expect and status.ok + status.failed + status.skipped < expect["total"]:
        problems.append(
            f"documents lost without a reason: {status.ok + status.failed + status.skipped} "
            f"accounted for of {expect['total']}"
        )
    for text in expect.get("reasons", []):
        if not any(text in reason for reason in reasons):
            problems.append(f"no recorded reason mentions {text!r} (reasons: {reasons})")
    for reason in reasons:
        if any(ord(c) < 32 for c in reason):
            problems.append(f"a control character in a recorded reason: {reason!r}")
    return problems


def _out_problems(case: Case, folder: Path) -> list[str]:
    expect = case.expect
    path = folder / "out.jsonl"
    if not path.exists():
        return ["no --out file written"]
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    problems = []
    if len(records) != 1 or records[0].get("status") != "ok":
        problems.append(f"expected one ok record, got {[r.get('status') for r in records]}")
        return problems
    record = records[0]
    if len(record["events"]) < expect.get("events", 0):
        problems.append(f"{len(record['events'])} events, expected at least {expect['events']}")
    for text in expect.get("text", []):
        if text not in record["document"]["text"]:
            problems.append(f"the document text lost {text!r}")
    return problems


def _written_problems(case: Case, folder: Path, output: str) -> list[str]:
    """`absent` and `statuses`: what no output may leak, and what the --out file records."""
    expect, path = case.expect, folder / "out.jsonl"
    written = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    problems = [
        f"{text!r} leaked into the output or the --out file"
        for text in expect.get("absent", [])
        if text in output + written
    ]
    if "statuses" in expect:
        found = [json.loads(line).get("status") for line in written.splitlines() if line.strip()]
        if found != expect["statuses"]:
            problems.append(f"--out records {found}, expected {expect['statuses']}")
    return problems


def judge(case: Case, folder: Path, exit_code: int, output: str, crashed: str | None) -> tuple[str, list[str]]:
    expect = case.expect
    if crashed or "Traceback (most recent call last)" in output:
        return "traceback", [crashed or "a traceback in the output"]
    problems = _written_problems(case, folder, output)
    for text in expect.get("output", []):
        if text not in output:
            problems.append(f"the output does not mention {text!r}")
    if exit_code != expect.get("exit", 0):
        problems.append(f"exit {exit_code}, expected {expect.get('exit', 0)}")
    if exit_code != 0:
        errors = [line for line in output.splitlines() if line.startswith("error:")]
        if len(errors) != 1:
            problems.append(f"expected one 'error:' line, got {len(errors)}")
        elif expect.get("error", "") not in errors[0]:
            problems.append(f"the error line does not name {expect.get('error')!r}: {errors[0]}")
        return ("clean" if not problems else "wrong"), problems
    if case.argv[0] == "batch":
        problems += _store_problems(case, folder)
    elif case.argv[0] == "code":
        problems += _out_problems(case, folder)
    return ("handled" if not problems else "wrong"), problems


def run(corpus: Path, results: Path, names: list[str] | None = None) -> None:
    from coder.cli import app

    try:
        runner = CliRunner(mix_stderr=False)
    except TypeError:  # click >= 8.2: stderr is always apart
        runner = CliRunner()
    with results.open("a", encoding="utf-8") as sink:
        for case in all_cases():
            if names and case.name not in names:
                continue
            folder = corpus / case.name
            # a rerun starts afresh (a review's decision log too)
            for stale in [*folder.glob("run.sqlite*"), *folder.glob("*.review.sqlite*"), folder / "out.jsonl"]:
                stale.unlink(missing_ok=True)
            sink.write(json.dumps({"case": case.name, "started": True}) + "\n")
            sink.flush()
            started = time.perf_counter()
            crashed = None
            try:
                with case.patch() if case.patch else contextlib.nullcontext():
                    result = runner.invoke(app, _argv(case, folder), input=case.stdin, catch_exceptions=True)
                exit_code = result.exit_code
                output = result.stdout + (result.stderr if result.stderr_bytes is not None else "")
                if result.exception is not None and not isinstance(result.exception, SystemExit):
                    crashed = "".join(traceback.format_exception(result.exception))[-2000:]
            except Exception:  # noqa: BLE001 -- the runner itself must report, never stop
                exit_code, output, crashed = -1, "", traceback.format_exc()[-2000:]
            seconds = time.perf_counter() - started
            verdict, problems = judge(case, folder, exit_code, output, crashed)
            if seconds > CASE_SECONDS and verdict != "traceback":
                verdict, problems = "hang", [f"{seconds:.0f} s, the limit is {CASE_SECONDS} s", *problems]
            sink.write(
                json.dumps(
                    {
                        "case": case.name,
                        "exit": exit_code,
                        "seconds": round(seconds, 2),
                        "verdict": verdict,
                        "problems": problems,
                        "output": output[-1500:],
                    }
                )
                + "\n"
            )
            sink.flush()


if __name__ == "__main__":  # pragma: no cover
    run(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:] or None)
