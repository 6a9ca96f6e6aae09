"""The speed-ups that must not change an answer: pattern prefilters and interval look-ups."""

from __future__ import annotations

import random
import re
import sys

from coder.codebook import load_codebook
from coder.normalize.intervals import Intervals
from coder.normalize.names import Mention
from coder.rules.compiled import compile_codebook
from coder.text.prefilter import _FOLD, Prefilter, words_of


def test_fold_covers_every_character_ignorecase_matches_with_ascii():
    # The prefilter folds words with _FOLD and lower(): any other non-ASCII character that
    # IGNORECASE matched with an ASCII letter or digit would make it miss a match.
    ascii_word = re.compile(r"[a-z0-9_]", re.I)
    found = {
        chr(cp) for cp in range(0x80, sys.maxunicode + 1) if not 0xD800 <= cp < 0xE000 and ascii_word.match(chr(cp))
    }
    assert found == {chr(k) for k in _FOLD}


def _patterns() -> list[re.Pattern]:
    codebook = load_codebook()
    out = []
    for ct in compile_codebook(codebook):
        for t in ct.triggers:
            out += [t.pattern, *t.requires]
        out += [r.cues for r in ct.rules]
    out += [re.compile("|".join(f"(?:{c})" for c in k.cues), re.I) for k in codebook.uncoded_kinds if k.cues]
    from coder.normalize.dates import _CUE, _PATTERNS
    from coder.text.furniture import _STRONG_WORDS, _WEAK

    return out + [_CUE, _STRONG_WORDS, _WEAK] + [p for _k, p in _PATTERNS]


def _noise(rng: random.Random, words: list[str]) -> str:
    pieces = []
    for _ in range(rng.randint(1, 14)):
        w = rng.choice(words)
        roll = rng.random()
        if roll < 0.2:
            w = w.upper()
        elif roll < 0.3:
            w = w.capitalize()
        elif roll < 0.35:
            w = w.replace("i", "\u0130").replace("s", "\u017f").replace("k", "\u212a")
        elif roll < 0.4:
            w = rng.choice(["_", "x", "9", "é", "'"]) + w
        elif roll < 0.45:
            w = w + rng.choice(["_", "s", "ed", "9", "’s"])
        pieces.append(w)
        pieces.append(rng.choice([" ", " ", " ", ", ", "-", ". ", "\n", "  ", "—"]))
    return "".join(pieces)


def _check_matches_allowed(
    rng: random.Random, checks, vocabulary: list[str], least: int = 300, rounds: int = 1500
) -> None:
    """Random spans of noise made of the patterns' own words: wherever a pattern matches, its
    prefilter (`checks`: (pattern, allows(words)) pairs) must let the span's words through."""
    checked = 0
    for _ in range(rounds):
        text = _noise(rng, vocabulary)
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        words = words_of(text, a, b)
        for p, allows in checks:
            if p.search(text, a, b):
                checked += 1
                assert allows(words), (p.pattern, text[a:b])
    assert checked > least


def test_a_pattern_never_matches_where_its_prefilter_says_no():
    rng = random.Random(5)
    patterns = _patterns()
    vocabulary = sorted({w for p in patterns for w in re.findall(r"[a-z]{2,}", p.pattern)}) + [
        "the",
        "a",
        "of",
        "in",
        "to",
        "fighters",
        "convoy",
        "2021",
        "Iraq",
        "3",
        "12th",
        "٣",
        "2021-03-04",
        "4/5/2020",
        "March",
        "may",
        "Mon",
        "1999",
    ]
    _check_matches_allowed(rng, [(p, Prefilter.of(p).allows) for p in patterns], vocabulary)


def test_prefilter_words_and_fallbacks():
    assert Prefilter.of(re.compile(r"\bconvoys?\b", re.I)).words == {"convoy", "convoys"}
    assert Prefilter.of(re.compile(r"\brecruit\w*", re.I)).prefixes == ("recruit",)
    assert Prefilter.of(re.compile(r"convoy", re.I)).always  # no \b: may start inside a word
    assert Prefilter.of(re.compile(r"\b\w+ing\b", re.I)).always
    assert Prefilter.of(re.compile(r"(?<!the )\b(aim|aims) to\b", re.I)).words == {"aim", "aims"}
    assert not Prefilter.of(re.compile(r"\bconvoy\b", re.I)).allows(frozenset({"convoys"}))
    assert words_of("The CONVOY ar\u0130ved", 0, 10) == {"the", "convoy"}


def _mentions(rng: random.Random) -> list[Mention]:
    out, pos = [], 0
    for _ in range(rng.randint(0, 40)):
        pos += rng.randint(0, 6)
        end = pos + rng.randint(1, 8)
        out.append(Mention(pos, end, None))
        pos = end
    return out


def test_intervals_answer_as_the_plain_pass():
    rng = random.Random(3)
    for _ in range(500):
        items = _mentions(rng)
        if rng.random() < 0.1:
            rng.shuffle(items)  # not a scan's shape: the plain pass answers
        spans = Intervals(items)
        for _ in range(20):
            s = rng.randint(0, 300)
            e = s + rng.randint(0, 10)
            assert list(spans.overlapping(s, e)) == [m for m in items if m.start < e and s < m.end]
            if items:
                assert spans.nearest(s) is min(items, key=lambda m: abs(m.start - s))
            assert spans.closest(s, 3) == sorted(items, key=lambda m: abs(m.start - s))[:3]


def test_caption_needs_is_necessary_for_a_caption():
    from coder.text.furniture import _CAPTION, _may_be_caption

    rng = random.Random(9)
    vocabulary = [
        "a",
        "the",
        "Screenshot",
        "PHOTO",
        "photograph",
        "picture",
        "image",
        "file",
        "video",
        "still",
        "undated",
        "archive",
        "archival",
        "handout",
        "caption",
        "Credit",
        "credits",
        "photocaption",
        "shows",
        "showing",
        "depicts",
        "taken",
        "[AFP]",
        "(Photo: AFP)",
        "(source x)",
        ":",
        "|",
        "-",
        "İmage",
        "ſtill",
        "fighters",
        "convoy",
    ]
    hits = 0
    for _ in range(3000):
        line = " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 8)))
        if _CAPTION.search(line):
            hits += 1
            assert _may_be_caption(line), line
    assert hits > 150


def test_date_cues_on_lower_cased_ascii_are_the_ignorecase_matches():
    from coder.normalize.dates import _CUE, _cues

    rng = random.Random(1)
    vocabulary = [
        "Monday",
        "MAY",
        "may",
        "day",
        "days",
        "x",
        "2021-03",
        "12/4",
        "this morning",
        "This Evening",
        "_day",
        "ago",
        "week",
        ".",
        " ",
        "-",
        "İ",
        "weekday",
        "3",
        "janUary",
        "ſunday",
    ]
    for _ in range(5000):
        text = "".join(rng.choice(vocabulary) + rng.choice([" ", "", "-", ", "]) for _ in range(rng.randint(1, 12)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert _cues(text, a, b, words_of(text, a, b)) == [m.span() for m in _CUE.finditer(text, a, b)], (text, a, b)


def test_place_candidate_patterns_never_match_where_their_prefilters_say_no():
    from coder.normalize.unknown import _AFTER, _AFTER_FIRST, _BEFORE, _BEFORE_FIRST

    rng = random.Random(4)
    vocabulary = [
        "Abu",
        "Hamam",
        "al-Sikka",
        "Tal",
        "the",
        "village",
        "Village",
        "towns",
        "of",
        "area",
        "sub-district",
        "desert",
        "Desert",
        "city",
        "in",
        "_town",
        "townX",
        "Kata'ib",
        "crossing",
        "farms",
        "Ḥasakah",
    ]
    checks = [(_BEFORE, _BEFORE_FIRST.allows), (_AFTER, _AFTER_FIRST.allows)]
    _check_matches_allowed(rng, checks, vocabulary, least=150, rounds=6000)
