"""The fuzzy name look-up asks only the dictionary names of a length that can reach its threshold:
its answers are those of asking every name."""

from __future__ import annotations

import random

from rapidfuzz import fuzz, process

from coder.normalize import Normalizer


def _every_name(index, folded: str):
    """NameIndex._fuzzy_uncached as it was: every choice asked."""
    found = process.extract(folded, index._choices, scorer=fuzz.ratio, score_cutoff=index.fuzzy_threshold, limit=4)
    if not found or found[0][0][0] != folded[0]:
        return None
    entry = index.exact[index._choice_keys[found[0][2]]][0]
    for _other, other_score, other_index in found[1:]:
        if index.exact[index._choice_keys[other_index]][0] is not entry and found[0][1] - other_score < 4:
            return None
    return entry, float(found[0][1])


def _variants(name: str, rng: random.Random) -> list[str]:
    """Misspellings of a name: a letter dropped, doubled, changed; words added."""
    out = [name, name + "s", name + " brigade", "the " + name]
    for _ in range(4):
        i = rng.randrange(len(name))
        out.append(name[:i] + name[i + 1 :])
        out.append(name[:i] + name[i] + name[i:])
        out.append(name[:i] + rng.choice("aeiouykh") + name[i + 1 :])
    return [v for v in out if len(v.replace(" ", "")) >= 6]


def test_length_filter_keeps_every_answer(codebook):
    normalizer = Normalizer(codebook)
    rng = random.Random(8)
    for index in (normalizer._idx.actors, normalizer._idx.places):
        queries = [v for name in index._choices for v in _variants(name, rng)]
        queries += ["words heard", "deir hezbollah", "local sources", "subscribe to our", "mayadeen"]
        hits = 0
        for q in queries:
            expected = _every_name(index, q)
            assert index._fuzzy_uncached(q) == expected, q
            hits += expected is not None
        assert hits > len(index._choices)  # the misspellings do find names: the test asks real look-ups
