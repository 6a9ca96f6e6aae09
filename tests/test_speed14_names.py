"""Short cuts of the fourteenth speed round never change an answer: the tree of keys finds the
longest name the tuple-of-words look-ups found, the scan that skips tokens where no index can
answer finds what every index finds token by token, a cue's first match is there exactly when
word_matches lists one (and Ctx.exists when the Ctx's finder finds one), and the stretches of a
long span searched for place candidates give the candidates of the whole span."""

from __future__ import annotations

import random
import re
from pathlib import Path

from coder.codebook import load_codebook
from coder.models import Document
from coder.normalize import Normalizer
from coder.normalize.names import NameIndex, scan_together
from coder.normalize.tokenizer import Tokens, tokens
from coder.normalize.unknown import place_candidates, place_candidates_in
from coder.rules.coder import RuleCoder
from coder.text.headsearch import word_match_exists, word_matches

_SEPARATORS = [" ", " ", " ", "-", ", ", ". ", "  ", "   ", "    ", "\n", " — ", "’", ""]
_WORDS = ["the", "The", "al", "Al", "as", "As", "an", "IS", "is", "of", "and", "Abou", "Kamal", "Deir", "x", "KH"]


def _longest_by_tuples(index: NameIndex, toks: Tokens, i: int):
    """NameIndex._longest as it was: the words so far made into a tuple and looked up."""
    texts, articles, starts, ends = toks.texts, toks.articles, toks.starts, toks.ends
    words: list[str] = []
    best = None
    for j in range(i, min(len(texts), i + index.max_n + 2)):
        if j > i and starts[j] - ends[j - 1] > 3:
            break
        if not articles[j]:
            words.append(texts[j])
            key = tuple(words)
            if len(words) > index.max_n or key not in index._leads:
                break
            hit = index.exact.get(key)
            if hit is not None and len(words) == 1 and key in index.acronyms and not toks.uppers[j]:
                hit = None
            if hit is not None:
                best = (j, hit[0], "exact" if hit[1] else "alias", 100.0)
    return best


def _every_token(index: NameIndex, toks: Tokens, fuzzy: bool) -> list:
    """NameIndex.scan asking _at at every token (the index alone)."""
    found, after = [], 0
    for i in range(len(toks)):
        if i < after:
            continue
        hit = index._at(toks, i, fuzzy)
        if hit is not None:
            found.append((toks.starts[i], toks.ends[hit[0]], hit[1:]))
            after = hit[0] + 1
    return found


def _texts(rng: random.Random, spellings: list[str], n: int):
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(0, 30)):
            word = rng.choice(spellings + _WORDS)
            if rng.random() < 0.2:
                word = word.upper() if rng.random() < 0.3 else word.capitalize()
            parts += [word, rng.choice(_SEPARATORS)]
        yield "".join(parts)


def test_tree_and_openers_find_what_every_token_finds():
    codebook = load_codebook()
    idx = Normalizer(codebook)._idx
    spellings = [n for a in codebook.actors for n in (a.name, *a.aliases)]
    spellings += [n for p in codebook.places for n in (p.name, *p.variants)]
    found = 0
    for text in _texts(random.Random(14), spellings, 800):
        toks = tokens(text)
        for index in (idx.actors, idx.places):
            for i in range(len(toks)):
                assert index._longest(toks, i) == _longest_by_tuples(index, toks, i), (text, i)
        for fuzzy in (True, False):
            together = scan_together((idx.actors, idx.places), toks, fuzzy=fuzzy)
            for index, got in zip((idx.actors, idx.places), together):
                assert [(m.start, m.end, m.match) for m in got] == _every_token(index, toks, fuzzy), text
                found += len(got)
    assert found > 3000


def test_first_match_is_there_when_word_matches_lists_one():
    pattern = re.compile(r"\b(?:planned to|plans? (?:to|for)|intends? to|was|in (?:the )?future)\b")
    heads = {"planned", "plan", "plans", "intends", "intend", "was", "in"}
    words = ["planned", "to", "plans", "for", "was", "in", "future", "the", "xwas", "in_", "plan"]
    rng = random.Random(7)
    hits = 0
    for _ in range(3000):
        text = "".join(rng.choice(words) + rng.choice([" ", " ", "", "_", ", "]) for _ in range(rng.randint(0, 12)))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        listed = word_matches(pattern, text, start, end, heads)
        assert word_match_exists(pattern, text, start, end, heads) == bool(listed), (text, start, end)
        hits += bool(listed)
    assert hits > 100


def test_long_spans_give_the_candidates_of_the_whole_span():
    rng = random.Random(9)
    words = "village town of the Al-Bab Tal Abu Hamam city area desert. countryside , ( ) — ’ x Z Qaryatayn hamlet"
    pieces = words.split(" ") + ["crossing", "sub-district", "outskirts", "Ain", "al-Sikka", "Hit"]
    for _ in range(40):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(3000, 6000)))
        start, end = rng.randint(0, 100), len(text) - rng.randint(0, 100)
        assert place_candidates_in(text, start, end) == place_candidates(text, start, end)


def test_a_cue_is_there_exactly_when_its_finder_finds_it():
    coder = RuleCoder(load_codebook())
    patterns = list({id(p): p for p in coder._patterns._patterns}.values())
    golden = Path(__file__).resolve().parents[1] / "golden"
    found = 0
    for path in sorted(golden.glob("*.txt"))[:6]:
        ctx = coder._prepare(Document(id=path.stem, text=path.read_text(encoding="utf-8")))
        for si, sentence in enumerate(ctx.sentences):
            for pattern in patterns:
                listed = next(iter(ctx.finder(pattern)(si, sentence.start, sentence.end)), None) is not None
                assert ctx.exists(pattern, si, sentence.start, sentence.end) == listed, (path.name, si, pattern)
                found += listed
    assert found > 50
