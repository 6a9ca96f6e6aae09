"""The name finder's short cuts never change an answer: tokens made in bulk are the tokens made
one match at a time, and a scan that looks only at tokens that may open a name finds what a scan
of every token finds."""

from __future__ import annotations

import random

from coder.codebook import load_codebook
from coder.normalize import Normalizer
from coder.normalize import tokenizer as token_module
from coder.normalize.names import Mention
from coder.normalize.tokenizer import _TOKEN, ARTICLES, Token, _is_article, _slow_tokens, tokens


def _plain_tokens(text: str, start: int, end: int) -> list[Token]:
    out = []
    for m in _TOKEN.finditer(text, start, end):
        raw, (s, e) = m.group(), m.span()
        if raw.isascii() and raw.isalnum():
            folded = raw.lower()
            out.append(Token(folded, s, e, _is_article(folded, text, e), raw[0].isupper(), raw.isupper()))
        else:
            out += _slow_tokens(text, raw, s, e)
    return out


_WORDS = [
    "al",
    "Al",
    "as",
    "As",
    "an",
    "at",
    "ash",
    "el",
    "the",
    "Kata'ib",
    "Kata’ib",
    "Fatimiyoun’militia",
    "Iran's",
    "Ḥasakah",
    "Deir",
    "ez-Zor",
    "Mayadin",
    "IS",
    "KH",
    "convoy",
    "_x",
    "x_",
    "٣",
    "é",
    "ﬁve",
    "Sha'itat",
    "rock`n",
    "Liwa",
    "Fatemiyoun",
    "Albu",
    "Kamal",
    "Bukamal",
    "Hezbollah",
    "Kataib",
    "3rd",
    "MAY",
]


def _text(rng: random.Random, n: int) -> str:
    parts = []
    for _ in range(n):
        parts.append(rng.choice(_WORDS))
        parts.append(rng.choice([" ", " ", "-", "‐", "’", "'", ", ", ". ", "\n", "", "  —  "]))
    return "".join(parts)


def test_tokens_in_bulk_are_the_tokens_one_at_a_time():
    rng = random.Random(2)
    for _ in range(3000):
        text = _text(rng, rng.randint(0, 25))
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        assert tokens(text, start, end) == _plain_tokens(text, start, end), (text, start, end)
        assert tokens(text) == _plain_tokens(text, 0, len(text))


def test_tokens_of_a_long_line_are_cut_at_spaces_only(monkeypatch):
    monkeypatch.setattr(token_module, "_CHUNK", 7)  # many pieces, cut where a space follows
    rng = random.Random(3)
    for _ in range(500):
        text = _text(rng, rng.randint(5, 60))
        assert tokens(text) == _plain_tokens(text, 0, len(text)), text


def _plain_scan(index, toks, fuzzy):
    found, i = [], 0
    while i < len(toks):
        hit, t = None, toks[i]
        if t.text in index.first_tokens or t.article:
            hit = index._longest(toks, i)
        if hit is None and fuzzy and t.capital and not t.article:
            hit = index._fuzzy_at(toks, i)
        if hit is not None:
            j, entry, how, score = hit
            found.append(Mention(toks[i].start, toks[j].end, (entry, how, score)))
            i = j + 1
        else:
            i += 1
    return found


def test_scan_of_openers_finds_what_a_scan_of_every_token_finds():
    codebook = load_codebook()
    idx = Normalizer(codebook)._idx
    spellings = [n for a in codebook.actors for n in (a.name, *a.aliases)]
    spellings += [n for p in codebook.places for n in (p.name, *p.variants)]
    rng = random.Random(4)
    found = 0
    for _ in range(1500):
        pieces = [rng.choice(spellings + _WORDS + ["Abou Kamal", "Fatimiyoon", "Liwa al-Baqer"]) for _ in range(12)]
        toks = tokens(" ".join(pieces))
        for index in (idx.actors, idx.places):
            for fuzzy in (True, False):
                got = index.scan(toks, fuzzy=fuzzy)
                assert got == _plain_scan(index, toks, fuzzy)
                found += len(got)
    assert found > 5000
    assert idx.actors._openers >= ARTICLES
