"""The golden corpus as a whole: adding documents, importing codings, splits, the freeze, figures.

Layout of a golden directory (see golden/README.md):

    <id>.txt / <id>.json          adjudicated gold, one pair per document
    codings/a/<id>.yaml           first coder's quote coding
    codings/b/<id>.yaml           second coder's quote coding
    codings/adjudicated/<id>.yaml the adjudicated coding, with a reason per disagreement
    incoming/<id>.txt + .meta.json documents added but not yet adjudicated
    test-split.lock                   the frozen test split: its documents and their fingerprint
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..codebook.model import Codebook
from ..io import InputError, atomic_output, load_coded, read_text, write_golden
from ..models import CodedDocument, Document
from ..validate import Problem
from .quotes import QuoteCodingError, QuoteImporter, QuoteProblem, read_quote_coding

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$")
META_KEYS = ("title", "url", "publication_date", "source", "source_scale")


def check_id(doc_id: str) -> str:
    if not _ID.match(doc_id) or ".." in doc_id:
        raise InputError(doc_id, "a document id is letters, digits, '_', '-' or '.', and names no folder")
    return doc_id


def find_document(doc_id: str, folders: Iterable[Path]) -> Document:
    """The document `doc_id`: its text and metadata from a golden record or a `.meta.json` stub."""
    check_id(doc_id)
    for folder in folders:
        text_path = folder / f"{doc_id}.txt"
        if not text_path.exists():
            continue
        meta: dict = {}
        for meta_path in (folder / f"{doc_id}.json", folder / f"{doc_id}.meta.json"):
            if meta_path.exists():
                try:
                    data = json.loads(read_text(meta_path))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{meta_path}:{exc.lineno}", f"invalid JSON: {exc.msg}") from None
                meta = data.get("document", data) if isinstance(data, dict) else {}
                break
        fields = {k: meta.get(k) for k in (*META_KEYS, "split") if meta.get(k) is not None}
        try:
            return Document(id=doc_id, text=read_text(text_path), **fields)
        except ValueError as exc:
            raise InputError(str(text_path), f"bad metadata: {exc}") from None
    names = ", ".join(str(f) for f in folders)
    raise InputError(doc_id, f"no {doc_id}.txt in {names}")


def import_codings(
    paths: Iterable[Path], folders: list[Path], codebook: Codebook, coder_name: str = "gold"
) -> tuple[list[CodedDocument], list[Problem]]:
    """Every quote coding in `paths` (files or folders of .yaml) as coded documents, with all problems."""
    importer = QuoteImporter(codebook, coder_name)
    documents, problems = [], []
    for path in _yaml_files(paths):
        try:
            coding = read_quote_coding(path)
            document = find_document(coding["document"], folders)
            documents.append(importer.build(coding, document, str(path)))
        except QuoteCodingError as exc:
            problems.extend(exc.problems)
        except InputError as exc:
            problems.append(QuoteProblem(str(path), None, None, str(exc)))
    return documents, problems


def _yaml_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    return files


def add_document(text: str, directory: Path, doc_id: str, meta: dict) -> tuple[Path, Path]:
    """A new incoming document: `<id>.txt` byte for byte and a `<id>.meta.json` stub."""
    check_id(doc_id)
    directory.mkdir(parents=True, exist_ok=True)
    text_path, meta_path = directory / f"{doc_id}.txt", directory / f"{doc_id}.meta.json"
    if text_path.exists():
        raise InputError(str(text_path), "already exists; choose another id")
    text_path.write_text(text, encoding="utf-8", newline="")
    stub = {
        "id": doc_id,
        **{k: meta.get(k) for k in META_KEYS},
        "tags": meta.get("tags", []),
        "facts": meta.get("facts"),
    }
    meta_path.write_text(json.dumps(stub, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return text_path, meta_path


def write_adjudicated(documents: Iterable[CodedDocument], directory: Path, splits: dict[str, str]) -> int:
    count = 0
    for doc in documents:
        split = splits.get(doc.document.id, doc.document.split)
        doc = doc.model_copy(update={"document": doc.document.model_copy(update={"split": split})})
        write_golden(doc, directory)
        count += 1
    return count


# -- splits -------------------------------------------------------------------


def incident_groups(documents: list[CodedDocument]) -> list[list[str]]:
    """Documents that share an incident key, joined (they must fall on one side of the split)."""
    parent = {d.document.id: d.document.id for d in documents}

    def root(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_of: dict[str, str] = {}
    for doc in documents:
        for event in doc.events:
            if event.incident:
                other = first_of.setdefault(event.incident, doc.document.id)
                parent[root(doc.document.id)] = root(other)
    groups: dict[str, list[str]] = defaultdict(list)
    for doc in documents:
        groups[root(doc.document.id)].append(doc.document.id)
    return sorted(groups.values())


def assign_splits(documents: list[CodedDocument], test_share: float, fixed: dict[str, str]) -> dict[str, str]:
    """dev/test per document: incident groups kept whole, strata (main type, outlet) shared out evenly.

    Deterministic: groups are taken in the order of a hash of their ids. A group goes
    to the side its (type, outlet) stratum is short of; a stratum that is even (a new
    outlet, say) defers to its type, and an even type to the whole corpus, so that many
    one-document strata do not all land on one side.
    """
    by_id = {d.document.id: d for d in documents}
    splits = dict(fixed)
    taken: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])  # stratum -> [test, all]
    groups = []
    for group in incident_groups(documents):
        sides = {fixed[i] for i in group if i in fixed}
        if not sides:
            groups.append(group)
            continue
        # A new report of an incident already split joins its other reports: dev rules must never
        # have read a test incident. (Should its reports ever sit on both sides, test wins.)
        side = "test" if "test" in sides else "dev"
        for doc_id in group:
            splits.setdefault(doc_id, side)
    groups.sort(key=lambda g: hashlib.sha256("|".join(g).encode()).hexdigest())
    for number, group in enumerate(groups):
        kind, outlet = _stratum([by_id[i] for i in group])
        levels = [("stratum", kind, outlet), ("type", kind), ("all",)]
        side = "test" if number % 2 == 0 else "dev"
        for level in levels:
            test, total = taken[level]
            want = test_share * (total + 1) - test
            if abs(want - 0.5) > 1e-9:
                side = "test" if want > 0.5 else "dev"
                break
        for level in levels:
            taken[level][0] += side == "test"
            taken[level][1] += 1
        for doc_id in group:
            splits[doc_id] = side
    return splits


def _stratum(docs: list[CodedDocument]) -> tuple:
    types = Counter(e.type for d in docs for e in d.events)
    main = types.most_common(1)[0][0] if types else "none"
    return main, docs[0].document.source or ""


def fingerprint(directory: Path, doc_ids: Iterable[str]) -> str:
    """sha256 over the text and record of each document, in id order: changes if any byte does."""
    digest = hashlib.sha256()
    for doc_id in sorted(doc_ids):
        digest.update(doc_id.encode() + b"\0")
        for suffix in (".txt", ".json"):
            digest.update((directory / f"{doc_id}{suffix}").read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass
class Freeze:
    """One freeze: when, which test documents, their fingerprint."""

    frozen_at: str
    documents: list[str]
    fingerprint: str


@dataclass
class FreezeLog:
    """The frozen test split, in freezes. Documents written after a freeze may join the test
    split in a later freeze (they were never seen while rules were written); a frozen
    document never changes and never leaves."""

    freezes: list[Freeze]

    FILE = "test-split.lock"

    @property
    def documents(self) -> list[str]:
        return sorted(d for f in self.freezes for d in f.documents)

    @classmethod
    def read(cls, directory: Path) -> FreezeLog | None:
        path = directory / cls.FILE
        if not path.exists():
            return None
        data = json.loads(read_text(path))
        return cls([Freeze(f["frozen_at"], f["test_documents"], f["test_fingerprint"]) for f in data["freezes"]])

    def write(self, directory: Path) -> Path:
        data = {
            "freezes": [
                {"frozen_at": f.frozen_at, "test_documents": f.documents, "test_fingerprint": f.fingerprint}
                for f in self.freezes
            ]
        }
        path = directory / self.FILE
        with atomic_output(path) as handle:
            handle.write(json.dumps(data, indent=2) + "\n")
        return path

    def check(self, directory: Path) -> list[str]:
        """What broke the freeze: a frozen document changed or left test, or a test document is not frozen."""
        now = {d.document.id for d in load_coded(directory) if d.document.split == "test"}
        problems = []
        for freeze in self.freezes:
            gone = sorted(set(freeze.documents) - now)
            if gone:
                problems.append(f"documents frozen on {freeze.frozen_at} left the test split: {gone}")
            elif fingerprint(directory, freeze.documents) != freeze.fingerprint:
                problems.append(f"a test document frozen on {freeze.frozen_at} changed (text or coding)")
        loose = sorted(now - set(self.documents))
        if loose:
            problems.append(f"test documents not frozen yet: {loose}; run `coder golden freeze`")
        return problems


def freeze(directory: Path, when: str) -> Freeze:
    """Freeze the test documents no earlier freeze holds; InputError if there are none."""
    log = FreezeLog.read(directory) or FreezeLog([])
    test = sorted(d.document.id for d in load_coded(directory) if d.document.split == "test")
    new = [d for d in test if d not in set(log.documents)]
    if not new:
        raise InputError(str(directory), "no test document left to freeze")
    frozen = Freeze(when, new, fingerprint(directory, new))
    log.freezes.append(frozen)
    log.write(directory)
    return frozen


# -- figures ------------------------------------------------------------------


def corpus_stats(documents: list[CodedDocument]) -> dict:
    """Documents and events by split, type, outlet and year; documents per type; hard negatives."""
    docs_by_split: Counter = Counter()
    events: dict[str, Counter] = {k: Counter() for k in ("split", "type", "source", "year")}
    docs_with_type: Counter = Counter()
    negatives = Counter()
    for doc in documents:
        split = doc.document.split or "none"
        docs_by_split[split] += 1
        if not doc.events:
            negatives[split] += 1
        for t in {e.type for e in doc.events}:
            docs_with_type[t] += 1
        year = _year(doc.document.publication_date)
        for event in doc.events:
            events["split"][split] += 1
            events["type"][event.type] += 1
            events["source"][doc.document.source or "unknown"] += 1
            events["year"][year] += 1
    return {
        "documents": len(documents),
        "documents_by_split": dict(docs_by_split),
        "events": sum(events["type"].values()),
        "events_by": {k: dict(sorted(v.items())) for k, v in events.items()},
        "documents_with_type": dict(sorted(docs_with_type.items())),
        "documents_without_events": dict(negatives),
        "events_by_split_and_type": _by_split_and_type(documents),
    }


def _by_split_and_type(documents: list[CodedDocument]) -> dict:
    table: dict[str, Counter] = defaultdict(Counter)
    for doc in documents:
        for event in doc.events:
            table[doc.document.split or "none"][event.type] += 1
    return {k: dict(sorted(v.items())) for k, v in sorted(table.items())}


def _year(published: date | None) -> str:
    return str(published.year) if published else "undated"
