"""Behavioural cases through the LLM coder, from recorded answers: no network in CI.

A recording is one model answer to one case, kept in
`codebook/tests/recorded/<case-id>.json` with the case text's hash and the
model that gave it. `coder regress` replays each through the LLM coder's own
answer checks, grounding and normalising (the code a live run uses), then
checks the events like the offline coder's. A codebook change that the
recorded answers no longer fit (a renamed field, a value outside a changed
enum, an actor dropped from the dictionary) fails here, named with its case.

`coder regress --record-llm` asks the configured model again for every case
and rewrites the recordings; that needs the model, CI never does it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..codebook.model import Codebook
from ..errors import CodebookInvalid
from ..io import write_text_atomic
from ..models import Event
from .cases import Case, case_document

RECORDED = "recorded"


@dataclass
class Recording:
    case_id: str
    path: Path
    text_sha256: str
    model: str
    answer: Any


class RecordingError(CodebookInvalid, ValueError):
    pass


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_recordings(tests_dir: Path) -> list[Recording]:
    directory = tests_dir / RECORDED
    if not directory.is_dir():
        return []
    out = []
    for path in sorted(directory.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            out.append(Recording(data["case"], path, data["text_sha256"], data.get("model", "?"), data["answer"]))
        except (OSError, json.JSONDecodeError, KeyError, TypeError) as exc:
            raise RecordingError(
                f"{path}: not a recorded answer ({type(exc).__name__}: {exc}); "
                "expected JSON with case, text_sha256, model, answer"
            ) from None
    return out


class Replayer:
    """The LLM coder's answer path without the network: check, ground, normalise."""

    def __init__(self, codebook: Codebook):
        from ..llm.answer import AnswerChecker
        from ..llm.build import EventBuilder
        from ..llm.config import LLMSettings
        from ..normalize import Normalizer

        self.checker = AnswerChecker(codebook)
        self.builder = EventBuilder(codebook, Normalizer(codebook), threshold=LLMSettings().fuzzy_threshold)

    def events(self, case: Case, recording: Recording) -> tuple[list[Event], list[str]]:
        """The events of a recorded answer, or the problems that stop it."""
        if recording.text_sha256 != text_hash(case.text):
            return [], [
                f"{recording.path.name} was recorded for another text of this case; "
                "record it again (coder regress --record-llm)"
            ]
        problems = self.checker.check(recording.answer)
        if problems:
            return [], [f"the recorded answer no longer fits the codebook: {p}" for p in problems[:3]]
        return self.builder.events(recording.answer, case_document(case)), []


def record(cases: list[Case], coder: Any, tests_dir: Path) -> list[str]:
    """Ask the live LLM coder for every case and write the recordings; the failures, by case."""
    directory = tests_dir / RECORDED
    directory.mkdir(parents=True, exist_ok=True)
    failures = []
    for case in cases:
        try:
            answer = coder.raw_answer(case_document(case))
        except Exception as exc:  # one case the model cannot answer must not lose the others
            failures.append(f"{case.id}: {exc}")
            continue
        data = {"case": case.id, "text_sha256": text_hash(case.text), "model": coder.settings.model, "answer": answer}
        write_text_atomic(directory / f"{case.id}.json", json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    return failures
