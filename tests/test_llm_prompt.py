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
    line = next(l for l in text.splitlines() if l.startswith(f"Actors on the side {ldf.side}:"))
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
