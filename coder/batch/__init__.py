"""Batch coding of archives into a store, resumable after any interruption.

    run_batch(["archive.zip"], "run.sqlite", coder_name="rules")

How "nothing lost, nothing twice" holds after a kill -9 at any moment:

- documents are read in a stable order and registered in the store in small
  transactions before they are coded (so `coder status` knows what is pending);
- each result is written with its events in one transaction, and only if the
  document has no result in the run yet (`Store.write_result`), so a result is
  either wholly there or wholly absent, never twice;
- a rerun reads the same sources, recognises each document by the hash of
  its text and metadata, and skips those with a result: what was in flight
  when the process died is simply coded again.

The coder runs in worker processes (the offline coder, on the available
cores), in one async loop bounded by `concurrency` (the LLM coder), or inline.
Results are written by this process only: SQLite has one writer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..base import AsyncCoder, make_coder
from ..codebook.model import Codebook
from ..sources import Item, SourceOptions, iter_items
from ..store import Store, document_hash
from .engines import DOCUMENT_SECONDS, Job, available_cores, run_async, run_inline, run_pool
from .progress import Bar, Quiet

__all__ = ["run_batch", "BatchSummary", "DOCUMENT_SECONDS", "Bar", "Quiet", "available_cores", "unique_events"]

# Registered in the store this many at a time: one transaction per chunk, not per document.
_REGISTER_CHUNK = 64
# Settings that change how fast a run goes, not what it produces: not part of the run's identity.
_NOT_IDENTITY = {"concurrency", "api_key", "config", "cache_dir", "sleep", "rng"}


@dataclass
class BatchSummary:
    run_id: int
    db: Path
    read: int = 0  # documents and failures read from the sources (within --limit)
    coded: int = 0  # coded in this invocation
    already_done: int = 0  # skipped: a result was in the store already
    failed: int = 0  # failed in this invocation (reading or coding)
    skipped: int = 0  # records that are not documents (a WARC image), with their reason
    events: int = 0
    tokens: int = 0
    cost_usd: float | None = None
    seconds: float = 0.0
    engine: str = "inline"
    workers: int = 1
    # The whole run as the store holds it after this invocation (earlier invocations included):
    # what the exit status and "N of M documents failed" are about.
    run_documents: int = 0
    run_failed: int = 0
    # Documents read without a publication date: their relative dates ("on Monday",
    # "yesterday") cannot be resolved, so those events carry no date.
    undated: int = 0

    @property
    def rate(self) -> float:
        return self.coded / self.seconds if self.seconds else 0.0


def _coder_info(coder: Any) -> tuple[str | None, str | None]:
    info = getattr(coder, "info", None)
    if callable(info):  # RuleCoder.info() is a method, LLMCoder.info a property
        info = info()
    return getattr(info, "version", None), getattr(info, "model", None)


def run_batch(
    sources: Iterable[str | Path],
    db: str | Path,
    coder_name: str = "rules",
    concurrency: int | None = None,
    limit: int | None = None,
    *,
    codebook: Codebook | None = None,
    options: SourceOptions | None = None,
    coder_options: dict[str, Any] | None = None,
    retry_failed: bool = True,
    progress: Quiet | None = None,
    total_hint: int | None = None,
    publication_date: date | None = None,
    document_seconds: float | None = DOCUMENT_SECONDS,
) -> BatchSummary:
    """Code every document of `sources` into the store `db`; a rerun finishes what is left.

    publication_date, when given, is every document's publication date (as for
    `coder code --publication-date`); otherwise each keeps its own, from its
    record, its `<name>.meta.json` sidecar or a clear dateline.

    document_seconds bounds each document's coding by the offline coder (in its worker
    processes or inline): a document past it is recorded as failed with the reason and
    the run goes on. None or 0: no limit.
    """
    if codebook is None:
        from ..codebook.loader import default_codebook_path, load_codebook

        codebook = load_codebook(default_codebook_path())
    sources = list(sources)
    options = options or SourceOptions()
    coder_options = dict(coder_options or {})
    progress = progress or Quiet()
    coder = make_coder(coder_name, codebook, **coder_options)
    version, model = _coder_info(coder)
    settings = {k: v for k, v in sorted(coder_options.items()) if k not in _NOT_IDENTITY}

    store = Store(db)
    try:
        run = store.get_run(coder_name, version, model, codebook.version, settings)
        summary = BatchSummary(run_id=run.id, db=Path(db))
        started = time.monotonic()
        counters = {"errors": 0, "tokens": 0, "cost": None}

        def tick(advance: int = 1) -> None:
            progress.update(
                advance=advance,
                errors=counters["errors"],
                skipped=summary.already_done,
                tokens=counters["tokens"],
                cost=counters["cost"],
            )

        def write(job: Job, record: dict[str, Any], usage: dict[str, Any] | None, cost: float | None) -> None:
            record = {**record, "events": unique_events(record.get("events") or [])}
            written = store.write_result(run.id, job.doc_hash, job.key, record, usage, cost)
            in_flight.discard(job.doc_hash)
            if written:
                summary.coded += 1
                summary.events += len(record.get("events") or [])
                if record.get("status") == "failed":
                    summary.failed += 1
                    counters["errors"] += 1
            if usage:
                counters["tokens"] += int(usage.get("prompt_tokens", 0)) + int(usage.get("completion_tokens", 0))
            if cost is not None:
                counters["cost"] = (counters["cost"] or 0.0) + cost
            tick()

        in_flight: set[str] = set()

        def jobs() -> Iterator[Job]:
            """Documents still to code, registered in the store as they are read."""
            for chunk in _chunked(_limited(iter_items(sources, options), limit), _REGISTER_CHUNK):
                rows = []
                for seq, item in chunk:
                    if item.ok and publication_date is not None:
                        # Before hashing: a different date is a different coding of the document.
                        item.document = item.document.model_copy(update={"publication_date": publication_date})
                    doc_hash = document_hash(item.document) if item.ok else item.failure_hash
                    rows.append((seq, doc_hash, item.key, item.document, item.doc_id))
                store.add_documents(run.id, rows)
                for (_seq, item), (_, doc_hash, _, _, _) in zip(chunk, rows):
                    if not item.ok:
                        summary.skipped += item.skipped
                        summary.read += not item.skipped
                        if not store.is_done(run.id, doc_hash):
                            summary.failed += not item.skipped
                            counters["errors"] += not item.skipped
                        store.write_error(
                            run.id,
                            item.key,
                            item.error or "unreadable",
                            doc_id=item.doc_id,
                            doc_hash=doc_hash,
                            stage="skip" if item.skipped else "read",
                        )
                        tick(0 if item.skipped else 1)
                        continue
                    summary.read += 1
                    summary.undated += item.document.publication_date is None
                    if doc_hash in in_flight or store.is_done(run.id, doc_hash, retry_failed=retry_failed):
                        summary.already_done += 1
                        tick()
                        continue
                    in_flight.add(doc_hash)
                    yield Job(doc_hash, item.key, item.document)

        total = total_hint
        if total is not None and limit is not None:
            total = min(total, limit)
        progress.start(total)
        try:
            if isinstance(coder, AsyncCoder) and hasattr(coder, "acode"):
                summary.engine, summary.workers = "async", concurrency or 8
                run_async(coder, jobs(), write, summary.workers)
            else:
                workers = concurrency or available_cores()
                if workers > 1:
                    summary.engine, summary.workers = "processes", workers
                    run_pool(coder_name, codebook, coder_options, jobs(), write, workers, seconds=document_seconds)
                else:
                    run_inline(coder, jobs(), write, document_seconds)
        finally:
            progress.stop()
        summary.seconds = time.monotonic() - started
        summary.tokens = counters["tokens"]
        summary.cost_usd = counters["cost"]
        status = store.status(run.id)
        summary.run_documents, summary.run_failed = status.documents, status.failed
        return summary
    finally:
        store.close()


def unique_events(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The events of one document with exact repeats (same type and fields) kept once.

    A model stuck in a loop can answer the same event thousands of times, and a
    coder can find one incident through two identical mentions; either way it
    is one row. The first occurrence is kept, in place, with the evidence of
    the repeats added to it (each span once) and the highest confidence.
    """
    kept: dict[str, dict[str, Any]] = {}
    for event in events:
        key = json.dumps([event.get("type"), event.get("fields") or {}], sort_keys=True, ensure_ascii=False)
        first = kept.get(key)
        if first is None:
            kept[key] = event
            continue
        evidence = list(first.get("evidence") or [])
        for span in event.get("evidence") or []:
            if span not in evidence:
                evidence.append(span)
        first = kept[key] = {**first, "evidence": evidence}
        if (event.get("confidence") or 0) > (first.get("confidence") or 0):
            first["confidence"] = event["confidence"]
    return list(kept.values())


def _limited(items: Iterator[Item], limit: int | None) -> Iterator[tuple[int, Item]]:
    """Items numbered in reading order; --limit counts documents and failures, not skipped records."""
    counted = 0
    for seq, item in enumerate(items):
        if limit is not None and counted >= limit:
            return
        counted += not item.skipped
        yield seq, item


def _chunked(items: Iterator[tuple[int, Item]], size: int) -> Iterator[list[tuple[int, Item]]]:
    chunk: list[tuple[int, Item]] = []
    for entry in items:
        chunk.append(entry)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
