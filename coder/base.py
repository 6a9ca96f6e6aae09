"""What every coder is: a function from a document to a coded document.

The batch runner, the CLI and the regression checks pick a coder by name from
this registry and never import a coder module directly, so coders stay
independent of each other and of the tools that drive them.
"""

from __future__ import annotations

import importlib
import signal
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Protocol, cast, runtime_checkable

from .codebook.model import Codebook
from .errors import UsageError
from .models import CodedDocument, Document


@runtime_checkable
class Coder(Protocol):
    name: str

    def code(self, document: Document) -> CodedDocument:
        """Code one document. Failures are returned as status='failed' records, not raised."""
        ...


@runtime_checkable
class AsyncCoder(Protocol):
    name: str

    async def acode(self, document: Document) -> CodedDocument: ...


# name -> "module:factory"; the factory is called as factory(codebook, **options).
REGISTRY: dict[str, str] = {
    "rules": "coder.rules:RuleCoder",
    "llm": "coder.llm:LLMCoder",
}


class UnknownCoder(UsageError, ValueError):
    pass


def make_coder(name: str, codebook: Codebook, **options: Any) -> Coder:
    target = REGISTRY.get(name)
    if target is None:
        raise UnknownCoder(f"unknown coder '{name}'; expected one of: {', '.join(sorted(REGISTRY))}")
    module_name, factory_name = target.split(":")
    factory = getattr(importlib.import_module(module_name), factory_name)
    return cast(Coder, factory(codebook, **options))


# Per-document limit of the offline coder: it codes an article in milliseconds and a 5 MB
# one-line page in seconds, so a minute means a pattern or a page it cannot cope with.
DOCUMENT_SECONDS = 60.0
# The limit is per started megabyte of text: a huge page is long work, not a hang, and on a busy
# machine its wall-clock time can pass a flat minute (a 5 MB one-line page takes 25-30 s alone).
_BYTES_PER_LIMIT = 1_000_000


def time_limit(document: Document, seconds: float | None) -> float | None:
    """The limit for this document: `seconds` for each started megabyte of its text."""
    if not seconds or seconds <= 0:
        return seconds
    return seconds * max(1, -(-len(document.text) // _BYTES_PER_LIMIT))


class DocumentTimeout(BaseException):
    """Raised inside a coder when its document is past the limit. A BaseException: a coder's own
    `except Exception` must not swallow it and go on with the document."""


@contextmanager
def deadline(seconds: float | None) -> Iterator[None]:
    """Interrupt the body after `seconds` (SIGALRM; the regex engine checks for signals, so a
    backtracking pattern is stopped too). No limit off the main thread, where signals cannot go."""
    if not seconds or seconds <= 0 or not hasattr(signal, "setitimer"):
        yield
        return
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: FrameType | None) -> None:
        raise DocumentTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def code_within(coder: Coder, document: Document, seconds: float | None = None) -> CodedDocument:
    """One document coded, or a failed record saying why: past the time limit, or the coder
    raised (the protocol says coders return failures; a bug must still cost one document only)."""
    limit = time_limit(document, seconds)
    try:
        with deadline(limit):
            return coder.code(document)
    except DocumentTimeout:
        reason = f"time limit: not coded within {limit:g} s (the per-document limit, --document-timeout)"
    except Exception as exc:
        reason = f"coder error: {type(exc).__name__}: {exc}"
    return CodedDocument(document=document, status="failed", error=reason)


def code_many(
    coder: Coder, documents: Iterable[Document], concurrency: int = 1, seconds: float | None = None
) -> Iterator[CodedDocument]:
    """Code documents in order, yielding each result as soon as it is ready.

    An async coder (the LLM coder) runs up to `concurrency` requests at once;
    results still come out in input order so that output files are stable.
    A synchronous coder has `seconds` per document (the LLM coder bounds its own).
    """
    if concurrency > 1 and isinstance(coder, AsyncCoder):
        yield from _code_many_async(coder, documents, concurrency)
    else:
        for document in documents:
            yield code_within(coder, document, seconds)


def _code_many_async(coder: AsyncCoder, documents: Iterable[Document], concurrency: int) -> Iterator[CodedDocument]:
    import asyncio
    import queue as queue_module
    import threading

    results: queue_module.Queue[CodedDocument | BaseException | object] = queue_module.Queue()
    done = object()

    async def runner() -> None:
        semaphore = asyncio.Semaphore(concurrency)
        pending: dict[int, asyncio.Task[CodedDocument]] = {}

        async def one(doc: Document) -> CodedDocument:
            async with semaphore:
                return await coder.acode(doc)

        # Keep at most 2*concurrency tasks alive so huge inputs stream in bounded memory.
        next_out = 0
        for index, doc in enumerate(documents):
            pending[index] = asyncio.create_task(one(doc))
            while len(pending) >= 2 * concurrency:
                results.put(await pending.pop(next_out))
                next_out += 1
        while pending:
            results.put(await pending.pop(next_out))
            next_out += 1

    def thread_main() -> None:
        try:
            asyncio.run(runner())
        except BaseException as exc:  # surfaced in the caller's thread
            results.put(exc)
        finally:
            results.put(done)

    thread = threading.Thread(target=thread_main, daemon=True)
    thread.start()
    while True:
        item = results.get()
        if item is done:
            break
        if isinstance(item, BaseException):
            raise item
        yield cast(CodedDocument, item)
    thread.join()
