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
from ..normalize import find_numbers, resolve_date

# A singular noun phrase gives the number 1 without a digit ("a truck", "one convoy").
_SINGULAR = re.compile(r"\b(?:a|an|one|single|lone)\b", re.I)


def disagreement(normalizer: Any, spec: FieldSpec, value: Any, said: str) -> str | None:
    """Why `value` contradicts the words `said`, or None when they agree or cannot be compared."""
    if normalizer is None or not said or value is None:
        return None
    if spec.normalize == "actor":
        return _names(value, [m.match.name for m in normalizer.find_actors(said)],
                      lambda item: normalizer.actor(item, whole=True))
    if spec.normalize == "place":
        _actors, places = normalizer.find_names(said)
        return _names(value, [m.match.name for m in places], lambda item: normalizer.place(item, whole=True))
    if spec.type in ("integer", "number") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return _number(value, said)
    if spec.is_enum:
        found = normalizer.enum_values(spec, said)
        items = value if isinstance(value, list) else [value]
        wrong = [item for item in items if item not in found]
        if found and wrong:
            return f"the quote says {', '.join(map(str, found))}, not {', '.join(map(str, wrong))}"
    return None


def _names(value: Any, named: list[str], known) -> str | None:
    """Only a dictionary name can be contradicted: a name written as found ("Force 313")
    has nothing to be compared with, whatever other names its quote holds."""
    if not named:
        return None
    items = value if isinstance(value, list) else [value]
    wrong = [item for item in items if isinstance(item, str) and item not in named and known(item) is not None]
    if wrong:
        return f"the quote names {', '.join(dict.fromkeys(named))}, not {', '.join(wrong)}"
    return None


def _number(value: float, said: str) -> str | None:
    found = [m.value for m in find_numbers(said)]
    if not found:
        if value == 1 and _SINGULAR.search(said):
            return None
        return f"the quote gives no number, not {value:g}"
    # One of the figures, or all of them together ("10 trucks and 5 buses" is 15 vehicles).
    if any(abs(value - f) < 1e-6 for f in found) or abs(value - sum(found)) < 1e-6:
        return None
    return f"the quote gives {', '.join(f'{f:g}' for f in found)}, not {value:g}"


def date_reading(value: Any, said: str, published: date | None) -> tuple[Any, str | None]:
    """(value, reason): the quote's own date when it agrees with the model's, else the
    model's value and why it is contradicted.

    The quote is resolved as the offline coder resolves it, against the
    publication date; "on Monday" without a publication date gives no date at
    all, so a model's full date for it is its own guess, not the text's.
    """
    resolved = resolve_date(said, published) if said else None
    if resolved is None:
        if published is None:
            return value, "the quote gives no full date and the document has no publication date"
        return value, "the quote gives no date"
    if not isinstance(value, str):
        return resolved.iso, None
    try:
        given = date.fromisoformat(value)
    except ValueError:
        return resolved.iso, None
    same = {1: given == resolved.date,
            2: abs((given - resolved.date).days) <= 6,
            3: (given.year, given.month) == (resolved.date.year, resolved.date.month)}.get(resolved.precision,
                                                                                        given == resolved.date)
    if same:
        return resolved.iso, None
    return value, f"the quote gives {resolved.iso}, not {value}"
