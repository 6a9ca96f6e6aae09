"""The LLM coder against a local fake OpenAI server: answers, faults, cache, key hygiene.

No test reaches the internet: every request goes to tests/fake_openai.py on 127.0.0.1.
Timeouts and backoffs are shrunk so the whole file runs in a few seconds.
"""

from __future__ import annotations

import json
import logging
import socket
from datetime import date

import pytest

from coder.base import code_many, make_coder
from coder.models import Alignment, Document
from coder.schema import llm_fields

from .fake_openai import FakeOpenAI

KEY = "sk-test-SECRET-0123456789abcdef"
TEXT = (
    "Deir Ezzor, March 16: On Monday a convoy of 15 pickup vehicles carrying Liwa Fatemiyoun fighters "
    "arrived in Albukamal from Iraq, local sources told \u201cDeir Ezzor 24\u201d. The convoy carried heavy "
    "machine guns."
)
EVIDENCE = (
    "On Monday a convoy of 15 pickup vehicles carrying Liwa Fatemiyoun fighters arrived in Albukamal "
    "from Iraq, local sources told \u201cDeir Ezzor 24\u201d."
)


def doc(doc_id: str = "d1", text: str = TEXT) -> Document:
    return Document(id=doc_id, text=text, publication_date=date(2021, 3, 16), source="Deir Ezzor 24")


def answer(codebook, **overrides) -> dict:
    """A complete troop_movement answer; every field the schema requires is present."""
    fields = {name: {"value": None, "quote": None} for name in llm_fields(codebook, "troop_movement")}
    fields.update(
        {
            "actor1": {"value": "Fatemiyoun Brigade", "quote": "Liwa Fatemiyoun"},
            "location": {"value": "Al Bukamal", "quote": "Albukamal"},
            "vehicle_count": {"value": 15, "quote": "15 pickup vehicles"},
            "movement_kind": {"value": "arrival", "quote": "arrived"},
        }
    )
    fields.update(overrides)
    return {"events": [{"type": "troop_movement", "evidence": EVIDENCE, "confidence": 0.9, "fields": fields}]}


@pytest.fixture
def server():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def make(codebook, server, tmp_path, sleeps):
    async def no_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    def factory(**options):
        settings = dict(
            model="fake-model",
            base_url=server.base_url,
            api_key=KEY,
            cache_dir=tmp_path / "cache",
            timeout=2.0,
            max_retries=2,
            backoff_base=0.01,
            sleep=no_sleep,
            config=tmp_path / "none.toml",
        )
        settings.update(options)
        return make_coder("llm", codebook, **settings)

    (tmp_path / "none.toml").write_text("")
    return factory


def test_a_valid_answer_becomes_grounded_events(make, server, codebook):
    server.push({"json": answer(codebook)})
    result = make().code(doc())
    assert result.status == "ok", result.error
    (event,) = result.events
    assert event.type == "troop_movement" and event.confidence == 0.9
    assert event.evidence[0].text == EVIDENCE
    actor = event.fields["actor1"]
    assert actor.value == "Fatemiyoun Brigade" and actor.alignment == Alignment.exact and actor.grounded
    assert TEXT[actor.spans[0].start : actor.spans[0].end] == "Liwa Fatemiyoun"
    assert event.fields["vehicle_count"].value == 15
    assert "event_date" not in event.fields or event.fields["event_date"].value is not None
    assert result.coder.name == "llm" and result.coder.model == "fake-model"
    request = server.requests[0]
    assert request["response_format"]["type"] == "json_schema"
    assert request["response_format"]["json_schema"]["strict"] is True
    # Stable part first, document last.
    assert request["messages"][0]["role"] == "system" and TEXT not in request["messages"][0]["content"]
    assert request["messages"][-1]["content"].rstrip().endswith(TEXT + "\n>>>")


def test_json_object_mode_is_a_setting_and_puts_the_schema_in_the_prompt(make, server, codebook):
    server.push({"json": answer(codebook)})
    assert make(response_format="json_object").code(doc()).status == "ok"
    request = server.requests[0]
    assert request["response_format"] == {"type": "json_object"}
    from coder.llm.response import for_model, full_response_schema

    schema = json.dumps(for_model(full_response_schema(codebook)), separators=(",", ":"), ensure_ascii=False)
    assert schema in request["messages"][0]["content"] and "JSON" in request["messages"][0]["content"]


def test_invalid_json_is_repaired(make, server, codebook):
    server.push({"content": '{"events": [ oops'}, {"json": answer(codebook)})
    coder = make()
    result = coder.code(doc())
    assert result.status == "ok" and server.count == 2
    repair = server.requests[1]["messages"]
    assert repair[-2]["role"] == "assistant" and "not valid JSON" in repair[-1]["content"]
    assert coder.usage.repairs == 1


def test_a_markdown_fenced_answer_is_accepted(make, server, codebook):
    server.push({"content": "```json\n" + json.dumps(answer(codebook)) + "\n```"})
    assert make().code(doc()).status == "ok"


def test_schema_violation_is_sent_back_then_fails_after_bounded_repairs(make, server, codebook):
    bad = answer(codebook, movement_kind={"value": "teleported", "quote": "arrived"})
    server.push({"json": bad}, {"json": bad}, {"json": bad})
    result = make(repair_attempts=2).code(doc())
    assert result.status == "failed" and server.count == 3
    assert "invalid answer after 3 attempt(s)" in result.error and "teleported" in result.error
    assert "movement_kind" in server.requests[1]["messages"][-1]["content"]


def test_codebook_checks_catch_what_strict_mode_cannot(make, server, codebook):
    bad = answer(
        codebook,
        event_date={"value": "16 March", "quote": "March 16"},
        vehicle_count={"value": -3, "quote": "15 pickup vehicles"},
    )
    server.push({"json": bad}, {"json": answer(codebook)})
    assert make().code(doc()).status == "ok"
    problems = server.requests[1]["messages"][-1]["content"]
    assert "not an ISO date" in problems and "below the minimum" in problems


def test_an_invented_quote_is_flagged_never_grounded(make, server, codebook):
    server.push({"json": answer(codebook, vehicle_count={"value": 40, "quote": "a column of 40 armoured trucks"})})
    result = make().code(doc())
    field = result.events[0].fields["vehicle_count"]
    assert field.alignment == Alignment.unaligned and not field.spans and not field.grounded
    assert field.quote == "a column of 40 armoured trucks"


def test_changed_case_and_curly_quotes_are_normalized(make, server, codebook):
    changed = answer(
        codebook, equipment={"value": ["heavy machine guns"], "quote": "The Convoy Carried HEAVY machine guns"}
    )
    changed["events"][0]["evidence"] = EVIDENCE.lower().replace("\u201c", '"').replace("\u201d", '"')
    server.push({"json": changed})
    result = make().code(doc())
    assert result.status == "ok", result.error
    event = result.events[0]
    assert event.evidence[0].text == EVIDENCE  # the document's own curly quotes and case
    field = event.fields["equipment"]
    assert field.alignment == Alignment.normalized and field.grounded
    assert field.spans[0].text == "The convoy carried heavy machine guns"


def test_429_honours_retry_after(make, server, codebook, sleeps):
    server.push({"status": 429, "headers": {"Retry-After": "7"}}, {"json": answer(codebook)})
    coder = make()
    assert coder.code(doc()).status == "ok"
    assert sleeps == [7.0] and server.count == 2 and coder.usage.attempts == 2


def test_500_is_retried_with_backoff_then_gives_up(make, server, codebook, sleeps):
    server.push({"status": 500}, {"json": answer(codebook)})
    assert make().code(doc()).status == "ok"
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.01
    sleeps.clear()
    server.push({"status": 503}, {"status": 502}, {"status": 500})
    result = make(cache=False).code(doc("d2"))
    assert result.status == "failed" and "still failing after 3 attempt(s)" in result.error
    assert len(sleeps) == 2 and sleeps[1] >= sleeps[0] * 0.5  # exponential with jitter


def test_a_hang_past_the_timeout_is_retried(make, server, codebook):
    server.push({"hang": 10}, {"json": answer(codebook)})
    assert make(timeout=0.3).code(doc()).status == "ok"
    server.push({"hang": 10}, {"hang": 10})
    result = make(timeout=0.3, max_retries=1, cache=False).code(doc("d2"))
    assert result.status == "failed" and "no answer within 0.3s after 2 attempt(s)" in result.error


def test_a_wrong_key_gives_a_clear_message_and_stops_the_run(make, server, codebook):
    server.api_key = "sk-the-right-one"
    coder = make()
    first = coder.code(doc("d1"))
    assert first.status == "failed"
    assert "refused the API key (HTTP 401)" in first.error and "OPENAI_API_KEY" in first.error
    assert KEY not in first.error
    second = coder.code(doc("d2"))
    assert second.status == "failed" and server.count == 1  # failed fast, no second request


def test_an_unknown_model_gives_a_clear_message(make, server):
    server.models = ["gpt-real"]
    result = make(model="gpt-imaginary").code(doc())
    assert result.status == "failed" and "model 'gpt-imaginary' not found" in result.error


def test_an_unreachable_endpoint_gives_a_clear_message(make):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = make(base_url=f"http://127.0.0.1:{port}/v1", max_retries=1).code(doc())
    assert result.status == "failed" and "cannot reach http://127.0.0.1:" in result.error
    assert "base-url" in result.error


def test_a_second_run_makes_no_request(make, server, codebook, tmp_path):
    server.default = {"json": answer(codebook)}
    docs = [doc(f"d{i}", TEXT + f" Report {i}.") for i in range(5)]
    first = list(code_many(make(), docs, concurrency=3))
    assert [r.document.id for r in first] == [d.id for d in docs] and server.count == 5
    coder = make()
    second = list(code_many(coder, docs, concurrency=3))
    assert server.count == 5 and coder.usage.requests == 0 and coder.usage.cache_hits == 5
    assert [r.model_dump() for r in second] == [r.model_dump() for r in first]
    # A different model is a different cache key.
    make(model="other-model").code(docs[0])
    assert server.count == 6


def test_failed_answers_are_not_cached(make, server, codebook):
    server.push({"content": "nope"}, {"content": "nope"}, {"content": "nope"})
    assert make().code(doc()).status == "failed"
    server.push({"json": answer(codebook)})
    assert make().code(doc()).status == "ok"


def test_the_key_never_leaks(make, server, codebook, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    server.push(
        {"json": answer(codebook)},
        {"status": 500, "message": f"upstream said {KEY}"},
        {"status": 500, "message": f"upstream said {KEY}"},
        {"status": 500, "message": f"key {KEY[:6]}...{KEY[-4:]}"},
    )
    coder = make()
    coder.code(doc("ok"))
    failed = coder.code(doc("boom", TEXT + " Boom."))
    assert failed.status == "failed"
    server.api_key = "something-else"
    refused = make(cache=False).code(doc("refused"))
    texts = [record.getMessage() for record in caplog.records] + [
        failed.error,
        refused.error,
        repr(coder),
        repr(coder.settings),
        str(coder.settings.api_key),
    ]
    texts += [p.read_text() for p in (tmp_path / "cache").rglob("*") if p.is_file()]
    assert texts and all(KEY not in t for t in texts)
    assert all(KEY[:6] + "..." not in t for t in texts)
    assert server.headers[0]["authorization"] == f"Bearer {KEY}"  # it did reach the server


def test_token_accounting_and_cost(make, server, codebook):
    server.default = {"json": answer(codebook)}
    coder = make(model="gpt-4o-mini")
    coder.code(doc("a"))
    coder.code(doc("b", TEXT + " More."))
    u = coder.usage
    assert u.requests == 2 and u.prompt_tokens > 0 and u.completion_tokens > 0
    assert u.cached_tokens > 0  # the fake server caches the repeated system message
    assert coder.usage_by_document["a"].cached_tokens == 0
    assert coder.cost() is not None and coder.cost() > 0
    summary = coder.summary()
    assert 0.5 < summary["stable_prefix_share"] < 1
    assert "2 request(s)" in coder.report()
    assert make(model="unpriced-model").cost() is None


def test_long_documents_are_chunked_and_overlap_duplicates_merged(make, server, codebook):
    filler = "Nothing of note happened in the market. " * 40
    long_text = filler + TEXT + " " + filler
    server.default = {"json": answer(codebook)}
    coder = make(chunk_chars=len(filler) + len(TEXT) + 200, chunk_overlap=len(TEXT) + 300)
    result = coder.code(doc("long", long_text))
    assert server.count >= 2
    assert "part 1 of" in server.requests[0]["messages"][-1]["content"]
    assert result.status == "ok" and len(result.events) == 1
    assert result.events[0].evidence[0].text == EVIDENCE


def test_config_file_and_environment(codebook, tmp_path, monkeypatch):
    from coder.llm.config import ConfigError, load_settings

    config = tmp_path / "config.toml"
    config.write_text(
        '[llm]\nmodel = "from-file"\nresponse_format = "json_object"\ntimeout = 5\n'
        'base_url = "http://file.example/v1"\n[prices."from-file"]\ninput = 1.0\noutput = 2.0\n'
    )
    settings = load_settings(config=config, env={"OPENAI_BASE_URL": "http://env.example/v1", "OPENAI_API_KEY": KEY})
    assert settings.model == "from-file" and settings.response_format == "json_object" and settings.timeout == 5
    assert settings.base_url == "http://env.example/v1" and settings.api_key.reveal() == KEY
    assert KEY not in repr(settings)
    assert load_settings(config=config, env={}, model="flag").model == "flag"
    coder = make_coder("llm", codebook, config=config, cache=False)
    assert coder.prices.price("from-file") == {"input": 1.0, "output": 2.0}
    config.write_text('modle = "typo"\n')
    with pytest.raises(ConfigError, match="unknown setting"):
        load_settings(config=config, env={})
    with pytest.raises(ConfigError, match="response_format"):
        load_settings(config=None, env={}, response_format="guess")


def test_secret_and_redaction():
    import pickle

    from coder.llm.secret import Secret, redact

    secret = Secret(KEY)
    assert KEY not in repr(secret) and KEY not in f"{secret}" and KEY not in str([secret])
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert redact(f"Incorrect API key provided: {KEY}.", secret) == "Incorrect API key provided: ***."
    assert KEY[:6] not in redact(f"key {KEY[:6]}****{KEY[-4:]} refused", secret)


def test_prompt_stable_prefix(codebook):
    from coder.llm.prompt import build_prompt, estimate_tokens

    a = build_prompt(codebook, "json_schema")
    b = build_prompt(codebook, "json_schema")
    assert a.system == b.system and a.hash == b.hash
    assert a.hash != build_prompt(codebook, "json_object").hash
    for et in codebook.event_types:
        assert et.definition.split()[0] in a.system and et.examples[0].text in a.system
    assert a.stable_share(TEXT, None) > 0.9
    assert 15 <= estimate_tokens("A convoy of 15 pickup vehicles carrying Liwa Fatemiyoun fighters arrived.") <= 20


def test_chunking_covers_the_text_with_overlap():
    from coder.llm.chunk import chunks

    text = "One sentence here. Another one follows.\n\n" * 300
    parts = chunks(text, 2000, 300)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(b[0] < a[1] and a[1] - b[0] >= 150 for a, b in zip(parts, parts[1:]))


def test_values_go_through_the_shared_normaliser(codebook):
    """Spelling variants, relative dates and cue words are normalised by coder.normalize, as offline."""
    from coder.llm.build import EventBuilder
    from coder.normalize import Normalizer

    raw = answer(
        codebook,
        actor1={"value": "Liwa Fatimiyoun", "quote": "Liwa Fatemiyoun"},
        location={"value": "Albu Kamal", "quote": "Albukamal"},
        event_date={"value": "2021-03-15", "quote": "On Monday"},
        movement_kind={"value": "arrived", "quote": "arrived"},
        origin={"value": "Iraq", "quote": "an invented quote that the article never says"},
        actor2={"value": "Unknown Group", "quote": "local sources"},
    )
    (event,) = EventBuilder(codebook, Normalizer(codebook), threshold=90).events(raw, doc())
    assert event.value("actor1") == "Fatemiyoun Brigade" and event.value("location") == "Al Bukamal"
    # "On Monday" resolved against the publication date (Tuesday 16 March 2021), day precision.
    assert event.value("event_date") == "2021-03-15" and event.value("time_precision") == 1
    assert event.value("movement_kind") == "arrival"
    assert event.value("country") == "Syria" and event.value("admin1") == next(
        p.admin1 for p in codebook.places if p.name == "Al Bukamal"
    )  # the gazetteer's spelling
    assert event.value("latitude") == 34.4533 and event.value("inter1") == 3
    assert event.fields["actor2"].detail == "not in the dictionary"
    origin = event.fields["origin"]
    assert origin.alignment == Alignment.unaligned and not origin.grounded and origin.spans == []
    assert origin.quote == "an invented quote that the article never says"


def test_cli_codes_against_the_fake_server_and_reruns_from_cache(server, codebook, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from coder.cli import app
    from coder.validate import validate_path

    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    (tmp_path / "article.meta.json").write_text(json.dumps({"publication_date": "2021-03-16"}), encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path))
    server.push({"json": answer(codebook)})
    out = tmp_path / "coded.jsonl"
    args = [
        "code",
        str(article),
        "--coder",
        "llm",
        "--base-url",
        server.base_url,
        "--model",
        "fake-model",
        "--out",
        str(out),
    ]
    runner = CliRunner()
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert KEY not in result.output
    count, problems = validate_path(out, codebook)
    assert count == 1 and problems == []
    record = json.loads(out.read_text(encoding="utf-8"))
    assert record["status"] == "ok" and record["events"][0]["fields"]["location"]["value"] == "Al Bukamal"
    requests = server.count
    assert runner.invoke(app, args).exit_code == 0
    assert server.count == requests, "the second run must be answered from the cache"


def test_cli_wrong_key_is_one_line_exit_1_without_the_key(server, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from coder.cli import app

    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("HOME", str(tmp_path))
    server.push({"status": 401})
    result = CliRunner().invoke(
        app,
        [
            "code",
            str(article),
            "--coder",
            "llm",
            "--base-url",
            server.base_url,
            "--model",
            "fake-model",
            "--out",
            str(tmp_path / "o.jsonl"),
        ],
    )
    assert result.exit_code == 1
    assert "could not be coded" in result.output and "Traceback" not in result.output
    assert KEY not in result.output and KEY not in (tmp_path / "o.jsonl").read_text()


def test_a_missing_key_is_said_before_any_request(make, server, monkeypatch):
    # A hosted endpoint and no key: the message names the fix at once, with no request
    # (and no retries reported as a network problem). The host is never contacted.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    coder = make(api_key=None, base_url="https://api.example.invalid/v1", max_retries=3)
    result = coder.code(doc())
    assert result.status == "failed"
    assert result.error.startswith("No key found") and "OPENAI_API_KEY" in result.error
    assert coder.usage.attempts == 0


def test_a_local_server_needs_no_key(make, server, codebook, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    server.push({"json": answer(codebook)})
    assert make(api_key=None).code(doc()).status == "ok"
