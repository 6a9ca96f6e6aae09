"""Speed round 9: trigger Needs with every alternation spread out, sums of money ruled out by
their digit, notes filled from split templates: the same answers as before, found cheaper."""

from __future__ import annotations

import random
import re

from coder.codebook import load_codebook
from coder.normalize import find_money
from coder.rules.compiled import compile_codebook
from coder.text.prefilter import Needs, words_of

from .test_prefilter import _check_matches_allowed, _noise, _patterns


def _triggers():
    codebook = load_codebook("codebook")
    return [t.pattern for ct in compile_codebook(codebook) for t in ct.triggers]


def _cues():
    types = compile_codebook(load_codebook("codebook"))
    return [r.cues for ct in types for r in ct.rules] + [r for ct in types for t in ct.triggers for r in t.requires]


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
    _check_matches_allowed(rng, [(p, n.allows) for p, n in needs if n is not None], vocabulary)


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


def test_word_matches_are_the_finditer_matches():
    from coder.text.headsearch import word_matches
    from coder.text.prefilter import Prefilter, case_free, folded_text

    rng = random.Random(19)
    patterns = []
    for p in _triggers() + _cues():
        first, lower = Prefilter.of(p), case_free(p)
        if lower is not None and not first.always and not first.prefixes:
            patterns.append((lower, first.words))
    assert len(patterns) > 20
    vocabulary = sorted({w for p, _h in patterns for w in re.findall(r"[a-z]{2,}", p.pattern)})
    vocabulary += ["the", "a", "of", "to", "Syria", "convoys", "s", "_", "K"]
    checked = 0
    for _ in range(600):
        text = folded_text(_noise(rng, vocabulary))
        if text is None:
            continue
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        words = words_of(text, a, b)
        for p, heads in patterns:
            expected = [m.span() for m in p.finditer(text, a, b)]
            checked += bool(expected)
            assert [m.span() for m in word_matches(p, text, a, b, heads & words)] == expected, (p.pattern, text[a:b])
    assert checked > 100


def test_clause_marks_are_the_clause_pattern_matches():
    from coder.rules import context
    from coder.text.prefilter import folded_text

    rng = random.Random(23)
    vocabulary = ["but", "while", "whereas", "although", "though", "however", "the", "convoy", "-", "(", ")"]
    vocabulary += [",", ";", ":", "–", "—", "Butter", "meanwhile", "x"]
    for _ in range(800):
        text = _noise(rng, vocabulary)
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        asides = [m.span() for m in re.finditer(context.ASIDE, text[a:b])]
        expected = [
            m.span()
            for m in context.CLAUSE.finditer(text, a, b)
            # a mark inside a short bracketed aside, or its brackets, is no boundary
            if not (m.end() - m.start() == 1 and any(x <= m.start() - a < y for x, y in asides))
        ]
        folded = folded_text(text)
        for searched, word in ((text, context._CLAUSE_WORD), (folded, context._CLAUSE_WORD_LOW)):
            if searched is None:
                continue
            marks = [m.span(1) for m in context._CLAUSE_MARK.finditer(searched, a, b) if m.group(1)]
            marks += [m.span() for m in context._CLAUSE_DASH.finditer(searched, a, b)]
            if not context._CLAUSE_WORDS.isdisjoint(words_of(text, a, b)):
                marks += [m.span() for m in word.finditer(searched, a, b)]
            assert sorted(marks) == expected, text[a:b]


def test_date_patterns_found_from_their_words_as_by_a_full_search(monkeypatch):
    from datetime import date

    from coder.normalize import dates

    rng = random.Random(29)
    vocabulary = ["the", "next", "day", "on", "monday", "last", "week", "in", "march", "3", "2021", "early"]
    vocabulary += ["a", "day", "after", "ago", "two", "days", "this", "month", "of", "mid", "june", "12", "İ", "ſ"]
    texts = [_noise(rng, vocabulary) for _ in range(1500)]
    published = date(2021, 6, 15)
    fast = [dates.find_dates(t, published, chain=True) for t in texts]
    monkeypatch.setattr(dates, "_HEADS", {})
    assert [dates.find_dates(t, published, chain=True) for t in texts] == fast
    assert sum(map(len, fast)) > 300


def test_furniture_words_searched_where_they_stand():
    from coder.text import furniture

    rng = random.Random(31)
    vocabulary = ["accept", "all", "cookies", "this", "article", "was", "translated", "share", "on", "has", "not"]
    vocabulary += ["verified", "the", "story", "sign", "up", "read", "more", "menu", "home", "log", "in", "tags", "©"]
    seen = 0
    for _ in range(3000):
        line = _noise(rng, vocabulary).strip()
        words = words_of(line)
        strong = "©" in line or furniture._STRONG_WORDS.search(line) is not None
        weak = furniture._WEAK.search(line) is not None
        assert furniture._strong(line, words) == strong, line
        assert furniture._weak(line, words) == weak, line
        seen += strong + weak
    assert seen > 500


def test_numbers_without_a_figure_found_from_their_words():
    from coder.normalize import find_numbers
    from coder.text.prefilter import folded_text

    rng = random.Random(37)
    vocabulary = ["a", "few", "dozen", "dozens", "of", "twenty", "one", "hundred", "and", "five", "several", "tens"]
    vocabulary += ["a", "couple", "handful", "thousands", "seventeen", "Fighters", "area", "3", "2,000", "İ", ".", ","]
    seen = 0
    for _ in range(3000):
        text = _noise(rng, vocabulary)
        folded = folded_text(text)
        if folded is None:
            continue
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        plain = find_numbers(text, a, b)  # NUMBER_RE on the text itself
        assert find_numbers(text, a, b, folded) == plain, text[a:b]
        seen += len(plain)
    assert seen > 500


def test_only_a_year_ruled_out_without_a_figure_or_year():
    from coder.dates import _ONLY_A_YEAR, only_a_year
    from coder.text.prefilter import folded_text

    rng = random.Random(41)
    vocabulary = ["in", "2019", "mid", "early", "last", "year", "Year", "the", "same", "since", "1999", "x", "İ", "-"]
    seen = 0
    for _ in range(3000):
        text = _noise(rng, vocabulary)
        folded = folded_text(text)
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        expected = _ONLY_A_YEAR.search(text, a, b) is not None
        assert only_a_year(text, a, b, folded) == expected, text[a:b]
        seen += expected
    assert seen > 50


def test_sentence_boundary_pattern_unchanged_by_its_first_class():
    from coder.text import sentences

    before = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s+)")
    rng = random.Random(43)
    vocabulary = ["word", ".", "...", "!", "?", "…", '"', "”", ")", "]", "U.S.", "x", "\n"]
    for _ in range(3000):
        text = _noise(rng, vocabulary)
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        expected = [m.span() for m in before.finditer(text, a, b)]
        assert [m.span() for m in sentences._BOUNDARY.finditer(text, a, b)] == expected


def test_enum_mentions_from_their_words_as_by_a_full_search():
    from coder.normalize import Normalizer

    codebook = load_codebook("codebook")
    normalizer = Normalizer(codebook)
    specs = [spec for et in codebook.event_types for spec in et.fields.values() if spec.lexicon]
    assert specs
    vocabulary = sorted({w for s in specs for cues in s.lexicon.values() for c in cues for w in c.lower().split()})
    vocabulary += ["the", "a", "x", "İ", "-"]
    rng = random.Random(47)
    seen = 0
    for _ in range(400):
        text = _noise(rng, vocabulary)
        a = rng.randint(0, max(0, len(text) - 1))
        b = rng.randint(a, len(text))
        for spec in specs:
            plain = normalizer.enum_mentions(spec, text, a, b)  # every cue pattern searched in full
            assert normalizer.enum_mentions(spec, text, a, b, words_of(text, a, b)) == plain, text[a:b]
            seen += len(plain)
    assert seen > 200
