"""Does a value say what its own quote says?

Alignment proves that the quoted words are in the document, not that they
support the value: a model that writes actor1 "Hezbollah" with the quote
"Iranian militias", or personnel_count 250 with "125 fighters", quotes
verbatim and is still wrong. Each check reads the quote with the shared
normaliser (the offline coder's reading) and compares; a disagreement is
returned as a reason, and the field becomes `contradicted`.

Where the quote gives nothing to compare with (a description such as "the
Lebanese group", an enum cue the lexicon does not know) the value is left
alone: only words that say something else contradict.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..codebook.model import FieldSpec
from ..normalize import PATRON_PARTICIPLES, find_numbers, resolve_date
from .align_words import _VALUES as _WORD_VALUES

# A singular noun phrase gives the number 1 without a digit ("a truck", "one convoy").
_SINGULAR = re.compile(r"\b(?:a|an|one|single|lone)\b", re.I)
# "IRGC-backed militia" names the IRGC as the patron of the group, not as the group.
_PATRON = re.compile(r"\s*[-\u2010\u2011]\s*(?:" + PATRON_PARTICIPLES + r")\b", re.I)
# ...and so does "militias affiliated with the IRGC", "allied to Iran's Revolutionary Guard".
_PATRON_BEFORE = re.compile(
    r"\b(?:affiliated with|allied (?:to|with)|loyal to|backed by|linked to|supported by|"
    r"funded by|aligned with|led by|sponsored by)\s+(?:the\s+)?(?:\w+['\u2019]s\s+)?$",
    re.I,
)
# Words that make a place a coarser or finer cut of the same name: "Deir ez-Zor governorate" and
# "the countryside of Deir Ezzor", "Al Bukamal crossing" and "al-Boukamal".
_PLACE_GENERIC = re.compile(
    r"\b(?:governorate|province|countryside|desert|city|town|border|crossing|crossings)\b", re.I
)
# "four-wheel drive" is a kind of vehicle, not a figure.
_NOT_A_FIGURE = re.compile(r"\bfour[\s\-\u2010\u2011]*wheel(?:[\s\-\u2010\u2011]*drive)?", re.I)
_EACH = re.compile(r"\b(?:each|every|per)\b", re.I)


def disagreement(normalizer: Any, spec: FieldSpec, value: Any, said: str) -> str | None:
    """Why `value` contradicts the words `said`, or None when they agree or cannot be compared."""
    if normalizer is None or not said or value is None:
        return None
    if spec.normalize == "actor":
        named = [
            m.match.name
            for m in normalizer.find_actors(said)
            if not _PATRON.match(said, m.end) and not _PATRON_BEFORE.search(said, 0, m.start)
        ]
        return _names(value, named, lambda item: normalizer.actor(item, whole=True))
    if spec.normalize == "place":
        _actors, places = normalizer.find_names(said)
        named = [m.match.name for m in places]
        return _names(
            value,
            named,
            lambda item: normalizer.place(item, whole=True),
            same=lambda item, name: _place_base(item) == _place_base(name),
        )
    if spec.type in ("integer", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value, said)
    if spec.is_enum:
        found = normalizer.enum_values(spec, said)
        items = value if isinstance(value, list) else [value]
        wrong = [item for item in items if item not in found]
        # A list's one quote often shows only some of its items ("young men ... of the al-Baqara
        # tribe": youth, and tribesmen by a word the lexicon lacks): it contradicts only when it
        # supports none of them.
        if found and wrong and (not isinstance(value, list) or len(wrong) == len(items)):
            return f"the quote says {', '.join(map(str, found))}, not {', '.join(map(str, wrong))}"
    return None


def _place_base(name: str) -> str:
    folded = _PLACE_GENERIC.sub(" ", name.casefold().replace("-", " "))
    return " ".join(w for w in folded.split() if w not in ("al", "el", "the", "of"))


def _names(value: Any, named: list[str], known, same=lambda item, name: False) -> str | None:
    """Only a dictionary name can be contradicted: a name written as found ("Force 313")
    has nothing to be compared with, whatever other names its quote holds."""
    if not named:
        return None
    items = value if isinstance(value, list) else [value]
    wrong = [
        item
        for item in items
        if isinstance(item, str)
        and item not in named
        and known(item) is not None
        and not any(same(item, name) for name in named)
    ]
    if wrong:
        return f"the quote names {', '.join(dict.fromkeys(named))}, not {', '.join(wrong)}"
    return None


def _number(value: float, said: str) -> str | None:
    said = _NOT_A_FIGURE.sub(" ", said)
    found = [m.value for m in find_numbers(said)]
    # Each number word on its own too: "one bus ... two trucks" (find_numbers skips "one").
    words = [float(_WORD_VALUES[w.lower()]) for w in re.findall(r"[A-Za-z]+", said) if w.lower() in _WORD_VALUES]
    if not found and not words:
        if value == 1:
            return None  # one of something: "a truck", "Mustafa"
        return f"the quote gives no number, not {value:g}"
    candidates = set(found) | set(words) | {sum(found), sum(words), sum(found) + (1 if _SINGULAR.search(said) else 0)}
    if _EACH.search(said) and len(found) == 2:
        candidates.add(found[0] * found[1])  # "each of the two convoys ... 10 trucks" is 20
    if any(abs(value - f) < 1e-6 for f in candidates):
        return None
    return f"the quote gives {', '.join(f'{f:g}' for f in found)}, not {value:g}"


def date_reading(value: Any, said: str, published: date | None, year_in_text: str = "") -> tuple[Any, str | None]:
    """(value, reason): the quote's own date when it agrees with the model's, else the
    model's value and why it is contradicted.

    The quote is resolved as the offline coder resolves it, against the
    publication date; "on Monday" without a publication date gives no date at
    all, so a model's full date for it is its own guess, not the text's.
    """
    resolved = resolve_date(said, published) if said else None
    if resolved is None and published is None and year_in_text and isinstance(value, str):
        # No publication date, but the document states the year: "on September 1" of that year.
        try:
            given = date.fromisoformat(value)
        except ValueError:
            given = None
        if given is not None and str(given.year) in year_in_text:
            again = resolve_date(said, date(given.year, 12, 31))
            if again is not None and again.date.replace(year=given.year) == given:
                return value, None
    if resolved is None:
        if published is None:
            return value, "the quote gives no full date and the document has no publication date"
        if isinstance(value, str) and value == published.isoformat():
            return value, None  # ACLED's reported date: the publication date when the text dates nothing
        return value, "the quote gives no date"
    if not isinstance(value, str):
        return resolved.iso, None
    try:
        given = date.fromisoformat(value)
    except ValueError:
        return resolved.iso, None
    same = {
        1: given == resolved.date,
        2: abs((given - resolved.date).days) <= 6,
        3: (given.year, given.month) == (resolved.date.year, resolved.date.month),
    }.get(resolved.precision, given == resolved.date)
    if same:
        return resolved.iso, None
    return value, f"the quote gives {resolved.iso}, not {value}"
