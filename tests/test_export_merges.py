"""Issue 16: merges an analyst can trust (positive evidence only, proposed not applied, near-linear)
and ACLED ids that never move between exports."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from coder.cli import app
from coder.export import dedup, merge_events, propose_merges, write_acled_csv
from coder.io import load_coded
from coder.models import CodedDocument, Document, Event, FieldValue, Span
from coder.store import Store, document_hash

from .conftest import ROOT

runner = CliRunner()
CB = ["--codebook", str(ROOT / "codebook")]


def _event(
    actor: str | None,
    place: str | None,
    day: date | None,
    *,
    admin1: str | None = "Deir ez-Zor",
    precision: int = 1,
    kind: str = "troop_movement",
    words: str = "moved",
) -> Event:
    values = {
        "actor1": actor,
        "location": place,
        "admin1": admin1,
        "country": "Syria",
        "geo_precision": 1,
        "time_precision": precision,
        "event_date": day.isoformat() if day else None,
    }
    return Event(
        type=kind,
        evidence=[Span(start=0, end=len(words), text=words)],
        fields={k: FieldValue(value=v, alignment="derived") for k, v in values.items() if v is not None},
    )


def _doc(doc_id: str, *events: Event, published: date | None = None, source: str | None = None) -> CodedDocument:
    text = " ".join(e.evidence[0].text for e in events) or "x"
    return CodedDocument(
        document=Document(id=doc_id, text=text, publication_date=published, source=source or f"outlet {doc_id}"),
        events=list(events),
    )


def test_undated_events_of_two_articles_are_never_merged():
    # The false merge: two undated IRGC movements of two articles, published the same week.
    irgc = "Islamic Revolutionary Guard Corps"
    h01 = _doc("h01", _event(irgc, "Palmyra", None, admin1="Homs"), published=date(2021, 5, 2))
    h06 = _doc("h06", _event(irgc, "Palmyra", None, admin1="Homs", words="airlifted"), published=date(2021, 5, 3))
    assert len(merge_events([h01, h06])) == 2
    assert propose_merges([h01, h06]) == []


def test_a_merge_needs_a_date_a_place_and_an_actor():
    d = date(2021, 3, 16)
    brigade = "Fatemiyoun Brigade"

    def n(*events):
        return len(merge_events([_doc(f"d{i}", e) for i, e in enumerate(events)]))

    assert n(_event(brigade, "Al Bukamal", d), _event(brigade, "Al Bukamal", d)) == 1
    assert n(_event(brigade, "Al Bukamal", d), _event(brigade, "Al Bukamal", None)) == 2
    assert n(_event(brigade, None, d, admin1=None), _event(brigade, None, d, admin1=None)) == 2
    assert n(_event(None, "Al Bukamal", d), _event(None, "Al Bukamal", d)) == 2
    # "In March" (precision 3) and a day of April are not one incident, however close.
    assert (
        n(
            _event(brigade, "Al Bukamal", date(2021, 3, 15), precision=3),
            _event(brigade, "Al Bukamal", date(2021, 4, 1)),
        )
        == 2
    )


def test_proposals_do_not_depend_on_the_order_of_the_documents():
    d = date(2021, 3, 16)
    docs = [
        _doc(f"d{i}", _event("Fatemiyoun Brigade", "Al Bukamal", d + timedelta(days=i % 2), words=f"w{i}"))
        for i in range(6)
    ]
    first = {p.proposal_id for p in propose_merges(docs)}
    again = {p.proposal_id for p in propose_merges(list(reversed(docs)))}
    assert first and first == again


def _ids(docs, codebook, **kw) -> dict[str, str]:
    out = io.StringIO()
    write_acled_csv(docs, codebook, out, timestamp=1, **kw)
    return {row["event_ids"]: row["event_id_cnty"] for row in csv.DictReader(io.StringIO(out.getvalue()))}


def test_acled_ids_never_move_between_exports(codebook):
    docs = [d for d in load_coded(ROOT / "golden") if d.document.id.startswith("00")]
    first = _ids(docs, codebook, accepted=[])
    # Events re-ordered within each document, documents re-ordered, a document added.
    shuffled = [d.model_copy(update={"events": list(reversed(d.events))}) for d in reversed(docs)]
    extra = next(d for d in load_coded(ROOT / "golden") if d.document.id.startswith("1"))
    again = _ids([extra, *shuffled], codebook, accepted=[])
    assert len(first) == sum(len(d.events) for d in docs)
    assert {k: again[k] for k in first} == first
    assert len(set(again.values())) == len(again)


def test_merge_cost_is_near_linear(monkeypatch):
    """Comparisons grow with the events, not with their square: blocks and the date window."""
    calls = {"n": 0}
    real = dedup.compatible

    def counting(a, b):
        calls["n"] += 1
        return real(a, b)

    monkeypatch.setattr(dedup, "compatible", counting)
    rng = random.Random(16)
    start = date(2020, 1, 1)

    def batch(n: int) -> list[CodedDocument]:
        return [
            _doc(
                f"d{i}",
                _event(
                    rng.choice(["A Brigade", "B Brigade", "C Brigade"]),
                    rng.choice(["Al Bukamal", "Palmyra", "Raqqa"]),
                    start + timedelta(days=rng.randrange(n // 2)),
                    admin1=rng.choice(["Deir ez-Zor", "Homs", "Ar-Raqqa"]),
                    words=f"w{i}",
                ),
            )
            for i in range(n)
        ]

    counts = []
    for n in (1000, 4000):
        calls["n"] = 0
        propose_merges(batch(n))
        counts.append(calls["n"])
    assert counts[1] < 6 * counts[0], counts  # quadratic would be 16x


def _store(path: Path, docs: list[CodedDocument]) -> Path:
    with Store(path) as store:
        run = store.get_run("test", None, None, "1")
        rows = [(i, document_hash(d.document), d.document.id, d.document, d.document.id) for i, d in enumerate(docs)]
        store.add_documents(run.id, rows)
        for (_, h, key, _, _), coded in zip(rows, docs):
            store.write_result(run.id, h, key, coded.model_dump(mode="json"))
    return path


def test_export_proposes_merges_and_applies_only_accepted_ones(tmp_path: Path):
    d = date(2021, 3, 16)
    docs = [
        _doc("a", _event("Fatemiyoun Brigade", "Al Bukamal", d)),
        _doc("b", _event("Fatemiyoun Brigade", "Al Bukamal", d + timedelta(days=1), words="arrived")),
        _doc("c", _event("Kataib Hezbollah", "Al Mayadin", d, words="went")),
        _doc("e", _event("Kataib Hezbollah", "Al Mayadin", d, words="drove")),
    ]
    db = _store(tmp_path / "run.sqlite", docs)
    out, merges = tmp_path / "a.csv", tmp_path / "merges.csv"
    args = ["export", "--db", str(db), "--format", "acled-csv", "--out", str(out), *CB]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 merge(s) proposed, none applied" in result.output
    assert len(list(csv.DictReader(out.open()))) == 4

    result = runner.invoke(app, [*args, "--merges", str(merges)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(merges.open()))
    assert [r["document_ids"] for r in rows] == ["a | b", "c | e"] and {r["decision"] for r in rows} == {""}
    rows[0]["decision"], rows[1]["decision"] = "accept", "refuse"
    with merges.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)

    result = runner.invoke(app, [*args, "--merges", str(merges), "--accept-merges", str(merges)])
    assert result.exit_code == 0, result.output
    assert "1 accepted merge(s) applied" in result.output
    exported = list(csv.DictReader(out.open()))
    assert sorted(r["document_ids"] for r in exported) == ["a; b", "c", "e"]
    # The decisions are carried over into the rewritten proposals file.
    assert [r["decision"] for r in csv.DictReader(merges.open())] == ["accept", "refuse"]

    bad = tmp_path / "bad.csv"
    bad.write_text(merges.read_text().replace("accept", "maybe"))
    result = runner.invoke(app, [*args, "--accept-merges", str(bad)])
    assert result.exit_code != 0 and "bad.csv:2" in result.output and "maybe" in result.output
