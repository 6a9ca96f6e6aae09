"""The OpenAI Batch API path: requests out, answers back, grounded like live ones.

No server at all: `prepare` and `read` work on files, as the Batch API does.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.llm import LLMCoder
from coder.llm.batchapi import BatchFileError, manifest_path, prepare, read
from coder.models import Alignment, Document

from .test_llm import EVIDENCE, KEY, TEXT, answer

runner = CliRunner()


def _docs() -> list[Document]:
    return [Document(id=f"d{i}", text=TEXT, publication_date=date(2021, 3, 16 + i)) for i in range(4)]


@pytest.fixture
def coder(codebook, tmp_path):
    (tmp_path / "none.toml").write_text("")
    return LLMCoder(
        codebook, model="gpt-4o-mini", api_key=KEY, cache_dir=tmp_path / "cache", config=tmp_path / "none.toml"
    )


def _line(custom_id: str, content: str | None = None, *, status: int = 200, error: dict | None = None) -> str:
    body = (
        {
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
            "usage": {
                "prompt_tokens": 5000,
                "completion_tokens": 300,
                "prompt_tokens_details": {"cached_tokens": 4000},
            },
        }
        if content is not None
        else {}
    )
    return json.dumps(
        {
            "id": f"batch_req_{custom_id}",
            "custom_id": custom_id,
            "response": {"status_code": status, "body": body} if error is None else None,
            "error": error,
        }
    )


def test_prepare_writes_one_request_per_document_and_never_the_key(coder, tmp_path):
    requests = tmp_path / "requests.jsonl"
    done = prepare(coder, _docs(), requests)
    assert (done.documents, done.requests, done.cached) == (4, 4, 0)
    lines = [json.loads(line) for line in requests.read_text().splitlines()]
    assert [line["custom_id"] for line in lines] == ["d0-c1", "d1-c1", "d2-c1", "d3-c1"]
    first = lines[0]
    assert first["method"] == "POST" and first["url"] == "/v1/chat/completions"
    assert first["body"]["model"] == "gpt-4o-mini"
    assert first["body"]["response_format"] == coder.prompt.response_format
    assert first["body"]["messages"] == coder.prompt.messages(TEXT, date(2021, 3, 16), None)
    assert done.cost_usd is not None and done.cost_usd > 0
    for path in (requests, manifest_path(requests)):
        assert KEY not in path.read_text()


def test_read_grounds_valid_answers_and_fails_the_rest_with_reasons(coder, codebook, tmp_path):
    requests = tmp_path / "requests.jsonl"
    prepare(coder, _docs(), requests)
    output = tmp_path / "output.jsonl"
    output.write_text(
        "\n".join(
            [
                _line("d0-c1", json.dumps(answer(codebook))),
                _line("d1-c1", '{"events": [ not json'),
                _line("d2-c1", error={"code": "server_error", "message": "boom"}),
            ]
        )
        + "\n"
    )
    coded = list(read(coder, requests, [output]))
    assert [c.status for c in coded] == ["ok", "failed", "failed", "failed"]
    (event,) = coded[0].events
    assert event.evidence[0].text == EVIDENCE
    assert event.fields["actor1"].value == "Fatemiyoun Brigade"
    assert event.fields["actor1"].spans[0].text == "Liwa Fatemiyoun"
    assert event.fields["actor1"].alignment == Alignment.exact
    assert "invalid answer in the batch" in coded[1].error and "coder code --coder llm" in coded[1].error
    assert "boom" in coded[2].error
    assert "no result for request d3-c1" in coded[3].error
    summary = coder.summary()
    assert summary["prompt_tokens"] == 10000 and summary["cached_tokens"] == 8000
    # Batch answers are billed at the batch discount.
    full = coder.prices.cost("gpt-4o-mini", coder.usage)
    assert summary["cost_usd"] == pytest.approx(full * coder.prices.batch_discount)


def test_a_second_prepare_sends_only_what_is_not_answered_yet(coder, codebook, tmp_path):
    requests = tmp_path / "requests.jsonl"
    prepare(coder, _docs(), requests)
    output = tmp_path / "output.jsonl"
    output.write_text(_line("d0-c1", json.dumps(answer(codebook))) + "\n")
    list(read(coder, requests, [output]))
    again = tmp_path / "again.jsonl"
    done = prepare(coder, _docs(), again)
    assert (done.requests, done.cached) == (3, 1)
    # The cached chunk is read from the cache, with no result line needed.
    coded = list(read(coder, again, []))
    assert coded[0].status == "ok" and len(coded[0].events) == 1


def test_read_refuses_a_manifest_for_another_model(coder, codebook, tmp_path):
    requests = tmp_path / "requests.jsonl"
    prepare(coder, _docs()[:1], requests)
    other = LLMCoder(codebook, model="gpt-4o", api_key=KEY, cache_dir=tmp_path / "cache", config=tmp_path / "none.toml")
    with pytest.raises(BatchFileError, match="prepared for model 'gpt-4o-mini'"):
        list(read(other, requests, []))


def test_a_damaged_result_file_names_file_and_line(coder, tmp_path):
    requests = tmp_path / "requests.jsonl"
    prepare(coder, _docs()[:1], requests)
    output = tmp_path / "output.jsonl"
    output.write_text('{"custom_id": "d0-c1", "response": null, "error": null}\nnot json\n')
    with pytest.raises(BatchFileError, match=r"output.jsonl:2: not a Batch API result line"):
        list(read(coder, requests, [output]))


def test_cli_prepare_then_read(codebook, tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    config = tmp_path / "llm.toml"
    config.write_text('[llm]\nmodel = "gpt-4o-mini"\n')
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT)
    requests = tmp_path / "requests.jsonl"
    result = runner.invoke(
        app, ["llm-batch", "prepare", str(tmp_path / "in"), "--out", str(requests), "--config", str(config)]
    )
    assert result.exit_code == 0, result.output
    assert "1 request(s)" in result.output and KEY not in result.output
    custom_id = json.loads(requests.read_text().splitlines()[0])["custom_id"]
    output = tmp_path / "output.jsonl"
    output.write_text(_line(custom_id, json.dumps(answer(codebook))) + "\n")
    coded = tmp_path / "coded.jsonl"
    result = runner.invoke(
        app,
        ["llm-batch", "read", str(output), "--requests", str(requests), "--out", str(coded), "--config", str(config)],
    )
    assert result.exit_code == 0, result.output
    record = json.loads(coded.read_text())
    assert record["status"] == "ok" and record["events"][0]["type"] == "troop_movement"
    assert KEY not in coded.read_text() and KEY not in result.output


def test_a_refusal_in_the_batch_results_fails_that_document_with_the_refusal(coder, tmp_path):
    requests = tmp_path / "requests.jsonl"
    prepare(coder, _docs()[:1], requests)
    body = {
        "choices": [
            {
                "index": 0,
                "finish_reason": "stop",
                "message": {"role": "assistant", "content": None, "refusal": "I can't help with that."},
            }
        ]
    }
    output = tmp_path / "output.jsonl"
    output.write_text(
        json.dumps({"custom_id": "d0-c1", "response": {"status_code": 200, "body": body}, "error": None}) + "\n"
    )
    (coded,) = read(coder, requests, [output])
    assert coded.status == "failed"
    assert "refused" in coded.error and "I can't help with that." in coded.error


def test_an_answer_cut_at_max_tokens_in_the_batch_says_live_coding_splits_it(coder, codebook, tmp_path):
    requests = tmp_path / "requests.jsonl"
    prepare(coder, _docs()[:1], requests)
    line = json.loads(_line("d0-c1", json.dumps(answer(codebook))[:200]))
    line["response"]["body"]["choices"][0]["finish_reason"] = "length"
    output = tmp_path / "output.jsonl"
    output.write_text(json.dumps(line) + "\n")
    (coded,) = read(coder, requests, [output])
    assert coded.status == "failed" and "max_tokens" in coded.error
    assert "more briefly" not in coded.error and "splits" in coded.error


def test_requests_are_split_at_the_batch_limits_and_read_back_together(coder, codebook, tmp_path):
    from coder.llm.batchapi import MAX_BYTES, MAX_REQUESTS, part_path

    assert (MAX_REQUESTS, MAX_BYTES) == (50_000, 200_000_000)
    requests = tmp_path / "requests.jsonl"
    docs = [Document(id=f"d{i}", text=TEXT + f" Report {i}.", publication_date=date(2021, 3, 16)) for i in range(5)]
    done = prepare(coder, docs, requests, max_requests=2)
    assert done.files == [requests, part_path(requests, 2), part_path(requests, 3)]
    assert [len(f.read_text().splitlines()) for f in done.files] == [2, 2, 1]
    ids = [json.loads(line)["custom_id"] for f in done.files for line in f.read_text().splitlines()]
    assert ids == [f"d{i}-c1" for i in range(5)] and done.files[1].name == "requests-2.jsonl"
    # By size: each line is about the same length, so a limit of two and a half lines puts two in a file.
    line = len(requests.read_text().splitlines()[0].encode()) + 1
    by_size = prepare(coder, docs, tmp_path / "s.jsonl", max_bytes=int(line * 2.5))
    assert [len(f.read_text().splitlines()) for f in by_size.files] == [2, 2, 1]
    assert all(f.stat().st_size <= line * 2.5 for f in by_size.files)
    with pytest.raises(BatchFileError, match="lower chunk_chars"):
        prepare(coder, docs, tmp_path / "t.jsonl", max_bytes=line // 2)
    assert not (tmp_path / "t.jsonl").exists() and not manifest_path(tmp_path / "t.jsonl").exists()
    # The answers of the three batches are read back as one.
    outputs = []
    for n, f in enumerate(done.files):
        out = tmp_path / f"out{n}.jsonl"
        out.write_text(
            "\n".join(
                _line(json.loads(request)["custom_id"], json.dumps(answer(codebook)))
                for request in f.read_text().splitlines()
            )
            + "\n"
        )
        outputs.append(out)
    coded = list(read(coder, requests, outputs))
    assert [c.status for c in coded] == ["ok"] * 5
    # A smaller prepare later names the parts it did not rewrite.
    again = prepare(
        LLMCoder(codebook, model="gpt-4o-mini", api_key=KEY, cache=False, config=tmp_path / "none.toml"),
        docs[:2],
        requests,
        max_requests=2,
    )
    assert again.files == [requests] and again.stale == [part_path(requests, 2), part_path(requests, 3)]
