"""The offline rule coder, with sentences written for these tests."""

from datetime import date

import pytest

from coder.base import make_coder
from coder.io import dump_record
from coder.models import Document

PUB = date(2022, 3, 2)  # a Wednesday


@pytest.fixture(scope="module")
def rules(codebook):
    return make_coder("rules", codebook)


def code(rules, text, pub=PUB):
    coded = rules.code(Document(id="t", text=text, publication_date=pub))
    assert coded.status == "ok", coded.error
    for event in coded.events:  # every span really says what it claims
        for span in event.all_spans():
            assert text[span.start : span.end] == span.text
    return coded.events


def one(events, etype):
    found = [e for e in events if e.type == etype]
    assert len(found) == 1, [(e.type, e.value("location")) for e in events]
    return found[0]


def test_movement_family(rules):
    e = one(
        code(rules, "A convoy of 30 vehicles carrying Zainabiyoun fighters reached Palmyra on Monday."),
        "troop_movement",
    )
    assert (e.value("actor1"), e.value("location"), e.value("event_date")) == (
        "Zainabiyoun Brigade",
        "Palmyra",
        "2022-02-28",
    )
    assert e.value("vehicle_count") == 30 and e.value("time_precision") == 1 and e.value("inter1") == 3
    assert e.fields["actor1"].spans[0].text == "Zainabiyoun" and e.confidence > 0.5


def test_movement_origin_destination(rules):
    e = one(code(rules, "Badr Organization fighters headed from Homs to Al-Sukhnah yesterday."), "troop_movement")
    assert (e.value("location"), e.value("origin")) == ("Al-Sukhnah", "Homs")
    assert e.value("event_date") == "2022-03-01"


def test_recruitment_family(rules):
    e = one(
        code(rules, "The Nujaba movement enlisted about sixty young men in Hatla last week, paying $120 a month."),
        "recruitment",
    )
    assert e.value("location") == "Hatla" and e.value("recruits_count") == 60
    assert (e.value("salary_amount"), e.value("salary_currency"), e.value("salary_period")) == (120, "USD", "month")
    assert e.value("time_precision") == 2


def test_smuggling_family(rules):
    e = one(
        code(rules, "Hezbollah smuggled a shipment of rockets through the Jusiyah crossing on Sunday."), "smuggling"
    )
    assert e.value("goods") == ["weapons"] and e.value("crossing") == "Jusiyah crossing"


def test_seizure_names_the_other_party(rules):
    text = "Syrian Democratic Forces intercepted a Hezbollah truck loaded with captagon near Raqqa on Friday."
    e = one(code(rules, text), "smuggling")
    assert e.value("seized") is True and e.value("actor1") == "Hezbollah" and e.value("goods") == ["drugs"]
    assert e.value("geo_precision") == 2  # "near" a town


def test_tribal_outreach_family(rules):
    e = one(
        code(rules, "A Quds Force officer hosted elders of the Baggara tribe in Mohassan on Thursday."),
        "tribal_outreach",
    )
    assert e.value("actor1") == "IRGC Quds Force" and e.value("actor2") == "Al-Baggara Tribal Group"
    assert e.value("location") == "Mohassan"


@pytest.mark.parametrize(
    "text",
    [
        "Kataib Hezbollah plans to send a convoy to Al Bukamal next week.",  # planned
        "A recruitment drive by Hezbollah in Hatla was postponed on Monday.",  # postponed
        "The Fatemiyoun Brigade denied that its convoy entered al-Mayadin on Monday.",  # negated
        "Iran-backed militias have long recruited young men in Deir ez-Zor.",  # background
        "If the tribes agree, Hezbollah would meet their sheikhs in Hatla.",  # hypothetical
        "Badr Organization fighters are stationed in Al Bukamal.",  # presence
        "A Russian convoy entered Deir ez-Zor on Monday.",  # another side
        "The road to Al-Qaim is used for smuggling weapons.",  # a route, no shipment
    ],
)
def test_non_events_produce_nothing(rules, text):
    assert code(rules, text) == []


def test_two_types_in_one_sentence(rules):
    events = code(
        rules,
        "A convoy of Kataib Hezbollah fighters carrying weapons and ammunition crossed into Al Bukamal on Tuesday.",
    )
    assert sorted(e.type for e in events) == ["smuggling", "troop_movement"]


def test_two_convoys_on_two_days_are_two_events(rules):
    events = code(
        rules, "A Hezbollah convoy reached Al-Qusayr on Monday. Another Hezbollah convoy reached Al-Qusayr on Tuesday."
    )
    assert sorted(e.value("event_date") for e in events if e.type == "troop_movement") == ["2022-02-28", "2022-03-01"]


def test_same_event_told_twice_is_merged(rules):
    events = code(rules, "A Hezbollah convoy reached Al-Qusayr on Monday. The convoy included 14 vehicles.")
    e = one(events, "troop_movement")
    assert e.value("vehicle_count") == 14 and len(e.evidence) == 2


def test_the_headline_is_evidence_of_the_incident_it_announces_not_an_event(rules):
    text = (
        "Kataib Hezbollah sends reinforcements to al-Bukamal\n\n"
        "A convoy of 12 Kataib Hezbollah vehicles reached al-Bukamal on Monday, local sources said.\n"
    )
    e = one(code(rules, text), "troop_movement")
    assert [s.text for s in e.evidence][0] == "Kataib Hezbollah sends reinforcements to al-Bukamal"
    assert e.value("vehicle_count") == 12 and len(e.evidence) == 2
    # a headline whose incident the body does not tell codes nothing
    quiet = "Prices of bread and fuel rose again in the markets of al-Bukamal this week, traders said on Monday.\n"
    assert code(rules, "Kataib Hezbollah sends reinforcements to al-Bukamal\n\n" + quiet) == []


def test_a_terse_headline_is_evidence_without_the_cues_the_body_met(rules):
    # "pulls out" asks for a force word or a position beside it; a title rarely has room for one,
    # and the body's event has already met it.
    text = (
        "Hezbollah pulls out of al-Qusayr\n\n"
        "Hezbollah fighters pulled out of their positions in al-Qusayr on Monday, residents said.\n"
    )
    e = one(code(rules, text), "troop_movement")
    assert [s.text for s in e.evidence] == [
        "Hezbollah pulls out of al-Qusayr",
        "Hezbollah fighters pulled out of their positions in al-Qusayr on Monday, residents said.",
    ]


def test_a_title_about_another_side_s_force_is_not_the_body_s_evidence(rules):
    # The title tells what ISIS or the Israeli army did; the body's militia move is another story.
    body = "On Monday Kataib Hezbollah sent reinforcements to al-Qaim, an Iraqi official said.\n"
    for title in ("ISIS militants are trying to cross into Iraq from Syria", "IDF moves into the buffer zone"):
        e = one(code(rules, title + "\n\n" + body), "troop_movement")
        assert [s.text for s in e.evidence] == [body.strip()]
    # a title naming Iran's side first is the body's, whoever else it names
    e = one(code(rules, "Iran sends forces to back Assad's army\n\n" + body), "troop_movement")
    assert e.evidence[0].text == "Iran sends forces to back Assad's army"


def test_a_title_and_its_deck_are_both_evidence(rules):
    # A page's title over a one-line deck: both announce the incident the body tells.
    text = (
        "Fatemiyoun pulls out of Palmyra airbase\n\n"
        "The Afghan fighters withdrew from the base after days of strikes, a monitor reports\n\n"
        "Fatemiyoun fighters pulled out of their positions at the Palmyra airbase on Sunday, residents said.\n"
    )
    e = one(code(rules, text), "troop_movement")
    assert [s.text for s in e.evidence][:2] == [
        "Fatemiyoun pulls out of Palmyra airbase",
        "The Afghan fighters withdrew from the base after days of strikes, a monitor reports",
    ]
    # a site name over the title is neither
    site = "Levant Monitor\n\n" + text
    assert [s.text for s in one(code(rules, site), "troop_movement").evidence][0] == (
        "Fatemiyoun pulls out of Palmyra airbase"
    )


def test_a_title_in_the_present_tense_joins_the_body_event_it_names(rules):
    # "move into" is no trigger, but titles tell a movement so; the body tells it as a trigger does.
    body = "A convoy of Nujaba fighters entered al-Bukamal from Iraq on Tuesday, residents said.\n"
    e = one(code(rules, "Iraqi militias move into Syria through al-Bukamal\n\n" + body), "troop_movement")
    assert [s.text for s in e.evidence][0] == "Iraqi militias move into Syria through al-Bukamal"
    # a title's words never code an event alone
    quiet = "Bread prices rose again in the markets of al-Bukamal this week, traders said on Monday.\n"
    assert code(rules, "Iraqi militias move into Syria through al-Bukamal\n\n" + quiet) == []
    # and a title naming the goods joins the smuggling event, not the movement
    cargo = "Three lorries loaded with rockets crossed from Iraq into al-Bukamal on Tuesday, residents said.\n"
    title = "Pro-Iran militias keep shifting rockets out of Iraq"
    assert [s.text for s in one(code(rules, title + "\n\n" + cargo), "smuggling").evidence][0] == title


def test_listed_places_are_separate_events(rules):
    events = code(rules, "Fatemiyoun reinforcements were sent to Palmyra and Al Mayadin on Monday.")
    assert sorted(e.value("location") for e in events) == ["Al Mayadin", "Palmyra"]


def test_furniture_produces_nothing(rules):
    text = (
        "Home | News | Hezbollah convoy | Contact\nRelated: Hezbollah convoy reaches Al-Qusayr\n"
        "Read more: recruitment drive in Hatla\nAccept all cookies"
    )
    assert code(rules, text) == []


def test_relative_date_unresolvable_is_not_invented(rules):
    e = one(code(rules, "A Hezbollah convoy reached Al-Qusayr on Monday.", pub=None), "troop_movement")
    assert e.value("event_date") is None and "event_date" not in e.fields


def test_notes_and_derived_fields(rules):
    e = one(code(rules, "A Hezbollah convoy reached Al-Qusayr on Monday."), "troop_movement")
    assert e.value("notes") == "On 2022-02-28, Hezbollah moved fighters or equipment to Al-Qusayr."
    assert e.value("country") == "Syria" and e.value("admin1") == "Homs" and e.fields["latitude"].alignment == "derived"


def test_determinism(rules):
    text = "A convoy of Kataib Hezbollah fighters reached Al Bukamal on Monday. Hezbollah recruited 30 men in Hatla."
    doc = Document(id="d", text=text, publication_date=PUB)
    assert dump_record(rules.code(doc)) == dump_record(rules.code(doc))


def test_new_event_type_needs_no_python(codebook):
    from coder.codebook.model import EventType, Trigger

    extra = codebook.model_copy(deep=True)
    base = extra.event_type("troop_movement")
    new = EventType(
        id="checkpoint",
        label="Checkpoint",
        definition="A checkpoint set up.",
        include=["x"],
        exclude=["y"],
        exclusion_rules=["planned"],
        examples=base.examples,
        acled=base.acled,
        fields={},
        triggers=[Trigger(pattern="set up a checkpoint", kind="phrase", meaning="a new checkpoint")],
        notes_template="On {event_date}, {actor1} set up a checkpoint in {location}.",
    )
    extra.event_types.append(new)
    coder = make_coder("rules", extra)
    events = coder.code(
        Document(id="n", text="Hezbollah set up a checkpoint in Hatla on Monday.", publication_date=PUB)
    ).events
    e = one(events, "checkpoint")
    assert (
        e.value("location") == "Hatla" and e.value("notes") == "On 2022-02-28, Hezbollah set up a checkpoint in Hatla."
    )


def test_aircraft_that_hit_a_convoy_are_listed_as_an_airstrike(rules):
    # The shipment is still coded (a struck shipment is the shipment); the strike is a mention.
    text = (
        "Unidentified aircraft hit three trucks of the Iran-backed militias bringing ammunition into Syria "
        "from Iraq near Albukamal on Sunday night."
    )
    coded = rules.code(Document(id="hit", text=text, publication_date=PUB))
    assert [e.type for e in coded.events] == ["smuggling"]
    assert [d.kind for d in coded.diagnostics] == ["airstrike"]


def test_what_the_codebook_does_not_code_is_listed_not_coded(rules, codebook):
    text = (
        "Israeli warplanes struck a weapons depot of Hezbollah near al-Qusayr on Sunday night. "
        "Clashes broke out afterwards between two local groups, and three men were arrested."
    )
    coded = rules.code(Document(id="strike", text=text, publication_date=PUB))
    assert coded.events == []
    kinds = [d.kind for d in coded.diagnostics]
    assert kinds == ["airstrike", "clash", "arrest"]
    assert all(text[d.span.start : d.span.end] == d.span.text for d in coded.diagnostics)
    # The record still validates against the schema derived from the codebook.
    import json

    from coder.io import RawRecord
    from coder.validate import RecordValidator

    raw = RawRecord("strike", json.loads(dump_record(coded)))
    assert RecordValidator(codebook).check(raw) == []


def test_confidence_is_the_sum_of_named_reasons_review_can_show():
    from datetime import date as _date
    from pathlib import Path as _Path

    from coder.base import make_coder
    from coder.codebook import load_codebook
    from coder.models import Document as _Document

    coder = make_coder("rules", load_codebook(_Path(__file__).resolve().parents[1] / "codebook"))
    text = (
        "Militias allied to the IRGC began a course for recruits in al-Mayadin. "
        "Kataib Hezbollah fighters arrived in Albu Kamal on Monday in a convoy. The convoy carried rockets."
    )
    events = coder.code(_Document(id="r", text=text, publication_date=_date(2024, 1, 10))).events
    assert len(events) == 2
    for event in events:
        reasons = [r.reason for r in event.confidence_reasons]
        assert reasons[0].startswith("trigger '")
        total = sum(r.delta for r in event.confidence_reasons)
        assert event.confidence == round(max(0.05, min(0.99, total)), 2)
    recruitment, movement = sorted(events, key=lambda e: e.type)
    assert "unnamed force" in [r.reason for r in recruitment.confidence_reasons]
    assert "told again in the article" in [r.reason for r in movement.confidence_reasons]


def test_a_sum_of_money_is_never_a_count(rules):
    e = one(
        code(
            rules,
            "On Monday the Fatemiyoun Brigade recruited civilians in al-Mayadin in return for monthly "
            "salaries of about 350,000 Syrian pounds per member.",
        ),
        "recruitment",
    )
    assert e.value("recruits_count") is None
    assert (e.value("salary_amount"), e.value("salary_period")) == (350000, "month")


def test_defaults_are_written_out(rules):
    e = one(
        code(
            rules,
            "Ten fuel tankers escorted by Kataib Hezbollah entered Syria through the al-Bukamal crossing on Friday.",
        ),
        "smuggling",
    )
    assert (e.value("seized"), e.value("fatalities")) == (False, 0)
