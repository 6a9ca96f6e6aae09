"""Issue 14: the theatre's forces, their spellings, and named groups never merged by fuzzy matching."""

import pytest

from coder.normalize import Normalizer
from coder.normalize.tokenizer import key_of


@pytest.fixture(scope="module")
def norm(codebook):
    return Normalizer(codebook)


def _found(norm, text):
    return [(text[m.start : m.end], m.match.name) for m in norm.find_actors(text)]


@pytest.mark.parametrize(
    "written, name",
    [
        ("Kata'ib Hizballah", "Kataib Hezbollah"),
        ("Kata’ib Hizballah", "Kataib Hezbollah"),
        ("Kataeb Hizballah", "Kataib Hezbollah"),
        ("Fatimiyeon", "Fatemiyoun Brigade"),
        ("Zeinabiyon", "Zainabiyoun Brigade"),
        ("Harakat al-Nujaba", "Harakat Hezbollah al-Nujaba"),
        ("Kataib Sayed al-Shuhada", "Kataib Sayyid al-Shuhada"),
        ("Badr Forces", "Badr Organization"),
        ("Kataib Imam Ali", "Kataib al-Imam Ali"),
        ("Liwa al-Quds", "Liwa al-Quds"),
        ("Liwa al-Baqer", "Al-Baqir Brigade"),
        ("Quds Force", "IRGC Quds Force"),
        ("Local Defence Force", "Local Defence Forces"),
        ("NDF", "National Defence Forces"),
        ("Brigade 47", "47th Regiment"),
        ("PMF Brigade 13", "Liwa al-Tafuf"),
        ("PMF Brigade 45", "Kataib Hezbollah"),
        ("Iraqi Border Guards", "Military Forces of Iraq"),
        ("Operation Inherent Resolve", "US-led Coalition"),
        ("Republican Guard", "Republican Guard"),
        ("Jabbour", "Al-Jabbour Tribal Group"),
    ],
)
def test_theatre_forces_and_spellings(norm, written, name):
    assert norm.actor(written).name == name
    assert _found(norm, f"Fighters of {written} arrived.") == [(written, name)]


def test_kataib_hizballah_is_never_lebanese_hezbollah(norm):
    for text in ("A convoy of Kata'ib Hizballah reached al-Qaim.", "Kataeb Hizballah fighters crossed."):
        names = [name for _said, name in _found(norm, text)]
        assert "Hezbollah" not in names and names == ["Kataib Hezbollah"]


def test_forces_are_not_the_brigade(norm):
    assert norm.actor("Abu al-Fadl al-Abbas Forces", whole=True).name == "Abu al-Fadl al-Abbas Forces"
    assert _found(norm, "Abu al-Fadl al-Abbas Forces deployed.") == [
        ("Abu al-Fadl al-Abbas Forces", "Abu al-Fadl al-Abbas Forces")
    ]
    # A spelling the dictionary lacks: unresolved or the Forces, never the Brigade.
    said = _found(norm, "Abu al-Fadl al-Abbas Force deployed.")
    assert all(name != "Abu al-Fadl al-Abbas Brigade" for _s, name in said)
    assert norm.actor("Abu al-Fadl al-Abbas Force").name == "Abu al-Fadl al-Abbas Forces"


def test_a_named_group_inside_a_longer_unknown_name_is_left_alone(norm):
    # "Kataib X Hezbollah"-style names the dictionary lacks must not become Hezbollah or the Syrian army.
    assert _found(norm, "Saraya Hezbollah fighters arrived.") == []
    assert _found(norm, "The Free Syrian Army withdrew.") == []
    # A same-kind noun after the name is the same group said differently.
    assert _found(norm, "Pro-Iran Liwa Fatimiyoun Militia recruits") == [("Liwa Fatimiyoun", "Fatemiyoun Brigade")]
    assert _found(norm, "the Afghan Fatemiyoun Division") == [("Afghan Fatemiyoun", "Fatemiyoun Brigade")]


def test_a_closing_quote_glued_to_a_word_is_punctuation(norm):
    assert _found(norm, "the Afghan Fatimiyoun’militia and") == [("Afghan Fatimiyoun", "Fatemiyoun Brigade")]
    assert [t for t in key_of("Iran's proxies")] == ["iran", "s", "proxies"]


def test_fuzzy_never_maps_a_town_to_a_clan(norm):
    actors, places = norm.find_names("Fighters arrived in Albu Kamal.")
    assert actors == [] and [m.match.name for m in places] == ["Al Bukamal"]


def test_every_alias_key_belongs_to_one_actor(codebook):
    owner = {}
    for actor in codebook.actors:
        for name in [actor.name, *actor.aliases]:
            key = key_of(name)
            assert owner.setdefault(key, actor.name) == actor.name, (name, owner[key], actor.name)


def test_sides_and_acled_names(norm, codebook):
    assert norm.actor("Kataib Hezbollah").side == "iran_backed"
    assert norm.actor("4th Division").side == "syrian_regime"
    assert norm.actor("Iraqi army").side == "iraq_state"
    assert norm.actor("SDF").actor.acled_name == "SDF: Syrian Democratic Forces"
    assert norm.actor("Fatemiyoun").actor.acled_name == "Liwa Fatemiyoun"
    listed = {a.name for a in codebook.actors}
    for needed in (
        "Islamic Revolutionary Guard Corps",
        "IRGC Quds Force",
        "Hezbollah",
        "Fatemiyoun Brigade",
        "Zainabiyoun Brigade",
        "Kataib Hezbollah",
        "Kataib Sayyid al-Shuhada",
        "Harakat Hezbollah al-Nujaba",
        "Asaib Ahl al-Haq",
        "Badr Organization",
        "Kataib al-Imam Ali",
        "Liwa al-Quds",
        "Al-Baqir Brigade",
        "Abu al-Fadl al-Abbas Brigade",
        "National Defence Forces",
        "Local Defence Forces",
        "4th Division",
        "47th Regiment",
        "Popular Mobilization Forces",
        "Military Forces of Iraq",
        "Syrian Democratic Forces",
        "US-led Coalition",
        "Al-Ougaidat Tribal Group",
        "Al-Baggara Tribal Group",
        "Al-Shaitat Tribal Group",
    ):
        assert needed in listed
