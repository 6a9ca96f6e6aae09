"""The shared normaliser, with short sentences of our own."""

from datetime import date

import pytest

from coder.models import Alignment, Document, Event, FieldValue, Span
from coder.normalize import Normalizer, parse_money, parse_number, resolve_date


@pytest.fixture(scope="module")
def norm(codebook):
    return Normalizer(codebook)


@pytest.mark.parametrize(
    "written", ["Liwa Fatimiyoun", "FATEMIYOUN", "Liwa al-Fatemiyoun", "fatimiyun", "Fatemiyoun Brigade"]
)
def test_actor_spelling_family(norm, written):
    assert norm.actor(written).name == "Fatemiyoun Brigade"


def test_actor_exact_alias_fuzzy(norm):
    assert norm.actor("Fatemiyoun Brigade").how == "exact"
    assert norm.actor("Liwa Fatemiyoun").how == "alias"
    near = norm.actor("Fatimiyoen")
    assert near.how == "fuzzy" and near.name == "Fatemiyoun Brigade" and 85 <= near.score < 100
    assert norm.actor("a bakery") is None


def test_actor_quote_marks_and_hyphens(norm):
    assert norm.actor("Kata’ib Hezbollah").name == "Kataib Hezbollah"
    assert norm.actor("Iranian backed militias").inter == 3


@pytest.mark.parametrize("written", ["al-Bukamal", "Al-Bokamal", "Albukamal", "Albu Kamal", "Abu Kamal", "AL BUKAMAL"])
def test_place_bukamal_family(norm, written):
    match = norm.place(written)
    assert match.name == "Al Bukamal" and match.geo_precision == 1 and match.place.admin1 == "Deir ez-Zor"


@pytest.mark.parametrize("written", ["Mayadeen", "al-Mayadin", "Al Mayadin", "el-Mayadin"])
def test_place_mayadin_family(norm, written):
    assert norm.place(written).name == "Al Mayadin"


def test_place_precision_by_kind(norm):
    assert norm.place("Deir ez-Zor countryside").geo_precision == 3
    assert norm.place("Syrian") is None  # an adjective is not a misspelt country


def test_find_mentions_longest_non_overlapping(norm):
    text = "Fighters of Kataib Hezbollah moved from Abu Kamal crossing to the al-Omar oil field."
    actors = norm.find_actors(text)
    assert [(text[m.start : m.end], m.match.name) for m in actors] == [("Kataib Hezbollah", "Kataib Hezbollah")]
    places = [(text[m.start : m.end], m.match.name) for m in norm.find_places(text)]
    assert places == [("Abu Kamal crossing", "Al Bukamal crossing"), ("al-Omar oil field", "Al-Omar oil field")]


def test_find_respects_window(norm):
    text = "Hezbollah left. Later Zainabiyoun arrived."
    found = norm.find_actors(text, 16)
    assert [m.match.name for m in found] == ["Zainabiyoun Brigade"] and found[0].start == 22


PUB = date(2022, 3, 2)  # a Wednesday


@pytest.mark.parametrize(
    "words, expected, precision",
    [
        ("on Monday", date(2022, 2, 28), 1),  # across a month boundary
        ("yesterday", date(2022, 3, 1), 1),
        ("the day before yesterday", date(2022, 2, 28), 1),
        ("last week", date(2022, 2, 24), 2),  # middle day of the previous week
        ("this week", date(2022, 3, 2), 2),  # the middle day is after publication: capped
        ("last month", date(2022, 2, 15), 3),
        ("February 3", date(2022, 2, 3), 1),
        ("November 9, 2020", date(2020, 11, 9), 1),
        ("9 November 2020", date(2020, 11, 9), 1),
        ("mid-January", date(2022, 1, 15), 3),
        ("two days ago", date(2022, 2, 28), 1),
    ],
)
def test_dates(words, expected, precision):
    got = resolve_date(f"It happened {words}.", PUB)
    assert (got.date, got.precision) == (expected, precision)
    assert f"It happened {words}."[got.start : got.end].lower().endswith(words.split()[-1].lower())


def test_dates_across_year_boundary():
    new_year = date(2021, 1, 2)  # a Saturday
    assert resolve_date("on Tuesday", new_year).date == date(2020, 12, 29)
    assert resolve_date("December 30", new_year).date == date(2020, 12, 30)
    assert resolve_date("last month", new_year).date == date(2020, 12, 15)
    assert resolve_date("last week", new_year).date == date(2020, 12, 24)


def test_dates_never_invented():
    assert resolve_date("on Monday", None) is None
    assert resolve_date("a day after", PUB) is None
    assert resolve_date("a day after", PUB, anchor=date(2022, 2, 28)).date == date(2022, 3, 1)
    assert resolve_date("nothing here", PUB) is None
    assert resolve_date("they may 3 times", PUB) is None


@pytest.mark.parametrize(
    "words, value",
    [
        ("some 1,000 fighters", 1000),
        ("a 150-strong unit", 150),
        ("dozens of men", 12),
        ("tens of recruits", 10),
        ("more than 205", 205),
        ("between 40 and 60", 40),
        ("15 pickup vehicles", 15),
        ("twenty-two trucks", 22),
        ("three hundred men", 300),
        ("hundreds", 100),
        ("no figure", None),
    ],
)
def test_numbers(words, value):
    assert parse_number(words) == value


def test_money():
    m = parse_money("paid 200,000 Syrian pounds a month")
    assert (m.amount, m.currency, m.period) == (200000, "SYP", "month")
    m = parse_money("a $75 bonus")
    assert (m.amount, m.currency) == (75, "USD")
    assert parse_money("no sum") is None


def test_enum_values(norm, codebook):
    goods = codebook.event_type("smuggling").fields["goods"]
    assert norm.enum_values(goods, "tankers of petrol and boxes of shells") == ["fuel", "ammunition"]
    assert norm.enum_values(goods, "nothing") == []


def test_fill_derived(norm):
    text = "Kataib Hezbollah reached Albukamal last week."
    doc = Document(id="x", text=text, publication_date=date(2021, 3, 16), source="Test", source_scale="local")
    ev = Event(
        type="troop_movement",
        fields={
            "actor1": FieldValue(value="Kataib Hezbollah", spans=[Span.of(text, 0, 16)]),
            "location": FieldValue(value="Al Bukamal", spans=[Span.of(text, 25, 34)]),
            "event_date": FieldValue(value="2021-03-11", spans=[Span.of(text, 35, 44)]),
        },
    )
    norm.fill_derived(ev, doc)
    assert ev.value("inter1") == 3 and ev.value("country") == "Syria" and ev.value("geo_precision") == 1
    assert ev.value("latitude") == pytest.approx(34.4533) and ev.fields["latitude"].alignment == Alignment.derived
    assert ev.value("time_precision") == 2 and ev.value("source") == "Test"


def test_a_day_without_a_year_takes_the_year_the_text_gave_when_there_is_no_publication_date():
    from coder.normalize import find_dates

    text = "A summary of April 2021 follows. On April 5 trucks crossed; on December 30 more came."
    found = [(text[d.start : d.end], d.date.isoformat(), d.precision) for d in find_dates(text, None, chain=True)]
    assert found == [("of April 2021", "2021-04-15", 3), ("April 5", "2021-04-05", 1), ("December 30", "2020-12-30", 1)]
    # Without any year in the text, still no invented date.
    assert find_dates("On April 5 trucks crossed.", None, chain=True) == []


def test_an_undated_event_takes_the_reported_date_convention(norm):
    event = Event(
        type="troop_movement",
        fields={"location": FieldValue(value="Al Bukamal"), "event_date": FieldValue(value=None)},
    )
    norm.fill_derived(event, Document(id="d", text="x", publication_date=date(2024, 3, 9)))
    assert event.value("event_date") == "2024-03-09" and event.value("time_precision") == 2
    assert "reported-date convention" in event.fields["event_date"].detail
    undated = Event(type="troop_movement", fields={"location": FieldValue(value="Al Bukamal")})
    norm.fill_derived(undated, Document(id="d", text="x"))
    assert undated.value("event_date") is None  # no publication date: nothing to fall back on


@pytest.mark.parametrize(
    "written, place, phrase",
    [
        ("Fighters reached Al-Raqqah's eastern countryside.", "Raqqa governorate", "Raqqah's eastern countryside"),
        ("They moved to the countryside west of Deir Ezzor.", "Deir ez-Zor governorate", "west of Deir Ezzor"),
        ("A base in the northern Aleppo countryside.", "Aleppo governorate", "Aleppo countryside"),
        ("Posts in rural Homs were emptied.", "Homs governorate", "rural Homs"),
        # the countryside of a town no governorate is named after is the town (at precision 2)
        ("A convoy reached the al-Mayadin countryside.", "Al Mayadin", "al-Mayadin"),
        # the seat itself is the city
        ("A convoy reached Homs on Monday.", "Homs", "Homs"),
    ],
)
def test_the_countryside_of_a_seat_is_its_governorate(norm, written, place, phrase):
    _actors, places = norm.find_names(written)
    found = places[0]
    assert found.match.place.name == place
    assert written[found.start : found.end].endswith(phrase) or written[found.start : found.end] == phrase
    assert found.match.geo_precision == (3 if place.endswith("governorate") else 1)
