"""Text preparation never drops a whole article and stays linear (issue 17)."""

from __future__ import annotations

import random
import time

import pytest

from coder.text import classify_blocks, main_regions, split_sentences
from coder.text.html import html_to_text

ARTICLE = (
    "A convoy of Fatemiyoun fighters arrived in Albukamal from Iraq on Monday, local sources said. "
    "The fighters set up two new positions near the border crossing, residents added."
)
_WORDS = "convoy fighters arrived town militia trucks fuel border crossing night reported residents".split()


def _kept(text: str) -> str:
    return " ".join(text[a:b] for a, b in main_regions(text))


def test_one_line_article_with_a_bar_and_no_final_stop_is_kept():
    text = ARTICLE + " | SOHR"
    assert _kept(text) == text
    bare = "Under the 4th Division's protection | 50 fuel trucks enter al-Bukamal from Iraq"
    assert _kept(bare) == bare  # the whole article: coded, not thrown away as a heading


def test_title_lines_with_bars_are_still_headings_above_a_body():
    text = "Convoy reaches Albukamal | SOHR\n" + ARTICLE
    assert _kept(text) == ARTICLE
    assert [b.kind for b in classify_blocks(text)] == ["heading", "body"]


def test_long_line_with_bars_is_prose():
    rng = random.Random(3)
    line = " | ".join(" ".join(rng.choice(_WORDS) for _ in range(15)) for _ in range(12))
    text = "Convoy reaches Albukamal\n" + line + "\n" + ARTICLE
    assert line in _kept(text)


def _one_line(size: int, end: str) -> str:
    rng = random.Random(1)
    parts, total = [], 0
    while total < size:
        part = " ".join(rng.choice(_WORDS) for _ in range(14)).capitalize() + end
        parts.append(part)
        total += len(part)
    return "".join(parts)


@pytest.mark.parametrize("end", [". ", " ", " | "])
def test_five_megabyte_one_line_text_is_prepared_in_seconds_and_kept(end):
    text = _one_line(5_000_000, end)
    started = time.perf_counter()
    regions = main_regions(text)
    sentences = split_sentences(text, regions)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, elapsed  # linear: about 4 s on one slow core; minutes when it was not
    assert sum(b - a for a, b in regions) >= len(text.strip()) - 10
    # No sentence is unbounded: a text without stops is cut at word boundaries,
    # so nothing downstream works on one 5 MB "sentence".
    assert max(s.end - s.start for s in sentences) <= 1000
    assert sum(s.end - s.start for s in sentences) >= 0.95 * len(text.strip())


def test_long_sentence_is_cut_at_spaces_and_offsets_stay_original():
    text = "word " * 700 + "end."
    sentences = split_sentences(text)
    assert len(sentences) >= 4
    for s in sentences:
        piece = text[s.start : s.end]
        assert piece == piece.strip() and not piece.startswith("ord")
    blob = "x" * 2500  # no space at all: cut anyway
    assert [s.end - s.start for s in split_sentences(blob)] == [1000, 1000, 500]


@pytest.mark.parametrize("depth", [300, 1000, 6000])
def test_deeply_nested_html_keeps_its_text(depth):
    body = "".join(f"<p>{ARTICLE} Paragraph {i} adds what residents of the town saw.</p>" for i in range(4))
    html = (
        "<!DOCTYPE html><html><head><title>Convoy</title></head><body>"
        + "<div>" * depth
        + f"<article>{body}</article>"
        + "</div>" * depth
        + "</body></html>"
    )
    got = html_to_text(html)
    assert "Fatemiyoun" in got.text and "Paragraph 3" in got.text


def test_same_page_twice_gives_the_same_text():
    # trafilatura's cross-document deduplication dropped paragraphs it had
    # seen in earlier pages: the third copy of a page came out empty.
    html = f"<html><body><article><h1>Convoy</h1><p>{ARTICLE}</p><p>{ARTICLE[::-1]}</p></article></body></html>"
    texts = [html_to_text(html).text for _ in range(4)]
    assert texts[0] and all(t == texts[0] for t in texts)
