"""Exports: ACLED CSV through pandas with the right dtypes, dedup on the seed pairs, gold and JSONL."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.base import make_coder
from coder.cli import app
from coder.export import ACLED_COLUMNS, merge_events, pair_scores, read_acled_csv, write_acled_csv, write_gold
from coder.io import load_coded
from coder.models import CodedDocument, Document, Event, FieldValue

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"


def golden_without_incidents(dated: bool = True) -> tuple[list[CodedDocument], dict]:
    """The five seed documents: their two cross-outlet incidents are the cases these tests pin down.

    The seed articles give no dates, and undated events never merge across articles; dated
    (the default) gives every undated event one day, as if each article had said it."""
    docs = [d for d in load_coded(GOLDEN) if d.document.id.startswith("00")]
    truth = {(d, e): ev.incident for d, doc in enumerate(docs) for e, ev in enumerate(doc.events)}
    for doc in docs:
        for ev in doc.events:
            ev.incident = None
            if dated and ev.value("event_date") is None:
                ev.fields["event_date"] = FieldValue(value="2020-11-08", alignment="derived")
                ev.fields["time_precision"] = FieldValue(value=1, alignment="derived")
    return docs, truth


def test_dedup_finds_the_seed_pairs_and_nothing_else():
    docs, truth = golden_without_incidents()
    assert sum(1 for k in truth.values() if k) == 4  # two incidents, two reports each
    scores = pair_scores(merge_events(docs), truth)
    assert (scores["precision"], scores["recall"]) == (1.0, 1.0)


def test_undated_seed_pairs_are_not_merged():
    # As the articles stand (no dates at all) nothing says the two reports are of one day.
    docs, truth = golden_without_incidents(dated=False)
    scores = pair_scores(merge_events(docs), truth)
    assert scores["predicted_pairs"] == 0


def test_acled_csv_of_the_golden_set_round_trips_through_pandas(tmp_path: Path, codebook):
    pd = pytest.importorskip("pandas")
    docs, _ = golden_without_incidents()
    path = tmp_path / "acled.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        rows = write_acled_csv(docs, codebook, out, timestamp=1_700_000_000)
    n_events = sum(len(d.events) for d in docs)
    assert rows == n_events - 2  # the two cross-outlet incidents are one row each
    frame = read_acled_csv(path, codebook)
    assert list(frame.columns[: len(ACLED_COLUMNS)]) == ACLED_COLUMNS
    assert list(frame.columns[len(ACLED_COLUMNS) : len(ACLED_COLUMNS) + 1]) == ["codebook_event_type"]
    assert {"evidence", "document_ids", "personnel_count", "goods"} <= set(frame.columns)
    expected = {
        "year": "Int64",
        "time_precision": "Int64",
        "inter1": "Int64",
        "interaction": "Int64",
        "iso": "Int64",
        "geo_precision": "Int64",
        "fatalities": "Int64",
        "timestamp": "Int64",
        "latitude": "float64",
        "longitude": "float64",
        "personnel_count": "Int64",
    }
    assert {c: str(frame[c].dtype) for c in expected} == expected
    assert pd.api.types.is_datetime64_any_dtype(frame["event_date"])
    assert pd.api.types.is_string_dtype(frame["actor1"]) and pd.api.types.is_string_dtype(frame["notes"])
    assert frame["event_id_cnty"].is_unique and frame["event_id_cnty"].str.match(r"^[A-Z]{3}\d+$").all()
    assert set(frame["disorder_type"]) == {"Strategic developments"}
    merged = frame[frame["document_count"] == 2]
    assert len(merged) == 2
    assert set(merged["source"]) == {"Syrian Observatory for Human Rights; Al-Mashareq"}
    assert all("001_f52b13d2b83b53d2" in ids and "003_e3f393157d67226e" in ids for ids in merged["document_ids"])
    dated = frame[frame["event_date"].notna()].iloc[0]
    assert dated["year"] == dated["event_date"].year and dated["iso"] == 760
    # A plain read (no dtypes given) still parses the numeric columns as numbers.
    plain = pd.read_csv(path)
    assert pd.api.types.is_numeric_dtype(plain["latitude"]) and pd.api.types.is_numeric_dtype(plain["fatalities"])


def _event(
    actor: str, place: str, day: date | None, precision: int = 1, admin1: str = "Deir ez-Zor", geo: int = 1
) -> Event:
    fields = {
        "actor1": actor,
        "location": place,
        "admin1": admin1,
        "country": "Syria",
        "geo_precision": geo,
        "time_precision": precision,
    }
    if day:
        fields["event_date"] = day.isoformat()
    return Event(type="troop_movement", fields={k: FieldValue(value=v, alignment="derived") for k, v in fields.items()})


def _docs(*events: Event) -> list[CodedDocument]:
    return [
        CodedDocument(document=Document(id=f"d{i}", text="x", source=f"S{i}"), events=[e]) for i, e in enumerate(events)
    ]


def test_dedup_rules():
    brigade, vague = "Fatemiyoun Brigade", "Iran-backed militias (unidentified)"
    d = date(2021, 3, 16)

    def n_merged(*events):
        return len(merge_events(_docs(*events)))

    assert n_merged(_event(brigade, "Al Bukamal", d), _event(brigade, "Al Bukamal", date(2021, 3, 17))) == 1
    assert n_merged(_event(brigade, "Al Bukamal", d), _event(brigade, "Al Bukamal", date(2021, 3, 20))) == 2
    assert n_merged(_event(brigade, "Al Bukamal", d), _event(brigade, "Al Bukamal", date(2021, 3, 20), 2)) == 1
    assert n_merged(_event(brigade, "Al Bukamal", d), _event(brigade, "Al Mayadin", d)) == 2
    assert n_merged(_event(brigade, "Al Mayadin", d), _event(brigade, "Deir ez-Zor governorate", d, geo=3)) == 1
    assert n_merged(_event(brigade, "Al Bukamal", d), _event(vague, "Al Bukamal", d)) == 2
    assert n_merged(_event(vague, "Al Bukamal", None), _event(vague, "Al Bukamal", None)) == 2
    assert n_merged(_event(vague, "Al Bukamal", d), _event(vague, "Al Bukamal", d)) == 1
    # Complete linkage: a third report within a day of the second but not of the first starts its own event.
    assert (
        n_merged(
            _event(brigade, "Al Bukamal", d),
            _event(brigade, "Al Bukamal", date(2021, 3, 17)),
            _event(brigade, "Al Bukamal", date(2021, 3, 18)),
        )
        == 2
    )
    # Two events of one document are never merged with each other.
    one = CodedDocument(
        document=Document(id="x", text="x"), events=[_event(brigade, "Al Bukamal", d), _event(brigade, "Al Bukamal", d)]
    )
    assert len(merge_events([one])) == 2


def test_gold_export_marks_shared_incidents_and_never_writes_outside(tmp_path: Path):
    docs, truth = golden_without_incidents()
    docs[0].document.id = "../escape"
    out = tmp_path / "gold"
    assert write_gold(docs, out) == 5
    assert not (tmp_path / "escape.txt").exists() and (out / "escape.txt").exists()
    again = load_coded(out)
    keys = {(d, e): ev.incident for d, doc in enumerate(again) for e, ev in enumerate(doc.events)}
    pairs = [k for k in keys.values() if k]
    assert len(pairs) == 4 and len(set(pairs)) == 2
    assert sorted(doc.document.text for doc in again) == sorted(doc.document.text for doc in docs)


def test_cli_export_formats(tmp_path: Path):
    runner = CliRunner()
    db = tmp_path / "run.sqlite"
    # Five golden documents, copied: the golden directory grows (and has work in progress beside it).
    src = tmp_path / "five"
    src.mkdir()
    for json_file in sorted(GOLDEN.glob("*.json"))[:5]:
        for path in (json_file, json_file.with_suffix(".txt")):
            shutil.copy(path, src / path.name)
    assert runner.invoke(app, ["batch", str(src), "--db", str(db), "--concurrency", "1", "-q"]).exit_code == 0
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "jsonl"])
    assert result.exit_code == 0 and len(result.output.strip().splitlines()) == 5
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "acled-csv", "--out", str(tmp_path / "a.csv")])
    assert result.exit_code == 0 and (tmp_path / "a.csv").read_text().startswith(",".join(ACLED_COLUMNS[:5]))
    result = runner.invoke(app, ["export", "--db", str(db), "--format", "gold", "--out", str(tmp_path / "g")])
    assert result.exit_code == 0 and len(list((tmp_path / "g").glob("*.txt"))) == 5
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "gold"]).exit_code == 2
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "xml"]).exit_code == 2


def test_acled_names_rewrite_admin_areas_places_and_actors_in_acleds_spelling(tmp_path: Path, codebook):
    import csv
    import io

    text = "On Monday a convoy of Fatemiyoun fighters arrived in Palmyra from al-Mayadin, escorted by Kataib Hezbollah."
    coded = make_coder("rules", codebook).code(Document(id="tadmor", text=text, publication_date=date(2022, 5, 4)))
    assert coded.events, "the example must code an event"

    def rows(**options):
        out = io.StringIO()
        write_acled_csv([coded], codebook, out, timestamp=1_700_000_000, **options)
        return list(csv.DictReader(io.StringIO(out.getvalue())))

    ours, theirs = rows()[0], rows(acled_names=True)[0]
    assert (ours["location"], ours["admin1"]) == ("Palmyra", "Homs")
    assert theirs["location"] == "Tadmor"  # ACLED's name; Palmyra stays the codebook's
    assert theirs["admin2"] == "Tadmor"
    assert theirs["actor1"] == "Liwa Fatemiyoun" and ours["actor1"] == "Fatemiyoun Brigade"
    # Everything that is not a name is the same row.
    assert {k: v for k, v in ours.items() if k not in ("location", "admin1", "admin2", "actor1", "assoc_actor_1")} == {
        k: v for k, v in theirs.items() if k not in ("location", "admin1", "admin2", "actor1", "assoc_actor_1")
    }


def test_acled_names_are_refused_outside_the_csv(tmp_path: Path):
    result = CliRunner().invoke(
        app, ["export", "--db", str(tmp_path / "none.sqlite"), "--format", "jsonl", "--acled-names"]
    )
    assert result.exit_code == 2 and "--acled-names goes with --format acled-csv" in result.output
