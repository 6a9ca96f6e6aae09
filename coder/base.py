"""What every coder is: a function from a document to a coded document.

The batch runner, the CLI and the regression checks pick a coder by name from
this registry and never import a coder module directly, so coders stay
independent of each other and of the tools that drive them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
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


def code_many(coder: Coder, documents: Iterable[Document], concurrency: int = 1) -> Iterator[CodedDocument]:
    """Code documents in order, yielding each result as soon as it is ready.

    An async coder (the LLM coder) runs up to `concurrency` requests at once;
    results still come out in input order so that output files are stable.
    """
    if concurrency > 1 and isinstance(coder, AsyncCoder):
        yield from _code_many_async(coder, documents, concurrency)
    else:
        for document in documents:
            yield coder.code(document)


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
