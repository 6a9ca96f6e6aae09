"""Review input and model answers a careless or hostile user can hand the public commands
(issue 17): commands piped into `coder review --plain` (bytes that are not UTF-8, a
5,000-digit offset, `latitude=nan`, a span past the text) and a Batch API result file for
`coder llm-batch read` (an answer that is not JSON, one nested ten thousand deep, a refusal, an
answer cut off, a server error that echoes the API key, a file that is not UTF-8)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

from .generate import ARTICLE, ROOT, Case

_PROPOSALS = ROOT / "tests" / "test_review_fixtures" / "proposals.jsonl"
_MODEL = "gpt-4o-mini"
# A key of the kind a user exports; a server's error message may echo part of it back.
_KEY = "sk-hostile-0123456789abcdefXYZ"


def _proposals(folder: Path) -> None:
    shutil.copy(_PROPOSALS, folder / "p.jsonl")


def _review(commands: bytes, expect: dict) -> dict:
    return {
        "build": _proposals,
        "argv": ["review", "open", "{case}/p.jsonl", "--plain", "--reviewer", "hostile"],
        "expect": expect,
        "stdin": commands,
    }


def _prepared(folder: Path) -> None:
    """The article and the requests file (with its manifest) `llm-batch prepare` writes for it."""
    from typer.testing import CliRunner

    from coder.cli import app

    (folder / "a.txt").write_text(ARTICLE + "\n", encoding="utf-8")
    argv = ["llm-batch", "prepare", str(folder / "a.txt"), "--out", str(folder / "req.jsonl"), "--model", _MODEL]
    result = CliRunner().invoke(app, [*argv, "--codebook", str(ROOT / "codebook")])
    assert result.exit_code == 0, f"corpus setup: prepare failed: {result.output}"


def _answer(
    content: str | None = None, *, status: int = 200, error: str = "", finish: str = "stop", refusal: str = ""
) -> str:
    message: dict = {"content": content}
    if refusal:
        message["refusal"] = refusal
    body: dict = {"choices": [{"message": message, "finish_reason": finish}], "usage": {"prompt_tokens": 10}}
    if status != 200:
        body = {"error": {"message": error}}
    return json.dumps({"custom_id": "d0-c1", "response": {"status_code": status, "body": body}, "error": None})


def _results(data: bytes | str) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        _prepared(folder)
        (folder / "results.jsonl").write_bytes(data.encode() if isinstance(data, str) else data)

    return build


_READ = [
    "llm-batch",
    "read",
    "{case}/results.jsonl",
    "--requests",
    "{case}/req.jsonl",
    "--model",
    _MODEL,
    "--out",
    "{out}",
]


@contextlib.contextmanager
def _key() -> Iterator[None]:
    before = os.environ.get("OPENAI_API_KEY")
    os.environ["OPENAI_API_KEY"] = _KEY
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("OPENAI_API_KEY", None)
        else:
            os.environ["OPENAI_API_KEY"] = before


def _failed(reason: str) -> dict:
    """The document is written as failed, with its reason; the run says so on one error line."""
    return {"exit": 1, "error": "a: " + reason, "statuses": ["failed"]}


CASES: list[Case] = [
    Case(
        "review-bytes-not-utf8",
        **_review(b"a\n\xff\xfe\x80 bad\nq\n", {"output": ["ok: accepted e1", "error: unknown command"]}),
    ),
    Case(
        "review-offset-of-5000-digits",
        **_review(b"s event_date " + b"9" * 5000 + b"-" + b"9" * 5000 + b"\nq\n", {"output": ["is not a span"]}),
    ),
    Case("review-latitude-nan", **_review(b"e latitude=nan\nq\n", {"output": ["latitude takes a finite number"]})),
    Case(
        "review-latitude-infinite", **_review(b"e latitude=-inf\nq\n", {"output": ["latitude takes a finite number"]})
    ),
    Case(
        "review-span-past-the-text",
        **_review(b"+ smuggling 0-99999999999\nq\n", {"output": ["is not inside the text"]}),
    ),
    Case("review-input-ends-without-quit", **_review(b"a\n", {"output": ["ok: accepted e1", "Saved."]})),
    Case(
        "review-escape-sequences-in-a-value",
        **_review(b"e notes=\x1b[31mred\x07\nq\n", {"output": ["\u241b[31mred"], "absent": ["\x1b[31m"]}),
    ),
    Case("review-a-megabyte-line", **_review(b"f " + b"convoy " * 150_000 + b"\nq\n", {"output": ["Saved."]})),
    Case(
        "answers-not-json",
        _results(_answer("Sure! Here are the events: a convoy arrived.")),
        _READ,
        _failed("invalid answer in the batch"),
    ),
    Case(
        "answers-nested-ten-thousand-deep",
        _results(_answer("[" * 10_000 + "]" * 10_000)),
        _READ,
        {**_failed("invalid answer in the batch"), "output": ["nests arrays or objects too deeply"]},
    ),
    Case(
        "answers-cut-off-at-max-tokens",
        _results(_answer('{"events": [{"type": "troop_movement", "evid', finish="length")),
        _READ,
        _failed("invalid answer in the batch"),
    ),
    Case(
        "answers-refusal",
        _results(_answer(None, refusal="I can't help with that.")),
        _READ,
        _failed("the model refused"),
    ),
    Case(
        "answers-server-error-echoes-the-key",
        _results(_answer(status=500, error=f"Incorrect API key provided: {_KEY}. Find your key in your account.")),
        _READ,
        {**_failed("the batch request failed"), "absent": ["0123456789abcdef"]},
        patch=_key,
    ),
    Case(
        "answers-for-another-request",
        _results(_answer("{}").replace('"d0-c1"', '"zz-c9"')),
        _READ,
        _failed("no result for request d0-c1"),
    ),
    Case(
        "answers-file-not-utf8",
        _results(b"\xff\xfe\x00garbage\n"),
        _READ,
        {"exit": 1, "error": "results.jsonl: not UTF-8 text"},
    ),
    Case(
        "answers-file-not-result-lines",
        _results('{"hello": "world"}\n'),
        _READ,
        {"exit": 1, "error": "results.jsonl:1: not a Batch API result line"},
    ),
]
