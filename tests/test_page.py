"""The proposals page (`coder code --format html`): its structure, parsed, and escaping of a hostile text."""

from pathlib import Path

import lxml.html
from typer.testing import CliRunner

from coder.base import make_coder
from coder.cli import app
from coder.codebook.loader import load_codebook
from coder.models import Alignment, Document
from coder.report.proposals import proposals_page
from tests.browser import dump_dom

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "convoy_and_recruitment.txt"
HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)> & "quotes" \'single\' '
    "A convoy of Kataib Hezbollah fighters reached Al Bukamal on May 3, 2021. "
    "An airstrike hit a position near Al Mayadin the same day."
)


def _code(*docs: Document):
    codebook = load_codebook(ROOT / "codebook")
    coder = make_coder("rules", codebook)
    return [coder.code(d) for d in docs], codebook


def test_cli_writes_one_self_contained_page(tmp_path):
    out = tmp_path / "page.html"
    result = CliRunner().invoke(
        app, ["code", str(EXAMPLE), "--format", "html", "--out", str(out), "--codebook", str(ROOT / "codebook")]
    )
    assert result.exit_code == 0, result.output
    tree = lxml.html.fromstring(out.read_bytes())
    # self-contained: nothing fetched from elsewhere
    assert not tree.xpath("//link|//script[@src]|//img|//iframe")
    assert tree.xpath("//div[@class='legend']") and tree.xpath("//section[@class='doc']")
    rows = tree.xpath("//table[@class='events']/tbody/tr")
    assert [r.xpath("string(td[2])") for r in rows] == ["troop_movement", "recruitment", "tribal_outreach"]
    # every event row targets spans that exist in the text: evidence marks and field spans
    text = tree.xpath("//div[@class='text']")[0]
    for row in rows:
        tag = row.get("data-target")
        lit = text.xpath(f".//*[contains(concat(' ', @data-ev, ' '), ' {tag} ')]")
        assert any(n.tag == "mark" for n in lit) and any("field" in n.get("class") for n in lit), tag
    # the text is whole: the highlighted text reads exactly as the document
    assert text.text_content() == EXAMPLE.read_text(encoding="utf-8")
    # fields shown with their quotes and offsets
    first = tree.xpath("//details[@class='event-fields']")[0]
    location = [r for r in first.xpath(".//tbody/tr") if r.xpath("string(td[1])") == "location"][0]
    assert [location.xpath(f"string(td[{i}])") for i in (2, 3, 4)] == ["Al Mayadin", "al-Mayadin", "317-327"]


def test_hostile_text_is_escaped_and_problems_marked():
    doc = Document(id='<b>id</b>"', title="<i>title</i>", text=HOSTILE, publication_date="2021-05-04")
    (coded,), codebook = _code(doc)
    assert coded.diagnostics, "the airstrike is reported as a diagnostic"
    coded.events[0].fields["actor1"].alignment = Alignment.unaligned
    html = proposals_page([coded], codebook)
    tree = lxml.html.fromstring(html)
    assert len(tree.xpath("//script")) == 1 and "alert" not in tree.xpath("string(//script)")
    assert not tree.xpath("//img|//b[text()='id']|//i[text()='title']")
    assert tree.xpath("string(//div[@class='text'])") == HOSTILE
    assert tree.xpath("string(//h2)") == '<b>id</b>" — <i>title</i>'
    # the unaligned value is flagged in the table and in the fields
    assert "actor1" in tree.xpath("string(//table[@class='events']//span[@class='bad'])")
    assert tree.xpath("//details//tr[@class='unaligned']/td[1]/text()") == ["actor1"]
    # diagnostics listed and dotted in the text
    assert "airstrike" in tree.xpath("string(//div[@class='diagnostics'])")
    assert tree.xpath("//div[@class='text']//span[@class='diag']")


def test_span_not_holding_its_quote_is_flagged():
    (coded,), codebook = _code(Document(id="d", text=HOSTILE, publication_date="2021-05-04"))
    span = coded.events[0].fields["location"].spans[0]
    coded.events[0].fields["location"].spans[0] = span.model_copy(update={"text": "Palmyra"})
    tree = lxml.html.fromstring(proposals_page([coded], codebook))
    assert "does not hold its quote 'Palmyra'" in tree.xpath("string(//details//tr[@class='unaligned'])")


def test_failed_and_empty_documents_and_many_documents():
    (one, two), codebook = _code(
        Document(id="a", text="Nothing happened here."), Document(id="b", text=HOSTILE, publication_date="2021-05-04")
    )
    one.status, one.error = "failed", "<timeout>"
    tree = lxml.html.fromstring(proposals_page([one, two], codebook))
    sections = tree.xpath("//section[@class='doc']")
    assert len(sections) == 2 and "failed: <timeout>" in sections[0].text_content()
    # event ids are per document: no clash between the two sections
    tags = [r.get("data-target") for r in tree.xpath("//tr[@class='event']")]
    assert len(tags) == len(set(tags)) and all(t.startswith("d2-") for t in tags)


def test_page_runs_in_headless_chromium_and_a_click_lights_the_event(tmp_path):
    """Only where a Chromium is installed (Debian's `chromium`); the structure tests above run everywhere."""
    (coded,), codebook = _code(Document(id="d", text=HOSTILE, publication_date="2021-05-04"))
    html = proposals_page([coded], codebook).replace(
        "</body>",
        '<script>document.querySelector("tr.event").click();'
        'document.body.setAttribute("data-lit", document.querySelectorAll(".lit").length);</script></body>',
    )
    page = tmp_path / "page.html"
    page.write_text(html, encoding="utf-8")
    dom, stderr = dump_dom(page)
    assert int(dom.xpath("string(//body/@data-lit)")) >= 2  # the evidence and its field spans
    assert "Uncaught" not in stderr
