"""Text preparation's short cuts for long spans never change an answer: the bullets found by
str.find and tried there are _BULLET's matches, and a megabyte line with too few separators for
short parts is no menu, as the split said."""

from __future__ import annotations

import random

from coder.text import furniture, sentences


def _menu_by_split(line: str, words: int, printable: bool = False) -> bool:
    """_looks_like_menu as it was: the line split at every separator."""
    if line.isascii():
        marked = "|" in line or "/" in line or ">" in line
    else:
        marked = furniture._MENU_MARK.search(line) is not None
    no_gap = "  " not in line and (printable or line.isprintable())
    if not marked and (no_gap or not furniture._WIDE_GAP.search(line)):
        return False
    parts = [p for p in furniture._MENU_SEP.split(line) if p.strip()]
    return len(parts) >= 3 and words / max(len(parts), 1) <= 3.5


def test_bullets_of_a_long_span_are_the_patterns_matches():
    rng = random.Random(14)
    pieces = ["•", "▪", "·", "-", "*", " ", " ", "\n", "\t", "a", "Bc", "- ", "\n- ", "\n* ", " • ", "\u00a0"]
    for _ in range(600):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1500, 2600)))
        start, end = rng.randint(0, 50), len(text) - rng.randint(0, 50)
        expected = [m.start() for m in sentences._BULLET.finditer(text, start, end)]
        assert sentences._bullets(text, start, end) == expected, (start, end)


def test_long_lines_are_menus_exactly_when_the_split_says_so():
    rng = random.Random(15)
    pieces = ["a", "bb", " ", " ", "   ", " | ", " / ", " > ", " » ", " • ", "\t\t\t", "\u00a0\u00a0 ", "x y z "]
    menus = 0
    for _ in range(1500):
        line = "".join(rng.choice(pieces) for _ in range(rng.randint(300, 1500)))
        if rng.random() < 0.5:
            line = line.replace("  ", " ").replace("\t", " ").replace("\u00a0", " ")
        counted = len(furniture._WORD.findall(line))
        for words in (counted, rng.randint(0, 3 * counted + 5)):
            for printable in (False, True) if line.isascii() and line.isprintable() else (False,):
                expected = _menu_by_split(line, words, printable)
                assert furniture._looks_like_menu(line, words, printable) == expected, (line, words)
                menus += expected
    assert menus > 100
