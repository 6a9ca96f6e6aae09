"""Place candidates of a long span, searched only in the stretches around kind words
(unknown.place_candidates_in), equal the whole span's (unknown.place_candidates)."""

from __future__ import annotations

import random
from pathlib import Path

from coder.normalize.unknown import _LONG_SPAN, place_candidates, place_candidates_in

GOLDEN = Path(__file__).resolve().parents[1] / "golden"

_WORDS = (
    "the village of|the towns of|in the countryside of|outskirts of|sub-district of|neighbourhood of|"
    "Village|village|town|city|hamlet|area|areas|region|desert|crossing|farms|subdistrict|district|"
    "Abu|Umm|al-|Al-|el-|Tal|Hamam|Kamal|Bukamal|Jdeid|Bakara|Deir|Zor|Mayadin|Ḥamā|Sa’id|Qa'im|ʿAyn|"
    "of|and|in|from|to|the|The|a|convoy|fighters|said|sub|Submarine|2021|12"
).split("|")
_GLUE = [" ", " ", " ", "-", ", ", ". ", "; ", "’s ", "'", "\n", "", " (", ") ", ": ", '"']


def _text(rng: random.Random, size: int) -> str:
    parts = []
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(_WORDS))
        parts.append(rng.choice(_GLUE))
    return "".join(parts)


def test_stretches_around_kind_words_give_the_whole_spans_candidates():
    rng = random.Random(3)
    found = 0
    for _ in range(8):
        text = _text(rng, _LONG_SPAN * 2)
        start = rng.randrange(0, 200)
        end = len(text) - rng.randrange(0, 200)
        expected = place_candidates(text, start, end)
        assert place_candidates_in(text, start, end, None) == expected
        found += len(expected)
    assert found > 400


def test_a_one_line_page_of_real_reports():
    text = " ".join(p.read_text(encoding="utf-8").replace("\n", " ") for p in sorted(GOLDEN.glob("*.txt")))
    assert len(text) > _LONG_SPAN
    expected = place_candidates(text, 0, len(text))
    assert expected
    assert place_candidates_in(text, 0, len(text), None) == expected
