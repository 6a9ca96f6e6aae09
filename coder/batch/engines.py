"""Three ways to code a stream of documents; results always come back to the parent, which writes them.

- `run_inline`: one document after another in this process (one core, tests).
- `run_pool`: worker processes for a CPU-bound coder (the offline one). Each
  worker builds its coder once; documents go in small chunks (a short article
  codes in well under a millisecond, so one document per task would be mostly
  IPC), and no more than two chunks per worker are in flight, so memory stays
  flat however large the archive.
- `run_async`: an async coder (the LLM one) with at most `concurrency`
  requests at once, in one event loop.

`write(job, record, usage, cost)` is called in this process for every result;
a document whose coder raised becomes a failed record with the reason.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from ..base import DOCUMENT_SECONDS, REGISTRY, code_within, make_coder
from ..codebook.model import Codebook
from ..models import CodedDocument, Document


@dataclass
class Job:
    doc_hash: str
    key: str
    document: Document


Write = Callable[[Job, dict[str, Any], dict[str, Any] | None, float | None], None]


def available_cores() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def failed_record(document: Document, reason: str) -> dict[str, Any]:
    return CodedDocument(document=document, status="failed", error=reason).model_dump(mode="json")


def code_one(coder: Any, document: Document, seconds: float | None = None) -> dict[str, Any]:
    coded = code_within(coder, document, seconds)
    if coded.status == "failed" and coded.error and coded.error.startswith("time limit"):
        coded.error += "; the run went on"
    return coded.model_dump(mode="json")


def run_inline(coder: Any, jobs: Iterable[Job], write: Write, seconds: float | None = DOCUMENT_SECONDS) -> None:
    for job in jobs:
        write(job, code_one(coder, job.document, seconds), None, None)


# -- processes -------------------------------------------------------------------------
_worker_coder: Any = None
_worker_seconds: float | None = None


def _exit_with_parent(parent: int) -> None:
    # A forked worker holds both ends of the pool's queues, so it never sees
    # EOF when the parent is killed (kill -9): it would wait for work forever.
    # It watches its parent instead and leaves when that is gone.
    import threading

    def watch() -> None:
        while True:
            time.sleep(0.5)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _init_worker(
    name: str, target: str, codebook: Codebook, options: dict[str, Any], parent: int, seconds: float | None = None
) -> None:
    global _worker_coder, _worker_seconds
    _worker_seconds = seconds
    _exit_with_parent(parent)
    # The registry entry travels with the task: a coder registered at run time
    # (a plugin, a test's fake) exists in the worker too, whatever the start method.
    REGISTRY[name] = target
    _worker_coder = make_coder(name, codebook, **options)


def _code_chunk(documents: list[Document]) -> list[dict[str, Any]]:
    return [code_one(_worker_coder, document, _worker_seconds) for document in documents]


def _chunks(jobs: Iterable[Job], size: int) -> Iterator[list[Job]]:
    chunk: list[Job] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def run_pool(
    name: str,
    codebook: Codebook,
    options: dict[str, Any],
    jobs: Iterable[Job],
    write: Write,
    workers: int,
    chunk_size: int = 8,
    seconds: float | None = DOCUMENT_SECONDS,
) -> None:
    pending: dict[Future, list[Job]] = {}

    def collect(block: bool) -> None:
        done, _ = wait(list(pending), return_when=FIRST_COMPLETED, timeout=None if block else 0)
        for future in done:
            chunk = pending.pop(future)
            try:
                records = future.result()
            except Exception as exc:  # a worker died (out of memory, a crash in C code)
                records = [
                    failed_record(j.document, f"worker process failed: {type(exc).__name__}: {exc}") for j in chunk
                ]
            for job, record in zip(chunk, records):
                write(job, record, None, None)

    with ProcessPoolExecutor(
        max_workers=workers,
        initializer=_init_worker,
        initargs=(name, REGISTRY[name], codebook, options, os.getpid(), seconds),
    ) as pool:
        for chunk in _chunks(jobs, chunk_size):
            while len(pending) >= 2 * workers:
                collect(block=True)
            pending[pool.submit(_code_chunk, [j.document for j in chunk])] = chunk
            collect(block=False)
        while pending:
            collect(block=True)


# -- async -----------------------------------------------------------------------------
def _usage_of(coder: Any, document: Document) -> tuple[dict[str, Any] | None, float | None]:
    """Tokens and cost of one document, if the coder accounts for them (the LLM coder does)."""
    usage = getattr(coder, "usage_by_document", {}).get(document.id)
    if usage is None:
        return None, None
    data = usage.as_dict() if hasattr(usage, "as_dict") else dict(usage)
    cost = None
    if hasattr(coder, "cost"):
        try:
            cost = coder.cost(usage)
        except Exception:  # an unknown price is no estimate, not a failure
            cost = None
    return data, cost


def run_async(coder: Any, jobs: Iterable[Job], write: Write, concurrency: int) -> None:
    async def one(job: Job, slots: asyncio.Semaphore) -> None:
        try:
            coded = await coder.acode(job.document)
            record = coded.model_dump(mode="json")
        except Exception as exc:
            record = failed_record(job.document, f"coder error: {type(exc).__name__}: {exc}")
        finally:
            slots.release()
        usage, cost = _usage_of(coder, job.document)
        write(job, record, usage, cost)

    async def main() -> None:
        slots = asyncio.Semaphore(concurrency)
        tasks: set[asyncio.Task] = set()
        for job in jobs:
            # Acquire before creating the task: never more than `concurrency` documents in memory.
            await slots.acquire()
            task = asyncio.create_task(one(job, slots))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if tasks:
            await asyncio.gather(*tasks)

    asyncio.run(main())
