"""Codebook files a hand can break: each mistake is one problem, on the line that holds it (issue 17)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coder.codebook.loader import CodebookError, load_codebook

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def codebook(tmp_path: Path) -> Path:
    return Path(shutil.copytree(ROOT / "codebook", tmp_path / "codebook"))


def problems(root: Path) -> list[str]:
    with pytest.raises(CodebookError) as caught:
        load_codebook(root)
    return [str(p) for p in caught.value.problems]


def test_empty_files_are_problems_never_skipped(codebook: Path):
    (codebook / "actors.yaml").write_text("")
    (codebook / "event_types" / "new.yaml").write_text("# to do\n")
    found = problems(codebook)
    assert len(found) == 2
    assert any(p.startswith(f"{codebook / 'actors.yaml'}:1:1: the file is empty") for p in found)
    assert any(p.startswith(f"{codebook / 'event_types' / 'new.yaml'}:1:1: the file is empty") for p in found)


def test_deep_and_exploding_yaml_is_refused_without_recursion(codebook: Path):
    (codebook / "actors.yaml").write_text("actors:\n  - " + "[" * 10_000 + "]" * 10_000 + "\n")
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(9)
    )
    (codebook / "places.yaml").write_text(laughs + "places: *j\n")
    found = problems(codebook)
    assert len(found) == 2
    assert "nested too deeply" in found[0] and "too large" in found[1]


def test_a_syntax_error_is_reported_where_it_is(codebook: Path):
    path = codebook / "codebook.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.strip() == "type: date")
    lines[at] = lines[at].replace("type: date", "type date")  # a missing ':'; PyYAML fails on the next line
    path.write_text("".join(lines), encoding="utf-8")
    [found] = problems(codebook)
    assert found.startswith(f"{path}:{at + 1}:5: YAML syntax error") and "missing ':'" in found


def test_one_mistake_in_codebook_yaml_is_one_problem(codebook: Path):
    path = codebook / "codebook.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("    type: date\n", "    type: dat\n", 1), encoding="utf-8"
    )
    [found] = problems(codebook)  # no "uses field 'event_date' which is not defined" for every type
    assert "shared_fields.event_date.type" in found


def test_a_route_tie_names_known_countries_and_the_types_own_goods(codebook: Path):
    path = codebook / "event_types" / "smuggling.yaml"
    tie = "{from: Syria, to: Lebanon, goods: [weapons, ammunition]}"
    assert tie in path.read_text()
    path.write_text(path.read_text().replace(tie, "{from: Syira, to: Lebanon, goods: [weapons, tanks]}"))
    found = problems(codebook)
    assert len(found) == 2
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "Syira" in row)
    country, goods = sorted(found, key=lambda p: ".goods:" in p)
    assert country.startswith(f"{path}:{line}:") and "route_ties[1].from: 'Syira' is no place's country" in country
    assert "Syria" in country
    assert "route_ties[1].goods: 'tanks' is no value of this type's enum fields; expected one of:" in goods
    assert "weapons" in goods


def test_a_flag_is_done_by_an_actor_field_other_than_actor1(codebook: Path):
    path = codebook / "event_types" / "smuggling.yaml"
    assert "    done_by: actor2\n" in path.read_text()
    path.write_text(path.read_text().replace("    done_by: actor2\n", "    done_by: actor1\n"))
    (found,) = problems(codebook)
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "done_by: actor1" in row)
    assert found.startswith(f"{path}:{line}:")
    assert "fields.seized.done_by: 'actor1' is not an actor field other than actor1; expected one of: actor2" in found
