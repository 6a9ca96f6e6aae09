"""Where proposals come from, where decisions go, and which items to show.

A source is a coded-documents file (or golden directory) read with
`coder.io.load_coded`, or a batch store (`.sqlite`/`.db`). The store module
belongs to the batch feature: it is imported only when such a source is
opened, so the review package never depends on it at import time.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..io import load_coded
from ..models import CodedDocument
from .state import STATUSES, DocState, EventState
from .values import DecisionError, closest

STORE_SUFFIXES = {".sqlite", ".sqlite3", ".db"}


def is_store(source: str | Path) -> bool:
    return Path(source).suffix.lower() in STORE_SUFFIXES


def load_proposals(source: str | Path, run_id: str | None = None) -> list[CodedDocument]:
    if is_store(source):
        from ..store import load_coded_documents  # lazy: the batch feature's module

        return list(load_coded_documents(Path(source), run_id=run_id))
    return load_coded(source)


def default_log_path(source: str | Path) -> Path:
    """SOURCE.review.sqlite beside the source (a directory's log sits next to it)."""
    path = Path(source)
    return path.with_name(path.name + ".review.sqlite")


# -- filters --------------------------------------------------------------------------
_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
    "=": operator.eq,
}
_FILTER = re.compile(r"^\s*([a-z_]+)\s*(<=|>=|!=|<|>|=)\s*(.+?)\s*$")
FILTER_HELP = "type=TYPE, status=unreviewed|accepted|rejected|edited|added, confidence<0.5 (also <=, >, >=, =, !=)"


@dataclass(frozen=True)
class Filter:
    key: str
    op: str
    value: Any
    text: str

    def matches(self, state: EventState) -> bool:
        if self.key == "type":
            got: Any = state.event.type
        elif self.key == "status":
            got = state.status
        else:
            got = state.event.confidence
            if got is None:
                return False  # an event with no confidence is not "below 0.5"
        return _OPS[self.op](got, self.value)


def parse_filter(text: str, type_ids: list[str]) -> Filter:
    m = _FILTER.match(text)
    if not m:
        raise DecisionError(f"filter {text!r} not understood; filters are {FILTER_HELP}")
    key, op, value = m.groups()
    if key == "confidence":
        try:
            return Filter(key, op, float(value), text)
        except ValueError:
            raise DecisionError(f"filter {text!r}: confidence is a number between 0 and 1") from None
    if key not in ("type", "status"):
        raise DecisionError(f"filter {text!r}: unknown key {key!r}; filters are {FILTER_HELP}")
    if op not in ("=", "!="):
        raise DecisionError(f"filter {text!r}: {key} takes = or !=")
    choices = type_ids if key == "type" else list(STATUSES)
    if value not in choices:
        near = closest(value, choices)
        raise DecisionError(
            f"filter {text!r}: {key} is one of {', '.join(choices)}" + (f" (did you mean {near[0]}?)" if near else "")
        )
    return Filter(key, op, value, text)


def visible_events(doc: DocState, filters: list[Filter]) -> set[str]:
    """Events of a document the filters select (all of them without filters)."""
    return {e.id for e in doc.events if all(f.matches(e) for f in filters)}
