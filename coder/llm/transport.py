"""One chat-completion request, with this project's retry policy.

The openai client's own retries are off (max_retries=0) so that the policy is
ours and testable: exponential backoff with jitter on 429, 408/409, 5xx,
timeouts and connection errors, honouring Retry-After (capped); a deadline per
request and per document; and errors a user can act on for a refused key
(401/403), an unknown model (404) and an endpoint that cannot be reached.
tenacity runs the loop; this module decides what is retried, how long each
wait is and which error ends it. Every message that leaves this module has the
key redacted, whatever the server echoed.
"""

from __future__ import annotations

import asyncio
import contextvars
import email.utils
import inspect
import json
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import openai
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from ..errors import CoderError
from .config import LLMSettings
from .cost import Usage
from .secret import redact

log = logging.getLogger(__name__)

RETRYABLE_STATUS = {408, 409, 429}

# When the document being coded must be done (event-loop time), or None: set by the
# coder per document; a context variable, so concurrent documents each see their own.
DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar("llm_document_deadline", default=None)


class LLMError(CoderError):
    """A request that failed for good. `fatal`: every other request would fail the same way."""

    def __init__(self, message: str, *, kind: str, fatal: bool = False, status: int | None = None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.fatal = fatal
        self.status = status


@dataclass
class Completion:
    content: str
    finish_reason: str | None
    usage: Usage


def make_client(settings: LLMSettings) -> openai.AsyncOpenAI:
    # A local server needs no key, but the client insists on one: a placeholder
    # that is not a secret keeps it quiet.
    key = settings.api_key.reveal() if settings.api_key else "no-key"
    return openai.AsyncOpenAI(api_key=key, base_url=settings.base_url, timeout=settings.timeout, max_retries=0)


def retry_after(headers: Any) -> float | None:
    """Seconds to wait from retry-after-ms / Retry-After (seconds or an HTTP date)."""
    if headers is None:
        return None
    value = headers.get("retry-after-ms")
    if value:
        try:
            return max(0.0, float(value) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        if parsed is None:
            return None
        return max(0.0, parsed.timestamp() - time.time())


class Transport:
    def __init__(
        self,
        settings: LLMSettings,
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ):
        self.settings = settings
        self.sleep = sleep
        self.rng = rng or random.Random()
        self._heads: dict[int, tuple[dict[str, Any], bytes]] = {}
        self._systems: dict[str, bytes] = {}

    def backoff(self, retry: int, hint: float | None) -> float:
        s = self.settings
        if hint is not None:
            if hint > s.retry_after_max:
                log.warning("server asked to wait %.0fs; waiting %.0fs (retry_after_max)", hint, s.retry_after_max)
            return min(hint, s.retry_after_max)
        # "Equal jitter": half the exponential step fixed, half random, so
        # concurrent workers that failed together do not retry together.
        step = min(s.backoff_max, s.backoff_base * (2**retry))
        return step / 2 + self.rng.uniform(0, step / 2)

    def body(self, messages: list[dict[str, str]], response_format: dict[str, Any]) -> bytes:
        """The request as JSON bytes. The SDK's `create()` walks every parameter through its
        type transforms (the 200-property response schema included) and encodes the whole
        body again for each request: milliseconds of event-loop time per document, which
        throughput pays C times per latency. The parts every request shares (settings, response
        format, the system message) are encoded once; only the rest is encoded per request."""
        s = self.settings
        head = self._heads.get(id(response_format))
        if head is None or head[0] is not response_format:
            params = {
                "model": s.model,
                "temperature": s.temperature,
                "max_tokens": s.max_tokens,
                "response_format": response_format,
            }
            settings = _dumps({k: v for k, v in params.items() if v is not None})
            head = (response_format, settings[:-1] + b',"messages":[')
            self._heads[id(response_format)] = head
        return head[1] + b",".join(self._message(m) for m in messages) + b"]}"

    def _post(
        self, client: openai.AsyncOpenAI, messages: list[dict[str, str]], response_format: dict[str, Any]
    ) -> Awaitable[bytes]:
        # `post` is the SDK's way to any endpoint: its auth, headers and status errors, no transforms.
        if _RAW_CONTENT:
            return client.post("/chat/completions", content=self.body(messages, response_format), cast_to=bytes)
        # Older SDKs take only a body to encode.
        return client.post("/chat/completions", body=json.loads(self.body(messages, response_format)), cast_to=bytes)

    def _message(self, message: dict[str, str]) -> bytes:
        if message.get("role") != "system":
            return _dumps(message)
        content = message["content"]
        encoded = self._systems.get(content)
        if encoded is None:
            if len(self._systems) >= 8:  # a handful of prompts per coder; never grows without bound
                self._systems.clear()
            encoded = self._systems[content] = _dumps(message)
        return encoded

    def _clean(self, text: str) -> str:
        return redact(str(text), self.settings.api_key)

    @staticmethod
    def _time_left() -> float | None:
        deadline = DEADLINE.get()
        return None if deadline is None else deadline - asyncio.get_running_loop().time()

    async def complete(
        self, client: openai.AsyncOpenAI, messages: list[dict[str, str]], response_format: dict[str, Any], usage: Usage
    ) -> Completion:
        s = self.settings
        if s.api_key is None and s.needs_key:
            # Asked before the first request: without it the hosted API answers 401 only
            # after retries, or the failure reads like a network problem.
            raise LLMError(
                f"No key found for {s.endpoint}: {s.key_hint()} (a local server needs none)", kind="auth", fatal=True
            )
        # tenacity runs the loop; this module keeps what is ours: which failures are worth
        # another attempt (_attempt raises _Retryable for those), how long to wait (backoff),
        # the deadline and the messages. The deadline is checked in before_sleep, not in
        # stop: tenacity asks stop before it computes the wait, and the rule is "give up if
        # the wait would end past the deadline", told with the wait in the message.
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(s.max_retries + 1),
            wait=self._wait,
            before_sleep=self._before_sleep,
            # Looked up at each wait (tests swap the sleep), given a plain float (tenacity's is a subclass).
            sleep=lambda seconds: self.sleep(float(seconds)),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    completion = await self._attempt(
                        client, messages, response_format, usage, attempt.retry_state.attempt_number
                    )
        except _Retryable as failure:
            # Out of retries: the error this last failure said to raise.
            raise failure.error from None
        return completion

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome else None
        hint = failure.hint if isinstance(failure, _Retryable) else None
        return self.backoff(state.attempt_number - 1, hint)

    def _before_sleep(self, state: RetryCallState) -> None:
        s = self.settings
        failure = state.outcome.exception() if state.outcome else None
        reason = failure.reason if isinstance(failure, _Retryable) else str(failure)
        hint = failure.hint if isinstance(failure, _Retryable) else None
        delay = state.next_action.sleep if state.next_action else 0.0
        left = self._time_left()
        if left is not None and delay >= left:
            # Waiting would only end in the time limit: say why now, without the wait.
            asked = f"the server asked to wait {hint:g}s" if hint is not None else f"the next retry is in {delay:.1f}s"
            raise LLMError(
                f"{s.endpoint}: {reason}; {asked}, past the document's time limit "
                f"({s.document_timeout:g}s, document_timeout; {max(0.0, left):.1f}s left)",
                kind="time_limit",
                status=None,
            )
        log.info("request failed (%s); retry %d of %d in %.2fs", reason, state.attempt_number, s.max_retries, delay)

    async def _attempt(
        self,
        client: openai.AsyncOpenAI,
        messages: list[dict[str, str]],
        response_format: dict[str, Any],
        usage: Usage,
        number: int,
    ) -> Completion:
        """One request. A failure another attempt may cure raises _Retryable, carrying the
        error for when no attempt is left; any other failure raises LLMError at once."""
        s = self.settings
        left = self._time_left()
        wait = s.timeout if left is None else max(0.0, min(s.timeout, left))
        usage.attempts += 1
        try:
            raw = await asyncio.wait_for(self._post(client, messages, response_format), timeout=wait)
            response = _parse(raw)
        except (TimeoutError, openai.APITimeoutError):
            reason = f"no answer within {wait:.3g}s"
            raise _Retryable(
                reason,
                LLMError(
                    f"{s.endpoint}: {reason} after {number} attempt(s) (raise `timeout` if the model is slow)",
                    kind="timeout",
                ),
            ) from None
        except openai.APIConnectionError as exc:
            reason = f"cannot connect ({self._clean(exc.__cause__ or exc)})"
            raise _Retryable(
                reason,
                LLMError(
                    f"cannot reach {s.endpoint} after {number} attempt(s): {reason}; "
                    "is the server running? check --base-url / OPENAI_BASE_URL / base_url",
                    kind="unreachable",
                ),
            ) from None
        except openai.APIStatusError as exc:
            status = exc.status_code
            detail = self._clean(_server_message(exc))
            if status in (401, 403):
                raise LLMError(
                    f"{s.endpoint} refused the API key (HTTP {status}); {s.key_hint()}",
                    kind="auth",
                    fatal=True,
                    status=status,
                ) from None
            if status == 404:
                raise LLMError(
                    f"model {s.model!r} not found at {s.endpoint} (HTTP 404: {detail}); "
                    "check --model / `model` (and that the base URL ends in /v1)",
                    kind="model",
                    fatal=True,
                    status=status,
                ) from None
            if status not in RETRYABLE_STATUS and status < 500:
                hint_text = ""
                if status == 400 and s.response_format == "json_schema" and "response_format" in detail:
                    hint_text = '; this server may not support json_schema: set response_format = "json_object"'
                raise LLMError(
                    f"{s.endpoint} rejected the request (HTTP {status}): {detail}{hint_text}",
                    kind="bad_request",
                    status=status,
                ) from None
            reason = f"HTTP {status}: {detail}"
            raise _Retryable(
                reason,
                LLMError(
                    f"{s.endpoint} still failing after {number} attempt(s): {reason}",
                    kind="rate_limit" if status == 429 else "server",
                    status=status,
                ),
                hint=retry_after(exc.response.headers),
            ) from None
        usage.requests += 1
        usage.add_reported(response.get("usage"))
        choices = response.get("choices")
        choice = choices[0] if isinstance(choices, list) and choices and isinstance(choices[0], dict) else {}
        message = choice.get("message") if isinstance(choice.get("message"), dict) else {}
        refusal = message.get("refusal")
        if refusal:
            # Structured outputs report a refusal instead of content: an answer, not a
            # fault, so it is neither retried nor repaired.
            raise LLMError(f"the model refused to answer: {self._clean(refusal)[:300]}", kind="refused")
        content = message.get("content")
        return Completion(content if isinstance(content, str) else "", choice.get("finish_reason"), usage)


class _Retryable(Exception):
    """A failed attempt another may cure: why (for the log), the server's Retry-After
    hint, and the error to raise if it was the last attempt allowed."""

    def __init__(self, reason: str, error: LLMError, *, hint: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.error = error
        self.hint = hint


# Recent SDKs take the request as bytes (`content=`); older ones only a body to encode.
_RAW_CONTENT = "content" in inspect.signature(openai.AsyncOpenAI.post).parameters


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _parse(raw: bytes) -> dict[str, Any]:
    """A 200 answer's body; one that is not a JSON object reads as an answer without content."""
    try:
        response = json.loads(raw)
    except ValueError:
        log.warning("the server answered 200 with a body that is not JSON (%d bytes)", len(raw))
        return {}
    return response if isinstance(response, dict) else {}


def _server_message(exc: openai.APIStatusError) -> str:
    body = exc.body
    if isinstance(body, dict):
        inner = body.get("error", body)
        if isinstance(inner, dict) and inner.get("message"):
            return str(inner["message"])[:300]
    return str(exc.message)[:300]
