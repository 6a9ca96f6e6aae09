"""The optional recall pass: "what did you miss?" turns, merged; confidence = share of passes."""

# ruff: noqa: F811  (the fake-server fixtures are imported from test_llm and named as arguments)
from __future__ import annotations

import copy
import json

from coder.llm.recall import RECALL_REQUEST, merge_passes

from .test_llm import answer, doc, make, server, sleeps  # noqa: F401  (fixtures)

SECOND = "The convoy carried heavy machine guns."


def both(codebook) -> dict:
    """The first answer's event and one it missed (another sentence, another kind of movement)."""
    first = answer(codebook)
    extra = copy.deepcopy(first["events"][0])
    extra["evidence"] = SECOND
    extra["fields"]["vehicle_count"] = {"value": None, "quote": None}
    extra["fields"]["movement_kind"] = {"value": "transfer", "quote": "carried"}
    extra["fields"]["equipment"] = {"value": ["heavy machine guns"], "quote": "heavy machine guns"}
    extra["fields"]["actor1"] = {"value": "Fatemiyoun Brigade", "quote": "Liwa Fatemiyoun"}
    return {"events": [*first["events"], extra]}


def test_a_recall_pass_finds_a_missed_event_and_confidence_is_the_share_of_passes(make, server, codebook):
    first = answer(codebook)
    server.push({"json": first}, {"json": both(codebook)})
    coder = make(recall_passes=1)
    result = coder.code(doc())
    assert result.status == "ok" and server.count == 2 and coder.usage.recall_passes == 1
    found = {e.evidence[0].text: e.confidence for e in result.events}
    assert found[SECOND] == 0.5 and sorted(found.values()) == [0.5, 1.0]
    # The same conversation, one turn longer: the prefix the provider caches.
    asked = server.requests[1]["messages"]
    assert asked[:2] == server.requests[0]["messages"] and json.loads(asked[2]["content"]) == first
    assert asked[3] == {"role": "user", "content": RECALL_REQUEST}
    # Cached with its passes: a rerun asks nothing and merges the same way.
    again = make(recall_passes=1)
    assert again.code(doc()).model_dump() == result.model_dump() and server.count == 2


def test_two_passes_and_an_invalid_one(make, server, codebook):
    server.push({"json": answer(codebook)}, {"json": both(codebook)}, {"json": answer(codebook)})
    result = make(recall_passes=2, cache=False).code(doc())
    assert server.count == 3 and len(server.requests[2]["messages"]) == 6
    assert sorted(e.confidence for e in result.events) == [0.333, 1.0]
    # An invalid recall answer is left out: the first answer stands with the model's confidence.
    server.push({"json": answer(codebook)}, {"content": "no"})
    again = make(recall_passes=1, cache=False).code(doc("d2"))
    assert again.status == "ok" and [e.confidence for e in again.events] == [0.9]


def test_recall_is_off_by_default_and_part_of_the_cache_key(make, server, codebook):
    server.push({"json": answer(codebook)})
    coder = make()
    coder.code(doc())
    assert server.count == 1 and coder.settings.recall_passes == 0
    assert make(recall_passes=1).cache_key("t", None, None) != coder.cache_key("t", None, None)


def test_merge_passes_counts_each_pass_once(codebook):
    from coder.llm.build import EventBuilder
    from coder.normalize import Normalizer

    builder = EventBuilder(codebook, Normalizer(codebook), threshold=90)
    one = builder.events(answer(codebook), doc())
    two = builder.events(both(codebook), doc())
    doubled = builder.events({"events": answer(codebook)["events"] * 2}, doc())
    merged = merge_passes([one, two, doubled])
    assert sorted(e.confidence for e in merged) == [0.333, 1.0]
    assert merge_passes([one]) == one and merge_passes([]) == []


def test_compact_mode_repair_and_recall_together_from_the_command_line(server, codebook, tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from coder.cli import app

    from .test_llm import KEY, TEXT
    from .test_llm_compact import compact

    article = tmp_path / "article.txt"
    article.write_text(TEXT, encoding="utf-8")
    (tmp_path / "article.meta.json").write_text(json.dumps({"publication_date": "2021-03-16"}), encoding="utf-8")
    config = tmp_path / "llm.toml"
    config.write_text(
        '[llm]\nschema_mode = "compact"\nrecall_passes = 1\ndocument_timeout = 30\n'
        f'cache_dir = "{tmp_path / "cache"}"\n'
    )
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("EVENTCODER_CONFIG", str(config))
    invented = compact(answer(codebook, vehicle_count={"value": 40, "quote": "a column of 40 armoured trucks"}))
    server.push({"json": invented}, {"json": compact(answer(codebook))}, {"json": compact(both(codebook))})
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
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert server.count == 3  # the answer, its grounding repair, one recall pass
    assert server.requests[2]["messages"][-1]["content"] == RECALL_REQUEST
    assert len(server.requests[2]["messages"]) == 6  # the recall pass goes on from the repaired answer
    record = json.loads(out.read_text(encoding="utf-8"))
    events = {e["evidence"][0]["text"]: e for e in record["events"]}
    assert events[SECOND]["confidence"] == 0.5
    (first,) = [e for text, e in events.items() if text != SECOND]
    assert first["confidence"] == 1.0 and first["fields"]["vehicle_count"]["value"] == 15
    assert "repaired after a re-ask" in first["fields"]["vehicle_count"]["detail"]
    assert CliRunner().invoke(app, args).exit_code == 0 and server.count == 3  # all from the cache
