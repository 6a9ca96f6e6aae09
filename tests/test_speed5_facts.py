"""Names and dates found region by region on first use equal a scan of every region up front,
whatever order the sentences are asked in, the date anchor chain across regions included."""

import random
from datetime import date
from pathlib import Path

import pytest

from coder.codebook import load_codebook
from coder.models import Document
from coder.normalize import find_dates
from coder.normalize.usage import names_an_organisation
from coder.rules.coder import RuleCoder
from coder.rules.facts import _DATELINE, _DATELINE_END

CODEBOOK = Path(__file__).resolve().parents[1] / "codebook"

PARAGRAPHS = [
    "Deir ez-Zor, March 14, 2021 - Hezbollah fighters arrived in al-Mayadin on Monday.",
    "Prices of bread rose in local markets. Residents were worried.",
    "The next day, a convoy of 20 trucks entered al-Bukamal from Iraq.",
    "On the same day the militia recruited 50 young men in the village of Hatla.",
    "Electricity cuts lasted for hours. Nobody said when they would end.",
    "A day later, Liwa Fatemiyoun fighters left Palmyra for the T4 base.",
    "In April the IRGC sent reinforcements to al-Quriyah, sources said.",
    "On April 5 the group moved again. The day before, it had held a meeting in Raqqa.",
]


@pytest.fixture(scope="module")
def coder():
    return RuleCoder(load_codebook(CODEBOOK))


def _eager(coder, ctx):
    """The scan of every kept region in order, as the coder made it before facts.py."""
    from coder.text import classify_blocks

    text, doc = ctx.doc.text, ctx.doc
    kept = [b for b in classify_blocks(text) if b.kept]
    n = len(ctx.sentences)
    actors, places, dates = [[] for _ in range(n)], [[] for _ in range(n)], [[] for _ in range(n)]
    anchor = None
    for block in kept:
        start, end = block.start, block.end
        found_a, found_p = coder.normalizer.find_names(text, start, end, fuzzy=coder.fuzzy)
        unknown = coder.normalizer.find_unknown_places(text, start, end, known=found_p, actors=found_a)
        if unknown:
            found_p = sorted(found_p + unknown, key=lambda m: m.start)
        for m in found_a:
            actors[ctx.index_of(m.start)].append(m)
        starts = frozenset(m.start for m in found_a)
        for m in found_p:
            if not names_an_organisation(text, m, starts):
                places[ctx.index_of(m.start)].append(m)
        for d in find_dates(text, doc.publication_date, start, end, anchor, chain=True):
            anchor = d.date
            if _DATELINE.match(text, start, d.start) and _DATELINE_END.match(text, d.end):
                continue
            dates[ctx.index_of(d.start)].append(d)
    return actors, places, dates


@pytest.mark.parametrize("published", [date(2021, 3, 20), None])
@pytest.mark.parametrize("seed", range(6))
def test_lazy_facts_equal_eager_scan(coder, published, seed):
    rng = random.Random(seed)
    paragraphs = PARAGRAPHS[:]
    rng.shuffle(paragraphs)
    doc = Document(id="d", text="\n\n".join(paragraphs), publication_date=published)
    eager_ctx = coder._prepare(doc)
    actors, places, dates = _eager(coder, eager_ctx)
    ctx = coder._prepare(doc)
    order = list(range(len(ctx.sentences)))
    rng.shuffle(order)
    for si in order:
        what = rng.choice(["actors", "places", "dates"])
        got = getattr(ctx, what)[si]
        assert got == {"actors": actors, "places": places, "dates": dates}[what][si]
    for si in range(len(ctx.sentences)):
        assert (ctx.actors[si], ctx.places[si], ctx.dates[si]) == (actors[si], places[si], dates[si])


def test_a_day_relative_date_takes_the_anchor_from_regions_not_yet_asked(coder):
    doc = Document(
        id="d",
        text=(
            "On March 3 the convoy of the militia left the city of Homs at dawn.\n\n"
            "The weather in the region was mild for the season, traders said.\n\n"
            "The next day the convoy reached the town of Palmyra, local sources said."
        ),
        publication_date=date(2021, 3, 20),
    )
    ctx = coder._prepare(doc)
    last = len(ctx.sentences) - 1
    assert [d.iso for d in ctx.dates[last]] == ["2021-03-04"]
