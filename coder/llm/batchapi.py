"""The OpenAI Batch API for archives: half the price, answers within a day.

`prepare` writes the requests file the Batch API takes (one chat completion
per document chunk, the same prompt and response format as live coding) and a
manifest beside it with the documents, so that `read` can ground the quotes in
the very text that was sent, whatever archive it came from. Chunks whose
answer is already in the cache are not sent again.

`read` takes the output file (and the error file) the provider gives back:
each answer is parsed and checked like a live one and built into events by the
same grounding and normalising code. There is no conversation to repair a bad
answer in, so an invalid answer fails its document with the reason; valid
answers go to the cache, and `coder code --coder llm` on the failed documents
then asks again only for what is missing, with repair turns.

The key is never written: requests hold the prompt and the model name only.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import CoderError
from ..io import atomic_output
from ..models import CodedDocument, Document
from .chunk import chunks
from .cost import Usage
from .pipeline import Chunk, RecordingError, Stored, StoredSource, is_recorded, load_recorded
from .prompt import estimate_tokens

MANIFEST_KIND = "eventcoder-batch-manifest"
ENDPOINT = "/v1/chat/completions"


class BatchFileError(CoderError, ValueError):
    """A requests, manifest or results file that cannot be used, with where and why."""


def manifest_path(requests: Path) -> Path:
    return requests.with_name(requests.name + ".manifest.jsonl")


@dataclass
class Prepared:
    documents: int = 0
    requests: int = 0
    cached: int = 0  # chunks answered from the cache, not sent
    prompt_tokens: int = 0  # estimated, for the cost before sending
    cost_usd: float | None = None
    files: list[Path] = field(default_factory=list)  # the requests files, each one batch
    stale: list[Path] = field(default_factory=list)  # parts of an earlier prepare, not to be sent


# One batch takes at most 50,000 requests and a file of at most 200 MB: past either,
# the requests go on in another file (another batch), which `read` joins by custom_id.
MAX_REQUESTS = 50_000
MAX_BYTES = 200_000_000


def part_path(requests: Path, number: int) -> Path:
    """requests.jsonl, then requests-2.jsonl, requests-3.jsonl..."""
    return requests if number == 1 else requests.with_name(f"{requests.stem}-{number}{requests.suffix}")


class _Parts:
    """Request lines into as many files as the limits need, each written atomically."""

    def __init__(self, stack: ExitStack, requests: Path, max_requests: int, max_bytes: int):
        self.stack, self.requests = stack, requests
        self.max_requests, self.max_bytes = max_requests, max_bytes
        self.files: list[Path] = []
        self.handle: Any = None
        self.count = self.size = 0

    def write(self, line: str) -> None:
        size = len(line.encode("utf-8")) + 1
        if size > self.max_bytes:
            raise BatchFileError(
                f"one request is {size:,} bytes, over the {self.max_bytes:,} bytes a batch file "
                "may hold; lower chunk_chars"
            )
        if self.handle is None or self.count >= self.max_requests or self.size + size > self.max_bytes:
            path = part_path(self.requests, len(self.files) + 1)
            self.handle = self.stack.enter_context(atomic_output(path, newline="\n"))
            self.files.append(path)
            self.count = self.size = 0
        self.handle.write(line + "\n")
        self.count += 1
        self.size += size


def prepare(
    coder: Any,
    documents: Iterable[Document],
    requests: Path,
    *,
    max_requests: int = MAX_REQUESTS,
    max_bytes: int = MAX_BYTES,
) -> Prepared:
    """Write the Batch API requests file(s) and the manifest for `documents`."""
    s = coder.settings
    done = Prepared()
    estimate = Usage()
    manifest = manifest_path(requests)
    # Each file appears whole or not at all, and none is renamed into place unless all were
    # written through: a requests file beside an older manifest would be read against the
    # wrong documents.
    with ExitStack() as stack:
        man = stack.enter_context(atomic_output(manifest, newline="\n"))
        parts = _Parts(stack, requests, max_requests, max_bytes)
        man.write(
            json.dumps(
                {
                    "kind": MANIFEST_KIND,
                    "model": s.model,
                    "prompt_hash": coder.prompt.hash,
                    "codebook_version": coder.codebook.version,
                    "response_format": s.response_format,
                }
            )
            + "\n"
        )
        for doc_no, document in enumerate(documents):
            windows = chunks(document.text, s.chunk_chars, s.chunk_overlap)
            entry = []
            for number, (start, end) in enumerate(windows, 1):
                part = (number, len(windows)) if len(windows) > 1 else None
                text = document.text[start:end]
                key = coder.cache_key(text, document.publication_date, part)
                if coder.cache is not None and coder.cache.get(key) is not None:
                    done.cached += 1
                    entry.append({"window": [start, end], "part": part, "key": key, "custom_id": None})
                    continue
                custom_id = f"d{doc_no}-c{number}"
                body = {
                    "model": s.model,
                    "messages": coder.prompt.messages(text, document.publication_date, part),
                    "response_format": coder.prompt.response_format,
                    "temperature": s.temperature,
                    "max_tokens": s.max_tokens,
                }
                parts.write(
                    json.dumps(
                        {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}, ensure_ascii=False
                    )
                )
                done.requests += 1
                estimate.prompt_tokens += coder.prompt.stable_tokens + estimate_tokens(text)
                entry.append({"window": [start, end], "part": part, "key": key, "custom_id": custom_id})
            man.write(
                json.dumps({"document": document.model_dump(mode="json"), "chunks": entry}, ensure_ascii=False) + "\n"
            )
            done.documents += 1
        if not parts.files:
            parts.stack.enter_context(atomic_output(requests, newline="\n"))  # nothing to send: an empty file
            parts.files.append(requests)
        done.files = parts.files
    number = len(done.files) + 1
    while part_path(requests, number).exists():  # left by an earlier, larger prepare: not this batch
        done.stale.append(part_path(requests, number))
        number += 1
    done.prompt_tokens = estimate.prompt_tokens
    done.cost_usd = coder.prices.cost(s.model, estimate, batch=True)
    return done


def load_results(paths: Iterable[Path]) -> tuple[dict[str, Stored], dict[str, Stored]]:
    """What the provider answered, by custom_id, from output and error files; and recorded
    answers, by the hash of their text, from files of them (JSON Lines, or one object a file as
    `coder regress --record-llm` writes), which `read` plays back the same way."""
    results: dict[str, Stored] = {}
    recorded: dict[str, Stored] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise BatchFileError(f"{path}: cannot read ({exc.strerror or exc})") from None
        except UnicodeDecodeError as exc:
            raise BatchFileError(
                f"{path}: not UTF-8 text (byte {exc.start}); expected the batch's JSON Lines output or error file"
            ) from None
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None
        if is_recorded(whole):
            recorded.update(load_recorded([path]))
            continue
        for line_no, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if is_recorded(record):
                    recorded[record["text_sha256"]] = Stored(
                        content=json.dumps(record["answer"], ensure_ascii=False), finish_reason="stop"
                    )
                    continue
                custom_id = record["custom_id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise BatchFileError(
                    f"{path}:{line_no}: not a Batch API result line (expected JSON with "
                    "custom_id, response, error) nor a recorded answer (text_sha256, answer)"
                ) from None
            results[custom_id] = _result(record)
    return results, recorded


def _result(record: dict[str, Any]) -> Stored:
    response = record.get("response") or {}
    error = record.get("error")
    status = response.get("status_code")
    body = response.get("body") or {}
    if error or (status is not None and status != 200):
        detail = (error or {}).get("message") if isinstance(error, dict) else error
        detail = detail or (body.get("error") or {}).get("message") or f"HTTP {status}"
        return Stored(error=f"the batch request failed: {str(detail)[:300]}")
    usage = Usage(requests=1, attempts=1)
    usage.add_reported(body.get("usage"))
    choices = body.get("choices") or []
    if not choices:
        return Stored(error="the batch answer has no choices", usage=usage)
    message = choices[0].get("message") or {}
    if message.get("refusal"):
        return Stored(error=f"the model refused to answer: {str(message['refusal'])[:300]}", usage=usage)
    return Stored(content=message.get("content") or "", finish_reason=choices[0].get("finish_reason"), usage=usage)


def read(coder: Any, requests: Path, results: Iterable[Path]) -> Iterable[CodedDocument]:
    """Coded documents, in manifest order, from the provider's result files (or recorded
    answers): through the pipeline live coding uses, answers from a StoredSource."""
    manifest = manifest_path(requests)
    try:
        lines = manifest.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise BatchFileError(
            f"{manifest}: cannot read the manifest written by `prepare` ({exc.strerror or exc})"
        ) from None
    header = json.loads(lines[0]) if lines else {}
    if header.get("kind") != MANIFEST_KIND:
        raise BatchFileError(f"{manifest}:1: not an eventcoder batch manifest")
    if header.get("prompt_hash") != coder.prompt.hash or header.get("model") != coder.settings.model:
        raise BatchFileError(
            f"{manifest}: prepared for model {header.get('model')!r}, codebook {header.get('codebook_version')} "
            f"and another prompt; read it with the same model, codebook and settings "
            f"(now: model {coder.settings.model!r}, codebook {coder.codebook.version})"
        )
    try:
        answers, recorded = load_results(results)
    except RecordingError as exc:
        raise BatchFileError(str(exc)) from None
    source = StoredSource(answers, recorded, discounted=bool(answers) or not recorded)
    for line_no, line in enumerate(lines[1:], 2):
        try:
            record = json.loads(line)
            document = Document.model_validate(record["document"])
            plan = [
                Chunk(
                    c["window"][0],
                    c["window"][1],
                    tuple(c["part"]) if c.get("part") else None,
                    c["key"],
                    c.get("custom_id"),
                )
                for c in record.get("chunks") or []
            ]
        except (json.JSONDecodeError, KeyError, ValueError, TypeError, IndexError) as exc:
            raise BatchFileError(f"{manifest}:{line_no}: damaged manifest line ({type(exc).__name__})") from None
        yield coder.run_sync(document, source, plan)
