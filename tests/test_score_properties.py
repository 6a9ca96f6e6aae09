"""Property tests: scores ignore input order, and swapping predictions and gold swaps P and R."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coder.models import CodedDocument, Event, FieldValue, Span
from coder.score import score_documents
from tests.test_score_fixtures import SENTENCES, TEXT, make_doc

TYPES = ["troop_movement", "recruitment", "smuggling", "tribal_outreach"]
SENTENCE_STARTS = [TEXT.index(sentence) for sentence in SENTENCES]


@st.composite
def events(draw) -> Event:
    sentence = draw(st.integers(0, len(SENTENCES) - 1))
    start = SENTENCE_STARTS[sentence] + draw(st.integers(0, 6))
    end = SENTENCE_STARTS[sentence] + len(SENTENCES[sentence]) - draw(st.integers(0, 6))
    fields = {}
    if draw(st.booleans()):
        fields["location"] = FieldValue(value=draw(st.sampled_from(["Al Bukamal", "Al Mayadin", "al  bukamal"])))
    if draw(st.booleans()):
        fields["event_date"] = FieldValue(value=draw(st.sampled_from(["2021-03-03", "2021-03-05", "2021-03-20"])))
        fields["time_precision"] = FieldValue(value=draw(st.sampled_from([1, 2])))
    if draw(st.booleans()):
        fields["actor1"] = FieldValue(value=draw(st.sampled_from(["Kataib Hezbollah", "IRGC"])))
    if draw(st.booleans()):
        fields["vehicle_count"] = FieldValue(value=draw(st.integers(1, 3)))
    if draw(st.booleans()):
        fields["assoc_actor_1"] = FieldValue(value=draw(st.lists(st.sampled_from(["IRGC", "Hezbollah"]), max_size=2)))
    return Event(type=draw(st.sampled_from(TYPES)), fields=fields, evidence=[Span.of(TEXT, start, end)])


@st.composite
def codings(draw) -> tuple[list[CodedDocument], list[CodedDocument]]:
    """Predictions and gold over the same documents."""
    count = draw(st.integers(1, 4))
    pred, gold = [], []
    for number in range(count):
        pred.append(make_doc(f"d{number}", draw(st.lists(events(), max_size=5))))
        gold.append(make_doc(f"d{number}", draw(st.lists(events(), max_size=5))))
    return pred, gold


def run(pred, gold, codebook):
    return score_documents(pred, gold, codebook, bootstrap_samples=30, seed=1).data


def reordered(docs: list[CodedDocument], order: list[int], rotate: int) -> list[CodedDocument]:
    shuffled = [docs[i].model_copy(deep=True) for i in order]
    for doc in shuffled:
        if doc.events:
            k = rotate % len(doc.events)
            doc.events = list(reversed(doc.events[k:] + doc.events[:k]))
    return shuffled


PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)


@PROPERTY_SETTINGS
@given(data=codings(), seed=st.randoms(use_true_random=False), rotate=st.integers(0, 4))
def test_scores_do_not_depend_on_the_order_of_events_or_documents(codebook, data, seed, rotate):
    pred, gold = data
    pred_order = list(range(len(pred)))
    gold_order = list(range(len(gold)))
    seed.shuffle(pred_order)
    seed.shuffle(gold_order)
    assert run(reordered(pred, pred_order, rotate), reordered(gold, gold_order, rotate + 1), codebook) == run(
        pred, gold, codebook
    )


def swapped(figures: dict) -> dict:
    return {
        **figures,
        "precision": figures["recall"],
        "recall": figures["precision"],
        **({"fp": figures["fn"], "fn": figures["fp"]} if "fp" in figures else {}),
    }


@PROPERTY_SETTINGS
@given(data=codings())
def test_swapping_predictions_and_gold_swaps_precision_and_recall(codebook, data):
    pred, gold = data
    forward, backward = run(pred, gold, codebook), run(gold, pred, codebook)
    for mode in ("strict", "relaxed"):
        assert backward["events"][mode] == swapped(forward["events"][mode])
    for type_id in TYPES:
        for mode in ("strict", "relaxed"):
            assert backward["per_type"][type_id][mode] == swapped(forward["per_type"][type_id][mode])
        assert backward["documents"]["per_type"][type_id] == swapped(forward["documents"]["per_type"][type_id])
    for kind in ("exact", "overlap"):
        figures = {k: v for k, v in forward["spans"][kind].items() if k != "f1_ci"}
        assert {k: v for k, v in backward["spans"][kind].items() if k != "f1_ci"} == swapped(figures)
    assert (backward["spans"]["missing"], backward["spans"]["spurious"]) == (
        forward["spans"]["spurious"],
        forward["spans"]["missing"],
    )
    assert (backward["documents"]["type_precision"], backward["documents"]["type_recall"]) == (
        forward["documents"]["type_recall"],
        forward["documents"]["type_precision"],
    )
