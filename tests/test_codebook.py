"""The codebook loads, and every kind of mistake is reported with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.codebook import CodebookError, load_codebook

runner = CliRunner()


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


def _problems(path: Path) -> list[str]:
    with pytest.raises(CodebookError) as info:
        load_codebook(path)
    return [str(p) for p in info.value.problems]


def test_bundled_codebook_has_the_four_types_and_their_fields(codebook):
    assert set(codebook.type_ids) == {"troop_movement", "recruitment", "smuggling", "tribal_outreach"}
    assert {"origin", "destination", "personnel_count", "vehicle_count", "equipment", "crossing"} <= set(
        codebook.event_type("troop_movement").fields
    )
    assert {
        "recruits_count",
        "recruit_profile",
        "salary_amount",
        "salary_currency",
        "salary_period",
        "recruiter",
        "training_site",
    } <= set(codebook.event_type("recruitment").fields)
    assert "children" in codebook.event_type("recruitment").fields["recruit_profile"].values
    goods = codebook.event_type("smuggling").fields["goods"]
    assert goods.type == "list" and goods.values == ["weapons", "ammunition", "fuel", "drugs", "cash", "other"]
    assert {"tribes", "leaders", "purpose", "form"} <= set(codebook.event_type("tribal_outreach").fields)
    for et in codebook.event_types:
        assert et.acled.event_type == "Strategic developments"
        assert et.examples and et.triggers and et.include and et.exclude
    for name in (
        "event_date",
        "time_precision",
        "actor1",
        "assoc_actor_1",
        "inter1",
        "actor2",
        "assoc_actor_2",
        "inter2",
        "country",
        "admin1",
        "admin2",
        "location",
        "latitude",
        "longitude",
        "geo_precision",
        "fatalities",
        "notes",
        "source",
        "source_scale",
    ):
        assert name in codebook.shared_fields


def test_actor_and_place_dictionaries_cover_the_domain_variants(codebook):
    aliases = {a.name: {x.lower() for x in [a.name, *a.aliases]} for a in codebook.actors}
    assert {"liwa fatemiyoun", "fatimiyoun", "liwa fatimiyoun"} <= aliases["Fatemiyoun Brigade"]
    variants = {p.name: {x.lower() for x in [p.name, *p.variants]} for p in codebook.places}
    assert {"al-bukamal", "al-bokamal", "albukamal", "albu kamal", "abu kamal"} <= variants["Al Bukamal"]
    assert {"mayadeen", "al-mayadin", "al mayadin"} <= {v.lower() for v in variants["Al Mayadin"]}


def test_cli_check_passes_on_bundled_codebook():
    result = runner.invoke(app, ["codebook", "check"])
    assert result.exit_code == 0, result.output
    assert "ok" in result.output


def test_wrong_field_type_names_file_and_line(codebook_copy):
    path = codebook_copy / "event_types" / "smuggling.yaml"
    _edit(path, "  vehicle_count:\n    type: integer", "  vehicle_count:\n    type: integr")
    problems = _problems(codebook_copy)
    line = _line_of(path, "type: integr")
    assert any(
        f"smuggling.yaml:{line}:" in p and "fields.vehicle_count.type" in p and "'integr'" in p for p in problems
    ), problems


def test_unknown_key_is_reported_with_the_allowed_keys(codebook_copy):
    path = codebook_copy / "event_types" / "recruitment.yaml"
    _edit(path, "label: Recruitment", "label: Recruitment\nlabell: typo")
    problems = _problems(codebook_copy)
    assert any(
        f"recruitment.yaml:{_line_of(path, 'labell')}:" in p and "unknown key 'labell'" in p and "definition" in p
        for p in problems
    ), problems


def test_duplicate_actor_alias_is_reported(codebook_copy):
    path = codebook_copy / "actors.yaml"
    _edit(path, "aliases: [Liwa Zainabiyoun,", "aliases: [Fatimiyoun, Liwa Zainabiyoun,")
    problems = _problems(codebook_copy)
    assert any("actors.yaml:" in p and "'Fatimiyoun'" in p and "Fatemiyoun Brigade" in p for p in problems), problems


def test_duplicate_place_variant_is_reported(codebook_copy):
    path = codebook_copy / "places.yaml"
    _edit(path, "variants: [Tadmur, Tadmor]", "variants: [Tadmur, Tadmor, Albukamal]")
    problems = _problems(codebook_copy)
    assert any(f"places.yaml:{_line_of(path, 'Tadmor, Albukamal')}:" in p and "Albukamal" in p for p in problems), (
        problems
    )


def test_enum_default_outside_values(codebook_copy):
    path = codebook_copy / "event_types" / "smuggling.yaml"
    _edit(
        path,
        "  seized:\n    type: boolean",
        "  route:\n    type: enum\n    values: [road, river]\n    default: air\n"
        "    description: how\n  seized:\n    type: boolean",
    )
    problems = _problems(codebook_copy)
    assert any("fields.route" in p and "'air'" in p for p in problems), problems


def test_apart_value_outside_values_names_field_and_value(codebook_copy):
    path = codebook_copy / "event_types" / "troop_movement.yaml"
    _edit(path, "apart: {withdrawal: [arrival,", "apart: {withdrawal: [landing,")
    problems = _problems(codebook_copy)
    assert any("movement_kind" in p and "'landing'" in p for p in problems), problems


def test_template_using_undefined_field(codebook_copy):
    path = codebook_copy / "event_types" / "troop_movement.yaml"
    _edit(path, "(from {origin})", "(from {origin_town})")
    problems = _problems(codebook_copy)
    assert any("troop_movement.yaml:" in p and "'origin_town'" in p for p in problems), problems


def test_duplicate_yaml_key_and_syntax_error(codebook_copy):
    path = codebook_copy / "event_types" / "tribal_outreach.yaml"
    _edit(path, "colour: green", "colour: green\ncolour: red")
    assert any(
        "duplicate key 'colour'" in p and f":{_line_of(path, 'colour: red')}:" in p for p in _problems(codebook_copy)
    )
    _edit(path, "colour: red", "colour: [red")
    assert any("tribal_outreach.yaml:" in p and "YAML syntax error" in p for p in _problems(codebook_copy))


def test_duplicate_event_type_id(codebook_copy):
    source = codebook_copy / "event_types" / "smuggling.yaml"
    (codebook_copy / "event_types" / "smuggling_copy.yaml").write_text(
        source.read_text(encoding="utf-8"), encoding="utf-8"
    )
    problems = _problems(codebook_copy)
    assert any("duplicate event type id 'smuggling'" in p for p in problems), problems


def test_cli_fails_with_exit_1_and_no_traceback(codebook_copy):
    path = codebook_copy / "actors.yaml"
    _edit(
        path,
        "inter: 8\n    affiliation: IRGC\n    side: iran_backed\n    description: Military",
        "inter: nine\n    affiliation: IRGC\n    side: iran_backed\n    description: Military",
    )
    result = runner.invoke(app, ["codebook", "check", str(codebook_copy)])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"actors.yaml:{_line_of(path, 'inter: nine')}:" in result.output


def test_unsafe_yaml_is_refused(codebook_copy):
    path = codebook_copy / "codebook.yaml"
    text = path.read_text(encoding="utf-8")
    version_line = next(line for line in text.splitlines() if line.startswith("version:"))
    _edit(path, version_line, 'version: !!python/object/apply:os.system ["echo hi"]')
    assert any("codebook.yaml:" in p for p in _problems(codebook_copy))
