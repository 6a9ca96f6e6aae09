"""Coding a document leaves no reference cycles: its sentences, names and caches are freed by
reference counting as soon as the coder is done, not left for the cycle collector (which then
walked every live object of a long run again and again, and held the garbage meanwhile)."""

import gc
from datetime import date
from pathlib import Path

import pytest

from coder.codebook import load_codebook
from coder.io import dump_record
from coder.models import Document
from coder.rules.coder import RuleCoder

CODEBOOK = Path(__file__).resolve().parents[1] / "codebook"

TEXT = (
    "Militia sends reinforcements\n\n"
    "Deir ez-Zor, March 14, 2021 - Hezbollah fighters arrived in al-Mayadin on Monday.\n\n"
    "The next day, a convoy of 20 trucks entered al-Bukamal from Iraq, sources said.\n\n"
    "On the same day the militia recruited 50 young men in the village of Hatla."
)


@pytest.fixture(scope="module")
def coder():
    return RuleCoder(load_codebook(CODEBOOK))


def test_a_coded_document_leaves_no_cyclic_garbage(coder) -> None:
    doc = Document(id="d", text=TEXT, publication_date=date(2021, 3, 14))
    first = dump_record(coder.code(doc))  # warm the coder's own caches first
    assert '"events"' in first
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(3):
            assert dump_record(coder.code(doc)) == first
        gc.collect()
        left = list(gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert [type(o).__name__ for o in left] == []


def test_the_region_scans_still_answer_after_prepare(coder) -> None:
    """The scans read the document's context through a weak link: it must stay alive while used."""
    ctx = coder._prepare(Document(id="d", text=TEXT, publication_date=date(2021, 3, 14)))
    names = [ctx.doc.text[m.start : m.end] for si in range(len(ctx.sentences)) for m in ctx.actors[si]]
    assert "Hezbollah" in names
    assert any(ctx.dates[si] for si in range(len(ctx.sentences)))
