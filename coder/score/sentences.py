"""Sentence-labelled corpora: how often a coder's events land on the sentences people marked.

A corpus is JSON Lines, one short report per line, its text given sentence by sentence:

    {"id": "s1-001", "style": "...", "paragraphs": [[{"s": "One sentence.", "types": ["recruitment"],
                                                       "more": []}, ...], ...]}

`types` are the event types the sentence reports as having happened; `more` the types of an
incident told earlier that the sentence only adds to. The report's text is its sentences joined by
a space, its paragraphs by a blank line, so every label has exact offsets.

Sentence labels are cheaper to write than whole events, so a corpus can be large and new: rules
are written and checked against it without touching the golden set's test split. A sentence is
found for a type when an event of that type has evidence overlapping it; a type in `more` is never
an error either way.
A sentence may also say where its incident happened, as the gazetteer names the place
("where": {"smuggling": "Al Bukamal"}); then a found sentence is also checked for its place
(an event of the type on it has that location): the location accuracy beside the F1.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..io import InputError, read_text
from ..models import CodedDocument, Document


@dataclass(frozen=True)
class LabelledSentence:
    start: int
    end: int
    types: frozenset[str]
    more: frozenset[str]
    # (type, place): where the sentence's incident of the type happened, when the corpus says
    # ("where": {"smuggling": "Al Bukamal"}), as the gazetteer names it
    where: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class LabelledReport:
    id: str
    text: str
    sentences: tuple[LabelledSentence, ...]

    def document(self) -> Document:
        return Document(id=self.id, text=self.text)


@dataclass
class SentenceReport:
    """Per type: sentences found (tp), missed (fn) and events on sentences marked without it (fp)."""

    types: list[str]
    tp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    # Of the found sentences that say where their incident happened: how many, and how many the
    # coder placed there (an event of the type on the sentence has that location).
    placed: Counter[str] = field(default_factory=Counter)
    located: Counter[str] = field(default_factory=Counter)
    # (missed | invented | misplaced, type, report id, sentence)
    errors: list[tuple[str, str, str, str]] = field(default_factory=list)

    def figures(self, type_id: str | None = None) -> dict[str, float | int]:
        """tp, fn, fp, precision, recall and F1 of one type, or of all together (None)."""
        if type_id is None:
            tp, fn, fp = (sum(c.values()) for c in (self.tp, self.fn, self.fp))
        else:
            tp, fn, fp = self.tp[type_id], self.fn[type_id], self.fp[type_id]
        return {
            "tp": tp,
            "fn": fn,
            "fp": fp,
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
            "f1": 2 * tp / (2 * tp + fn + fp) if tp else 0.0,
            **self._location(type_id),
        }

    def _location(self, type_id: str | None) -> dict[str, float | int]:
        """located / placed: how often a found sentence's incident is at the labelled place (only
        for a corpus that labels places)."""
        placed = sum(self.placed.values()) if type_id is None else self.placed[type_id]
        if not placed:
            return {}
        located = sum(self.located.values()) if type_id is None else self.located[type_id]
        return {"placed": placed, "location_accuracy": located / placed}

    def as_dict(self) -> dict:
        return {"all": self.figures(), "per_type": {t: self.figures(t) for t in self.types}}


def read_corpus(paths: Iterable[Path], type_ids: Iterable[str]) -> list[LabelledReport]:
    """Every report of the corpus files (a directory stands for its *.jsonl files), or an InputError
    naming the file and line of the first malformed one."""
    known = set(type_ids)
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    reports, seen = [], set()
    for file in files:
        for number, line in enumerate(read_text(file).splitlines(), 1):
            if line.strip():
                report = _report(line, f"{file}:{number}", known)
                if report.id in seen:
                    raise InputError(f"{file}:{number}", f"report id '{report.id}' is used twice")
                seen.add(report.id)
                reports.append(report)
    return reports


def _report(line: str, where: str, known: set[str]) -> LabelledReport:
    try:
        raw = json.loads(line)
        paragraphs = raw["paragraphs"]
        report_id = str(raw["id"])
    except (json.JSONDecodeError, KeyError, TypeError) as exc:
        raise InputError(
            where, f"not a labelled report ({exc}); expected an object with 'id' and 'paragraphs'"
        ) from None
    text, sentences = "", []
    for p, paragraph in enumerate(paragraphs):
        text += "\n\n" if p else ""
        for k, item in enumerate(paragraph):
            if not isinstance(item, dict) or not isinstance(item.get("s"), str):
                raise InputError(where, f'paragraph {p + 1}, sentence {k + 1}: expected {{"s": text, "types": [...]}}')
            labels = [frozenset(item.get(key) or ()) for key in ("types", "more")]
            unknown = (labels[0] | labels[1]) - known
            if unknown:
                raise InputError(
                    where, f"unknown event type(s) {', '.join(sorted(unknown))}; expected {', '.join(sorted(known))}"
                )
            place = _where(item.get("where"), where, f"paragraph {p + 1}, sentence {k + 1}", known)
            text += " " if k else ""
            sentences.append(LabelledSentence(len(text), len(text) + len(item["s"]), labels[0], labels[1], place))
            text += item["s"]
    return LabelledReport(report_id, text, tuple(sentences))


def _where(raw: object, where: str, label: str, known: set[str]) -> tuple[tuple[str, str], ...]:
    if raw is None:
        return ()
    if not isinstance(raw, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        raise InputError(where, f'{label}: expected "where": {{"<type>": "<place>"}}')
    unknown = set(raw) - known
    if unknown:
        raise InputError(where, f"{label}: unknown event type(s) {', '.join(sorted(unknown))} in 'where'")
    return tuple(sorted(raw.items()))


def score_sentences(reports: list[LabelledReport], coded: Iterable[CodedDocument], types: list[str]) -> SentenceReport:
    """Compare each report's labels with the events coded for it (matched by document id)."""
    by_id = {c.document.id: c for c in coded}
    result = SentenceReport(types)
    for report in reports:
        events = by_id[report.id].events if report.id in by_id else []
        for sentence in report.sentences:
            on = [e for e in events if any(s.start < sentence.end and sentence.start < s.end for s in e.evidence)]
            got = {e.type for e in on}
            words = report.text[sentence.start : sentence.end]
            where = dict(sentence.where)
            for type_id in types:
                if type_id in sentence.types:
                    hit = type_id in got
                    (result.tp if hit else result.fn)[type_id] += 1
                    if not hit:
                        result.errors.append(("missed", type_id, report.id, words))
                    elif type_id in where:
                        _place(result, report.id, words, type_id, where[type_id], on)
                elif type_id in got and type_id not in sentence.more:
                    result.fp[type_id] += 1
                    result.errors.append(("invented", type_id, report.id, words))
    return result


def _place(result: SentenceReport, report_id: str, words: str, type_id: str, place: str, on: list) -> None:
    """`on`: the events whose evidence overlaps the sentence."""
    coded = [e.value("location") for e in on if e.type == type_id]
    result.placed[type_id] += 1
    if place in coded:
        result.located[type_id] += 1
    else:
        shown = ", ".join(str(c) for c in coded)
        result.errors.append(("misplaced", type_id, report_id, f"{words} [labelled {place}; coded {shown}]"))
