"""Speed round 16: the cue answers the trigger search keeps are the cues' own answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from coder.base import make_coder
from coder.codebook import load_codebook
from coder.models import Document


@pytest.fixture(scope="module")
def coder():
    return make_coder("rules", load_codebook("codebook"))


def test_cue_cache_holds_each_cue_answer(coder, monkeypatch):
    # (cue, start, end) -> does the cue match in text[start:end]: shared by `requires` cues and
    # exclusion rules, so an exclusion answer kept under a cue's key (a rule excused by its `unless`
    # stored as the cue not matching) would change what another question about the cue reads.
    cues = {id(rule.cues): rule.cues for ct in coder.types for rule in ct.rules}
    cues.update({id(p): p for ct in coder.types for t in ct.triggers for p in t.requires})
    excluded = type(coder)._excluded
    seen, wrong = [], []

    def checked(text, sentence, pos, ct, cache, ctx, si):
        answer = excluded(text, sentence, pos, ct, cache, ctx, si)
        for key, value in cache.items():
            if len(key) == 3 and isinstance(key[0], int) and key[0] in cues:
                seen.append(key)
                if value != (cues[key[0]].search(text, key[1], key[2]) is not None):
                    wrong.append(text[key[1] : key[2]])  # (an assert here would be a failed record)
        return answer

    monkeypatch.setattr(type(coder), "_excluded", staticmethod(checked))
    texts = [p.read_text(encoding="utf-8") for p in sorted(Path("golden").glob("*.txt"))[:60]]
    # Exclusion cues that match where the rule's `unless` lifts them (civilian cargo, escorted).
    texts += [
        "Fuel trucks escorted by Kataib Hezbollah fighters crossed into al-Bukamal.",
        "A convoy of trucks loaded with fuel arrived in al-Mayadin, escorted by Hezbollah fighters.",
    ]
    for i, text in enumerate(texts):
        assert coder.code(Document(id=str(i), text=text)).status == "ok"
    assert seen and not wrong, wrong
