"""A small OpenAI-compatible server that replays scripted answers, for tests and offline runs.

Serves POST /v1/chat/completions (and GET /v1/models) on 127.0.0.1. Each
request takes the next step of the script; when the script is used up the
`default` step answers every further request. A step is a JSON object:

    {"content": "..."}                       200, this text as the message content
    {"json": {...}}                          200, the object serialised as the content
    {"status": 429, "headers": {"Retry-After": "1"}}    an error status (body optional)
    {"status": 500}
    {"hang": 30}                             answer nothing for 30 s (a timeout test)
    {"finish_reason": "length", ...}         override the finish reason
    {"refusal": "I can't help with that"}    a structured-outputs refusal (content null)

With `api_key` set, a request with another bearer token gets a 401 whose
message echoes the token (as OpenAI's does: the client must redact it); with
`models` set, another model gets a 404 model_not_found. `usage` is reported
with an estimated token count, and a system message seen before counts as
cached prompt tokens, as a provider's prompt cache would.

By hand:

    python -m tests.fake_openai --port 8011 --answers answers.json [--latency 0.2]
    coder code FILE --coder llm --base-url http://127.0.0.1:8011/v1 --model fake

answers.json is a list of steps, or {"script": [...], "default": {...}}.
Without --answers every request gets {"events": []}.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

EMPTY = {"json": {"events": []}}


def _tokens(text: str) -> int:
    return max(1, len(text) // 4)


class FakeOpenAI:
    def __init__(
        self,
        script: list[dict[str, Any]] | None = None,
        *,
        default: dict[str, Any] | None = None,
        latency: float = 0.0,
        api_key: str | None = None,
        models: list[str] | None = None,
        port: int = 0,
    ):
        self.script = list(script or [])
        self.default = default if default is not None else EMPTY
        self.latency = latency
        self.api_key = api_key
        self.models = models
        self.requests: list[dict[str, Any]] = []  # every request body, in arrival order
        self.headers: list[dict[str, str]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._seen_prefixes: set[str] = set()
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    @property
    def count(self) -> int:
        with self._lock:
            return len(self.requests)

    def push(self, *steps: dict[str, Any]) -> None:
        with self._lock:
            self.script.extend(steps)

    def start(self) -> FakeOpenAI:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes hanging handlers
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    def _next_step(self, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            return self.script.pop(0) if self.script else self.default

    def _usage(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        messages = body.get("messages") or []
        prompt = sum(_tokens(str(m.get("content", ""))) + 4 for m in messages)
        system = str(messages[0].get("content", "")) if messages and messages[0].get("role") == "system" else ""
        with self._lock:
            cached = _tokens(system) if system and system in self._seen_prefixes else 0
            self._seen_prefixes.add(system)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": _tokens(content),
            "total_tokens": prompt + _tokens(content),
            "prompt_tokens_details": {"cached_tokens": cached},
        }

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; with Nagle's algorithm
            # and the client's delayed ACK each answer would wait ~40 ms more.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (headers or {}).items():
                    self.send_header(name, str(value))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def _error(self, status: int, message: str, code: str | None = None, headers=None) -> None:
                self._send(
                    status, {"error": {"message": message, "type": "fake_error", "code": code, "param": None}}, headers
                )

            def do_GET(self) -> None:
                if self.path.rstrip("/").endswith("/models"):
                    self._send(
                        200,
                        {
                            "object": "list",
                            "data": [
                                {"id": m, "object": "model", "owned_by": "fake"} for m in (fake.models or ["fake"])
                            ],
                        },
                    )
                else:
                    self._error(404, f"no route {self.path}")

            def do_POST(self) -> None:
                # The latency is the time to answer, counted from the request's arrival: this
                # server's own parsing is part of it, as a provider's is part of its latency.
                received = time.monotonic()
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._error(404, f"no route {self.path}")
                    return
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    self._error(400, "request body is not JSON")
                    return
                headers = {k.lower(): v for k, v in self.headers.items()}
                token = headers.get("authorization", "").removeprefix("Bearer ").strip()
                if fake.api_key is not None and token != fake.api_key:
                    with fake._lock:
                        fake.requests.append(body)
                        fake.headers.append(headers)
                    # Echo the key back, as real providers do: the client must redact it.
                    self._error(401, f"Incorrect API key provided: {token}.", "invalid_api_key")
                    return
                if fake.models is not None and body.get("model") not in fake.models:
                    with fake._lock:
                        fake.requests.append(body)
                        fake.headers.append(headers)
                    self._error(
                        404,
                        f"The model `{body.get('model')}` does not exist or you do not have access to it.",
                        "model_not_found",
                    )
                    return
                step = fake._next_step(body, headers)
                if fake.latency:
                    time.sleep(max(0.0, fake.latency - (time.monotonic() - received)))
                if "hang" in step:
                    fake._stop.wait(float(step["hang"]))
                    if fake._stop.is_set():
                        return
                status = int(step.get("status", 200))
                if status != 200:
                    payload = step.get("body") or {
                        "error": {
                            "message": step.get("message", f"fake error {status}"),
                            "type": "fake_error",
                            "code": None,
                            "param": None,
                        }
                    }
                    self._send(status, payload, step.get("headers"))
                    return
                content = (
                    step["content"]
                    if "content" in step
                    else (None if "refusal" in step else json.dumps(step.get("json", {"events": []})))
                )
                self._send(
                    200,
                    {
                        "id": f"chatcmpl-fake-{fake.count}",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "fake"),
                        "choices": [
                            {
                                "index": 0,
                                "message": {
                                    "role": "assistant",
                                    "content": content,
                                    **({"refusal": step["refusal"]} if "refusal" in step else {}),
                                },
                                "finish_reason": step.get("finish_reason", "stop"),
                                "logprobs": None,
                            }
                        ],
                        "usage": fake._usage(body, content or ""),
                    },
                    step.get("headers"),
                )

        return Handler


def load_answers(path: Path) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data, None
    return list(data.get("script", [])), data.get("default")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="A fake OpenAI-compatible server replaying scripted answers.")
    parser.add_argument("--port", type=int, default=8011)
    parser.add_argument("--answers", type=Path, help="JSON list of steps, or {script: [...], default: {...}}")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--api-key", help="accept only this bearer token (else any)")
    parser.add_argument("--models", help="comma-separated model names to accept (else any)")
    args = parser.parse_args(argv)
    script, default = load_answers(args.answers) if args.answers else ([], None)
    server = FakeOpenAI(
        script,
        default=default,
        latency=args.latency,
        api_key=args.api_key,
        models=args.models.split(",") if args.models else None,
        port=args.port,
    )
    print(f"fake OpenAI server on {server.base_url} ({len(script)} scripted step(s)); Ctrl-C to stop", flush=True)
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        print(f"served {server.count} request(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
