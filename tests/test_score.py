"""The scorer on small hand-computed cases, perturbations, and gold against itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.models import Span
from coder.score import agreement, load_coding, score_documents
from coder.score.metrics import cohen_kappa, krippendorff_alpha_nominal
from tests.test_score_fixtures import (
    SENTENCES,
    TEXT,
    convoy,
    copied,
    fuel,
    gold_set,
    make_doc,
    make_event,
    meeting,
    office,
    second_convoy,
)

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
RATIOS = {"precision", "recall", "f1", "accuracy", "type_precision", "type_recall", "type_f1"}


def score(pred, gold, codebook, **kwargs):
    return score_documents(pred, gold, codebook, bootstrap_samples=kwargs.pop("bootstrap_samples", 200), **kwargs).data


def perfect_problems(data, path="") -> list[str]:
    """Every defined ratio that is not 1.0, every interval that is not [1, 1]."""
    problems = []
    if isinstance(data, dict):
        for key, value in data.items():
            where = f"{path}.{key}" if path else key
            off_ratio = key in RATIOS and value is not None and value != pytest.approx(1.0)
            off_interval = key.endswith("_ci") and value is not None and value != pytest.approx([1.0, 1.0])
            if off_ratio or off_interval:
                problems.append(f"{where} = {value}")
            elif key != "settings":
                problems += perfect_problems(value, where)
    return problems


def off_diagonal(data) -> int:
    matrix = data["confusion"]["matrix"]
    return sum(n for gold, row in matrix.items() for pred, n in row.items() if gold != pred)


def test_gold_against_itself_is_perfect_everywhere(codebook):
    gold = gold_set()
    data = score(copied(gold), gold, codebook)
    assert perfect_problems(data) == []
    assert data["events"]["strict"]["f1"] == 1.0 and data["events"]["relaxed"]["f1"] == 1.0
    assert data["spans"]["correct"] == 6 and data["spans"]["partial"] == data["spans"]["missing"] == 0
    assert off_diagonal(data) == 0
    assert all(row["missing"] == row["spurious"] == row["incorrect"] == 0 for row in data["per_field"].values())


def test_golden_set_against_itself_is_perfect(codebook):
    if not list(GOLDEN.glob("*.json")):
        pytest.skip("golden/ has no documents yet")
    golden = load_coding(GOLDEN)
    data = score(golden, golden, codebook)
    assert data["events"]["gold"] > 0
    assert perfect_problems(data) == []
    assert off_diagonal(data) == 0


def hand_case():
    gold = [make_doc("a", [convoy(), office(), second_convoy()])]
    pred = [
        make_doc(
            "a",
            [
                convoy(),  # right in every way
                second_convoy(date="2021-03-12"),  # right type and evidence, wrong date
                fuel(),  # invented smuggling (no gold smuggling in "a")
                make_event("troop_movement", SENTENCES[5], location="Al Qaim"),  # invented, overlaps nothing
            ],
        )
    ]  # office (recruitment) is missed
    return pred, gold


def test_hand_computed_events(codebook):
    data = score(*hand_case(), codebook)
    # 4 predicted, 3 gold. Strict: only the first convoy -> tp 1.
    strict = data["events"]["strict"]
    assert (strict["tp"], strict["fp"], strict["fn"]) == (1, 3, 2)
    assert strict["precision"] == pytest.approx(1 / 4)
    assert strict["recall"] == pytest.approx(1 / 3)
    assert strict["f1"] == pytest.approx(2 * 1 / (4 + 3))  # 2/7
    # Relaxed: both convoys (evidence overlaps) -> tp 2.
    relaxed = data["events"]["relaxed"]
    assert relaxed["precision"] == pytest.approx(2 / 4)
    assert relaxed["recall"] == pytest.approx(2 / 3)
    assert relaxed["f1"] == pytest.approx(2 * 2 / (4 + 3))  # 4/7


def test_hand_computed_per_type_and_documents(codebook):
    data = score(*hand_case(), codebook)
    movement = data["per_type"]["troop_movement"]
    # 3 predicted movements, 2 gold; relaxed tp 2, strict tp 1.
    assert movement["precision"] == pytest.approx(2 / 3) and movement["recall"] == 1.0
    assert movement["f1"] == pytest.approx(2 * 2 / (3 + 2))  # 4/5
    assert movement["strict"]["f1"] == pytest.approx(2 * 1 / (3 + 2))  # 2/5
    recruitment = data["per_type"]["recruitment"]
    assert recruitment["precision"] is None and recruitment["recall"] == 0.0 and recruitment["f1"] == 0.0
    smuggling = data["per_type"]["smuggling"]
    assert smuggling["precision"] == 0.0 and smuggling["recall"] is None and smuggling["f1"] == 0.0
    assert data["per_type"]["tribal_outreach"]["f1"] is None
    # Document "a": gold types {movement, recruitment}, predicted {movement, smuggling}: tp 1, fp 1, fn 1.
    documents = data["documents"]
    assert (documents["type_tp"], documents["type_fp"], documents["type_fn"]) == (1, 1, 1)
    assert documents["type_f1"] == pytest.approx(2 * 1 / (2 + 2))  # 0.5


def test_hand_computed_spans_fields_confusion(codebook):
    data = score(*hand_case(), codebook)
    spans = data["spans"]
    # Gold (a, movement): s0, s4; (a, recruitment): s1. Predicted (a, movement): s0, s4, s5; (a, smuggling): s2.
    assert (spans["correct"], spans["partial"], spans["missing"], spans["spurious"]) == (2, 0, 1, 2)
    assert spans["exact"]["precision"] == pytest.approx(2 / 4) and spans["exact"]["recall"] == pytest.approx(2 / 3)
    # Matched pairs: the two convoys. Dates: one right, one wrong.
    date = data["per_field"]["event_date"]
    assert (date["correct"], date["incorrect"], date["accuracy"]) == (1, 1, 0.5)
    assert data["per_field"]["location"]["accuracy"] == 1.0
    assert data["per_field"]["personnel_count"]["compared"] == 1
    matrix = data["confusion"]["matrix"]
    assert matrix["troop_movement"]["troop_movement"] == 2
    assert matrix["recruitment"]["(none)"] == 1
    assert matrix["(none)"]["smuggling"] == 1 and matrix["(none)"]["troop_movement"] == 1


def test_missing_and_spurious_values_and_list_items(codebook):
    gold = [make_doc("a", [convoy(), meeting(tribes=["Shaitat", "Bakir"])])]
    pred = [
        make_doc(
            "a",
            [
                convoy(personnel_count=None, vehicle_count=5),
                meeting(tribes=["  shaitat ", "Ougaidat"], location="deir  EZ-zor"),
            ],
        )
    ]
    data = score(pred, gold, codebook)
    fields = data["per_field"]
    assert (fields["personnel_count"]["missing"], fields["personnel_count"]["accuracy"]) == (1, 0.0)
    assert (fields["vehicle_count"]["spurious"], fields["vehicle_count"]["accuracy"]) == (1, 0.0)
    assert fields["location"]["accuracy"] == 1.0  # case and whitespace folded
    tribes = fields["tribes"]
    assert tribes["accuracy"] == 0.0
    # Items: {shaitat, ougaidat} against {shaitat, bakir}: tp 1 of 2 predicted, 2 gold.
    assert tribes["items"]["precision"] == 0.5 and tribes["items"]["recall"] == 0.5


def test_date_is_right_only_with_its_precision(codebook):
    gold = [make_doc("a", [convoy()])]
    pred = [make_doc("a", [convoy(precision=2)])]
    data = score(pred, gold, codebook)
    assert data["events"]["strict"]["tp"] == 0 and data["events"]["relaxed"]["tp"] == 1
    assert data["per_field"]["event_date"]["accuracy"] == 0.0


def test_no_evidence_overlap_and_nothing_shared_never_matches(codebook):
    gold = [make_doc("a", [make_event("troop_movement", SENTENCES[0])])]
    pred = [make_doc("a", [make_event("troop_movement", SENTENCES[4])])]
    data = score(pred, gold, codebook)
    # Both lack a place and a date, so they agree on both, but share nothing to pair them on.
    assert data["events"]["matched"] == 0 and data["events"]["strict"]["tp"] == 0


# --- one mistake at a time: each moves exactly the figures it should --------------------------------


def headline(data) -> dict:
    return {
        "strict": (data["events"]["strict"]["precision"], data["events"]["strict"]["recall"]),
        "relaxed": (data["events"]["relaxed"]["precision"], data["events"]["relaxed"]["recall"]),
        "spans_exact": (data["spans"]["exact"]["precision"], data["spans"]["exact"]["recall"]),
        "spans_overlap": (data["spans"]["overlap"]["precision"], data["spans"]["overlap"]["recall"]),
        "documents": (data["documents"]["type_precision"], data["documents"]["type_recall"]),
        "dates": data["per_field"]["event_date"]["accuracy"],
        "locations": data["per_field"]["location"]["accuracy"],
    }


PERFECT = {
    "strict": (1.0, 1.0),
    "relaxed": (1.0, 1.0),
    "spans_exact": (1.0, 1.0),
    "spans_overlap": (1.0, 1.0),
    "documents": (1.0, 1.0),
    "dates": 1.0,
    "locations": 1.0,
}


def test_a_missing_event_lowers_recall_only(codebook):
    gold = gold_set()
    pred = copied(gold)
    del pred[0].events[2]  # the second convoy of "a"
    figures = headline(score(pred, gold, codebook))
    # 5 of 6 gold events found, all 5 predictions right; its span (s4, a movement) is missing;
    # "a" still has a movement, so document types are untouched.
    assert figures == {
        **PERFECT,
        "strict": (1.0, pytest.approx(5 / 6)),
        "relaxed": (1.0, pytest.approx(5 / 6)),
        "spans_exact": (1.0, pytest.approx(5 / 6)),
        "spans_overlap": (1.0, pytest.approx(5 / 6)),
    }


def test_an_invented_event_lowers_precision_only(codebook):
    gold = gold_set()
    pred = copied(gold)
    pred[2].events.append(office())  # "c" has no gold events
    data = score(pred, gold, codebook)
    figures = headline(data)
    # 6 of 7 predictions right, every gold event found; one spurious span; "c" gains a false type:
    # gold has 5 (document, type) pairs (a: 2, b: 3), predictions 6, so type precision is 5/6.
    assert figures == {
        **PERFECT,
        "strict": (pytest.approx(6 / 7), 1.0),
        "relaxed": (pytest.approx(6 / 7), 1.0),
        "spans_exact": (pytest.approx(6 / 7), 1.0),
        "spans_overlap": (pytest.approx(6 / 7), 1.0),
        "documents": (pytest.approx(5 / 6), 1.0),
    }
    assert data["documents"]["false_events"] == {"documents": 1, "events": 1, "document_ids": ["c"]}


def test_a_wrong_date_costs_strict_and_the_date_field_only(codebook):
    gold = gold_set()
    pred = copied(gold)
    pred[1].events[0].fields["event_date"].value = "2021-03-10"  # the fuel shipment, three days late
    figures = headline(score(pred, gold, codebook))
    assert figures == {**PERFECT, "strict": (pytest.approx(5 / 6), pytest.approx(5 / 6)), "dates": pytest.approx(5 / 6)}


def test_a_shifted_span_costs_exact_spans_only(codebook):
    gold = gold_set()
    pred = copied(gold)
    event = pred[1].events[1]  # the tribal meeting
    old = event.evidence[0]
    event.evidence = [Span.of(TEXT, old.start + 4, old.end + 4)]
    data = score(pred, gold, codebook)
    assert headline(data) == {**PERFECT, "spans_exact": (pytest.approx(5 / 6), pytest.approx(5 / 6))}
    assert (data["spans"]["correct"], data["spans"]["partial"]) == (5, 1)


def test_documents_without_a_prediction_count_as_empty(codebook):
    gold = gold_set()
    pred = copied(gold)[1:]  # nothing for "a"
    report = score_documents(pred, gold, codebook, bootstrap_samples=50)
    assert report.data["documents"]["missing_predictions"] == 1
    assert report.data["documents"]["missing_prediction_ids"] == ["a"]
    assert report.data["events"]["relaxed"]["recall"] == pytest.approx(3 / 6)
    assert any("no prediction" in note and "a" in note for note in report.notes)


def test_split_restricts_to_gold_documents_of_that_split(codebook):
    gold = [make_doc("a", [convoy()], split="dev"), make_doc("b", [fuel()], split="test")]
    pred = [make_doc("a", [convoy()]), make_doc("b", [])]
    data = score(pred, gold, codebook, split="dev")
    assert data["documents"]["scored"] == 1 and data["documents"]["outside_split"] == 1
    assert data["events"]["relaxed"]["f1"] == 1.0
    assert score(pred, gold, codebook, split="test")["events"]["relaxed"]["recall"] == 0.0


def test_bootstrap_intervals_are_seeded_and_bracket_the_estimate(codebook):
    pred, gold = hand_case()
    gold += [make_doc("b", [fuel(), meeting()]), make_doc("c", [convoy()])]
    pred += [make_doc("b", [fuel()]), make_doc("c", [convoy(), office()])]
    first = score(pred, gold, codebook, bootstrap_samples=300, seed=3)
    second = score(pred, gold, codebook, bootstrap_samples=300, seed=3)
    low, high = first["events"]["relaxed"]["f1_ci"]
    assert first["events"]["relaxed"]["f1_ci"] == second["events"]["relaxed"]["f1_ci"]
    assert low <= first["events"]["relaxed"]["f1"] <= high and low < high


# --- agreement ---------------------------------------------------------------------------------------


def test_cohen_kappa_by_hand():
    # Observed 3/4; A says yes 1/2, B 1/4: chance = 1/2*1/4 + 1/2*3/4 = 1/2; kappa = (3/4 - 1/2) / (1 - 1/2).
    assert cohen_kappa([1, 1, 0, 0], [1, 0, 0, 0]) == pytest.approx(0.5)
    assert cohen_kappa([1, 1], [1, 1]) is None  # no variation: undefined


def test_krippendorff_alpha_matches_krippendorffs_worked_examples():
    # Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", examples A and B.
    binary_a, binary_b = "0100000010", "1110010000"
    assert krippendorff_alpha_nominal(list(zip(binary_a, binary_b))) == pytest.approx(0.095, abs=5e-4)
    nominal_a, nominal_b = "aabbdcccedda", "babbbccceddd"
    assert krippendorff_alpha_nominal(list(zip(nominal_a, nominal_b))) == pytest.approx(0.692, abs=5e-4)
    assert krippendorff_alpha_nominal([("x",)]) is None


def test_agreement_of_a_coding_with_itself_and_with_another(codebook):
    gold = gold_set()
    same = agreement(copied(gold), gold, codebook).data
    assert same["events"]["relaxed"]["f1"] == 1.0 and same["kappa"]["types"] == 1.0
    assert same["alpha"]["location"]["alpha"] == 1.0
    other = copied(gold)
    other[0].events[0].fields["location"].value = "Al Qaim"
    del other[1].events[1]
    data = agreement(other, gold, codebook).data
    assert data["events"]["relaxed"]["recall"] == pytest.approx(5 / 6)
    # Five matched events; locations agree on four.
    assert (data["alpha"]["location"]["units"], data["alpha"]["location"]["agreed"]) == (5, 4)
    assert data["alpha"]["location"]["alpha"] < 1.0
    assert data["kappa"]["per_type"]["tribal_outreach"] == 0.0
