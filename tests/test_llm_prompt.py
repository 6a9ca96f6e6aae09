"""The prompt a small model can follow: actors by side, exclusions where they apply, dates without a
publication date."""

from __future__ import annotations

import re

from coder.llm.prompt import build_prompt, render_codebook, user_message


def test_actors_are_grouped_by_side_and_each_type_names_its_sides(codebook):
    text = render_codebook(codebook)
    sides = {a.side for a in codebook.actors}
    for side in sides:
        assert re.search(rf"^Actors on the side {side}:", text, re.M), side
    ldf = next(a for a in codebook.actors if a.side != "iran_backed")
    line = next(row for row in text.splitlines() if row.startswith(f"Actors on the side {ldf.side}:"))
    assert ldf.name in line
    for et in codebook.event_types:
        block = text.split(f"EVENT TYPE {et.id} ")[1].split("EVENT TYPE ")[0]
        assert f"actor1 is on the side {' or '.join(et.actor_sides)}" in block


def test_exclusions_are_shown_with_the_types_they_apply_to(codebook):
    text = render_codebook(codebook)
    everywhere = set.intersection(*(set(et.exclusion_rules) for et in codebook.event_types))
    some = {r for et in codebook.event_types for r in et.exclusion_rules} - everywhere
    assert some, "the codebook has type-specific exclusions"
    head = text.split("EVENT TYPE ")[0]
    for rule in some:
        assert f"  - {rule}:" not in head
        for et in codebook.event_types:
            block = text.split(f"EVENT TYPE {et.id} ")[1].split("EVENT TYPE ")[0]
            assert (f"  - {rule}:" in block) == (rule in et.exclusion_rules), (rule, et.id)
    for rule in everywhere:
        assert f"  - {rule}:" in head


def test_the_no_publication_date_rule_is_in_the_prompt_and_the_message_says_when_it_applies(codebook):
    prompt = build_prompt(codebook, "json_schema")
    assert "publication date is unknown" in prompt.system
    assert "Publication date: unknown" in user_message("text", None, None)


# -- worked answers, cue words, descriptions said once, evidence as a list (issue 20) ----------

import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from coder.errors import CodebookInvalid  # noqa: E402
from coder.llm.build import EventBuilder  # noqa: E402
from coder.llm.response import for_model, full_response_schema  # noqa: E402
from coder.llm.worked import WORKED, check_worked, load_worked  # noqa: E402
from coder.models import Document  # noqa: E402
from coder.normalize import Normalizer  # noqa: E402


@pytest.fixture(scope="module")
def builder(codebook):
    return EventBuilder(codebook, Normalizer(codebook), threshold=85)


def test_worked_answers_are_the_codebooks_examples_and_hold(codebook, builder):
    worked = load_worked(codebook)
    assert 2 <= len(worked) <= 4
    examples = {(et.id, i): ex for et in codebook.event_types for i, ex in enumerate(et.examples, 1)}
    for w in worked:
        assert w.text == examples[(w.type, w.index)].text  # the codebook's text, not a copy
    assert any(not w.fields for w in worked) and any(w.published is None and w.fields for w in worked)
    check_worked(worked, builder)
    system = build_prompt(codebook, "json_schema", worked=worked).system
    for w in worked:
        assert f"Document: {w.text}\nAnswer: {json.dumps(w.answer(), ensure_ascii=False)}" in system
    # The stable prefix: the worked answers come before the document, in the system message.
    assert system.index("WORKED ANSWERS") < system.index("Answer with JSON")


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = WORKED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "worked.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old,new,said",
    [
        ('quote = "20 vehicles"', 'quote = "20 armoured vehicles"', 'troop_movement example 1 ("On Tuesday'),
        ('value = 20, quote = "20 vehicles"', 'value = 25, quote = "20 vehicles"', "vehicle_count: 25"),
        (
            'value = "Al Mayadin", quote = "al-Mayadin"',
            'value = "Palmyra", quote = "al-Mayadin"',
            'recruitment example 1 ("The Zainabiyoun',
        ),
    ],
)
def test_a_worked_answer_its_example_does_not_support_is_an_error_naming_it(
    codebook, builder, tmp_path, old, new, said
):
    worked = load_worked(codebook, _variant(tmp_path, old, new))
    with pytest.raises(CodebookInvalid, match="does not hold") as caught:
        check_worked(worked, builder)
    assert said in str(caught.value)


def test_a_worked_answer_must_match_its_examples_verdict(codebook, tmp_path):
    with pytest.raises(CodebookInvalid, match=r"answer 4 \(troop_movement example 3\).*is not coded"):
        fields = '\n[answer.fields]\nactor1 = { value = "Hezbollah", quote = "Hezbollah" }'
        load_worked(codebook, _variant(tmp_path, "example = 5", "example = 3" + fields))
    with pytest.raises(CodebookInvalid, match="has 5 example"):
        load_worked(codebook, _variant(tmp_path, "example = 5", "example = 9"))


def test_no_cue_words_and_each_description_said_once(codebook):
    prompt = build_prompt(codebook, "json_schema", worked=load_worked(codebook))
    assert "Cue words" not in prompt.system
    sent = json.dumps(prompt.response_format)
    assert '"description"' not in sent
    for et in codebook.event_types:
        block = prompt.system.split(f"EVENT TYPE {et.id} ")[1].split("EVENT TYPE ")[0].split("WORKED ANSWERS")[0]
        for name, spec in et.fields.items():
            words = " ".join(spec.description.split())
            assert block.count(words) == 1, (et.id, name)
    # JSON mode shows the schema in the prompt, without its descriptions either.
    system = build_prompt(codebook, "json_object").system
    assert json.dumps(for_model(full_response_schema(codebook)), separators=(",", ":"), ensure_ascii=False) in system


def test_evidence_is_a_list_and_every_sentence_is_grounded(codebook, builder):
    text = (
        "A convoy of 20 vehicles crossed into al-Bukamal on Tuesday. Local sources said the fighters "
        "belonged to Kataib Hezbollah."
    )
    first, second = text.split(". ")
    answer = {
        "events": [
            {
                "type": "troop_movement",
                "evidence": [first + ".", second],
                "confidence": 0.8,
                "fields": {"actor1": {"value": "Kataib Hezbollah", "quote": "Kataib Hezbollah"}},
            }
        ]
    }
    [event] = builder.events(answer, Document(id="e", text=text))
    assert [s.text for s in event.evidence] == [first + ".", second]
    assert event.fields["actor1"].grounded
    # One string, as answers recorded before the change have it, is one sentence.
    answer["events"][0]["evidence"] = first + "."
    [event] = builder.events(answer, Document(id="e", text=text))
    assert [s.text for s in event.evidence] == [first + "."]
