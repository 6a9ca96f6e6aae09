"""Grounding: quotes to offsets, strict to tolerant, and never an invented quote."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.llm.align import Aligner, align_quote, fold
from coder.models import Alignment

TEXT = (
    "Deir Ezzor, March 16: On Monday a convoy of 15 pickup vehicles carrying Liwa Fatemiyoun fighters "
    "arrived in Albukamal from Iraq, local sources told \u201cDeir Ezzor 24\u201d. The convoy carried heavy "
    "machine guns \u2013 and rockets.\n\nIn a separate report, a convoy of   militiamen left Albukamal."
)


def test_exact_match_prefers_the_occurrence_near_the_evidence():
    second = TEXT.index("Albukamal", TEXT.index("separate"))
    evidence = (TEXT.index("In a separate"), len(TEXT))
    hit = align_quote(TEXT, "Albukamal", near=evidence)
    assert hit.alignment == Alignment.exact
    assert hit.spans[0].start == second
    assert align_quote(TEXT, "Albukamal").spans[0].start == TEXT.index("Albukamal")


def test_normalized_match_maps_offsets_back_to_the_original():
    hit = align_quote(TEXT, 'local sources told "deir ezzor 24"')
    assert hit.alignment == Alignment.normalized
    span = hit.spans[0]
    assert TEXT[span.start : span.end] == span.text == "local sources told \u201cDeir Ezzor 24\u201d"
    dash = align_quote(TEXT, "machine guns - and rockets")
    assert dash.alignment == Alignment.normalized and dash.spans[0].text.endswith("and rockets")
    spaces = align_quote(TEXT, "a convoy of militiamen")
    assert spaces.alignment == Alignment.normalized and spaces.spans[0].text == "a convoy of   militiamen"


def test_fuzzy_match_tolerates_a_dropped_letter_and_records_its_score():
    hit = align_quote(TEXT, "15 pickup vehicles carying Liwa Fatemiyoun fighters")
    assert hit.alignment == Alignment.fuzzy and hit.score >= 90
    assert hit.spans[0].text == "15 pickup vehicles carrying Liwa Fatemiyoun fighters"


def test_short_quote_with_a_doubled_letter():
    hit = align_quote(TEXT, "Albukkamal")
    assert hit.alignment == Alignment.fuzzy and hit.spans[0].text == "Albukamal"


@pytest.mark.parametrize(
    "quote",
    [
        "a convoy of 50 pickup vehicles carrying Liwa Fatemiyoun fighters",  # number changed
        "15 pickup vehicles carrying Kataib Hezbollah fighters",  # name swapped
        "Iran",  # "Iraq" is one letter away
        "the fighters opened a recruitment office in al-Mayadin",  # made up
        "",
        None,
    ],
)
def test_invented_quotes_are_not_aligned(quote):
    hit = align_quote(TEXT, quote)
    assert hit.alignment == Alignment.unaligned and not hit.spans and not hit.grounded


def test_ellipsis_quote_aligns_its_pieces():
    hit = Aligner(TEXT).align("a convoy of 15 pickup vehicles ... arrived in Albukamal")
    assert hit.grounded and len(hit.spans) == 2
    assert hit.spans[1].text == "arrived in Albukamal"


def test_fold_keeps_an_offset_for_every_character():
    folded = fold("Stra\u00dfe \u201cA\u201d\u00a0 \u2013 B")
    assert folded.text == 'strasse "a" - b'
    assert len(folded.index) == len(folded.text)


SEEDS = Path("/work/shared/seeds")


@pytest.mark.skipif(not any(SEEDS.glob("*.txt")) and not any(Path("golden").glob("*.txt")), reason="no documents")
def test_grounding_bench_meets_its_aims():
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from bench.grounding import load_texts, run

    # The bench's own sizes (what `python bench/grounding.py` prints against its aims): 400 quotes
    # at one seed left the word-level share anywhere from 0.92 to 0.995 as the seed changed, so
    # the aim was met or missed by the choice of seed.
    result = run(load_texts([]), quotes=2000, invented=500, seed=7)
    assert result["right_share"] >= 0.99
    assert result["word_right_share"] >= 0.95, result["word_by_kind"]
    assert result["invented_aligned"] == 0
