"""Speed round 11: what coding leaves alive goes to the collector's oldest generation (not walked
by the next young collections), cycles made while coding are still collected, and a program's own
frozen objects stay frozen; one exclusion answer per type and clause."""

from __future__ import annotations

import gc
import weakref

import pytest

from coder.base import make_coder
from coder.codebook import load_codebook
from coder.models import Document

_TEXT = "Hezbollah sent a convoy of 20 trucks to al-Bukamal on Monday. The convoy was not planned."


@pytest.fixture(scope="module")
def coder():
    return make_coder("rules", load_codebook("codebook"))


class _Node:
    pass


def test_coded_document_is_left_in_the_oldest_generation(coder, monkeypatch):
    import coder.rules.coder as rules

    monkeypatch.setattr(rules, "_MANY_YOUNG", 0)  # as after a page that made very many objects
    coded = coder.code(Document(id="d", text=_TEXT))
    assert gc.isenabled()
    assert gc.get_count()[0] < 100  # no young generation of the coding's survivors to walk
    young = {id(o) for o in gc.get_objects(generation=0)} | {id(o) for o in gc.get_objects(generation=1)}
    assert id(coded) not in young and all(id(e) not in young for e in coded.events)


def test_cycles_made_while_coding_are_collected(coder, monkeypatch):
    import coder.rules.coder as rules

    made: list[weakref.ref] = []
    original = type(coder)._prepare

    def prepare(self, document):
        a, b = _Node(), _Node()
        a.other, b.other = b, a  # a cycle only the collector frees
        made.append(weakref.ref(a))
        return original(self, document)

    monkeypatch.setattr(type(coder), "_prepare", prepare)
    monkeypatch.setattr(rules, "_MANY_YOUNG", 0)
    coder.code(Document(id="d", text=_TEXT))
    assert made[0]() is not None  # paused while coding: not collected yet
    gc.collect()
    assert made[0]() is None


def test_objects_the_program_froze_stay_frozen(coder, monkeypatch):
    import coder.rules.coder as rules

    monkeypatch.setattr(rules, "_MANY_YOUNG", 0)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        coder.code(Document(id="d", text=_TEXT))
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def _excluded_each_time(text, sentence, pos, ct, cache, ctx, si):
    """RuleCoder._excluded as it was: every trigger asks each rule (through the same cue cache)."""
    from coder.rules.context import cached_allowed

    hits = ctx.hits(si)
    for rule in ct.rules:
        if id(rule.cues) not in hits and not ctx.allows(id(rule.cues), si):
            continue
        a, b = (sentence.start, sentence.end) if rule.scope == "sentence" else ctx.clause(si, pos)
        if cached_allowed(cache, rule.cues, a, b, ctx, si):
            return True
    return False


def test_exclusions_asked_once_per_clause_answer_as_each_trigger_asking(coder, monkeypatch):
    from pathlib import Path

    from coder.io import dump_record

    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("golden").glob("*.txt"))[:40]]
    texts.append(
        "Hezbollah sent a convoy and reinforcements to al-Bukamal on Monday, but the convoy and the "
        "reinforcements planned for Tuesday were postponed. The militia recruited 40 men in Deir ez-Zor."
    )
    fast = [dump_record(coder.code(Document(id=str(i), text=t))) for i, t in enumerate(texts)]
    monkeypatch.setattr(type(coder), "_excluded", staticmethod(_excluded_each_time))
    slow = [dump_record(coder.code(Document(id=str(i), text=t))) for i, t in enumerate(texts)]
    assert fast == slow


def test_patron_prefilter_answers_as_the_search():
    import random

    from coder.normalize import Mention
    from coder.rules.args import is_patron
    from coder.text.prefilter import folded_text

    words = (
        "backed by with loyal to allied affiliated linked attached subordinate leadership of on behalf orders "
        "command umbrella auspices funds funding money salaries training support weapons from the its their a "
        "Iran's IRGC militia sent convoy Hezbollah - , to-the byword tothe"
    ).split()
    rng = random.Random(11)
    for _ in range(4000):
        before = " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        before = before.replace(" ", rng.choice([" ", "  ", "\t", " "]), rng.randint(0, 2))
        text = f"{before} IRGC {rng.choice(words)} fighters"
        start = len(before) + 1
        m = Mention(start, start + 4, None)
        assert is_patron(text, m, folded_text(text)) == is_patron(text, m, None), text


def _allows_each(needs, words) -> bool:
    """Needs.allows as it was: every alternative asked in turn."""
    return any(all(not place.isdisjoint(words) for place in alternative) for alternative in needs.alternatives)


def test_needs_index_answers_as_asking_each_alternative():
    import random

    from coder.text.needs import Needs

    vocabulary = [f"w{i}" for i in range(14)]
    rng = random.Random(11)
    for _ in range(600):
        alternatives = tuple(
            tuple(
                frozenset(rng.sample(vocabulary, rng.randint(0 if rng.random() < 0.05 else 1, 3)))
                for _ in range(rng.randint(0 if rng.random() < 0.05 else 1, 4))
            )
            for _ in range(rng.randint(1, 20))
        )
        needs = Needs(alternatives)
        for _ in range(20):
            words = frozenset(rng.sample(vocabulary, rng.randint(0, 9)))
            assert needs.allows(words) == _allows_each(needs, words), (alternatives, words)


def test_codebook_needs_answer_as_asking_each_alternative(coder):
    from pathlib import Path

    from coder.text.prefilter import words_of

    needs = [*coder._patterns.needs.values(), *coder._trigger_needs.values()]
    assert any(n._by_word is not None for n in needs)  # the exclusion cues' big alternations
    for path in sorted(Path("golden").glob("*.txt"))[:60]:
        for line in path.read_text(encoding="utf-8").splitlines():
            words = words_of(line)
            for n in needs:
                assert n.allows(words) == _allows_each(n, words)
