"""Named word lists that trigger and cue patterns share: `{force}` in a pattern.

The same nouns decide whether "arrived", "withdrew" or "pulled out" is about a
force ("fighters", "militiamen", "factions"...). Written out in every trigger's
`requires`, the lists drift apart: one trigger knew "factions", the next did
not, and "Iraqi factions pulled out of Syria" was no movement. So the codebook
declares each list once under `vocabulary:` in codebook.yaml, and a pattern
names it in braces; loading replaces `{name}` with a non-capturing group of
the list's alternatives. Regex quantifiers (`{2}`, `{0,3}`) are digits and
never collide with a name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from .yamlsrc import Mark, locate

_REFERENCE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

# Where patterns live in the raw YAML: (list key, item key or None for a list of strings).
EVENT_TYPE_PLACES: tuple[tuple[str, str | None], ...] = (
    ("triggers", "pattern"),
    ("triggers", "requires"),
    ("yields_to", "unless"),
    ("carried_in", "cues"),
    ("headline_words", None),
)
META_PLACES = (("exclusion_rules", "cues"), ("exclusion_rules", "unless"), ("uncoded_kinds", "cues"))


def group(words: list[str]) -> str:
    """The alternation a list stands for, longest first so "members" wins over "member"."""
    return "(?:" + "|".join(sorted(words, key=len, reverse=True)) + ")"


def expand(pattern: str, vocabulary: dict[str, list[str]]) -> tuple[str, list[str]]:
    """The pattern with every `{name}` replaced, and the names it used that are not declared."""
    unknown: list[str] = []

    def replace(m: re.Match[str]) -> str:
        words = vocabulary.get(m.group(1))
        if words is None:
            unknown.append(m.group(1))
            return m.group(0)
        return group(words)

    return _REFERENCE.sub(replace, pattern), unknown


def expand_raw(
    raw: Any,
    vocabulary: dict[str, list[str]],
    places: tuple[tuple[str, str | None], ...],
    report: Callable[[Mark | None, str, str], None],
) -> None:
    """Expand references in place in a loaded YAML structure (marks kept for error messages).
    `report(mark, where, message)` receives each unknown name."""
    if not isinstance(raw, dict):
        return

    def expanded(text: str, loc: tuple[Any, ...]) -> str:
        out, unknown = expand(text, vocabulary)
        for name in unknown:
            known = ", ".join(sorted(vocabulary)) or "none declared"
            report(
                locate(raw, loc),
                ".".join(map(str, loc)),
                f"unknown vocabulary name '{{{name}}}' (declared under vocabulary: in codebook.yaml: {known})",
            )
        return out

    for list_key, item_key in places:
        items = raw.get(list_key)
        if not isinstance(items, list):
            continue
        if item_key is None:  # a list of patterns itself
            for index, text in enumerate(items):
                if isinstance(text, str) and (out := expanded(text, (list_key, index))) != text:
                    items[index] = out
            continue
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                continue
            value: Any = item.get(item_key)
            if isinstance(value, str) and (out := expanded(value, (list_key, index, item_key))) != value:
                item[item_key] = out
            elif isinstance(value, list):
                for position, text in enumerate(value):
                    if isinstance(text, str) and (out := expanded(text, (list_key, index, item_key, position))) != text:
                        value[position] = out
