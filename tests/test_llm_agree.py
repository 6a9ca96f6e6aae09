"""Every value checked against its own quote, through the fake server.

A quote that aligns proves the words are in the document, not that they say
what the value says: "Liwa Fatemiyoun" quoted for actor1 Hezbollah is found
verbatim and still wrong. Such a value is `contradicted` (never grounded), and
the fields looked up from it (inter1, coordinates, time_precision) say so.
"""

from __future__ import annotations

from datetime import date

from coder.models import GROUNDED, Alignment, Document

from .test_llm import TEXT, answer, doc, make, server, sleeps  # noqa: F401  (fixtures)


def code_one(make, server, document: Document, body: dict):
    server.push({"json": body})
    result = make(cache=False).code(document)
    assert result.status == "ok", result.error
    (event,) = result.events
    return event


def test_contradicted_is_not_grounded():
    assert Alignment.contradicted not in GROUNDED


def test_an_actor_that_its_quote_does_not_name_is_contradicted(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook, actor1={"value": "Hezbollah", "quote": "Liwa Fatemiyoun"}))
    actor = event.fields["actor1"]
    assert actor.alignment == Alignment.contradicted and not actor.grounded
    assert "Fatemiyoun Brigade" in actor.detail
    # The span is kept, so review can show which words were quoted.
    assert actor.spans and actor.spans[0].text == "Liwa Fatemiyoun"
    inter = event.fields["inter1"]
    assert inter.alignment == Alignment.contradicted and "actor1" in inter.detail


def test_an_actor_its_quote_names_stays_grounded(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook))
    assert event.fields["actor1"].alignment == Alignment.exact
    assert event.fields["inter1"].alignment == Alignment.derived


def test_a_place_that_its_quote_does_not_name_is_contradicted_with_its_coordinates(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook, location={"value": "Palmyra", "quote": "Albukamal"}))
    location = event.fields["location"]
    assert location.value == "Palmyra" and location.alignment == Alignment.contradicted
    assert "Al Bukamal" in location.detail
    for derived in ("latitude", "longitude", "admin1", "geo_precision"):
        assert event.fields[derived].alignment == Alignment.contradicted, derived
        assert "location" in event.fields[derived].detail


def test_a_number_its_quote_does_not_give_is_contradicted(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook, vehicle_count={"value": 25, "quote": "15 pickup vehicles"}))
    assert event.fields["vehicle_count"].alignment == Alignment.contradicted
    assert "15" in event.fields["vehicle_count"].detail


def test_number_words_and_sums_agree(make, server, codebook):
    text = (
        "On Monday three trucks and two buses of Liwa Fatemiyoun fighters arrived in Albukamal. "
        "Ten trucks and 5 buses followed."
    )
    body = answer(
        codebook,
        vehicle_count={"value": 3, "quote": "three trucks"},
        personnel_count={"value": 15, "quote": "Ten trucks and 5 buses"},
    )
    body["events"][0]["evidence"] = (
        "On Monday three trucks and two buses of Liwa Fatemiyoun fighters arrived in Albukamal."
    )
    event = code_one(make, server, doc(text=text), body)
    assert event.fields["vehicle_count"].alignment == Alignment.exact
    assert event.fields["personnel_count"].alignment == Alignment.exact


def test_an_enum_its_quote_contradicts_through_the_lexicon(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook, movement_kind={"value": "departure", "quote": "arrived"}))
    kind = event.fields["movement_kind"]
    assert kind.alignment == Alignment.contradicted and "arrival" in kind.detail
    event = code_one(make, server, doc(), answer(codebook))
    assert event.fields["movement_kind"].alignment == Alignment.exact


def test_a_date_its_quote_resolves_otherwise_is_contradicted(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook, event_date={"value": "2021-03-10", "quote": "On Monday"}))
    when = event.fields["event_date"]
    assert when.value == "2021-03-10" and when.alignment == Alignment.contradicted
    assert "2021-03-15" in when.detail
    assert event.fields["time_precision"].alignment == Alignment.contradicted


def test_a_date_resolved_without_a_publication_date_is_not_grounded(make, server, codebook):
    undated = Document(id="d1", text=TEXT, publication_date=None)
    event = code_one(make, server, undated, answer(codebook, event_date={"value": "2021-03-15", "quote": "On Monday"}))
    when = event.fields["event_date"]
    assert when.alignment == Alignment.contradicted and "publication date" in when.detail


def test_a_date_its_quote_gives_stays_grounded(make, server, codebook):
    event = code_one(make, server, doc(), answer(codebook, event_date={"value": "2021-03-15", "quote": "On Monday"}))
    assert event.fields["event_date"].alignment == Alignment.exact
    assert event.fields["time_precision"].alignment == Alignment.derived
    assert doc().publication_date == date(2021, 3, 16)


def test_a_refusal_fails_the_document_with_the_refusal_as_reason(make, server, codebook):
    server.push({"refusal": "I cannot help with coding this article."})
    coder = make(cache=False, repair_attempts=2)
    result = coder.code(doc())
    assert result.status == "failed"
    assert "refused" in result.error and "I cannot help with coding this article." in result.error
    # A refusal is an answer, not a fault: it is not re-asked.
    assert server.count == 1


def test_the_acled_csv_lists_the_fields_no_quote_supports(make, server, codebook):
    import csv
    import io

    from coder.export import write_acled_csv

    body = answer(
        codebook,
        location={"value": "Palmyra", "quote": "Albukamal"},
        origin={"value": "Iraq", "quote": "words the article never says"},
    )
    server.push({"json": body})
    result = make(cache=False).code(doc())
    out = io.StringIO()
    write_acled_csv([result], codebook, out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    listed = row["ungrounded_fields"].split()
    assert {"location", "latitude", "longitude", "origin"} <= set(listed)
    assert "actor1" not in listed and "vehicle_count" not in listed


def test_an_answer_cut_at_max_tokens_splits_the_chunk_instead_of_asking_for_less(make, server, codebook):
    first = TEXT
    second = (
        "In a separate report, a convoy of 20 trucks carrying Liwa Fatemiyoun fighters arrived in "
        "Albukamal from Iraq on Monday. " * 6
    ).strip()
    text = first + "\n\n" + second
    cut = answer(codebook)
    server.push({"json": cut, "finish_reason": "length"}, {"json": answer(codebook)}, {"json": {"events": []}})
    result = make(cache=False).code(doc(text=text))
    assert result.status == "ok", result.error
    assert server.count == 3
    asked = [r["messages"][-1]["content"] for r in server.requests]
    assert all("more briefly" not in a for a in asked)
    # Each half is asked on its own, and together they cover the document.
    assert first in asked[1] and second not in asked[1]
    assert second[-40:] in asked[2]
    assert [e.fields["vehicle_count"].value for e in result.events] == [15]


def test_a_piece_too_small_to_split_fails_with_the_setting_to_raise(make, server, codebook):
    server.push({"json": answer(codebook), "finish_reason": "length"})
    result = make(cache=False).code(doc())
    assert result.status == "failed" and "max_tokens" in result.error
    assert server.count == 1


def test_a_name_outside_the_dictionary_is_not_contradicted_by_the_names_beside_it(make, server, codebook):
    text = TEXT.replace("Liwa Fatemiyoun fighters", "Liwa Fatemiyoun and Force 313 fighters")
    body = answer(codebook, assoc_actor_1={"value": ["Force 313"], "quote": "Liwa Fatemiyoun and Force 313"})
    body["events"][0]["evidence"] = text.split(", local")[0].split(": ")[1]
    event = code_one(make, server, doc(text=text), body)
    assert event.fields["assoc_actor_1"].alignment == Alignment.exact


def test_a_patron_named_in_the_quote_does_not_contradict_the_group_it_backs(make, server, codebook):
    text = TEXT.replace("Liwa Fatemiyoun fighters", "IRGC-backed militia fighters")
    body = answer(codebook, actor1={"value": "Iran-backed militias (unidentified)", "quote": "IRGC-backed militia"})
    body["events"][0]["evidence"] = text.split(", local")[0].split(": ")[1]
    event = code_one(make, server, doc(text=text), body)
    assert event.fields["actor1"].alignment == Alignment.exact, event.fields["actor1"].detail


def test_what_human_coders_write_is_not_contradicted(codebook):
    """Readings the golden coders use (measured on their 1,024 quoted values: 51 contradicted
    before these, 13 after): coarser or finer cuts of a place, figures multiplied by 'each',
    counted words, patrons, the publication date for an undated report, a year stated elsewhere."""
    from coder.llm.agree import date_reading, disagreement
    from coder.normalize import Normalizer

    n = Normalizer(codebook)
    spec = codebook.field_spec
    assert (
        disagreement(n, spec("troop_movement", "location"), "Deir ez-Zor governorate", "countryside west of Deir Ezzor")
        is None
    )
    assert (
        disagreement(
            n, spec("troop_movement", "vehicle_count"), 20, "Each of the two convoys is made up of about 10 trucks"
        )
        is None
    )
    assert disagreement(n, spec("troop_movement", "vehicle_count"), 3, "one bus ... two trucks") is None
    assert disagreement(n, spec("troop_movement", "vehicle_count"), 5, "five four-wheel-drive pickups") is None
    assert disagreement(n, spec("troop_movement", "vehicle_count"), 6, "five four-wheel-drive pickups")
    assert (
        disagreement(
            n,
            spec("troop_movement", "actor1"),
            "Iran-backed militias (unidentified)",
            "The militias affiliated with the IRGC",
        )
        is None
    )
    assert date_reading("2021-03-16", "recently", date(2021, 3, 16)) == ("2021-03-16", None)
    assert date_reading("2021-03-10", "recently", date(2021, 3, 16))[1]
    assert date_reading("2022-09-01", "On September 1", None, "Report, 2022. On September 1 ...")[1] is None
    assert date_reading("2022-09-01", "On September 1", None, "no year here")[1]
