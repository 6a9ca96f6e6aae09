"""Issue 14: a place no tier knows is kept as written, flagged, located by its neighbour."""

import pytest

from coder.models import Event, FieldValue
from coder.normalize import Normalizer


@pytest.fixture(scope="module")
def norm(codebook):
    return Normalizer(codebook)


@pytest.mark.parametrize(
    "text, name, near_admin2",
    [
        ("Fighters arrived in the village of Abu Hardub, east of al-Mayadin.", "Abu Hardub", "Al Mayadin"),
        ("IRGC militias entered Jdeid Bakara town near Deir Ezzor.", "Jdeid Bakara", "Deir ez-Zor"),
        ("They gathered in the countryside of al-Jurdi, near Albu Kamal.", "al-Jurdi", "Abu Kamal"),
    ],
)
def test_unknown_place_kept_as_written(norm, text, name, near_admin2):
    [found] = norm.find_unknown_places(text)
    assert text[found.start : found.end] == name
    place = found.match.place
    assert place.name == name and place.unverified and found.match.how == "unverified"
    assert place.admin2 == near_admin2 and found.match.geo_precision == 2


def test_never_replaced_by_a_known_place(norm, codebook):
    text = "A convoy reached the village of Mayadinah Saghira, south of al-Mayadin."
    [found] = norm.find_unknown_places(text)
    assert found.match.name == "Mayadinah Saghira"
    event = Event(type="troop_movement", fields={"location": FieldValue(value="Mayadinah Saghira")})
    norm.fill_derived(event)
    assert event.fields["admin2"].value == "Al Mayadin" and event.fields["geo_precision"].value == 2
    assert norm.place("Mayadinah Saghira", whole=True) is None  # the gazetteer itself is not changed


def test_known_places_and_plain_words_are_not_unknown(norm):
    assert norm.find_unknown_places("A meeting in the village of Hatla, near Deir Ezzor.") == []
    assert norm.find_unknown_places("Militias arrived in the town of Al-Bukamal.") == []
    assert norm.find_unknown_places("In the eastern countryside of Deir Ezzor, recruits gathered.") == []
    assert norm.find_unknown_places("The Damascus government sent a convoy to the area of Hatla.") == []


def test_no_known_place_no_guess(norm):
    # Nothing to locate it by: not coded as a place (listed by `coder unresolved` instead).
    text = "Fighters arrived in the village of Abu Hardub."
    assert norm.find_unknown_places(text) == []
    assert [u.name for u in norm.unresolved(text)] == ["Abu Hardub"]


def test_near_a_region_only_is_precision_3(norm):
    [found] = norm.find_unknown_places("Recruits were taken to the village of Abu Hardub in eastern Syria.")
    assert found.match.geo_precision == 3 and found.match.place.admin2 is None


def test_unresolved_groups(norm):
    text = "Recruits from Liwa al-Hamza and Saraya Ashura joined Kataib Hezbollah and the Fatemiyoun Brigade."
    assert [(u.kind, u.name) for u in norm.unresolved(text)] == [("actor", "Liwa al-Hamza"), ("actor", "Saraya Ashura")]


def test_a_quarter_of_a_known_town_is_the_town(norm):
    text = "They were stationed in al-Sikka area, in the city of Albu Kamal."
    assert norm.find_unknown_places(text) == []
