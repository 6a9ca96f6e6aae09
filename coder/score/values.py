"""Field values brought to the form in which two codings are compared.

Canonical actor and place names (and other strings) are compared with case and
whitespace folded, enums and booleans as given, numbers exactly (5 equals 5.0),
lists as sets, and `event_date` together with the event's `time_precision`: the
same day coded at week precision is a different claim than at day precision.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from typing import Any

from ..codebook.model import Codebook, FieldSpec

Normaliser = Callable[[Any], Hashable]

DATE_FIELD = "event_date"
PRECISION_FIELD = "time_precision"


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _opaque(value: Any) -> Hashable:
    # A value of the wrong kind still compares (equal only to the same value),
    # so malformed predictions lose points instead of crashing the scorer.
    return ("raw", json.dumps(value, sort_keys=True, default=str))


def _string(value: Any) -> Hashable:
    return fold(value) if isinstance(value, str) else _opaque(value)


def _enum(value: Any) -> Hashable:
    return value if isinstance(value, (str, int)) and not isinstance(value, bool) else _opaque(value)


def _number(value: Any) -> Hashable:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return _opaque(value)


def _boolean(value: Any) -> Hashable:
    return value if isinstance(value, bool) else _opaque(value)


def _date(value: Any) -> Hashable:
    return value.strip() if isinstance(value, str) else _opaque(value)


def _generic(value: Any) -> Hashable:
    if isinstance(value, str):
        return fold(value)
    if isinstance(value, list):
        return frozenset(_generic(item) for item in value)
    if isinstance(value, (int, float, bool)):
        return value
    return _opaque(value)


def _list_of(item: Normaliser) -> Normaliser:
    def normalise(value: Any) -> Hashable:
        if not isinstance(value, list):
            return _opaque(value)
        return frozenset(item(x) for x in value)

    return normalise


_SCALAR: dict[str, Normaliser] = {
    "string": _string,
    "enum": _enum,
    "integer": _number,
    "number": _number,
    "boolean": _boolean,
    "date": _date,
}


def is_free_text(spec: FieldSpec) -> bool:
    """Prose such as `notes`: no normaliser, no evidence, not derived; exact comparison would say nothing."""
    return spec.type == "string" and spec.normalize == "none" and not spec.grounded and spec.derived_from is None


def normaliser_for(spec: FieldSpec | None) -> Normaliser | None:
    """None for fields that are not scored."""
    if spec is None:
        return _generic
    if is_free_text(spec):
        return None
    if spec.type == "list":
        return _list_of(_enum if spec.items == "enum" else _string)
    return _SCALAR[spec.type]


def normalisers(codebook: Codebook) -> dict[str, dict[str, Normaliser | None]]:
    return {
        type_id: {name: normaliser_for(spec) for name, spec in codebook.fields_for(type_id).items()}
        for type_id in codebook.type_ids
    }


def is_empty(value: Any) -> bool:
    return value is None or value == [] or value == ""


def sort_key(value: Hashable) -> str:
    """A text that orders values the same way in every process (sets have no stable order)."""
    if isinstance(value, frozenset):
        return repr(sorted(sort_key(item) for item in value))
    if isinstance(value, tuple):
        return "(" + ", ".join(sort_key(item) for item in value) + ")"
    return repr(value)


def display(value: Hashable) -> str:
    if isinstance(value, frozenset):
        return "{" + ", ".join(sorted(display(item) for item in value)) + "}"
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "raw":
        return str(value[1])
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
