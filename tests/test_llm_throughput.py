"""What the coder does per document, made cheap for throughput, must still do the same thing:
the request it encodes itself is the one the SDK's `create()` sends; the compiled schema check
says "valid" exactly when jsonschema finds no error; the key scan and token estimate agree
with their slow forms."""

from __future__ import annotations

import asyncio
import copy
import json
import math
import re

import pytest
from jsonschema import Draft202012Validator

from coder.llm import transport as transport_module
from coder.llm.answer import AnswerChecker
from coder.llm.config import load_settings
from coder.llm.cost import Usage
from coder.llm.prompt import build_prompt, estimate_tokens
from coder.llm.response import full_response_schema
from coder.llm.secret import redact
from coder.llm.transport import LLMError, Transport, make_client
from coder.schema import llm_fields

from .fake_openai import FakeOpenAI


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


def _settings(server, tmp_path, **options):
    (tmp_path / "none.toml").write_text("")
    return load_settings(
        config=tmp_path / "none.toml",
        model="fake-model",
        base_url=server.base_url,
        timeout=2.0,
        max_retries=0,
        **options,
    )


@pytest.mark.parametrize("raw", [True, False], ids=["bytes", "older-sdk-body"])
@pytest.mark.parametrize("response_format", ["json_schema", "json_object"])
def test_the_body_is_what_the_sdks_create_sends(server, codebook, tmp_path, monkeypatch, response_format, raw):
    monkeypatch.setattr(transport_module, "_RAW_CONTENT", raw)
    settings = _settings(server, tmp_path, response_format=response_format)
    prompt = build_prompt(codebook, response_format)
    messages = [
        *prompt.messages("Ein Text \u201cmit\u201d Umlauten: \u00e4\u00f6\u00fc.", None),
        {"role": "assistant", "content": "{}"},
        {"role": "user", "content": "again"},
    ]

    async def both():
        client = make_client(settings)
        try:
            transport = Transport(settings)
            for _ in range(2):  # the second request reuses the encoded prefix
                await transport.complete(client, messages, prompt.response_format, Usage())
            await client.chat.completions.create(
                model=settings.model,
                messages=messages,
                response_format=prompt.response_format,
                temperature=settings.temperature,
                max_tokens=settings.max_tokens,
            )
        finally:
            await client.close()

    asyncio.run(both())
    ours, again, sdk = server.requests
    assert ours == sdk and again == sdk
    assert [h.get("content-type") for h in server.headers] == ["application/json"] * 3


def test_answer_fields_are_read_from_the_json(server, codebook, tmp_path):
    settings = _settings(server, tmp_path)
    prompt = build_prompt(codebook, "json_schema")
    server.push({"content": '{"events": []}', "finish_reason": "length"}, {"refusal": "no"})

    async def run():
        client = make_client(settings)
        usage = Usage()
        try:
            transport = Transport(settings)
            completion = await transport.complete(client, prompt.messages("x", None), prompt.response_format, usage)
            with pytest.raises(LLMError, match="refused to answer: no"):
                await transport.complete(client, prompt.messages("x", None), prompt.response_format, usage)
        finally:
            await client.close()
        return completion, usage

    completion, usage = asyncio.run(run())
    assert completion.content == '{"events": []}' and completion.finish_reason == "length"
    assert usage.requests == 2 and usage.prompt_tokens > 0 and usage.completion_tokens > 0


def _answer(codebook) -> dict:
    fields = {name: {"value": None, "quote": None} for name in llm_fields(codebook, "troop_movement")}
    fields.update(
        actor1={"value": "Fatemiyoun Brigade", "quote": "Liwa Fatemiyoun"},
        vehicle_count={"value": 15, "quote": "15 pickup vehicles"},
        movement_kind={"value": "arrival", "quote": "arrived"},
    )
    return {
        "events": [{"type": "troop_movement", "evidence": ["A convoy arrived."], "confidence": 0.9, "fields": fields}]
    }


def _mutations(codebook):
    good = _answer(codebook)
    yield good
    yield {"events": []}
    yield {"events": [good["events"][0], good["events"][0]]}
    edits = [
        lambda a: a.pop("events"),
        lambda a: a.update(extra=1),
        lambda a: a.update(events={}),
        lambda a: a["events"].append("an event"),
        lambda a: a["events"][0].update(type="picnic"),
        lambda a: a["events"][0].pop("type"),
        lambda a: a["events"][0].pop("evidence"),
        lambda a: a["events"][0].update(evidence="one string"),
        lambda a: a["events"][0].update(evidence=[1]),
        lambda a: a["events"][0].update(confidence="high"),
        lambda a: a["events"][0].update(confidence=True),
        lambda a: a["events"][0].update(confidence=1),
        lambda a: a["events"][0].update(colour="red"),
        lambda a: a["events"][0]["fields"].pop("actor1"),
        lambda a: a["events"][0]["fields"].update(weapons={"value": None, "quote": None}),
        lambda a: a["events"][0]["fields"]["actor1"].pop("quote"),
        lambda a: a["events"][0]["fields"]["actor1"].update(value=3),
        lambda a: a["events"][0]["fields"]["vehicle_count"].update(value=15.0),
        lambda a: a["events"][0]["fields"]["vehicle_count"].update(value=15.5),
        lambda a: a["events"][0]["fields"]["vehicle_count"].update(value="15"),
        lambda a: a["events"][0]["fields"]["vehicle_count"].update(value=True),
        lambda a: a["events"][0]["fields"]["movement_kind"].update(value="teleported"),
        lambda a: a["events"][0]["fields"]["movement_kind"].update(quote=["arrived"]),
        lambda a: a["events"][0].update(fields=[]),
    ]
    for edit in edits:
        changed = copy.deepcopy(good)
        edit(changed)
        yield changed
    yield None
    yield []


def test_the_compiled_check_agrees_with_jsonschema(codebook):
    checker = AnswerChecker(codebook)
    reference = Draft202012Validator(full_response_schema(codebook))
    verdicts = []
    for data in _mutations(codebook):
        valid = not any(True for _ in reference.iter_errors(data))
        assert checker.valid(data) is valid, json.dumps(data)[:300]
        verdicts.append(valid)
    assert verdicts.count(True) >= 4 and verdicts.count(False) >= 15  # both kinds were tried


def test_the_key_is_still_found_in_pieces():
    key = "sk-proj-0123456789abcdefghijklmnopqrstuvwxyz"
    texts = [
        "nothing here",
        key,
        f"Incorrect API key provided: {key[:20]}.",
        f"middle {key[10:30]} end",
        f"two {key[:9]} and {key[-9:]}",
        f"{key[:7]} is shorter than a fragment",
        "sk-proj- (8 characters)",
    ]
    assert [redact(t, key) for t in texts] == [
        "nothing here",
        "***",
        "Incorrect API key provided: ***.",
        "middle *** end",
        "two *** and ***",
        f"{key[:7]} is shorter than a fragment",
        "*** (8 characters)",
    ]


def _slow_estimate(text: str) -> int:
    tokens = 0
    for piece in re.findall(r"\w+|[^\w\s]", text):
        tokens += math.ceil(len(piece) / 5) if len(piece) > 7 and (piece[0].isalnum() or piece[0] == "_") else 1
    return tokens


ARABIC = "\u0627\u0644\u0645\u064a\u0627\u062f\u064a\u0646"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "On Monday, a convoy of 15 vehicles arrived.",
        "Internationalisation!! x_y",
        ARABIC + " Deir-Ezzor 2021-03-16 \u201cquoted\u201d",
    ],
)
def test_the_token_estimate_is_unchanged(text):
    assert estimate_tokens(text) == _slow_estimate(text)
