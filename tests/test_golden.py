"""The golden set stays valid, complete and consistent."""

from __future__ import annotations

from collections import defaultdict

import pytest

from coder.io import load_coded
from coder.validate import validate_path

from .conftest import ROOT

GOLDEN = ROOT / "golden"
SEEDS = ROOT.parent / "shared" / "seeds"


def test_golden_set_validates(codebook):
    count, problems = validate_path(GOLDEN, codebook)
    assert count >= 5
    assert problems == [], "\n".join(map(str, problems))


def test_every_document_has_its_text_and_a_split():
    docs = load_coded(GOLDEN)
    assert {d.document.split for d in docs} == {"dev", "test"}
    for doc in docs:
        assert (GOLDEN / f"{doc.document.id}.txt").exists()
        assert doc.document.source


def test_texts_equal_the_seeds_byte_for_byte():
    if not SEEDS.exists():
        pytest.skip("the seeds live outside the repository; a clean clone has only golden/")
    for seed in SEEDS.glob("*.txt"):
        assert (GOLDEN / seed.name).read_bytes() == seed.read_bytes(), seed.name


def test_incidents_shared_across_documents_have_one_type():
    types = defaultdict(set)
    documents = defaultdict(set)
    for doc in load_coded(GOLDEN):
        for event in doc.events:
            if event.incident:
                types[event.incident].add(event.type)
                documents[event.incident].add(doc.document.id)
    assert types, "the seeds contain incidents reported twice"
    for incident, kinds in types.items():
        assert len(kinds) == 1, incident
        assert len(documents[incident]) >= 2, f"{incident} appears in one document only"
