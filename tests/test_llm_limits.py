"""Issue 17's LLM parts: a bounded time per document, and no piece of the key anywhere."""

from __future__ import annotations

import asyncio
import logging
import time

from coder.base import code_many
from coder.llm.config import LLMSettings

from .test_llm import KEY, TEXT, answer, doc, make, server, sleeps  # noqa: F401  (fixtures)


def leaks(text: str, key: str = KEY, size: int = 8) -> list[str]:
    return [key[i : i + size] for i in range(len(key) - size + 1) if key[i : i + size] in text]


def test_defaults_bound_a_silent_server():
    s = LLMSettings()
    # A server that never answers costs a document at most document_timeout, however many
    # retries are allowed; a Retry-After of an hour is cut to a minute.
    assert s.document_timeout == 180 and s.retry_after_max == 60 and s.timeout <= s.document_timeout


def test_a_hanging_server_costs_a_document_its_time_limit_and_the_run_goes_on(make, server, codebook):
    server.push({"hang": 30}, {"hang": 30}, {"hang": 30}, {"hang": 30})
    server.default = {"json": answer(codebook)}

    async def real_sleep(seconds: float) -> None:
        await asyncio.sleep(seconds)

    coder = make(timeout=0.6, max_retries=20, backoff_base=0.05, document_timeout=1.0, sleep=real_sleep)
    began = time.monotonic()
    first = coder.code(doc("slow"))
    took = time.monotonic() - began
    assert first.status == "failed" and took < 1.9, (took, first.error)
    assert "time limit" in first.error and "document_timeout" in first.error
    server.script.clear()
    later = coder.code(doc("next", TEXT + " Next."))
    assert later.status == "ok"


def test_a_long_retry_after_fails_at_once_instead_of_waiting(make, server, codebook, sleeps):
    server.push({"status": 429, "headers": {"Retry-After": "3600"}})
    result = make(document_timeout=30).code(doc())
    assert result.status == "failed" and sleeps == []
    assert "asked to wait 3600s" in result.error and "document_timeout" in result.error
    # Within the limit, Retry-After is honoured (capped by retry_after_max).
    server.push({"status": 429, "headers": {"Retry-After": "20"}}, {"json": answer(codebook)})
    assert make(cache=False, document_timeout=30).code(doc("d2")).status == "ok" and sleeps == [20.0]


def test_each_concurrent_document_has_its_own_deadline(make, server, codebook):
    server.default = {"json": answer(codebook)}
    server.latency = 0.2
    docs = [doc(f"d{i}", TEXT + f" Report {i}.") for i in range(4)]
    # Four documents at once, each well within its second: none is charged for the others.
    results = list(code_many(make(document_timeout=1.0, cache=False), docs, concurrency=4))
    assert [r.status for r in results] == ["ok"] * 4


def test_no_fragment_of_the_key_in_errors_logs_or_cache(make, server, codebook, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    # A server that cuts its echo of the key at 20 characters (issue 17), another that shows its middle.
    server.push(
        {"status": 500, "message": f"upstream rejected {KEY[:20]}"},
        {"status": 500, "message": f"bad token ...{KEY[9:21]}..."},
    )
    coder = make(max_retries=1)
    failed = coder.code(doc("boom"))
    assert failed.status == "failed" and "bad token ...***..." in failed.error
    assert any("upstream rejected ***" in r.getMessage() for r in caplog.records)
    # A model answer that repeats a piece of the key is cached without it.
    echoed = answer(codebook, notes={"value": f"token {KEY[4:18]} seen", "quote": None})
    server.push({"json": echoed})
    ok = coder.code(doc("ok", TEXT + " Fine."))
    assert ok.status == "ok"
    logging.getLogger("coder.llm.coder").warning("echo %s", KEY[2:12])
    texts = [r.getMessage() for r in caplog.records] + [failed.error]
    texts += [p.read_text() for p in (tmp_path / "cache").rglob("*.json")]
    assert len(texts) > 3 and not [t for t in texts if leaks(t)]


def test_a_traceback_in_the_log_is_redacted_too(make, caplog):
    make()  # a coder with the key: its loggers now scrub it
    caplog.set_level(logging.DEBUG)
    try:
        raise RuntimeError(f"boom {KEY[1:30]}")
    except RuntimeError:
        logging.getLogger("coder.llm.transport").exception("failed")
    assert not leaks(caplog.text)


def test_redact_keeps_ordinary_text():
    from coder.llm.secret import redact

    text = "A convoy of 15 vehicles arrived in Albukamal; sk-test was mentioned, and 0123456 too."
    assert redact(text, KEY) == text  # pieces shorter than 8 characters stay
    assert redact(f"x{KEY[3:11]}y", KEY) == "x***y"
