"""coder places | actors | unresolved (issue 14)."""

import json

from typer.testing import CliRunner

from coder.cli import app

runner = CliRunner()


def _lines(result):
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines() if line.strip()]


def test_places_answers_what_the_coder_does():
    [first, *_] = _lines(runner.invoke(app, ["places", "Tadmur", "--json", "-n", "3"]))
    assert first["name"] == "Palmyra" and first["acled_name"] == "Tadmor" and first["how"] == "alias"
    assert first["admin2"] == "Tadmur" and first["acled_admin1"] == "Homs" and first["acled_admin2"] == "Tadmor"


def test_places_lists_near_names_for_an_unknown_spelling():
    rows = _lines(runner.invoke(app, ["places", "Bagouz", "--json"]))
    assert rows and rows[0]["name"] == "Al-Baghuz"


def test_actors_keeps_named_groups_apart():
    [first, *rest] = _lines(runner.invoke(app, ["actors", "Kata'ib Hizballah", "--json", "-n", "3"]))
    assert first["name"] == "Kataib Hezbollah" and first["how"] == "alias" and first["side"] == "iran_backed"
    assert all(r["how"] == "near" for r in rest)


def test_unresolved_counts_and_contexts(tmp_path):
    (tmp_path / "a.txt").write_text(
        "Fighters of Liwa al-Hamza arrived in the village of Abu Hardub, east of "
        "al-Mayadin.\nLater Liwa al-Hamza left for Hatla.",
        encoding="utf-8",
    )
    (tmp_path / "b.txt").write_text("Liwa al-Hamza recruited in the town of Abu Hardub.", encoding="utf-8")
    rows = _lines(runner.invoke(app, ["unresolved", str(tmp_path), "--json"]))
    by_name = {(r["kind"], r["name"]): r for r in rows}
    assert by_name[("actor", "Liwa al-Hamza")]["count"] == 3 and by_name[("actor", "Liwa al-Hamza")]["documents"] == 2
    assert by_name[("place", "Abu Hardub")]["count"] == 2
    assert "a: " in by_name[("place", "Abu Hardub")]["contexts"][0]
    assert ("place", "Hatla") not in by_name and ("place", "al-Mayadin") not in by_name
    only = _lines(runner.invoke(app, ["unresolved", str(tmp_path), "--json", "--kind", "place"]))
    assert {r["kind"] for r in only} == {"place"}


def test_unresolved_reads_coded_jsonl(tmp_path):
    record = {
        "format": 1,
        "document": {"id": "d1", "text": "They met in the village of Abu Hardub near Hatla."},
        "events": [],
        "coder": {"name": "rules", "version": "0", "codebook_version": "0"},
        "status": "ok",
    }
    path = tmp_path / "coded.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    rows = _lines(runner.invoke(app, ["unresolved", str(path), "--json"]))
    assert [(r["kind"], r["name"]) for r in rows] == [("place", "Abu Hardub")]


def test_unresolved_missing_path(tmp_path):
    result = runner.invoke(app, ["unresolved", str(tmp_path / "nope")])
    assert result.exit_code == 1


def test_unresolved_reads_a_batch_store(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.txt").write_text(
        "Fighters of Liwa al-Hamza arrived in the village of Abu Hardub, east of al-Mayadin.", encoding="utf-8"
    )
    db = tmp_path / "run.sqlite"
    coded = runner.invoke(app, ["batch", str(archive), "--db", str(db), "--concurrency", "1"])
    assert coded.exit_code == 0, coded.output
    rows = _lines(runner.invoke(app, ["unresolved", str(db), "--json"]))
    assert {(r["kind"], r["name"]) for r in rows} == {("actor", "Liwa al-Hamza"), ("place", "Abu Hardub")}


def test_places_answers_the_same_twice_in_one_process():
    first = _lines(runner.invoke(app, ["places", "Albukamal", "--json"]))
    again = _lines(runner.invoke(app, ["places", "Albukamal", "--json"]))
    assert first == again and [r["name"] for r in first].count("Al Bukamal") == 1
