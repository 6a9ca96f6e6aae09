"""Throughput of the LLM coder against the fake server: how close to the bound C/L?

Codes N documents (default 200) with coder.base.code_many at concurrency C
against tests/fake_openai.py answering after a fixed latency L. With perfect
overlap the coder finishes C documents every L seconds, so C/L documents per
second is the bound; the aim is >= 0.9 of it. Also reports prompt tokens per
document (as the server counts them and as estimated offline) and the share
of the prompt that is the stable, cacheable prefix.

    python bench/llm_throughput.py [--docs 200] [--concurrency 8] [--latency 0.2]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.base import code_many, make_coder  # noqa: E402
from coder.codebook import load_codebook  # noqa: E402
from coder.models import Document  # noqa: E402
from coder.schema import llm_fields  # noqa: E402

SEEDS = Path("/work/shared/seeds")
SENTENCE = (
    "On Monday a convoy of 15 pickup vehicles carrying Liwa Fatemiyoun fighters arrived in Albukamal "
    "from Iraq, local sources said."
)


def documents(count: int) -> list[Document]:
    bodies = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] or ["A quiet day in the market."]
    return [
        Document(
            id=f"bench-{i}",
            text=f"{SENTENCE}\n\n{bodies[i % len(bodies)]}\n\n(ref {i})",
            publication_date=date(2021, 3, 16),
        )
        for i in range(count)
    ]


def answer(codebook) -> dict:
    fields = {name: {"value": None, "quote": None} for name in llm_fields(codebook, "troop_movement")}
    fields.update(
        actor1={"value": "Fatemiyoun Brigade", "quote": "Liwa Fatemiyoun"},
        location={"value": "Al Bukamal", "quote": "Albukamal"},
        vehicle_count={"value": 15, "quote": "15 pickup vehicles"},
        movement_kind={"value": "arrival", "quote": "arrived"},
    )
    return {"events": [{"type": "troop_movement", "evidence": [SENTENCE], "confidence": 0.9, "fields": fields}]}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2)
    parser.add_argument("--response-format", default="json_schema", choices=["json_schema", "json_object"])
    args = parser.parse_args(argv)
    codebook = load_codebook(ROOT / "codebook")
    docs = documents(args.docs)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "answers.json").write_text(json.dumps({"default": {"json": answer(codebook)}}))
        (tmp_path / "none.toml").write_text("")  # no user config file leaks into the measurement
        port = _free_port()
        # The server runs in a process of its own, as a real one would: in this
        # process it would compete with the coder for the interpreter lock.
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.fake_openai",
                "--port",
                str(port),
                "--answers",
                str(tmp_path / "answers.json"),
                "--latency",
                str(args.latency),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            server.stdout.readline()  # "fake OpenAI server on ..." once it listens
            coder = make_coder(
                "llm",
                codebook,
                model="fake-model",
                base_url=f"http://127.0.0.1:{port}/v1",
                api_key="bench-key",
                cache_dir=tmp_path / "cache",
                concurrency=args.concurrency,
                response_format=args.response_format,
                config=tmp_path / "none.toml",
            )
            list(code_many(coder, documents(args.concurrency), args.concurrency))  # warm-up: connections, imports
            warm = coder.usage.prompt_tokens
            started, cpu_started = time.perf_counter(), time.process_time()
            results = list(code_many(coder, docs, args.concurrency))
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            failed = [r for r in results if r.status != "ok"]
            first_run_prompt = coder.usage.prompt_tokens - warm
            requests_before = coder.usage.requests
            rerun_started = time.perf_counter()
            list(code_many(coder, docs, args.concurrency))
            rerun = time.perf_counter() - rerun_started
            rerun_requests = coder.usage.requests - requests_before
        finally:
            server.terminate()
            server.wait(timeout=10)
    rate = len(docs) / elapsed
    bound = args.concurrency / args.latency
    summary = coder.summary()
    estimated = sum(coder.estimate_prompt_tokens(d) for d in docs) / len(docs)
    print(
        f"{len(docs)} documents, concurrency {args.concurrency}, latency {args.latency:g}s, "
        f"{args.response_format}: {elapsed:.2f}s, {len(failed)} failed"
    )
    print(
        f"throughput: {rate:.1f} documents/s; bound C/L = {bound:.1f}; "
        f"{100 * rate / bound:.1f}% of the bound (aim >= 90%)"
    )
    # The coder's own cost, which load on the machine does not inflate as much as wall time:
    # what one event-loop thread spends per document bounds the documents per second it can serve.
    print(
        f"coder CPU per document: {1000 * cpu / len(docs):.1f} ms (this process, all threads); "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(
        f"prompt tokens per document: {first_run_prompt / len(docs):.0f} as the server counts "
        f"(first run), {estimated:.0f} estimated offline; completion tokens per document: "
        f"{summary['completion_tokens'] / len(docs):.0f}"
    )
    print(
        f"stable prefix: {summary['stable_prefix_tokens']} tokens, {100 * summary['stable_prefix_share']:.1f}% "
        "of the prompt; served from the fake provider cache: "
        f"{100 * summary['cached_tokens'] / max(1, summary['prompt_tokens']):.1f}% of prompt tokens"
    )
    print(f"rerun from the answer cache: {rerun_requests} request(s), {rerun:.2f}s")
    return 0 if not failed and rate >= 0.9 * bound and rerun_requests == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
