"""The indexed consolidation (Consolidator.consolidate) keeps and merges exactly as the plain
search it replaces: each event joins the first kept event it belongs with (belong_together)."""

import copy
import random
from pathlib import Path

import pytest

from coder.codebook import load_codebook
from coder.models import Event, FieldValue, Span
from coder.rules.assemble import Consolidator

CODEBOOK = Path(__file__).resolve().parents[1] / "codebook"
TEXT = "x" * 2000


@pytest.fixture(scope="module")
def codebook():
    return load_codebook(CODEBOOK)


def _plain(consolidator: Consolidator, events: list[Event]) -> list[Event]:
    kept: list[Event] = []
    for event in events:
        home = next((k for k in kept if consolidator.belong_together(k, event)), None)
        if home is None:
            kept.append(event)
        else:
            consolidator.merge(home, event)
    return kept


def _events(codebook, rng: random.Random, n: int) -> list[Event]:
    # Few values of each kind, so that many pairs meet: catch-alls and patrons among the actors,
    # countries, governorates, towns and sites among the places, names no codebook knows, none.
    actors = [a.name for a in codebook.actors]
    actors = rng.sample(actors, 6) + [a for a in actors if "unidentified" in a.lower()][:2] + ["IRGC", None]
    places = [p.name for p in codebook.places]
    places = rng.sample(places, 12) + ["Syria", "Iraq", "Deir ez-Zor", "Unknown Hamlet", None]
    dates = [(None, None), ("2021-03-01", 1), ("2021-03-02", 1), ("2021-03-03", 2), ("2021-03-15", 3)]
    types = ["troop_movement", "smuggling"]
    events = []
    for _ in range(n):
        fields = {}
        actor, place, (day, precision) = rng.choice(actors), rng.choice(places), rng.choice(dates)
        if actor is not None:
            fields["actor1"] = FieldValue.found(actor)
        if place is not None:
            fields["location"] = FieldValue.found(place)
            fields["geo_precision"] = FieldValue.found(rng.choice([1, 2, 3]))
        if day is not None:
            fields["event_date"] = FieldValue.found(day, [Span.found(TEXT, 0, 1)])
            fields["time_precision"] = FieldValue.found(precision)
        start = rng.randrange(0, 60) * 10  # shared sentences: places listed apart
        evidence = [Span.found(TEXT, start, start + 10)]
        events.append(Event.found(rng.choice(types), fields, 0.5, evidence, []))
    return events


@pytest.mark.parametrize("seed", range(12))
def test_indexed_consolidation_equals_the_plain_search(codebook, seed):
    consolidator = Consolidator(codebook)
    events = _events(codebook, random.Random(seed), 300)
    fast = consolidator.consolidate(copy.deepcopy(events))
    plain = _plain(consolidator, copy.deepcopy(events))
    assert [e.model_dump() for e in fast] == [e.model_dump() for e in plain]
    assert len(fast) < len(events)  # the events did meet
