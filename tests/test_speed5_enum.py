"""Lexicon cues ruled out by the words of the text: the same enum mentions as searching them all."""

from pathlib import Path

from coder.codebook import load_codebook
from coder.normalize import Normalizer
from coder.text.prefilter import words_of

CODEBOOK = Path(__file__).resolve().parents[1] / "codebook"


def test_enum_mentions_with_words_equal_a_full_search():
    codebook = load_codebook(CODEBOOK)
    normalizer = Normalizer(codebook)
    specs = [
        spec
        for et in codebook.event_types
        for spec in et.fields.values()
        if spec.values and (spec.lexicon or spec.type in ("enum", "list"))
    ]
    assert specs
    texts = [" ".join(cue for words in (spec.lexicon or {}).values() for cue in words) for spec in specs]
    texts += ["Trucks loaded with WEAPONS and fuel-tankers crossed; ammunition was hidden.", "Nothing here.", ""]
    for spec in specs:
        for text in texts:
            for start, end in ((0, len(text)), (len(text) // 3, len(text))):
                expected = normalizer.enum_mentions(spec, text, start, end)
                assert normalizer.enum_mentions(spec, text, start, end, words_of(text, start, end)) == expected
