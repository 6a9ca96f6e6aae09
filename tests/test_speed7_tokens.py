"""Tokens as columns give the tokens the pattern gives, one match at a time: on plain ASCII text
(split through a byte table), with inner marks, other scripts and long lines cut into pieces;
and the name scan and own_groups answer the same from the columns as from a list of Tokens."""

from __future__ import annotations

import random

import pytest

from coder.codebook import load_codebook
from coder.normalize import Normalizer
from coder.normalize import tokenizer as token_module
from coder.normalize.tokenizer import Tokens, key_of, tokens
from coder.normalize.usage import _GROUP_HEADS, _GROUP_KIND, own_groups

# The plain token pattern, as tokens() was before it split ASCII text through a byte table.
from .test_names_speed import _plain_tokens


def _own_groups_by_maps(mentions, toks):
    """own_groups as it was written before the columns: maps of every token's start and end."""
    by_start = {t.start: i for i, t in enumerate(toks)}
    by_end = {t.end: i for i, t in enumerate(toks)}
    kept = []
    for m in mentions:
        i, j = by_start.get(m.start), by_end.get(m.end)
        if i is not None and i > 0:
            before = toks[i - 1]
            if before.capital and before.text in _GROUP_HEADS and m.start - before.end <= 2:
                continue
        if j is not None and j + 1 < len(toks):
            after = toks[j + 1]
            name_key = key_of(m.match[0].name) if hasattr(m.match[0], "name") else ()
            own_kind = _GROUP_KIND.get(name_key[-1]) if name_key else None
            said_kind = _GROUP_KIND.get(after.text)
            if after.capital and said_kind and own_kind and said_kind != own_kind and after.start - m.end <= 1:
                continue
        kept.append(m)
    return kept


_PIECES = [
    "al",
    "Al",
    "as",
    "an",
    "at",
    "Ash",
    "el",
    "ul",
    "AD",
    "the",
    "Kata'ib",
    "Sha`itat",
    "Iran's",
    "x_y",
    "_",
    "3rd",
    "42",
    "IS",
    "KH",
    "Mayadin",
    "Deir",
    "ez",
    "Zor",
    "Liwa",
    "Fatemiyoun",
    "Kataib",
    "Hezbollah",
    "Abu",
    "Kamal",
    "Forces",
    "Brigade",
    "é",
    "Ḥasakah",
    "MAY",
    "rock'n'roll",
    "o'",
    "'s",
]
_GAPS = [" ", " ", "  ", "-", "--", ", ", ". ", "\n", "\t", "", "/", "'", "`", "(", ")", "_"]


def _text(rng: random.Random, ascii_only: bool) -> str:
    pieces = [p for p in _PIECES if p.isascii()] if ascii_only else _PIECES
    parts = []
    for _ in range(rng.randint(0, 30)):
        parts.append(rng.choice(pieces))
        parts.append(rng.choice(_GAPS))
    return "".join(parts)


@pytest.mark.parametrize("ascii_only", [True, False])
def test_columns_are_the_tokens_of_the_pattern(ascii_only):
    rng = random.Random(7)
    for _ in range(3000):
        text = _text(rng, ascii_only)
        start = rng.randint(0, len(text))
        end = rng.randint(start, len(text))
        got = tokens(text, start, end)
        want = _plain_tokens(text, start, end)
        assert list(got) == want, (text, start, end)
        assert [got[i] for i in range(len(got))] == want
        assert len(got.starts) == len(got.ends) == len(got.texts) == len(want)


def test_long_lines_cut_into_pieces_give_the_same_columns(monkeypatch):
    monkeypatch.setattr(token_module, "_CHUNK", 5)
    rng = random.Random(8)
    for _ in range(1000):
        text = _text(rng, rng.random() < 0.5)
        assert list(tokens(text)) == _plain_tokens(text, 0, len(text)), text


def test_tokens_behave_as_a_list():
    got = tokens("Fighters of Liwa al-Fatemiyoun")
    assert got == list(got) and got == Tokens.of(list(got))
    assert got[-1].text == "fatemiyoun" and got[1:3] == list(got)[1:3]
    assert key_of("al-Mayadin") == ("mayadin",) and key_of("al") == ("al",)


def test_scan_and_own_groups_answer_alike_from_columns_and_from_a_list():
    codebook = load_codebook()
    normalizer = Normalizer(codebook)
    idx = normalizer._idx
    spellings = [n for a in codebook.actors for n in (a.name, *a.aliases)]
    spellings += [n for p in codebook.places for n in (p.name, *p.variants)]
    rng = random.Random(9)
    found = dropped = 0
    for _ in range(800):
        words = [rng.choice(spellings + _PIECES + ["Liwa", "Forces", "Division"]) for _ in range(10)]
        toks = tokens(" ".join(words))
        listed = list(toks)
        for index in (idx.actors, idx.places):
            mentions = index.scan(toks)
            assert mentions == index.scan(listed)
            kept = own_groups(mentions, toks)
            assert kept == own_groups(mentions, listed) == _own_groups_by_maps(mentions, listed)
            found += len(mentions)
            dropped += len(mentions) - len(kept)
    assert found > 1000 and dropped > 10
