"""The grounding repair turn, against the local fake server: one re-ask for quotes not in the document."""

from __future__ import annotations

import json

from coder.base import code_many
from coder.models import Alignment

from .test_llm import TEXT, answer, doc, make, server, sleeps  # noqa: F401  (fixtures)

INVENTED = {"value": 40, "quote": "a column of 40 armoured trucks"}


def test_an_invented_quote_is_repaired_in_one_more_turn(make, server, codebook):
    first = answer(codebook, vehicle_count=INVENTED)
    server.push({"json": first}, {"json": answer(codebook)})
    coder = make()
    result = coder.code(doc())
    assert result.status == "ok" and server.count == 2
    field = result.events[0].fields["vehicle_count"]
    assert field.value == 15 and field.alignment == Alignment.exact and field.grounded
    assert "repaired after a re-ask" in field.detail and "a column of 40 armoured trucks" in field.detail
    # The same conversation, one turn longer: the system message and the document are the
    # prefix the provider caches.
    asked = server.requests[1]["messages"]
    assert asked[:2] == server.requests[0]["messages"]
    assert asked[2]["role"] == "assistant" and json.loads(asked[2]["content"]) == first
    assert "events[0].fields.vehicle_count" in asked[3]["content"] and "armoured trucks" in asked[3]["content"]
    assert "actor1" not in asked[3]["content"]  # only what did not ground is listed
    u = coder.usage
    assert u.grounding_repairs == 1 and u.requests == 2 and u.repairs == 0 and u.cached_tokens > 0
    assert "1 grounding repair(s)" in coder.report()
    # The repaired answer is cached with what the repair did: a rerun asks nothing and says the same.
    again = make()
    rerun = again.code(doc())
    assert server.count == 2 and again.usage.requests == 0
    assert rerun.model_dump() == result.model_dump()


def test_a_repair_that_is_still_bad_is_rejected_with_its_reason_and_the_batch_goes_on(make, server, codebook):
    bad = answer(codebook, vehicle_count=INVENTED)
    server.push({"json": bad}, {"json": bad}, {"json": answer(codebook)})
    coder = make()
    results = list(code_many(coder, [doc("bad"), doc("good", TEXT + " Later.")], concurrency=1))
    assert [r.status for r in results] == ["ok", "ok"] and server.count == 3
    field = results[0].events[0].fields["vehicle_count"]
    assert field.alignment == Alignment.unaligned and not field.grounded and field.value == 40
    assert "repair turn was asked and rejected" in field.detail and "still has 1 grounding problem" in field.detail
    assert results[0].events[0].fields["actor1"].grounded  # the rest of the first answer is kept
    good = results[1].events[0].fields["vehicle_count"]
    assert good.grounded and good.detail is None
    assert coder.usage.grounding_repairs == 1 and coder.usage.requests == 3


def test_a_repair_that_drops_the_events_is_not_believed(make, server, codebook):
    server.push({"json": answer(codebook, vehicle_count=INVENTED)}, {"json": {"events": []}})
    result = make().code(doc())
    (event,) = result.events
    assert event.fields["vehicle_count"].alignment == Alignment.unaligned
    assert "grounds fewer values" in event.fields["vehicle_count"].detail


def test_a_contradicted_value_is_asked_again(make, server, codebook):
    wrong = answer(codebook, actor1={"value": "Hezbollah", "quote": "Liwa Fatemiyoun"})
    server.push({"json": wrong}, {"json": answer(codebook)})
    result = make().code(doc())
    asked = server.requests[1]["messages"][-1]["content"]
    assert "events[0].fields.actor1" in asked and "Hezbollah" in asked and "Liwa Fatemiyoun" in asked
    actor = result.events[0].fields["actor1"]
    assert actor.value == "Fatemiyoun Brigade" and actor.grounded and "repaired after a re-ask" in actor.detail


def test_an_invalid_or_failed_repair_keeps_the_first_answer(make, server, codebook):
    server.push({"json": answer(codebook, vehicle_count=INVENTED)}, {"content": "not json"})
    result = make().code(doc())
    field = result.events[0].fields["vehicle_count"]
    assert result.status == "ok" and field.alignment == Alignment.unaligned
    assert "the repaired answer is invalid" in field.detail
    server.push({"json": answer(codebook, vehicle_count=INVENTED)}, {"status": 500}, {"status": 500})
    result = make(cache=False, max_retries=1).code(doc("d2"))
    assert result.status == "ok" and "the repair request failed" in result.events[0].fields["vehicle_count"].detail


def test_the_repair_turn_is_a_setting(make, server, codebook):
    server.push({"json": answer(codebook, vehicle_count=INVENTED)})
    coder = make(ground_repair=False)
    result = coder.code(doc())
    assert server.count == 1 and coder.usage.grounding_repairs == 0
    field = result.events[0].fields["vehicle_count"]
    assert field.alignment == Alignment.unaligned and field.detail is None
    # Part of the cache key: with repairs on, that unrepaired answer is not reused.
    assert make().cache_key("x", None, None) != coder.cache_key("x", None, None)


def test_a_grounded_answer_costs_one_request(make, server, codebook):
    server.push({"json": answer(codebook)})
    coder = make()
    assert coder.code(doc()).status == "ok" and server.count == 1 and coder.usage.grounding_repairs == 0


def test_a_batch_reads_a_cached_repaired_answer_as_live_coding_made_it(make, server, codebook, tmp_path):
    from coder.llm.batchapi import prepare, read

    server.push({"json": answer(codebook, vehicle_count=INVENTED)}, {"json": answer(codebook)})
    live = make().code(doc())
    coder = make()
    requests = tmp_path / "requests.jsonl"
    done = prepare(coder, [doc()], requests)
    assert done.cached == 1 and done.requests == 0
    (coded,) = read(coder, requests, [])
    assert coded.events == live.events and "repaired after a re-ask" in coded.events[0].fields["vehicle_count"].detail
