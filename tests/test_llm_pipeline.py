"""One answer pipeline: the same answer, live, from Batch API results or from a recording,
gives the same events, and a recorded answer plays back through `coder llm-batch read`."""

# ruff: noqa: F811  (the fake-server fixtures are imported from test_llm and named as arguments)
from __future__ import annotations

import hashlib
import json
from datetime import date

from typer.testing import CliRunner

from coder.cli import app
from coder.llm.batchapi import manifest_path, prepare, read
from coder.llm.pipeline import StoredSource, load_recorded
from coder.models import Document

from .test_llm import KEY, TEXT, answer, doc, make, server, sleeps  # noqa: F401  (fixtures)
from .test_llm_batch import _line

runner = CliRunner()


def _events(coded):
    return [e.model_dump(mode="json") for e in coded.events]


def test_live_batch_and_recorded_answers_give_the_same_events(make, server, codebook, tmp_path):
    given = answer(codebook, equipment={"value": ["heavy machine guns"], "quote": "heavy machine guns"})
    server.push({"json": given})
    live = make(cache_dir=tmp_path / "live").code(doc())
    assert live.status == "ok" and live.events

    batch_coder = make(cache_dir=tmp_path / "batch")
    requests = tmp_path / "requests.jsonl"
    prepare(batch_coder, [doc()], requests)
    custom_id = json.loads(requests.read_text().splitlines()[0])["custom_id"]
    output = tmp_path / "output.jsonl"
    output.write_text(_line(custom_id, json.dumps(given)) + "\n")
    [batch] = list(read(batch_coder, requests, [output]))

    recording = tmp_path / "case.json"  # as `coder regress --record-llm` writes one
    recording.write_text(
        json.dumps(
            {
                "case": "c1",
                "text_sha256": hashlib.sha256(TEXT.encode()).hexdigest(),
                "model": "fake-model",
                "answer": given,
            },
            indent=1,
        )
    )
    replay_coder = make(cache_dir=tmp_path / "replay")
    replayed = replay_coder.run_sync(doc(), StoredSource(recorded=load_recorded([recording])))

    assert _events(live) == _events(batch) == _events(replayed)
    assert server.count == 1  # only the live coder asked
    # Usage travels with each document, whatever the source.
    assert batch_coder.usage_by_document["d1"].requests == 1 and batch_coder.batch_pricing
    assert replay_coder.usage_by_document["d1"].requests == 0 and not replay_coder.batch_pricing


def test_a_recording_plays_back_through_llm_batch_read(codebook, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "llm.toml"
    config.write_text('[llm]\nmodel = "gpt-4o-mini"\n')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT)
    (tmp_path / "in" / "b.txt").write_text(TEXT + " Nothing else happened.")
    requests = tmp_path / "requests.jsonl"
    assert (
        runner.invoke(
            app, ["llm-batch", "prepare", str(tmp_path / "in"), "--out", str(requests), "--config", str(config)]
        ).exit_code
        == 0
    )
    texts = [json.loads(line)["document"]["text"] for line in manifest_path(requests).read_text().splitlines()[1:]]
    recorded = tmp_path / "recorded.jsonl"  # one answer a line; only the first text was recorded
    recorded.write_text(
        json.dumps({"text_sha256": hashlib.sha256(texts[0].encode()).hexdigest(), "answer": answer(codebook)}) + "\n"
    )
    coded = tmp_path / "coded.jsonl"
    result = runner.invoke(
        app,
        ["llm-batch", "read", str(recorded), "--requests", str(requests), "--out", str(coded), "--config", str(config)],
    )
    first, second = [json.loads(line) for line in coded.read_text().splitlines()]
    assert first["status"] == "ok" and first["events"][0]["type"] == "troop_movement"
    assert second["status"] == "failed" and "no recorded answer for this text" in second["error"]
    assert result.exit_code == 1 and "1 document(s) could not be coded" in result.output


def test_an_invalid_recorded_answer_fails_its_document_with_the_reason(make, codebook, tmp_path):
    bad = answer(codebook, movement_kind={"value": "teleported", "quote": "arrived"})
    recording = tmp_path / "r.jsonl"
    recording.write_text(json.dumps({"text_sha256": hashlib.sha256(TEXT.encode()).hexdigest(), "answer": bad}))
    coded = make().run_sync(
        Document(id="x", text=TEXT, publication_date=date(2021, 3, 16)),
        StoredSource(recorded=load_recorded([recording])),
    )
    assert coded.status == "failed" and coded.error.startswith("invalid recorded answer")
    assert "teleported" in coded.error
