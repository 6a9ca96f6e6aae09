"""Speed round 9: trigger Needs with every alternation spread out, sums of money ruled out by
their digit, notes filled from split templates: the same answers as before, found cheaper."""

from __future__ import annotations

import random
import re

from coder.codebook import load_codebook
from coder.normalize import find_money
from coder.rules.compiled import compile_codebook
from coder.text.prefilter import Needs, words_of

from .test_prefilter import _noise, _patterns


def _triggers():
    codebook = load_codebook("codebook")
    return [t.pattern for ct in compile_codebook(codebook) for t in ct.triggers]


def test_spread_needs_never_rule_out_a_match():
    rng = random.Random(9)
    patterns = (
        _triggers()
        + _patterns()
        + [
            re.compile(r"\b(by way of camouflage|as (a )?(cover|camouflage)|for camouflage)\b", re.I),
            re.compile(r"\bjoin(ed|ing)? (its|their|the) ranks\b", re.I),
        ]
    )
    needs = [(p, Needs.of(p, spread=8)) for p in patterns]
    assert sum(n is not None for _p, n in needs) > 20
    vocabulary = sorted({w for p in patterns for w in re.findall(r"[a-z]{2,}", p.pattern)})
    vocabulary += ["the", "a", "as", "by", "for", "of", "in", "its", "2", "ranks", "cover", "ſ", "İ"]
    checked = 0
    for _ in range(1500):
        text = _noise(rng, vocabulary)
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        words = words_of(text, a, b)
        for p, n in needs:
            if n is not None and p.search(text, a, b):
                checked += 1
                assert n.allows(words), (p.pattern, text[a:b])
    assert checked > 300


def test_spread_needs_read_words_inside_an_alternation():
    camouflage = re.compile(r"\b(by way of camouflage|as (a )?(cover|camouflage)|for camouflage)\b", re.I)
    plain = Needs.of(camouflage)  # its final \b hides the alternation: only the first words are read
    assert plain is not None and plain.alternatives == ((frozenset({"as", "by", "for"}),),)
    needs = Needs.of(camouflage, spread=8)
    assert needs is not None
    assert not needs.allows(frozenset({"as", "a", "result", "for", "the", "town"}))
    assert needs.allows(frozenset({"as", "a", "cover"}))
    assert needs.allows(frozenset({"as", "camouflage"}))
    assert Needs.of(camouflage, spread=3) == plain  # six alternatives: past the limit, read as before


def test_money_needs_a_digit():
    assert find_money("they were paid a salary in Syrian pounds and dollars") == []
    found = find_money("a salary of 300,000 Syrian pounds a month, or $50")
    assert [(m.amount, m.currency, m.period) for m in found] == [(300000.0, "SYP", "month"), (50.0, "USD", None)]


def test_notes_match_the_substitution_they_replace():
    from coder import notes

    template = "On {event_date}, {actor1} recruited {recruits_count} fighters ( from {origin} ) in {location} ."
    texts = {"event_date": "3 May", "actor1": "Kataib_Hezbollah", "recruits_count": "12", "origin": None}
    fields = notes._fields_of(template)
    shaped = notes._without(template, tuple(n for n in fields if texts.get(n) is None))
    parts = list(notes._pieces(shaped))
    for i in range(1, len(parts), 2):
        parts[i] = texts.get(parts[i]) or ""
    old = notes._PLACEHOLDER.sub(lambda m: texts.get(m.group(1)) or "", shaped)
    assert "".join(parts) == old
    assert notes._SPACE_BEFORE_MARK.sub(notes._MARK, old) == notes._SPACE_BEFORE_MARK.sub(r"\1", old)
