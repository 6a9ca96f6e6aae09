"""Batch coding throughput and memory: `run_batch` on a generated archive, end to end.

    python bench/batch.py [--docs 10000] [--steps 3] [--concurrency N] [--llm-docs 200 --llm-concurrency 8]

1. Offline coder: a JSON Lines archive of synthetic articles (bench/offline.py's
   generator: codebook examples with other spellings, furniture, filler) is
   coded into a fresh store with worker processes on the available cores, at
   growing sizes (e.g. 2,500 / 5,000 / 10,000 documents). Reported: documents/s
   (reading, coding, one committed transaction per document) and peak memory
   (RSS of this process and of the workers, sampled every 50 ms): it should not
   grow with the archive, since nothing is kept per document.
2. LLM coder, if the fake OpenAI-compatible server (tests/fake_openai.py) is
   there: N documents at concurrency C against a server answering after L
   seconds; the bound is C/L documents/s.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.batch import available_cores, run_batch  # noqa: E402
from coder.codebook import load_codebook  # noqa: E402


def _generator():
    spec = importlib.util.spec_from_file_location("bench_offline", ROOT / "bench" / "offline.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def write_archive(path: Path, codebook, count: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for doc in _generator()(codebook, count):
            out.write(
                json.dumps(
                    {"id": doc.id, "text": doc.text, "date": str(doc.publication_date or ""), "source": doc.source}
                )
                + "\n"
            )


class PeakRSS:
    """Peak resident memory of this process plus its children, sampled in a thread."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self.peak_parent = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            try:
                parent = me.memory_info().rss
                children = sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                continue
            self.peak_parent = max(self.peak_parent, parent)
            self.peak = max(self.peak, parent + children)
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def offline(codebook, sizes: list[int], concurrency: int | None, tmp: Path) -> None:
    workers = concurrency or available_cores()
    print(f"offline coder, {workers} worker process(es):")
    write_archive(tmp / "warm.jsonl", codebook, 50)
    run_batch([tmp / "warm.jsonl"], tmp / "warm.sqlite", "rules", concurrency, codebook=codebook)
    for size in sizes:
        archive = tmp / f"archive-{size}.jsonl"
        write_archive(archive, codebook, size)
        db = tmp / f"run-{size}.sqlite"
        with PeakRSS() as memory:
            summary = run_batch([archive], db, "rules", concurrency, codebook=codebook)
        assert summary.coded == size, summary
        print(
            f"  {size:>6} documents: {summary.rate:7.1f} documents/s ({summary.seconds:.1f} s, "
            f"{summary.events} events, {summary.failed} failed); peak RSS {memory.peak / 2**20:.0f} MiB "
            f"(parent {memory.peak_parent / 2**20:.0f} MiB); store {db.stat().st_size / 2**20:.1f} MiB"
        )
        started = time.monotonic()
        again = run_batch([archive], db, "rules", concurrency, codebook=codebook)
        print(
            f"          rerun: {again.already_done} already done, {again.coded} coded, "
            f"{time.monotonic() - started:.1f} s"
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def llm(codebook, count: int, concurrency: int, latency: float, tmp: Path) -> None:
    if not (ROOT / "tests" / "fake_openai.py").exists():
        print("LLM coder: tests/fake_openai.py not found, skipped")
        return
    (tmp / "answers.json").write_text(json.dumps({"default": {"json": {"events": []}}}))
    (tmp / "none.toml").write_text("")
    port = _free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.fake_openai",
            "--port",
            str(port),
            "--answers",
            str(tmp / "answers.json"),
            "--latency",
            str(latency),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        server.stdout.readline()  # listening
        write_archive(tmp / "llm.jsonl", codebook, count)
        options = {
            "model": "fake-model",
            "base_url": f"http://127.0.0.1:{port}/v1",
            "api_key": "bench",
            "cache": False,
            "config": str(tmp / "none.toml"),
        }
        summary = run_batch(
            [tmp / "llm.jsonl"], tmp / "llm.sqlite", "llm", concurrency, codebook=codebook, coder_options=options
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    bound = concurrency / latency
    cost = f"${summary.cost_usd:.4f}" if summary.cost_usd is not None else "no price for the fake model"
    print(f"LLM coder against the fake server ({count} documents, concurrency {concurrency}, latency {latency:g} s):")
    print(
        f"  {summary.rate:.1f} documents/s; bound C/L = {bound:.1f}; {100 * summary.rate / bound:.0f}% of the "
        f"bound; {summary.failed} failed; {summary.tokens:,} tokens; cost {cost}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--steps", type=int, default=3, help="archive sizes: docs/steps, 2*docs/steps, ... docs")
    parser.add_argument("--concurrency", type=int, default=None, help="worker processes (default: the cores)")
    parser.add_argument("--llm-docs", type=int, default=200)
    parser.add_argument("--llm-concurrency", type=int, default=8)
    parser.add_argument("--latency", type=float, default=0.2)
    args = parser.parse_args(argv)
    codebook = load_codebook(ROOT / "codebook")
    sizes = sorted({max(1, args.docs * (i + 1) // args.steps) for i in range(args.steps)})
    with tempfile.TemporaryDirectory() as tmp:
        offline(codebook, sizes, args.concurrency, Path(tmp))
        if args.llm_docs:
            llm(codebook, args.llm_docs, args.llm_concurrency, args.latency, Path(tmp))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
