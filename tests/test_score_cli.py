"""`coder score` and `coder agree` end to end, and malformed inputs."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.io import write_golden
from tests.browser import dump_dom
from tests.test_score_fixtures import (
    SENTENCES,
    convoy,
    copied,
    gold_set,
    make_doc,
    make_event,
    office,
    write_jsonl,
)

runner = CliRunner()


@pytest.fixture
def files(tmp_path):
    gold = gold_set()
    pred = copied(gold)
    del pred[0].events[1]  # the recruitment office of "a" is missed
    pred[2].events.append(office())  # and invented in "c", which has no events
    write_jsonl(tmp_path / "gold.jsonl", gold)
    write_jsonl(tmp_path / "pred.jsonl", pred)
    return tmp_path


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def test_score_json_has_the_documented_keys(files):
    result = invoke("score", str(files / "pred.jsonl"), str(files / "gold.jsonl"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["events"]["relaxed"]["precision"] == pytest.approx(5 / 6)
    assert data["events"]["relaxed"]["recall"] == pytest.approx(5 / 6)
    for key in (
        "events.strict.f1",
        "events.relaxed.f1",
        "events.relaxed.precision",
        "events.relaxed.recall",
        "per_type.recruitment.f1",
        "per_field.location.accuracy",
        "spans.overlap.f1",
        "documents.type_f1",
        "events.relaxed.f1_ci",
        "documents.false_events.events",
        "confusion.matrix",
    ):
        node = data
        for part in key.split("."):
            node = node[part]
    assert data["documents"]["false_events"]["document_ids"] == ["c"]


def test_score_table_in_the_terminal(files):
    result = invoke("score", str(files / "pred.jsonl"), str(files / "gold.jsonl"))
    assert result.exit_code == 0, result.output
    assert "events, relaxed" in result.stdout and "Per event type" in result.stdout
    assert "whose gold has no events" in result.stdout


def test_junit_one_case_per_document_and_type(files, codebook):
    junit = files / "score.xml"
    result = invoke("score", str(files / "pred.jsonl"), str(files / "gold.jsonl"), "--junit", str(junit))
    assert result.exit_code == 0, result.output
    cases = ET.parse(junit).getroot().findall(".//testcase")
    assert len(cases) == 3 * len(codebook.type_ids)
    failed = {(c.get("classname"), c.get("name")): c.find("failure") for c in cases if c.find("failure") is not None}
    assert set(failed) == {("score.a", "recruitment"), ("score.c", "recruitment")}
    assert "1 missed" in failed[("score.a", "recruitment")].get("message")
    assert "1 invented" in failed[("score.c", "recruitment")].get("message")


def test_html_escapes_every_text(tmp_path):
    text = 'A convoy <script>alert("x")</script> arrived in Albukamal & left.'
    hostile = make_event("troop_movement", "convoy <script>", text=text, location="<b>Town</b>")
    gold = [make_doc("x<y", [hostile], text=text, title="<img src=x onerror=alert(1)>")]
    write_jsonl(tmp_path / "gold.jsonl", gold)
    write_jsonl(tmp_path / "pred.jsonl", [make_doc("x<y", [], text=text, title="<img src=x onerror=alert(1)>")])
    page = tmp_path / "report.html"
    result = invoke("score", str(tmp_path / "pred.jsonl"), str(tmp_path / "gold.jsonl"), "--html", str(page))
    assert result.exit_code == 0, result.output
    html = page.read_text(encoding="utf-8")
    assert "<script>" not in html and "<img" not in html and "<b>Town" not in html
    assert "&lt;script&gt;" in html and "&lt;b&gt;Town" in html and "x&lt;y" in html
    assert "color-mix(in srgb,cyan" in html  # troop_movement's codebook colour


def test_golden_directories_and_split(tmp_path):
    golden = tmp_path / "golden"
    for doc, split in zip(gold_set(), ("dev", "test", "dev")):
        doc.document.split = split
        write_golden(doc, golden)
    write_jsonl(tmp_path / "pred.jsonl", [make_doc("a", [convoy()])])
    result = invoke("score", str(tmp_path / "pred.jsonl"), str(golden), "--json", "--split", "dev")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"]["scored"] == 2 and data["split"] == "dev"
    assert data["events"]["relaxed"]["recall"] == pytest.approx(1 / 3)
    same = json.loads(invoke("score", str(golden), str(golden), "--json").stdout)
    assert same["events"]["strict"]["f1"] == 1.0


def test_missing_predictions_are_reported(files):
    write_jsonl(files / "partial.jsonl", copied(gold_set())[:1])
    result = invoke("score", str(files / "partial.jsonl"), str(files / "gold.jsonl"))
    assert result.exit_code == 0
    assert "2 gold document(s) have no prediction" in result.stdout


def test_agree_json_and_table(files):
    result = invoke("agree", str(files / "pred.jsonl"), str(files / "gold.jsonl"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["events"]["relaxed"]["f1"] == pytest.approx(5 / 6)
    assert data["kappa"]["types"] is not None and "location" in data["alpha"]
    table = invoke("agree", str(files / "pred.jsonl"), str(files / "gold.jsonl"))
    assert "Cohen's kappa" in table.stdout and "Krippendorff" in table.stdout


# --- malformed inputs: file and line, exit 1, no traceback --------------------------------------------


def assert_clean_failure(result, *expected: str):
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    for text in expected:
        assert text in result.stderr, result.stderr


def test_prediction_for_an_unknown_document(files):
    write_jsonl(files / "bad.jsonl", [make_doc("a", []), make_doc("zz", [])])
    result = invoke("score", str(files / "bad.jsonl"), str(files / "gold.jsonl"))
    assert_clean_failure(result, "bad.jsonl:2", "'zz'", "not in the gold set")


def test_unknown_event_type(files):
    doc = make_doc("a", [convoy()])
    doc.events[0].type = "parade"
    write_jsonl(files / "bad.jsonl", [doc])
    result = invoke("score", str(files / "bad.jsonl"), str(files / "gold.jsonl"))
    assert_clean_failure(result, "bad.jsonl:1", "unknown event type 'parade'")


def test_invalid_json_on_line_n(files):
    lines = (files / "pred.jsonl").read_text(encoding="utf-8").splitlines()
    lines.insert(2, '{"format": 1, "document": ')
    (files / "bad.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = invoke("agree", str(files / "bad.jsonl"), str(files / "gold.jsonl"))
    assert_clean_failure(result, "bad.jsonl:3", "invalid JSON")


def test_a_different_text_for_the_same_document(files):
    write_jsonl(files / "bad.jsonl", [make_doc("a", [], text=SENTENCES[0])])
    result = invoke("score", str(files / "bad.jsonl"), str(files / "gold.jsonl"))
    assert_clean_failure(result, "bad.jsonl:1", "text differs")


def test_missing_file(files):
    result = invoke("score", str(files / "nope.jsonl"), str(files / "gold.jsonl"))
    assert_clean_failure(result, "nope.jsonl", "no such file")


def test_html_report_structure_summary_first_errors_first(tmp_path):
    import lxml.html

    from coder.models import Diagnostic
    from tests.test_score_fixtures import TEXT, quote_span

    gold = gold_set()
    pred = copied(gold)
    del pred[0].events[1]  # "a": the office missed
    pred[0].events[0].fields["personnel_count"].value = 400  # "a": a matched convoy with a wrong count
    pred[0].diagnostics = [Diagnostic(kind="clash", span=quote_span(TEXT, "recruitment office"))]
    pred[2].events.append(office())  # "c": an office invented
    write_jsonl(tmp_path / "gold.jsonl", gold)
    write_jsonl(tmp_path / "pred.jsonl", pred)
    page = tmp_path / "report.html"
    result = invoke("score", str(tmp_path / "pred.jsonl"), str(tmp_path / "gold.jsonl"), "--html", str(page))
    assert result.exit_code == 0, result.output
    tree = lxml.html.fromstring(page.read_bytes())
    sections = tree.xpath("//body/section")
    assert sections[0].get("id") == "summary"
    headline = sections[0].xpath(".//table[@class='headline']/tbody/tr")
    assert [r.xpath("string(td[1])").split(" (")[0] for r in headline][:2] == ["events, relaxed", "events, strict"]
    assert all("–" in r.xpath("string(td[5])") for r in headline[:2])  # intervals shown
    assert "recruitment" in sections[0].xpath("string(.//table[@class='per-type'])")
    per_field = {
        r.xpath("string(td[1])"): r.xpath("string(td[4])")
        for r in sections[0].xpath(".//table[@class='per-field']/tbody/tr")
    }
    assert per_field["personnel_count"] == "1"  # one incorrect
    # documents errors first, most errors first; the correct one folded at the end
    docs = tree.xpath("//section[@class='doc']")
    assert [d.xpath("string(h2)").split("—")[0].split(" ")[0][:1] for d in docs] == ["a", "c", "b"]
    assert [int(d.get("data-errors")) for d in docs] == [2, 1, 0]
    assert docs[2].xpath("ancestor::section[@id='correct']")
    # a matched event's field disagreement shown gold beside predicted
    differs = docs[0].xpath(".//table[@class='matched']//tr[@class='differs']")
    assert [[td.text_content() for td in r.xpath("td")][:3] for r in differs] == [["personnel_count", "40", "400"]]
    # missed and invented listed with their causes
    assert "reported by the coder as an uncoded mention: clash" in docs[0].xpath("string(.//ul[@class='missed'])")
    assert "no gold event here" in docs[1].xpath("string(.//ul[@class='invented'])")
    # gold and predicted texts side by side, each the whole document
    assert [t.text_content() for t in docs[0].xpath(".//div[@class='text']")] == [TEXT, TEXT]


def test_html_report_opens_in_headless_chromium(files):
    """Only where a Chromium is installed (Debian's `chromium`); the structure test runs everywhere."""
    page = files / "report.html"
    assert invoke("score", str(files / "pred.jsonl"), str(files / "gold.jsonl"), "--html", str(page)).exit_code == 0
    dom, stderr = dump_dom(page)
    assert dom.xpath("//section[@id='summary']//table[@class='headline']") and "Uncaught" not in stderr
