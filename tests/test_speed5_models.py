"""The unvalidated constructors the rule coder uses give the same models as validation does."""

from coder.models import Alignment, ConfidenceReason, Diagnostic, Event, FieldValue, Span

TEXT = "A convoy of 40 trucks entered al-Bukamal on Monday."


def _same(fast, slow) -> None:
    assert fast == slow
    assert fast.model_dump(mode="json") == slow.model_dump(mode="json")
    assert list(fast.model_dump()) == list(slow.model_dump())  # dumped in the same key order
    assert fast.model_fields_set == slow.model_fields_set


def test_field_value_found_matches_validation():
    spans = [Span.found(TEXT, 2, 8)]
    _same(FieldValue.found("convoy", spans), FieldValue(value="convoy", spans=[Span.of(TEXT, 2, 8)]))
    _same(
        FieldValue.found("convoy", list(spans), detail=None),
        FieldValue(value="convoy", spans=[Span.of(TEXT, 2, 8)], detail=None),
    )
    _same(FieldValue.found(2, alignment=Alignment.derived), FieldValue(value=2, alignment=Alignment.derived))
    _same(
        FieldValue.found(35.1, [], Alignment.none, "fuzzy"),
        FieldValue(value=35.1, spans=[], alignment=Alignment.none, detail="fuzzy"),
    )


def test_event_reason_and_diagnostic_found_match_validation():
    fields = {"location": FieldValue.found("Albu Kamal", [Span.found(TEXT, 30, 40)])}
    reasons = [ConfidenceReason.found("trigger 'convoy'", 0.7)]
    fast = Event.found("troop_movement", dict(fields), 0.7, [Span.found(TEXT, 0, len(TEXT))], reasons)
    slow = Event(
        type="troop_movement",
        fields=dict(fields),
        confidence=0.7,
        evidence=[Span.of(TEXT, 0, len(TEXT))],
        confidence_reasons=[ConfidenceReason(reason="trigger 'convoy'", delta=0.7)],
    )
    _same(fast, slow)
    _same(Diagnostic.found("airstrike", Span.found(TEXT, 2, 8)), Diagnostic(kind="airstrike", span=Span.of(TEXT, 2, 8)))


def test_found_models_are_independent():
    # Each call makes its own containers: appending to one event's reasons leaves another's alone.
    a = Event.found("t", {}, 0.5, [], [])
    b = Event.found("t", {}, 0.5, [], [])
    a.confidence_reasons.append(ConfidenceReason.found("x", 0.1))
    a.fields["x"] = FieldValue.found(1)
    assert b.confidence_reasons == [] and b.fields == {}
    assert a.model_fields_set is not b.model_fields_set
