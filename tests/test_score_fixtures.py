"""Small hand-made coded documents for the scorer tests (no tests here, only builders)."""

from __future__ import annotations

import copy
from typing import Any

from coder.models import CodedDocument, Document, Event, FieldValue, Span

SENTENCES = [
    "On March 3 a convoy of Kataib Hezbollah fighters arrived in Albukamal from Iraq.",
    "The Fatemiyoun Brigade opened a recruitment office in Al Mayadin on March 5.",
    "Smugglers linked to the militias moved fuel trucks through Al Qaim on March 7.",
    "IRGC envoys met elders of the Shaitat tribe in Deir ez-Zor on March 9.",
    "A second convoy of Kataib Hezbollah reached Al Mayadin on March 11.",
    "Residents said the market was quiet.",
]
TEXT = " ".join(SENTENCES)


def quote_span(text: str, quote: str, shift: int = 0) -> Span:
    start = text.index(quote) + shift
    return Span.of(text, start, start + len(quote))


def make_event(
    type_id: str,
    quote: str,
    *,
    text: str = TEXT,
    date: str | None = None,
    precision: int | None = None,
    location: str | None = None,
    actor: str | None = None,
    shift: int = 0,
    **extra: Any,
) -> Event:
    fields: dict[str, FieldValue] = {}
    if date is not None:
        fields["event_date"] = FieldValue(value=date)
        fields["time_precision"] = FieldValue(value=precision or 1, alignment="derived")
    if location is not None:
        fields["location"] = FieldValue(value=location)
    if actor is not None:
        fields["actor1"] = FieldValue(value=actor)
    for name, value in extra.items():
        fields[name] = FieldValue(value=value)
    return Event(type=type_id, fields=fields, evidence=[quote_span(text, quote, shift)])


def make_doc(
    doc_id: str, events: list[Event], *, text: str = TEXT, split: str | None = None, title: str | None = None
) -> CodedDocument:
    return CodedDocument(document=Document(id=doc_id, text=text, split=split, title=title), events=events)


def convoy(**changes: Any) -> Event:
    values = dict(date="2021-03-03", location="Al Bukamal", actor="Kataib Hezbollah", personnel_count=40)
    values.update(changes)
    return make_event("troop_movement", SENTENCES[0], **values)


def office(**changes: Any) -> Event:
    values = dict(date="2021-03-05", location="Al Mayadin", actor="Fatemiyoun Brigade", activity="office_opened")
    values.update(changes)
    return make_event("recruitment", SENTENCES[1], **values)


def fuel(**changes: Any) -> Event:
    values = dict(date="2021-03-07", location="Al Qaim", goods=["fuel"])
    values.update(changes)
    return make_event("smuggling", SENTENCES[2], **values)


def meeting(**changes: Any) -> Event:
    values = dict(date="2021-03-09", location="Deir ez-Zor", actor="IRGC", tribes=["Shaitat"])
    values.update(changes)
    return make_event("tribal_outreach", SENTENCES[3], **values)


def second_convoy(**changes: Any) -> Event:
    values = dict(date="2021-03-11", location="Al Mayadin", actor="Kataib Hezbollah")
    values.update(changes)
    return make_event("troop_movement", SENTENCES[4], **values)


def gold_set() -> list[CodedDocument]:
    """Three documents, six events, one document without events."""
    return [
        make_doc("a", [convoy(), office(), second_convoy()]),
        make_doc("b", [fuel(), meeting(), convoy()]),
        make_doc("c", []),
    ]


def copied(docs: list[CodedDocument]) -> list[CodedDocument]:
    return [copy.deepcopy(doc) for doc in docs]


def write_jsonl(path, docs: list[CodedDocument]) -> None:
    from coder.io import dump_record

    path.write_text("".join(dump_record(doc) + "\n" for doc in docs), encoding="utf-8")
