"""Reading the two sides of a comparison and lining their documents up.

Every problem is an `InputError` naming the file and line (or the record) it
came from, so the CLI can print one clear line and exit 1.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook.model import Codebook
from ..io import InputError, load_located
from ..models import CodedDocument


@dataclass
class Coding:
    """Coded documents with where each was read from (for error messages)."""

    source: str
    documents: list[CodedDocument]
    locations: list[str]


def load_coding(path: str | Path) -> Coding:
    """A coded-documents JSONL file or a golden directory, keeping file:line per record."""
    try:
        located = load_located(path)
    except InputError:
        raise
    except (ValueError, RecursionError) as exc:  # json's own limits: a 5,000-digit number, deep nesting
        raise InputError(str(path), f"cannot be read: {str(exc).split(';')[0]}") from None
    coding = Coding(str(path), [doc for _, doc in located], [where for where, _ in located])
    check_spans(coding)
    return coding


def as_coding(value: Coding | Iterable[CodedDocument], label: str) -> Coding:
    if isinstance(value, Coding):
        return value
    documents = list(value)
    seen: set[str] = set()
    for index, doc in enumerate(documents):
        if doc.document.id in seen:
            raise InputError(f"{label}[{index}]", f"document id '{doc.document.id}' appears twice")
        seen.add(doc.document.id)
    coding = Coding(label, documents, [f"{label}[{i}]" for i in range(len(documents))])
    check_spans(coding)
    return coding


def check_spans(coding: Coding) -> None:
    """Every span must be the text it says, inside its document: scores over spans that point
    elsewhere would be figures about nothing. The check is `coder validate`'s own."""
    from ..validate import span_problem

    for doc, where in zip(coding.documents, coding.locations):
        text = doc.document.text
        for index, event in enumerate(doc.events):
            spans = [(f"evidence[{i}]", span) for i, span in enumerate(event.evidence)]
            spans += [
                (f"{name}.spans[{i}]", span)
                for name, value in event.fields.items()
                for i, span in enumerate(value.spans)
            ]
            for label, span in spans:
                problem = span_problem(span.start, span.end, span.text, text)
                if problem:
                    raise InputError(
                        where,
                        f"document '{doc.document.id}', event {index}, {label}: {problem} "
                        "(`coder validate` lists every such problem)",
                    )


def check_types(coding: Coding, codebook: Codebook) -> None:
    known = set(codebook.type_ids)
    for doc, where in zip(coding.documents, coding.locations):
        for index, event in enumerate(doc.events):
            if event.type not in known:
                raise InputError(
                    where,
                    f"document '{doc.document.id}', event {index}: unknown event type "
                    f"'{event.type}'; expected one of: {', '.join(codebook.type_ids)}",
                )


@dataclass
class Aligned:
    """Documents of both sides in one order (by id); a side without a document has None there."""

    ids: list[str]
    texts: list[str]
    titles: list[str | None]
    left: list[CodedDocument | None]
    right: list[CodedDocument | None]
    # Documents the reference has and the other side lacks: scored as having no events.
    missing_left: list[str] = field(default_factory=list)
    missing_right: list[str] = field(default_factory=list)
    failed_left: list[str] = field(default_factory=list)
    outside_split: int = 0


def _same_text(doc: CodedDocument, reference: CodedDocument, where: str, reference_where: str) -> None:
    if doc.document.text != reference.document.text:
        raise InputError(
            where,
            f"document '{doc.document.id}': its text differs from the one at {reference_where}; "
            "span offsets could not be compared",
        )


def align_to_gold(predictions: Coding, gold: Coding, split: str | None = None) -> Aligned:
    """Gold defines the documents; a prediction for a document gold lacks is an error."""
    gold_by_id = {doc.document.id: (doc, where) for doc, where in zip(gold.documents, gold.locations)}
    kept = {doc_id: pair for doc_id, pair in gold_by_id.items() if split is None or pair[0].document.split == split}
    predicted: dict[str, CodedDocument] = {}
    outside = 0
    for doc, where in zip(predictions.documents, predictions.locations):
        doc_id = doc.document.id
        if doc_id not in gold_by_id:
            raise InputError(where, f"prediction for document '{doc_id}', which is not in the gold set {gold.source}")
        reference, reference_where = gold_by_id[doc_id]
        _same_text(doc, reference, where, reference_where)
        if doc_id in kept:
            predicted[doc_id] = doc
        else:
            outside += 1
    ids = sorted(kept)
    aligned = Aligned(
        ids=ids,
        texts=[kept[i][0].document.text for i in ids],
        titles=[kept[i][0].document.title for i in ids],
        left=[predicted.get(i) for i in ids],
        right=[kept[i][0] for i in ids],
        outside_split=outside,
    )
    aligned.missing_left = [i for i in ids if i not in predicted]
    aligned.failed_left = [i for i in ids if i in predicted and predicted[i].status == "failed"]
    return aligned


def align_union(first: Coding, second: Coding) -> Aligned:
    """Two codings of the same documents; a document coded by only one counts as empty in the other."""
    by_id_first = {doc.document.id: (doc, where) for doc, where in zip(first.documents, first.locations)}
    by_id_second = {doc.document.id: (doc, where) for doc, where in zip(second.documents, second.locations)}
    for doc_id, (doc, where) in by_id_first.items():
        if doc_id in by_id_second:
            _same_text(doc, by_id_second[doc_id][0], where, by_id_second[doc_id][1])
    ids = sorted(by_id_first.keys() | by_id_second.keys())

    def pick(doc_id: str) -> CodedDocument:
        return (by_id_first.get(doc_id) or by_id_second[doc_id])[0]

    return Aligned(
        ids=ids,
        texts=[pick(i).document.text for i in ids],
        titles=[pick(i).document.title for i in ids],
        left=[by_id_first[i][0] if i in by_id_first else None for i in ids],
        right=[by_id_second[i][0] if i in by_id_second else None for i in ids],
        missing_left=[i for i in ids if i not in by_id_first],
        missing_right=[i for i in ids if i not in by_id_second],
    )


def events_of(docs: Sequence[CodedDocument | None]) -> list[list]:
    return [list(doc.events) if doc is not None else [] for doc in docs]
