"""`coder score` and `coder agree` refuse the spans `coder validate` rejects: one shared check (issue 17)."""

from __future__ import annotations

import pytest

from coder.codebook.loader import get_codebook
from coder.io import InputError, RawRecord
from coder.models import CodedDocument, Document, Event, Span
from coder.score import agreement, score_documents
from coder.validate import RecordValidator, span_problem

TEXT = "A convoy arrived in Albukamal on Monday."


def _coded(span: Span) -> CodedDocument:
    return CodedDocument(document=Document(id="d1", text=TEXT), events=[Event(type="troop_movement", evidence=[span])])


@pytest.mark.parametrize("span", [Span(start=2, end=400, text="convoy"), Span(start=2, end=8, text="column")])
def test_the_scorer_refuses_what_validate_rejects(span: Span):
    codebook = get_codebook()
    bad, good = _coded(span), _coded(Span.of(TEXT, 2, 8))
    problem = span_problem(span.start, span.end, span.text, TEXT)
    found = RecordValidator(codebook).check(RawRecord("p.jsonl:1", bad.model_dump(mode="json")))
    assert [p.message for p in found if p.field == "evidence[0]"] == [problem]
    for call in (
        lambda: score_documents([bad], [good], codebook),
        lambda: score_documents([good], [bad], codebook),
        lambda: agreement([bad], [good], codebook),
    ):
        with pytest.raises(InputError, match="event 0, evidence\\[0\\]: " + problem.split(" ")[0]):
            call()
    assert score_documents([good], [good], codebook).data["events"]["relaxed"]["f1"] == 1.0
