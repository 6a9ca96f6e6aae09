"""Text preparation's short cuts never change an answer: the quick looks before a costly pattern
let through every line or region where the pattern can match."""

from __future__ import annotations

import random

from coder.text import furniture, sentences


def test_sentence_splitting_looks_for_bullets_only_where_one_can_be():
    class Always:  # the pre-check that lets every region through
        @staticmethod
        def search(*_a):
            return True

    rng = random.Random(7)
    pieces = [
        "al-Bukamal",
        "Fighters",
        "arrived.",
        "- item",
        "* star",
        "• dot",
        "  - dash",
        "\n",
        "\n- x",
        "3.5",
        "U.S.",
        "Gen.",
        "Then",
        "(A.A.)",
        "·",
        "x-y",
        "-",
        "*",
    ]
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice([" ", "  ", "", "\n", ". "]) for _ in range(rng.randint(1, 12)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        got = sentences._split_region(text, a, b)
        saved = sentences._BULLET_ONE
        sentences._BULLET_ONE = Always
        try:
            assert got == sentences._split_region(text, a, b), (text, a, b)
        finally:
            sentences._BULLET_ONE = saved


def test_a_menu_needs_what_the_quick_look_finds():
    rng = random.Random(8)
    pieces = ["Home", "News", "|", "•", "·", "/", "»", ">", "and", "a", "\t", "   ", "\u00a0", " "]
    for _ in range(3000):
        line = "".join(rng.choice(pieces) + rng.choice([" ", "", "  "]) for _ in range(rng.randint(1, 10)))
        if furniture._MENU_SEP.search(line):
            assert furniture._MENU_MARK.search(line) or furniture._WIDE_GAP.search(line), line


def test_words_of_ascii_text_are_the_word_runs():
    import re

    from coder.text.prefilter import _DIGIT_HEAD, words_of

    def plain(part: str) -> frozenset[str]:
        found = re.findall(r"\w+", part.lower())
        if re.search(r"\b\d", part):
            found.append(_DIGIT_HEAD)
        return frozenset(found)

    rng = random.Random(9)
    alphabet = "abcXYZ_019 \t\n.,;:'\"-()[]{}!?/\\|@#$%^&*+=<>~`\x1c\x1f\x7f"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        a = rng.randint(0, len(text))
        b = rng.randint(a, len(text))
        assert words_of(text, a, b) == plain(text[a:b]), repr(text[a:b])


def test_furniture_words_are_the_word_pattern_runs():
    rng = random.Random(10)
    alphabet = "abXY019_ '’.,-\t()é"
    for _ in range(5000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert furniture._words(line) == furniture._WORD.findall(line), repr(line)
