"""Behavioural tests kept next to the codebook (codebook/tests/*.yaml).

Each case is a sentence or two and the events it must yield, or that it must
yield none. They pin what a codebook change does to concrete language
(minimal pairs, negation, planned events, spelling variants, relative dates)
in a way aggregate scores on a handful of golden documents cannot.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..codebook.yamlsrc import DuplicateKeyError, Mark, YamlSyntaxError, load_marked_file
from ..errors import CodebookInvalid
from ..models import CodedDocument, Document, Event


@dataclass
class Expectation:
    type: str
    fields: dict[str, Any]


@dataclass
class Case:
    id: str
    text: str
    where: str
    publication_date: date | None = None
    expect: list[Expectation] | None = None  # None: not checked; []: no events at all
    forbid: list[str] = field(default_factory=list)
    covers: list[str] = field(default_factory=list)
    xfail: str | None = None
    exact: bool = False  # the expected events and no other


@dataclass
class CaseResult:
    case: Case
    passed: bool
    failures: list[str]
    events: list[Event]

    @property
    def status(self) -> str:
        if self.passed:
            return "xpass" if self.case.xfail else "pass"
        return "xfail" if self.case.xfail else "fail"


class CaseFileError(CodebookInvalid, ValueError):
    pass


_CASE_KEYS = {"id", "text", "publication_date", "expect", "forbid", "covers", "xfail", "exact"}


def _as_date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise CaseFileError(f"{where}: publication_date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def load_cases(directory: Path, type_ids: list[str]) -> list[Case]:
    """All cases of codebook/tests/*.yaml, checked for shape, unknown types and duplicate ids."""
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for path in sorted(directory.glob("*.y*ml")):
        try:
            data = load_marked_file(path)
        except (YamlSyntaxError, DuplicateKeyError) as exc:
            raise CaseFileError(str(exc)) from None
        if not isinstance(data, dict) or not isinstance(data.get("cases"), list):
            raise CaseFileError(f"{path}:1: expected a mapping with a 'cases' list")
        for index, raw in enumerate(data["cases"]):
            mark: Mark = data["cases"].item_marks[index]
            where = f"{path}:{mark.line}"
            if not isinstance(raw, dict):
                raise CaseFileError(f"{where}: a case is a mapping with id, text and expect/forbid")
            unknown = set(raw) - _CASE_KEYS
            if unknown:
                raise CaseFileError(f"{where}: unknown key(s) {sorted(unknown)}; expected: {sorted(_CASE_KEYS)}")
            if not raw.get("id") or not isinstance(raw.get("text"), str):
                raise CaseFileError(f"{where}: a case needs an 'id' and a 'text'")
            case_id = str(raw["id"])
            if case_id in seen:
                raise CaseFileError(f"{where}: duplicate case id '{case_id}' (first at {seen[case_id]})")
            seen[case_id] = where
            if "expect" not in raw and "forbid" not in raw:
                raise CaseFileError(f"{where}: case '{case_id}' needs 'expect' or 'forbid'")
            expect = None
            if "expect" in raw:
                expect = []
                for item in raw["expect"] or []:
                    if not isinstance(item, dict) or item.get("type") not in type_ids:
                        raise CaseFileError(f"{where}: case '{case_id}': expected event type must be one of {type_ids}")
                    if set(item) - {"type", "fields"}:
                        # A key the checker does not read would pass unchecked: refused, not ignored.
                        raise CaseFileError(
                            f"{where}: case '{case_id}': unknown key(s) {sorted(set(item) - {'type', 'fields'})} "
                            "in an expected event; expected: ['fields', 'type']"
                        )
                    expect.append(Expectation(item["type"], dict(item.get("fields") or {})))
            forbid = list(raw.get("forbid") or [])
            for type_id in forbid:
                if type_id not in type_ids:
                    raise CaseFileError(
                        f"{where}: case '{case_id}': forbidden type '{type_id}' is not one of {type_ids}"
                    )
            cases.append(
                Case(
                    case_id,
                    raw["text"],
                    where,
                    _as_date(raw.get("publication_date"), where),
                    expect,
                    forbid,
                    list(raw.get("covers") or []),
                    raw.get("xfail"),
                    bool(raw.get("exact", False)),
                )
            )
    return cases


def _fold(value: Any) -> Any:
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFKC", value).casefold().split())
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return sorted(_fold(v) for v in value)
    return value


def _satisfies(event: Event, expectation: Expectation) -> list[str]:
    """Mismatched fields of an event against an expectation (empty list: it satisfies it)."""
    mismatches = []
    for name, wanted in expectation.fields.items():
        got = event.value(name)
        if _fold(got) != _fold(wanted):
            mismatches.append(f"{name}: expected {wanted!r}, got {got!r}")
    return mismatches


def check_case(case: Case, events: list[Event]) -> list[str]:
    failures: list[str] = []
    if case.expect is not None:
        if not case.expect and events:
            kinds = ", ".join(sorted({e.type for e in events}))
            failures.append(f"expected no event, got {len(events)} ({kinds})")
        unused = list(events)
        for expectation in case.expect:
            candidates = [e for e in unused if e.type == expectation.type]
            if not candidates:
                failures.append(f"missing {expectation.type} event")
                continue
            scored = sorted(((len(_satisfies(e, expectation)), i) for i, e in enumerate(candidates)))
            best = candidates[scored[0][1]]
            problems = _satisfies(best, expectation)
            if problems:
                failures.append(f"{expectation.type}: " + "; ".join(problems))
            else:
                unused.remove(best)
        if case.exact and case.expect and not failures and unused:
            extra = ", ".join(f"{e.type} at {e.value('location')}" for e in unused)
            failures.append(f"expected exactly {len(case.expect)} event(s), {len(unused)} more: {extra}")
    for type_id in case.forbid:
        hits = [e for e in events if e.type == type_id]
        if hits:
            failures.append(f"forbidden {type_id} event coded ({len(hits)})")
    return failures


def case_document(case: Case) -> Document:
    return Document(id=f"case:{case.id}", text=case.text, publication_date=case.publication_date)


def run_cases(cases: list[Case], code: Callable[[Document], CodedDocument]) -> list[CaseResult]:
    results = []
    for case in cases:
        coded = code(case_document(case))
        if coded.status != "ok":
            results.append(CaseResult(case, False, [f"coder failed: {coded.error}"], []))
            continue
        failures = check_case(case, coded.events)
        results.append(CaseResult(case, not failures, failures, coded.events))
    return results
