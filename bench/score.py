"""Time `coder.score.score_documents` on a synthetic archive: 100,000 events over 10,000 documents.

    python bench/score.py [--documents 10000] [--events-per-document 10] [--seed 7] [--cores 1]

Gold is generated with a seeded random generator; predictions are gold with
the usual mistakes (dropped and invented events, wrong dates and places,
shifted spans, wrong field values). Only the scoring is timed (input already
parsed), on one core by default; the target is under 5 seconds.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coder.codebook import load_codebook  # noqa: E402
from coder.models import Alignment, CodedDocument, Document, Event, FieldValue, Span  # noqa: E402
from coder.score import score_documents  # noqa: E402

SENTENCE = 120  # characters per synthetic sentence


def _span(text: str, start: int, end: int) -> Span:
    # Built without validation: generating 200,000 events must not dwarf the timing it sets up.
    return Span.model_construct(start=start, end=end, text=text[start:end])


def _value(text: str, value, start: int | None = None, length: int = 0) -> FieldValue:
    spans = [_span(text, start, start + length)] if start is not None else []
    return FieldValue.model_construct(
        value=value, spans=spans, alignment=Alignment.exact if spans else Alignment.derived, quote=None, detail=None
    )


def _event(rng: random.Random, text: str, sentence: int, type_id: str, places: list[str], actors: list[str]) -> Event:
    base = sentence * SENTENCE
    day = date(2021, 1, 1) + timedelta(days=rng.randrange(365))
    fields = {
        "event_date": _value(text, day.isoformat(), base + 2, 10),
        "time_precision": _value(text, rng.choice([1, 1, 1, 2, 3])),
        "actor1": _value(text, rng.choice(actors), base + 20, 15),
        "location": _value(text, rng.choice(places), base + 40, 12),
        "country": _value(text, "Syria"),
        "admin1": _value(text, "Deir ez-Zor"),
        "fatalities": _value(text, 0),
        "vehicle_count"
        if type_id in ("troop_movement", "smuggling")
        else "recruits_count"
        if type_id == "recruitment"
        else "venue": _value(text, rng.randrange(1, 40) if type_id != "tribal_outreach" else "tent", base + 60, 8),
    }
    if type_id == "smuggling":
        fields["goods"] = _value(text, rng.sample(["weapons", "fuel", "drugs", "cash"], 2), base + 80, 10)
    return Event.model_construct(
        type=type_id, fields=fields, confidence=0.8, incident=None, evidence=[_span(text, base, base + SENTENCE - 2)]
    )


def _mistaken(rng: random.Random, event: Event, text: str, places: list[str]) -> Event:
    roll = rng.random()
    if roll >= 0.35:
        return event.model_copy()
    fields = dict(event.fields)
    evidence = event.evidence
    if roll < 0.1:
        day = date.fromisoformat(fields["event_date"].value) + timedelta(days=rng.randrange(1, 10))
        fields["event_date"] = fields["event_date"].model_copy(update={"value": day.isoformat()})
    elif roll < 0.2:
        fields["location"] = fields["location"].model_copy(update={"value": rng.choice(places)})
    elif roll < 0.3:
        evidence = [_span(text, evidence[0].start + 5, evidence[0].end)]
    else:
        fields.pop("fatalities")
    return event.model_copy(update={"fields": fields, "evidence": evidence})


def synthetic(documents: int, per_document: int, seed: int, type_ids: list[str]) -> tuple[list, list]:
    rng = random.Random(seed)
    places = [f"Town {n}" for n in range(60)]
    actors = [f"Brigade {n}" for n in range(25)]
    gold, predictions = [], []
    for number in range(documents):
        sentences = per_document + 4
        text = "".join(f"{number:06d}-{s:04d} " + "x" * (SENTENCE - 13) + ". " for s in range(sentences))
        document = Document(id=f"doc{number:06d}", text=text)
        chosen = rng.sample(range(sentences), per_document + 2)
        events = [_event(rng, text, s, rng.choice(type_ids), places, actors) for s in chosen[:per_document]]
        predicted = [_mistaken(rng, e, text, places) for e in events if rng.random() > 0.1]
        predicted += [
            _event(rng, text, s, rng.choice(type_ids), places, actors)
            for s in chosen[per_document:]
            if rng.random() < 0.5
        ]
        gold.append(CodedDocument(document=document, events=events))
        predictions.append(CodedDocument(document=document, events=predicted))
    return predictions, gold


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--events-per-document", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--cores", type=int, default=1, help="CPU cores the process may use (Linux).")
    args = parser.parse_args()
    if args.cores and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(sorted(os.sched_getaffinity(0))[: args.cores]))
    codebook = load_codebook(Path(__file__).resolve().parents[1] / "codebook")
    started = time.perf_counter()
    predictions, gold = synthetic(args.documents, args.events_per_document, args.seed, codebook.type_ids)
    generated = time.perf_counter() - started
    gold_events = sum(len(d.events) for d in gold)
    predicted_events = sum(len(d.events) for d in predictions)
    print(
        f"generated {len(gold)} documents, {gold_events} gold and {predicted_events} predicted events "
        f"in {generated:.1f} s"
    )
    started = time.perf_counter()
    report = score_documents(predictions, gold, codebook)
    elapsed = time.perf_counter() - started
    events = report.data["events"]
    print(
        f"relaxed F1 {events['relaxed']['f1']:.3f}, strict F1 {events['strict']['f1']:.3f}, "
        f"spans overlap F1 {report.data['spans']['overlap']['f1']:.3f}"
    )
    verdict = "ok" if elapsed < 5 else "SLOW (target: under 5 s)"
    print(f"scored in {elapsed:.2f} s on {args.cores} core(s): {verdict}")


if __name__ == "__main__":
    main()
