"""Issue 14: the GeoNames tier (coder.gazetteer.geonames) under the curated gazetteer."""

import pickle
import socket

import pytest

from coder.gazetteer import geonames
from coder.gazetteer.lookup import lookup_places


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the GeoNames tier must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The index built from the installed package's data, with sockets refused while it builds."""
    mp = pytest.MonkeyPatch()
    refuse = lambda *a, **k: (_ for _ in ()).throw(AssertionError("network"))  # noqa: E731
    mp.setattr(socket.socket, "connect", refuse)
    mp.setattr(socket, "create_connection", refuse)
    try:
        yield geonames.load_index(tmp_path_factory.mktemp("geonames"))
    finally:
        mp.undo()


def _city(gid, name, cc, admin1, lat, lon, population=0, alternates=()):
    return {
        "geonameid": gid,
        "name": name,
        "countrycode": cc,
        "admin1code": admin1,
        "latitude": lat,
        "longitude": lon,
        "population": population,
        "alternatenames": list(alternates),
    }


SMALL = {
    str(c["geonameid"]): c
    for c in [
        _city(1, "Ālbū Kamāl", "SY", "07", 34.45, 40.92, 57572, ["Abu Kamal", "Al-Bukamal", "البوكمال"]),
        _city(2, "Sinjār", "IQ", "15", 36.32, 41.88, 38294),
        _city(3, "Sinjār", "SY", "12", 35.59, 37.00, 0),
        _city(4, "Gaziantep", "TR", "83", 37.06, 37.38, 1_000_000),
        _city(5, "Ankara", "TR", "68", 39.92, 32.85, 4_000_000),  # not a border province
        _city(6, "Paris", "FR", "11", 48.85, 2.35, 2_000_000),  # not the theatre
    ]
}


def test_real_data_covers_the_theatre_with_acled_admin1(real):
    from collections import Counter

    per_country = Counter(row[2] for row in real.rows)
    assert per_country["Syria"] >= 300 and per_country["Iraq"] >= 150 and per_country["Lebanon"] >= 50
    assert per_country["Jordan"] >= 100 and 0 < per_country["Turkey"] < 1000  # the border provinces only
    assert {row[3] for row in real.rows if row[2] == "Turkey"} <= set(geonames.TURKISH_BORDER.values())
    [mayadin] = real.lookup("al-Mayadin")
    assert mayadin.country == "Syria" and mayadin.admin1 == "Deir ez Zor" and mayadin.population > 10_000


@pytest.mark.parametrize("written", ["Albu Kamal", "Abu Kamal", "Al Bukamal", "al-Bukamal", "Albukamal", "البوكمال"])
def test_spelling_variants_find_one_place(real, written):
    found = real.lookup(written)
    assert [c.geonames_id for c in found] == [174448], written
    assert found[0].how == "exact" and found[0].admin1 == "Deir ez Zor"


def test_diacritics_articles_and_a_misspelling(real):
    assert [c.name for c in real.lookup("Mayadin")] == [c.name for c in real.lookup("el-Mayādīn")]
    [khasham] = real.lookup("Khasham")  # GeoNames spells it Khushām: a near miss
    assert khasham.how == "fuzzy" and geonames.FUZZY_CUTOFF <= khasham.score < 100 and khasham.admin1 == "Deir ez Zor"
    assert real.lookup("Khasham", fuzzy=False) == []
    assert real.lookup("Qqqqqq Zzzzzz") == [] and real.lookup("--") == []


def test_admin2_from_the_nearest_curated_place(real, codebook):
    [hajin] = real.lookup("Hajin", codebook.places)
    assert hajin.admin2 == "Abu Kamal"  # ACLED's spelling, from the curated places around it
    assert real.lookup("Hajin")[0].admin2 is None  # no curated places given: none invented


def test_disambiguation_by_the_articles_other_places(real):
    sinjars = real.lookup("Sinjar")
    assert {c.country for c in sinjars} == {"Iraq", "Syria"}
    near_mosul, near_idlib = (36.34, 43.13), (35.93, 36.63)
    assert geonames.nearest(sinjars, [near_mosul]).country == "Iraq"
    assert geonames.nearest(sinjars, [near_idlib, (36.2, 37.15)]).country == "Syria"
    assert geonames.nearest(sinjars, []) is sinjars[0]  # nothing known: the most populous
    assert geonames.nearest([], [near_mosul]) is None


def test_resolve_picks_near_the_article_and_refuses_a_far_homonym(monkeypatch, real, codebook):
    monkeypatch.setattr(geonames, "_INDEX", real)
    hajin_area = [(34.69, 40.83)]  # an article about the Euphrates valley
    assert geonames.resolve("Sinjar", near=[(36.34, 43.13)]).country == "Iraq"
    assert geonames.resolve("Al-Khalidiyah", near=hajin_area) is not None  # only Jordan's: nearest of one
    assert geonames.resolve("Al-Khalidiyah", near=hajin_area, within_km=150) is None
    assert geonames.resolve("Hajin", codebook.places, near=hajin_area, within_km=150).admin2 == "Abu Kamal"
    assert geonames.resolve("Nowhere at all", near=hajin_area) is None


def test_small_index_keeps_the_theatre_only(tmp_path, no_network):
    index = geonames.load_index(tmp_path, cities=SMALL)
    assert sorted(row[1] for row in index.rows) == ["Gaziantep", "Sinjār", "Sinjār", "Ālbū Kamāl"]
    assert index.lookup("Paris") == [] and index.lookup("Ankara") == []
    assert [c.country for c in index.lookup("Sinjar")] == ["Iraq", "Syria"]  # most populous first
    assert index.lookup("Gaziantep")[0].admin1 == "Gaziantep"


def test_cache_is_rebuilt_when_the_package_version_changes(tmp_path, monkeypatch, no_network):
    monkeypatch.setattr(geonames, "package_version", lambda: "1.0")
    first = geonames.load_index(tmp_path, cities=SMALL)
    assert geonames.cache_path(tmp_path, "1.0").exists() and first.version == "1.0"
    # Same version: the cache answers, whatever the package would say now.
    other = {"9": _city(9, "Hatla", "SY", "07", 35.35, 40.19)}
    assert len(geonames.load_index(tmp_path, cities=other)) == len(first)
    # A new version (new GeoNames data): rebuilt, in its own file.
    monkeypatch.setattr(geonames, "package_version", lambda: "2.0")
    second = geonames.load_index(tmp_path, cities=other)
    assert second.version == "2.0" and [c.name for c in second.lookup("Hatla")] == ["Hatla"]
    assert geonames.cache_path(tmp_path, "2.0").exists()
    # A damaged cache file is rebuilt, not an error.
    geonames.cache_path(tmp_path, "2.0").write_bytes(b"not a pickle")
    assert len(geonames.load_index(tmp_path, cities=other)) == 1
    with geonames.cache_path(tmp_path, "2.0").open("rb") as handle:
        assert pickle.load(handle).version == "2.0"


def test_an_unwritable_cache_directory_still_answers(tmp_path, no_network):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    index = geonames.load_index(blocker / "geonames", cities=SMALL)
    assert [c.country for c in index.lookup("Sinjar")] == ["Iraq", "Syria"]


def test_coder_places_rows_carry_their_tier(codebook):
    rows = lookup_places(codebook, "Sinjar", limit=5)
    assert rows[0].tier == "curated" and rows[0].entry.country == "Iraq"
    syrian = [r for r in rows if r.tier == "geonames"]
    assert syrian and syrian[0].entry.country == "Syria" and syrian[0].how == "geonames"
    # A place both tiers hold is shown once, from the curated tier.
    assert all(r.tier == "curated" for r in lookup_places(codebook, "Hajin", limit=2))
    assert all(r.tier == "curated" for r in lookup_places(codebook, "Sinjar", with_geonames=False))
    entry, surface, how, score = rows[0]  # still unpacks as (entry, spelling, how, score)


def test_coder_places_prints_geonames_rows():
    import json

    from typer.testing import CliRunner

    from coder.cli import app

    result = CliRunner().invoke(app, ["places", "Sinjar", "--json", "-n", "5"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.strip()]
    assert rows[0]["name"] == "Sinjar" and rows[0]["country"] == "Iraq" and rows[0]["tier"] == "curated"
    syrian = [r for r in rows if r["how"] == "geonames"]
    assert syrian and syrian[0]["country"] == "Syria" and syrian[0]["acled_admin1"] == "Idleb"
    assert {r["tier"] for r in syrian} == {"geonames"}
    assert CliRunner().invoke(app, ["places", "Sinjar"]).exit_code == 0  # the table takes GeoNames rows too
