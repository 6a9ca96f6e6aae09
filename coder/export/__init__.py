"""Exports of coded documents: JSON Lines, ACLED CSV, golden directory.

Exports take coded documents (from `coder.store.load_coded_documents`, a
coded-documents file, anything) and never open a store themselves, so this
package depends on the core only.

Cross-document deduplication (`dedup`) decides which events are one
incident: the ACLED CSV has one row per incident with every source; the
JSONL and gold exports keep one record per document and mark the events of a
shared incident with the same `incident` key (the golden set's own
convention, so a merge can be scored against hand-coded pairs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from ..io import dump_record, write_golden
from ..models import CodedDocument
from .acled import ACLED_COLUMNS, columns, read_acled_csv, write_acled_csv
from .dedup import MergedEvent, merge_events, pair_scores, propose_merges

__all__ = [
    "ACLED_COLUMNS",
    "columns",
    "read_acled_csv",
    "write_acled_csv",
    "write_jsonl",
    "write_gold",
    "mark_incidents",
    "merge_events",
    "pair_scores",
    "propose_merges",
    "MergedEvent",
]

Accepted = Iterable[Iterable[str]] | None


def mark_incidents(
    documents: list[CodedDocument], *, dedup: bool = True, accepted: Accepted = None
) -> list[CodedDocument]:
    """Copies of the documents whose events shared with another document carry an `incident` key.

    accepted: the merges an analyst accepted (None: every proposal, see `dedup.merge_events`).
    """
    copies = [doc.model_copy(deep=True) for doc in documents]
    if not dedup:
        return copies
    for cluster in merge_events(copies, accepted=accepted):
        if len(cluster.documents) > 1:
            key = "inc-" + cluster.key[:12]
            for member in cluster.members:
                member.event.incident = key
    return copies


def write_jsonl(
    documents: Iterable[CodedDocument], out: IO[str], *, dedup: bool = True, accepted: Accepted = None
) -> int:
    count = 0
    for doc in mark_incidents(list(documents), dedup=dedup, accepted=accepted):
        out.write(dump_record(doc) + "\n")
        count += 1
    return count


def write_gold(
    documents: Iterable[CodedDocument], directory: Path, *, dedup: bool = True, accepted: Accepted = None
) -> int:
    """A golden directory (<id>.txt + <id>.json per document).

    Ids become file names, so an id that is not a plain name ("../x", "a/b")
    is folded to one: nothing is ever written outside `directory`. A repeated
    id gets a hash suffix rather than overwriting another document.
    """
    seen: set[str] = set()
    count = 0
    for doc in mark_incidents([d for d in documents if d.status == "ok"], dedup=dedup, accepted=accepted):
        doc_id = re.sub(r"[^A-Za-z0-9._-]+", "_", doc.document.id).strip("._")[:120] or "doc"
        doc.document.id = doc_id
        if doc_id in seen:
            doc.document.id = doc_id = f"{doc_id}_{doc.document.content_hash[:8]}"
        seen.add(doc_id)
        write_golden(doc, directory)
        count += 1
    return count
