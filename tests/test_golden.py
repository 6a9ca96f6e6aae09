"""The golden set stays valid, complete and consistent.

Every accuracy figure the project reports is computed against golden/, so a
broken span, a lost text file or a document without a split would silently
skew every score. These tests fail instead.
"""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from coder.io import load_coded
from coder.validate import validate_path

from .conftest import ROOT

GOLDEN = ROOT / "golden"
# The five seed articles live beside the repository (../shared/seeds); a clean clone
# has only golden/, so the byte-for-byte comparison is skipped there, visibly.
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="module")
def golden_docs():
    return load_coded(GOLDEN)


def test_golden_set_validates_with_no_problems(codebook):
    count, problems = validate_path(GOLDEN, codebook)
    assert count == len(list(GOLDEN.glob("*.json")))
    assert count >= 5
    assert problems == [], "\n".join(map(str, problems))


def test_validation_would_catch_a_shifted_span(codebook, tmp_path: Path):
    # Guards the test above against passing vacuously: the same files with one
    # evidence span moved by a character must be reported.
    copy = tmp_path / "golden"
    shutil.copytree(GOLDEN, copy)
    target = sorted(copy.glob("*.json"))[0]
    data = json.loads(target.read_text(encoding="utf-8"))
    span = data["events"][0]["evidence"][0]
    span["start"] += 1
    span["end"] += 1
    target.write_text(json.dumps(data), encoding="utf-8")
    _, problems = validate_path(copy, codebook)
    assert any("evidence[0]" in str(p) and "but the document has" in p.message for p in problems)


def test_every_document_has_a_split_and_both_splits_are_used(golden_docs):
    splits = {doc.document.id: doc.document.split for doc in golden_docs}
    missing = [doc_id for doc_id, split in splits.items() if split is None]
    assert not missing, f"documents without a split: {missing}"
    by_split = defaultdict(list)
    for doc_id, split in splits.items():
        by_split[split].append(doc_id)
    assert by_split["dev"], "no dev documents: nothing to tune rules on"
    assert by_split["test"], "no test documents: nothing to check rules on"


def test_every_json_has_its_text_and_no_inline_text():
    # A golden document is exactly two files; the text lives only in the .txt so that
    # offsets are counted on the one copy that is compared with the seed.
    for json_file in sorted(GOLDEN.glob("*.json")):
        assert json_file.with_suffix(".txt").is_file(), f"{json_file.name} has no {json_file.stem}.txt"
        data = json.loads(json_file.read_text(encoding="utf-8"))
        assert data["document"]["id"] == json_file.stem
        assert "text" not in data["document"], f"{json_file.name} carries the text inline"
    for text_file in sorted(GOLDEN.glob("*.txt")):
        assert text_file.with_suffix(".json").is_file(), f"{text_file.name} has no coding"


def test_texts_equal_the_seeds_byte_for_byte():
    if not SEEDS.is_dir():
        pytest.skip(f"seeds not found at {SEEDS}; a clean clone has only golden/")
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds, f"no seed texts in {SEEDS}"
    for seed in seeds:
        golden_text = GOLDEN / seed.name
        assert golden_text.is_file(), f"seed {seed.name} is not in golden/"
        assert golden_text.read_bytes() == seed.read_bytes(), f"{seed.name} differs from the seed"


def test_every_event_is_grounded_in_its_document(golden_docs):
    # Gold events are hand-coded by reading: each names its evidence, its actor and its
    # place, all on spans of the text (validation checks the spans say what they claim).
    for doc in golden_docs:
        for index, event in enumerate(doc.events):
            where = f"{doc.document.id} event {index}"
            assert event.evidence, f"{where}: no evidence span"
            for name in ("actor1", "location"):
                field = event.fields.get(name)
                assert field is not None and field.grounded, f"{where}: {name} is not grounded"


def test_incidents_shared_across_documents_have_one_type(golden_docs):
    types = defaultdict(set)
    documents = defaultdict(list)
    for doc in golden_docs:
        for event in doc.events:
            if event.incident:
                types[event.incident].add(event.type)
                documents[event.incident].append(doc.document.id)
    assert types, "the seeds contain incidents reported twice; none is marked"
    for incident, kinds in types.items():
        assert len(kinds) == 1, f"{incident} joins events of different types: {sorted(kinds)}"
        # An incident key marks one event in each of several documents, never two in one.
        docs = documents[incident]
        assert len(set(docs)) >= 2, f"{incident} appears in one document only"
        assert len(docs) == len(set(docs)), f"{incident} is used twice in one document"
