"""One answer pipeline: plan -> answer source -> check -> ground -> normalise -> merge.

Live coding, the Batch API's results and recorded answers differ only in where a
chunk's answer comes from; everything after that is this one path:

- **plan**: the document's chunks (`chunks()` for live coding, numbered as they are
  asked, since a cut-off answer splits its chunk; the manifest's for a batch);
- **source**: the cache first, then the source's own answers: `LiveSource` asks the
  model (repair turns for invalid answers, halves for a cut-off one), `StoredSource`
  reads them from Batch API result files or recorded answer files (no conversation, so
  an invalid answer fails its document with the reason);
- **check** (`LLMCoder.judge`), **ground** and **normalise** (`EventBuilder`), with the
  live source's grounding repair turn and recall passes on fresh answers;
- **merge** of the chunks' events.

The usage (requests, tokens, cache hits, repairs) travels with each document through
`LLMCoder.run`, which accounts it once, whichever the source.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..models import Document, Event
from .cost import Usage
from .repair import annotate, grounding_problems, repair_grounding

if TYPE_CHECKING:
    from .coder import Answered, LLMCoder


@dataclass(frozen=True)
class Chunk:
    """A piece of a document and, once planned for good, its number and cache key."""

    start: int
    end: int
    part: tuple[int, int] | None = None
    key: str | None = None
    custom_id: str | None = None  # the Batch API request that asked for it (None: answered from the cache)


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Source:
    """Where answers come from. Every source looks in the cache first."""

    discounted = False  # answers priced at the Batch API's discount

    async def answer(self, coder: LLMCoder, chunk: Chunk, document: Document, usage: Usage) -> Answered:
        cached = coder.cached(chunk.key) if chunk.key else None
        if cached is not None:
            usage.cache_hits += 1
            return cached
        return await self.fresh(coder, chunk, document, usage)

    async def fresh(self, coder: LLMCoder, chunk: Chunk, document: Document, usage: Usage) -> Answered:
        raise NotImplementedError

    async def ground(
        self, coder: LLMCoder, answered: Answered, document: Document, window: tuple[int, int], usage: Usage
    ) -> list[Event]:
        """Events of an answer got before (cache, results, recordings): grounded and normalised
        as live answers are, annotated with its repair, merged with its recall passes."""
        return coder.build(answered, document, window)


class LiveSource(Source):
    """The model itself, through an open client."""

    def __init__(self, client: Any):
        self.client = client

    async def fresh(self, coder: LLMCoder, chunk: Chunk, document: Document, usage: Usage) -> Answered:
        text = document.text[chunk.start : chunk.end]
        return await coder.ask(self.client, text, document.publication_date, chunk.part, usage, key=chunk.key)

    async def ground(
        self, coder: LLMCoder, answered: Answered, document: Document, window: tuple[int, int], usage: Usage
    ) -> list[Event]:
        """A fresh answer's quotes that do not ground get one repair turn (a setting), then the
        recall passes; the answer kept, and what the repair did, go to the cache."""
        if answered.cached:
            return coder.build(answered, document, window)
        events = coder.builder.events(answered.data, document, window)
        data, note = answered.data, None
        problems = grounding_problems(data, events) if coder.settings.ground_repair else []
        if problems:
            usage.grounding_repairs += 1
            data, events, note = await repair_grounding(
                coder, self.client, answered, document, window, usage, events, problems
            )
            annotate(events, note)
        from . import recall

        found = await recall.ask(coder, self.client, answered.messages, usage) if coder.settings.recall_passes else []
        coder.remember(answered.key, data, note, found)
        return coder.with_recall(events, found, document, window)


@dataclass
class Stored:
    """One stored answer: the model's content and what it cost, or why there is none."""

    content: str | None = None
    finish_reason: str | None = None
    error: str | None = None
    usage: Usage | None = None


class StoredSource(Source):
    """Answers given before: Batch API results (by request id) and recorded answers (by the
    hash of the text they answer). Checked like live ones; with no conversation to repair
    in, an invalid answer fails its document with the reason."""

    def __init__(
        self,
        results: dict[str, Stored] | None = None,
        recorded: dict[str, Stored] | None = None,
        *,
        discounted: bool = False,
    ):
        self.results = results or {}
        self.recorded = recorded or {}
        self.discounted = discounted

    async def fresh(self, coder: LLMCoder, chunk: Chunk, document: Document, usage: Usage) -> Answered:
        from .coder import Answered, AnswerError

        text = document.text[chunk.start : chunk.end]
        stored = self.results.get(chunk.custom_id) if chunk.custom_id else None
        what = "answer in the batch"
        if stored is None and text_hash(text) in self.recorded:
            stored, what = self.recorded[text_hash(text)], "recorded answer"
        if stored is None:
            if self.recorded and not self.results:
                raise AnswerError("no recorded answer for this text (recorded for another text, or not recorded)")
            if chunk.custom_id is None:
                raise AnswerError("the answer prepared from the cache is no longer there; prepare the batch again")
            raise AnswerError(
                f"no result for request {chunk.custom_id}: the batch may not be finished, or give its error file too"
            )
        if stored.usage is not None:
            usage.add(stored.usage)
        if stored.error:
            raise AnswerError(stored.error)
        data, problems = coder.judge(stored.content, stored.finish_reason)
        if problems:
            shown = "; ".join(str(p) for p in problems[:3])
            raise AnswerError(
                f"invalid {what} (no repair turn without a conversation; run `coder code --coder llm` on it): {shown}"
            )
        key = chunk.key or coder.cache_key(text, document.publication_date, chunk.part)
        coder.remember(key, data)
        return Answered(data, key)


class RecordingError(ValueError):
    pass


def load_recorded(paths: Iterable[Path]) -> dict[str, Stored]:
    """Recorded answers by the hash of the text they answer: JSON Lines, or one JSON object a
    file (as `coder regress --record-llm` writes them), each with `text_sha256` and `answer`."""
    recorded: dict[str, Stored] = {}
    for path in paths:
        text = path.read_text(encoding="utf-8")
        try:
            records = [json.loads(text)]
        except json.JSONDecodeError:
            records = [json.loads(line) for line in text.splitlines() if line.strip()]
        for record in records:
            if not isinstance(record, dict) or "text_sha256" not in record or "answer" not in record:
                raise RecordingError(f"{path}: not a recorded answer (expected text_sha256 and answer)")
            recorded[record["text_sha256"]] = Stored(
                content=json.dumps(record["answer"], ensure_ascii=False), finish_reason="stop"
            )
    return recorded


def is_recorded(record: Any) -> bool:
    return isinstance(record, dict) and "text_sha256" in record and "answer" in record
