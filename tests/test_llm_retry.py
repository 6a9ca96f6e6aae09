"""The transport's retry policy, request by request, against the local fake server: what is
retried, how long each wait is, what error ends it (kind, fatal flag, message), what is logged.

tenacity runs the loop; these pin what the policy does so that its control flow can change
without anything a caller sees changing. No test sleeps for real: the waits are recorded.
"""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from coder.llm.config import load_settings
from coder.llm.cost import Usage
from coder.llm.transport import DEADLINE, Completion, LLMError, Transport, make_client

from .fake_openai import FakeOpenAI

KEY = "sk-test-SECRET-0123456789abcdef"
MESSAGES = [{"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "x"}]
FORMAT = {"type": "json_object"}


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def call(server, tmp_path, *, seed: int = 0, deadline_in: float | None = None, **options):
    """One `complete()` with the given settings; returns (completion or LLMError, waits, usage)."""
    (tmp_path / "none.toml").write_text("")
    settings = load_settings(
        config=tmp_path / "none.toml",
        model="fake-model",
        base_url=server.base_url,
        api_key=KEY,
        timeout=2.0,
        **{"max_retries": 2, **options},
    )
    waits: list[float] = []

    async def record(seconds: float) -> None:
        waits.append(seconds)

    async def run() -> Completion | LLMError:
        client = make_client(settings)
        if deadline_in is not None:
            DEADLINE.set(asyncio.get_running_loop().time() + deadline_in)
        try:
            return await Transport(settings, sleep=record, rng=random.Random(seed)).complete(
                client, MESSAGES, FORMAT, usage
            )
        except LLMError as exc:
            return exc
        finally:
            await client.close()

    usage = Usage()
    return asyncio.run(run()), waits, usage


def test_a_retry_after_above_the_cap_waits_the_cap_and_says_so(server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="coder.llm.transport")
    server.push({"status": 429, "headers": {"Retry-After": "3600"}}, {"content": "{}"})
    result, waits, usage = call(server, tmp_path, retry_after_max=5)
    assert isinstance(result, Completion) and result.content == "{}"
    assert waits == [5.0] and type(waits[0]) is float
    assert usage.attempts == 2 and usage.requests == 1 and server.count == 2
    messages = [r.getMessage() for r in caplog.records]
    assert messages == [
        "server asked to wait 3600s; waiting 5s (retry_after_max)",
        "request failed (HTTP 429: fake error 429); retry 1 of 2 in 5.00s",
    ]


def test_retry_after_ms_is_read_before_retry_after(server, tmp_path):
    server.push({"status": 503, "headers": {"retry-after-ms": "1500", "Retry-After": "9"}}, {"content": "{}"})
    result, waits, _ = call(server, tmp_path)
    assert isinstance(result, Completion) and waits == [1.5]


def test_backoff_is_equal_jitter_doubling_and_the_last_error_names_the_attempts(server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="coder.llm.transport")
    server.push({"status": 429}, {"status": 500}, {"status": 429, "message": "slow down"})
    result, waits, usage = call(server, tmp_path, seed=7, backoff_base=1.0, backoff_max=30.0)
    assert isinstance(result, LLMError)
    assert result.kind == "rate_limit" and result.status == 429 and not result.fatal
    assert result.message == f"{server.base_url} still failing after 3 attempt(s): HTTP 429: slow down"
    # One draw of the seeded generator per retry, half of each doubled step fixed: the same
    # waits as the policy has always drawn, and none after the last attempt.
    rng = random.Random(7)
    assert waits == [0.5 + rng.uniform(0, 0.5), 1.0 + rng.uniform(0, 1.0)]
    assert usage.attempts == 3 and usage.requests == 0 and server.count == 3
    assert [r.getMessage().split(";")[1] for r in caplog.records] == [
        f" retry 1 of 2 in {waits[0]:.2f}s",
        f" retry 2 of 2 in {waits[1]:.2f}s",
    ]


def test_a_server_error_that_runs_out_of_retries_is_a_server_error(server, tmp_path):
    server.push({"status": 502}, {"status": 500})
    result, waits, _ = call(server, tmp_path, max_retries=1, backoff_base=0.01)
    assert isinstance(result, LLMError) and result.kind == "server" and result.status == 500
    assert "still failing after 2 attempt(s): HTTP 500: fake error 500" in result.message and len(waits) == 1


def test_no_retries_means_one_attempt(server, tmp_path):
    server.push({"status": 500})
    result, waits, usage = call(server, tmp_path, max_retries=0)
    assert isinstance(result, LLMError) and "after 1 attempt(s)" in result.message
    assert waits == [] and usage.attempts == 1


@pytest.mark.parametrize(
    ("status", "kind", "fatal", "words"),
    [
        (401, "auth", True, "refused the API key (HTTP 401)"),
        (403, "auth", True, "refused the API key (HTTP 403)"),
        (400, "bad_request", False, "rejected the request (HTTP 400): fake error 400"),
        (422, "bad_request", False, "rejected the request (HTTP 422)"),
    ],
)
def test_client_errors_are_not_retried(server, tmp_path, status, kind, fatal, words):
    server.push({"status": status}, {"content": "{}"})
    result, waits, usage = call(server, tmp_path)
    assert isinstance(result, LLMError)
    assert (result.kind, result.fatal, result.status) == (kind, fatal, status) and words in result.message
    assert waits == [] and usage.attempts == 1 and server.count == 1


def test_an_unknown_model_is_fatal_and_not_retried(server, tmp_path):
    server.models = ["gpt-real"]
    result, waits, _ = call(server, tmp_path)
    assert isinstance(result, LLMError) and (result.kind, result.fatal, result.status) == ("model", True, 404)
    assert "model 'fake-model' not found" in result.message and waits == [] and server.count == 1


def test_a_400_about_the_response_format_says_what_to_set(server, tmp_path):
    server.push({"status": 400, "message": "response_format json_schema is not supported"})
    result, _, _ = call(server, tmp_path, response_format="json_schema")
    assert isinstance(result, LLMError) and 'set response_format = "json_object"' in result.message


def test_a_wait_past_the_deadline_fails_at_once_with_the_wait_in_the_message(server, tmp_path):
    server.push({"status": 500}, {"content": "{}"})
    result, waits, usage = call(server, tmp_path, backoff_base=20.0, document_timeout=30, deadline_in=5.0)
    assert isinstance(result, LLMError) and result.kind == "time_limit" and result.status is None
    assert "HTTP 500: fake error 500; the next retry is in " in result.message
    assert "past the document's time limit (30s, document_timeout;" in result.message
    assert waits == [] and usage.attempts == 1 and server.count == 1


def test_the_server_echo_of_the_key_is_redacted_in_the_last_error_and_the_retry_log(server, tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="coder.llm.transport")
    server.push({"status": 500, "message": f"bad key {KEY}"}, {"status": 500, "message": f"bad key {KEY}"})
    result, _, _ = call(server, tmp_path, max_retries=1, backoff_base=0.01)
    assert isinstance(result, LLMError) and "bad key ***" in result.message and KEY not in result.message
    assert caplog.records and all(KEY not in r.getMessage() for r in caplog.records)
