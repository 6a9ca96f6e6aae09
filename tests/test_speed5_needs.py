"""Needs (text/prefilter.py): every word a match must hold. It may only rule out texts the
pattern cannot match in, and it must rule out the common cases its first word lets through."""

from __future__ import annotations

import random
import re

from coder.text.prefilter import Needs

from .test_prefilter import _check_matches_allowed, _patterns


def test_a_pattern_never_matches_where_its_needs_say_no():
    rng = random.Random(11)
    patterns = _patterns() + [
        re.compile(r"\b(did|does) not\b", re.I),
        re.compile(r"(?:\b(has|have|had) long\b)|(?:\bfor (years|decades|a long time)\b)", re.I),
        re.compile(r"(?<=, )\s*(?:just )?(?:a|two|\d+)\s+(?:day|days)[\s\-]+(?:after|before)\b", re.I),
    ]
    needs = [(p, Needs.of(p)) for p in patterns]
    assert sum(n is not None for _p, n in needs) > 20
    vocabulary = sorted({w for p in patterns for w in re.findall(r"[a-z]{2,}", p.pattern)})
    vocabulary += ["the", "a", "of", "in", "to", "not", "did", "long", "2", "day", "after", "Iraq", "3", "ſ", "İ"]
    _check_matches_allowed(rng, [(p, n.allows) for p, n in needs if n is not None], vocabulary)


def test_needs_reads_words_past_the_first():
    did_not = Needs.of(re.compile(r"\b(did|does) not\b", re.I))
    assert did_not is not None
    assert not did_not.allows(frozenset({"he", "did", "go"}))
    assert did_not.allows(frozenset({"he", "did", "not", "go"}))
    reference = Needs.of(
        re.compile(r"(?:(?<=,)|(?<=^))\s*(?:just |only )?(?:a|one|\d+) (?:day|days) (?:after|before)\b", re.I)
    )
    assert reference is not None  # a pattern whose start gives no word still needs its later ones
    assert not reference.allows(frozenset({"a", "convoy", "arrived", "days", "ago"}))
    assert reference.allows(frozenset({"a", "day", "after", "the", "raid"}))
    assert Needs.of(re.compile(r"convoy", re.I)) is None  # no word boundary anywhere: no word certain
