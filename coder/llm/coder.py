"""LLMCoder: the codebook as a prompt, any OpenAI-compatible model, grounded answers.

code()/acode() never raise for a bad answer or a failed request: the document
comes back with status "failed" and a reason a user can act on (with the key
redacted). A refused key or an unknown model is remembered, so the rest of a
run fails fast instead of sending a thousand doomed requests.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import openai

from ..codebook.model import Codebook
from ..errors import CoderError
from ..models import CodedDocument, CoderInfo, Document, Event
from . import recall
from .answer import AnswerChecker, repair_message
from .build import EventBuilder
from .cache import AnswerCache, cache_key
from .chunk import chunks, cut_at, merge_events
from .compact import expand
from .config import LLMSettings, default_cache_dir, load_settings
from .cost import PriceTable, Usage
from .pipeline import Chunk, LiveSource, Source
from .prompt import build_prompt, estimate_tokens
from .repair import RepairNote, annotate
from .secret import Secret, guard_logs, redact
from .transport import DEADLINE, LLMError, Transport, make_client
from .worked import check_worked, load_worked

log = logging.getLogger(__name__)

VERSION = "0.1.0"

T = TypeVar("T")

# Loggers whose records could carry a server's echo of the key: scrubbed by guard_logs.
LOGGERS = (
    "coder.llm.coder",
    "coder.llm.transport",
    "coder.llm.cache",
    "coder.llm.batchapi",
    "openai._base_client",
    "httpx",
)


class AnswerError(CoderError):
    pass


@dataclass
class Answered:
    """A valid answer to one piece of text: from the cache, or with the conversation that gave it."""

    data: dict[str, Any]
    key: str
    messages: list[dict[str, str]] = field(default_factory=list)  # ending with the answer itself
    note: RepairNote | None = None
    cached: bool = False
    recall: list[dict[str, Any]] = field(default_factory=list)  # answers of the recall passes


class CutOff(Exception):
    """The answer stopped at max_tokens: the piece of text holds more than one answer can say."""


# A piece shorter than this is not split again when its answer is cut off: an
# answer that long for so little text is a model looping, not a long document.
MIN_SPLIT_CHARS = 600


def _load_normalizer(codebook: Codebook) -> Any:
    from ..normalize import Normalizer

    return Normalizer(codebook)


class LLMCoder:
    name = "llm"

    def __init__(
        self,
        codebook: Codebook,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | Secret | None = None,
        config: str | Path | None = None,
        cache_dir: str | Path | None = None,
        concurrency: int = 4,
        sleep=None,
        rng=None,
        **settings: Any,
    ):
        if isinstance(api_key, str):
            api_key = Secret(api_key)
        self.settings: LLMSettings = load_settings(
            config=config, model=model, base_url=base_url, api_key=api_key, cache_dir=cache_dir, **settings
        )
        self.codebook = codebook
        self.concurrency = concurrency
        s = self.settings
        self.checker = AnswerChecker(codebook)
        self.prices = PriceTable.load(s.prices_file, s.prices)
        self.cache = AnswerCache(s.cache_dir or default_cache_dir()) if s.cache else None
        self.transport = Transport(s, **({"sleep": sleep} if sleep else {}), rng=rng)
        self.builder = EventBuilder(codebook, _load_normalizer(codebook), threshold=s.fuzzy_threshold)
        # The worked answers hold in their own examples, or the coder does not start.
        worked = load_worked(codebook)
        check_worked(worked, self.builder)
        self.prompt = build_prompt(codebook, s.response_format, s.schema_mode, worked)
        self.usage = Usage()
        self.usage_by_document: dict[str, Usage] = {}
        self.documents = 0
        self.stable_shares: list[float] = []
        self._fatal: LLMError | None = None
        self.batch_pricing = False  # answers read from a Batch API job cost half
        self._lock = threading.Lock()
        guard_logs(s.api_key, *LOGGERS)
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, openai.AsyncOpenAI] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        s = self.settings
        return (
            f"LLMCoder(model={s.model!r}, endpoint={s.endpoint!r}, response_format={s.response_format!r}, "
            f"concurrency={self.concurrency})"
        )

    @property
    def info(self) -> CoderInfo:
        return CoderInfo(
            name=self.name, version=VERSION, model=self.settings.model, codebook_version=self.codebook.version
        )

    # -- entry points --------------------------------------------------------------

    def code(self, document: Document) -> CodedDocument:
        return self._with_client(lambda client: self.run(document, LiveSource(client)))

    def raw_answer(self, document: Document) -> dict[str, Any]:
        """The checked (and repaired) answer to a short document as the model gave it,
        before grounding: what `coder regress --record-llm` keeps. Raises LLMError or
        AnswerError when there is none."""

        async def work(client: openai.AsyncOpenAI) -> dict[str, Any]:
            cached = self.cached(self.cache_key(document.text, document.publication_date, None))
            if cached is not None:
                return cached.data
            answered = await self.ask(client, document.text, document.publication_date, None, Usage(), raw=True)
            self.remember(answered.key, answered.data)
            return answered.data

        return self._with_client(work)

    def run_sync(self, document: Document, source: Source, plan: list[Chunk] | None = None) -> CodedDocument:
        """`run` from synchronous code, for sources that need no client (stored answers)."""
        return self._sync(lambda: self.run(document, source, plan))

    def _with_client(self, work: Callable[[openai.AsyncOpenAI], Awaitable[T]]) -> T:
        """Run one async job with a client of its own, from synchronous code."""

        async def run() -> T:
            client = make_client(self.settings)
            try:
                return await work(client)
            finally:
                await client.close()

        return self._sync(run)

    def _sync(self, run: Callable[[], Awaitable[T]]) -> T:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(run())
        # Called from inside an event loop (a notebook): run in a thread of its own.
        box: list[T] = []
        errors: list[BaseException] = []

        def in_thread() -> None:
            try:
                box.append(asyncio.run(run()))
            except BaseException as exc:  # raised again in the caller's thread
                errors.append(exc)

        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()
        if errors:
            raise errors[0]
        return box[0]

    async def acode(self, document: Document) -> CodedDocument:
        # One client per event loop: an async HTTP pool belongs to the loop that opened it.
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = self._clients[loop] = make_client(self.settings)
        return await self.run(document, LiveSource(client))

    # -- the work: one pipeline whatever the source (pipeline.py) -------------------

    async def run(self, document: Document, source: Source, plan: list[Chunk] | None = None) -> CodedDocument:
        """One document through the pipeline, from `source`, in `plan`'s chunks (default: the
        document's chunks, numbered as they are asked). Never raises for a bad answer or a
        failed request: the document comes back failed, with the reason."""
        usage = Usage()
        limit = self.settings.document_timeout or None
        # The transport reads the deadline to shorten its last wait and request; the
        # timeout below is the backstop that holds whatever the server does.
        token = DEADLINE.set(asyncio.get_running_loop().time() + limit if limit else None)
        try:
            if self._fatal is not None:
                return self.failed(document, self._fatal.message)
            # A second of grace: the transport's own limit, with its clearer reason, comes first.
            async with asyncio.timeout(limit + 1 if limit else None):
                events = await self._events(source, document, plan, usage)
            return CodedDocument(document=document, events=events, coder=self.info)
        except TimeoutError:
            return self.failed(
                document,
                f"time limit: not coded within {limit:g} s (document_timeout; requests, retries and waits included)",
            )
        except LLMError as exc:
            if exc.fatal:
                self._fatal = exc
            return self.failed(document, exc.message)
        except AnswerError as exc:
            return self.failed(document, str(exc))
        except Exception as exc:  # a bug must cost one document, not the run
            log.exception("LLM coder: unexpected error on document %s", document.id)
            return self.failed(document, f"internal error: {type(exc).__name__}: {self._clean(exc)}")
        finally:
            DEADLINE.reset(token)
            self._account(document, usage, discounted=source.discounted)

    async def _events(self, source: Source, document: Document, plan: list[Chunk] | None, usage: Usage) -> list[Event]:
        events: list[Event] = []
        queue = (
            plan
            if plan is not None
            else [
                Chunk(start, end)
                for start, end in chunks(document.text, self.settings.chunk_chars, self.settings.chunk_overlap)
            ]
        )
        queue = list(queue)
        done = 0
        while queue:
            chunk = queue.pop(0)
            if chunk.key is None and chunk.custom_id is None:
                # Numbered when asked: a cut-off answer's halves renumber what follows.
                total = done + 1 + len(queue)
                part = (done + 1, total) if total > 1 else None
                text = document.text[chunk.start : chunk.end]
                chunk = Chunk(chunk.start, chunk.end, part, self.cache_key(text, document.publication_date, part))
            try:
                answered = await source.answer(self, chunk, document, usage)
            except CutOff:
                # Asking again "more briefly" makes a model drop events; half the text
                # each time keeps them all.
                queue[:0] = [Chunk(a, b) for a, b in self._halves(document.text, chunk.start, chunk.end)]
                continue
            done += 1
            events.extend(await source.ground(self, answered, document, (chunk.start, chunk.end), usage))
        return merge_events(events) if done > 1 else events

    def _halves(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        if end - start < MIN_SPLIT_CHARS:
            raise AnswerError(
                f"the answer was cut off at max_tokens ({self.settings.max_tokens}) even for "
                f"{end - start} characters of text; raise max_tokens"
            )
        length = end - start
        # The cut at the last paragraph or sentence end of the middle third; the second
        # half starts a little before it, so an event told across the cut is seen whole.
        cut = cut_at(text, start + length // 3, start + 2 * length // 3)
        overlap = min(self.settings.chunk_overlap, length // 6)
        back = cut_at(text, max(start + 1, cut - 2 * overlap), cut - overlap) if overlap else cut
        log.info("answer cut off at max_tokens: splitting characters %d-%d in two at %d", start, end, cut)
        return [(start, cut), (back if start < back < cut else cut, end)]

    async def ask(
        self,
        client: openai.AsyncOpenAI,
        text: str,
        published: date | None,
        part: tuple[int, int] | None,
        usage: Usage,
        raw: bool = False,
        key: str | None = None,
    ) -> Answered:
        """A valid answer from the model (with repair turns for invalid ones); CutOff when it
        stops at max_tokens. `raw`: for a recording, which cannot split; a cut answer is then
        re-asked as before."""
        s = self.settings
        key = key or self.cache_key(text, published, part)
        messages = self.prompt.messages(text, published, part)
        problems: list[str] = []
        for attempt in range(1 + s.repair_attempts):
            completion = await self.transport.complete(client, messages, self.prompt.response_format, usage)
            if completion.finish_reason == "length" and not raw:
                raise CutOff()
            data, problems = self.judge(completion.content, completion.finish_reason)
            if not problems:
                return Answered(data, key, messages=[*messages, {"role": "assistant", "content": completion.content}])
            log.info(
                "answer has %d problem(s) (attempt %d of %d): %s",
                len(problems),
                attempt + 1,
                1 + s.repair_attempts,
                self._clean(problems[0]),
            )
            if attempt < s.repair_attempts:
                usage.repairs += 1
                # The repair turn extends the conversation, so the stable prefix is still cached.
                messages = [
                    *messages,
                    {"role": "assistant", "content": completion.content},
                    {"role": "user", "content": repair_message(problems)},
                ]
        shown = "; ".join(self._clean(p) for p in problems[:3])
        more = f" (+{len(problems) - 3} more)" if len(problems) > 3 else ""
        raise AnswerError(f"invalid answer after {1 + s.repair_attempts} attempt(s): {shown}{more}")

    def cached(self, key: str) -> Answered | None:
        """The cached answer under `key` with what came with it (repair notes, recall passes)."""
        entry = self.cache.get(key) if self.cache is not None else None
        if entry is None:
            return None
        return Answered(
            entry["answer"],
            key,
            note=RepairNote.from_dict(entry.get("repair")),
            cached=True,
            recall=[a for a in entry.get("recall") or [] if isinstance(a, dict)],
        )

    def build(self, answered: Answered, document: Document, window: tuple[int, int]) -> list[Event]:
        """The events of an answer got earlier (cache, Batch API results), made as live coding makes
        them: grounded, normalised, annotated with its repair, merged with its recall passes."""
        events = self.builder.events(answered.data, document, window)
        annotate(events, answered.note)
        return self.with_recall(events, answered.recall, document, window)

    def with_recall(
        self, events: list[Event], found: list[dict[str, Any]], document: Document, window: tuple[int, int]
    ) -> list[Event]:
        if not found:
            return events
        return recall.merge_passes([events, *(self.builder.events(a, document, window) for a in found)])

    def judge(self, content: str | None, finish_reason: str | None) -> tuple[Any, list[str]]:
        """A model answer parsed and checked against the schema and the codebook:
        (data, problems); no problems means it can be used."""
        data, problems = self.checker.parse(content or "")
        if not problems and self.settings.schema_mode == "compact":
            data, problems = expand(self.codebook, data)
        if not problems:
            problems = self.checker.check(data)
        if finish_reason == "length":
            # Only answers that cannot be asked again get here (Batch API results):
            # live coding splits the text instead.
            problems = [
                f"the answer was cut off at max_tokens ({self.settings.max_tokens}); live coding "
                "splits the text in two when that happens"
            ] + problems
        return data, problems

    def cache_key(self, text: str, published: date | None, part: tuple[int, int] | None) -> str:
        """What an answer depends on: model, prompt, codebook, the text and its settings."""
        s = self.settings
        return cache_key(
            model=s.model,
            prompt=self.prompt.hash,
            codebook=self.codebook.version,
            text=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            published=published.isoformat() if published else None,
            part=part,
            temperature=s.temperature,
            max_tokens=s.max_tokens,
            ground_repair=s.ground_repair,
            recall_passes=s.recall_passes,
        )

    def remember(
        self,
        key: str,
        answer: dict[str, Any],
        note: RepairNote | None = None,
        found: list[dict[str, Any]] | None = None,
    ) -> None:
        """Keep a valid answer (what its repair turn did, its recall passes), so that asking
        again costs nothing."""
        if self.cache is not None:
            entry = {
                "model": self.settings.model,
                "codebook_version": self.codebook.version,
                "prompt_hash": self.prompt.hash,
                "answer": answer,
            }
            if note is not None:
                entry["repair"] = note.as_dict()
            if found:
                entry["recall"] = found
            # Encoded once, for the key check and the file both.
            blob = self.cache.encode(entry)
            if self.settings.api_key:
                # An answer that echoes the key (a server's error text as content) is kept without it.
                clean = self._clean(blob)
                if clean != blob:
                    try:
                        json.loads(clean)
                    except ValueError:
                        return
                    blob = clean
            self.cache.put_text(key, blob)

    def _clean(self, text: Any) -> str:
        return redact(str(text), self.settings.api_key)

    def failed(self, document: Document, reason: str) -> CodedDocument:
        """The document as not coded, with the reason (key redacted)."""
        return CodedDocument(document=document, coder=self.info, status="failed", error=self._clean(reason))

    def _account(self, document: Document, usage: Usage, discounted: bool = False) -> None:
        share = self.prompt.stable_share(document.text, document.publication_date)
        with self._lock:
            self.batch_pricing = self.batch_pricing or discounted
            self.documents += 1
            self.usage.add(usage)
            self.usage_by_document[document.id] = usage
            self.stable_shares.append(share)
        cost = self.prices.cost(self.settings.model, usage, batch=self.batch_pricing)
        log.info(
            "document %s: %d request(s), %d cache hit(s), %d prompt tokens (%d cached), %d completion tokens%s",
            document.id,
            usage.requests,
            usage.cache_hits,
            usage.prompt_tokens,
            usage.cached_tokens,
            usage.completion_tokens,
            f", ${cost:.4f}" if cost is not None else "",
        )

    # -- reporting -----------------------------------------------------------------

    def cost(self, usage: Usage | None = None) -> float | None:
        return self.prices.cost(self.settings.model, usage or self.usage, batch=self.batch_pricing)

    def summary(self) -> dict[str, Any]:
        u = self.usage
        n = max(1, self.documents)
        return {
            "model": self.settings.model,
            "documents": self.documents,
            **u.as_dict(),
            "prompt_tokens_per_document": u.prompt_tokens / n,
            "stable_prefix_tokens": self.prompt.stable_tokens,
            "stable_prefix_share": sum(self.stable_shares) / len(self.stable_shares) if self.stable_shares else None,
            "cost_usd": self.cost(),
        }

    def report(self) -> str:
        r = self.summary()
        cost = "unknown (model not in the price table)" if r["cost_usd"] is None else f"${r['cost_usd']:.4f}"
        share = "-" if r["stable_prefix_share"] is None else f"{100 * r['stable_prefix_share']:.0f}%"
        return (
            f"{r['documents']} document(s), {r['requests']} request(s), {r['cache_hits']} cache hit(s), "
            f"{r['repairs']} repair(s), {r['grounding_repairs']} grounding repair(s); "
            f"tokens: {r['prompt_tokens']} prompt ({r['cached_tokens']} cached), "
            f"{r['completion_tokens']} completion; stable prefix {share} of the prompt; cost {cost}"
        )

    def estimate_prompt_tokens(self, document: Document) -> int:
        return self.prompt.stable_tokens + estimate_tokens(document.text)
