"""Speed work on the offline coder must not change a value: each fast path against the plain one."""

from __future__ import annotations

import random

import pytest

from coder.models import _Occurrences


@pytest.mark.parametrize("gram", [1, 2, 3])
@pytest.mark.parametrize("indexed", [0, 1000])
@pytest.mark.parametrize("told", [False, True])
def test_occurrences_equal_str_count(monkeypatch, gram, indexed, told):
    # Overlapping repeats ("abab" in "ababab...") are where an index could count differently
    # from str.count, which takes non-overlapping matches left to right. Small pieces and no
    # long-text threshold put every quote through the indexed path (indexed=0) or the direct one;
    # the quotes are told up front (found in one pass) or asked one by one.
    monkeypatch.setattr(_Occurrences, "LONG_TEXT", 0)
    monkeypatch.setattr(_Occurrences, "INDEXED", indexed)
    monkeypatch.setattr(_Occurrences, "STEP", gram)
    monkeypatch.setattr(_Occurrences, "PIECES", (gram + 2, gram))
    rng = random.Random(gram)
    for _ in range(300):
        text = "".join(rng.choice("ab ") for _ in range(rng.randint(0, 80)))
        asked = []
        for _ in range(20):
            if text and rng.random() < 0.7:  # evidence quotes are pieces of the text itself
                a = rng.randrange(len(text))
                quote, start = text[a : rng.randint(a + 1, min(len(text), a + 12))], a
            else:
                quote = "".join(rng.choice("ab ") for _ in range(rng.randint(1, 8)))
                start = rng.randint(0, len(text) + 2)
            asked.append((quote, start))
        occurrences = _Occurrences(text, [q for q, _ in asked] if told else ())
        for quote, start in asked:
            assert occurrences.before(quote, start) == text.count(quote, 0, start), (text, quote, start)


def test_found_span_equals_validated_one():
    from coder.io import dump_record
    from coder.models import CodedDocument, Document, Event, Span

    text = "Hezbollah sent a convoy to Homs on Monday."
    span = Span.found(text, 17, 23)
    assert span == Span.of(text, 17, 23) and span.model_fields_set == {"start", "end", "text"}
    document = Document(id="d", text=text)
    fast = CodedDocument(document=document, events=[Event(type="t", evidence=[span])])
    slow = CodedDocument(document=document, events=[Event(type="t", evidence=[Span.of(text, 17, 23)])])
    assert dump_record(fast) == dump_record(slow)


def test_cycle_collector_paused_only_while_coding():
    import gc

    from coder.base import make_coder
    from coder.codebook import load_codebook
    from coder.models import Document

    coder = make_coder("rules", load_codebook("codebook"))
    assert gc.isenabled()
    coder.code(Document(id="d", text="Hezbollah sent a convoy of 20 trucks to al-Bukamal on Monday."))
    assert gc.isenabled()
    gc.disable()
    try:
        coder.code(Document(id="d", text="Nothing here."))
        assert not gc.isenabled()  # a caller that paused it keeps it paused
    finally:
        gc.enable()
