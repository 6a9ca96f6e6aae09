"""Proposed merges as a file an analyst decides: nothing is merged that no one accepted.

    coder export --db run.sqlite --format acled-csv --out a.csv --merges merges.csv
    (set the decision column of merges.csv to accept or refuse)
    coder export --db run.sqlite --format acled-csv --out a.csv --merges merges.csv --accept-merges merges.csv

One row per proposal: its id (from its members' event ids, so the same group has
the same id in every export), an empty `decision` column, the events (ids,
documents, dates, places, actors, evidence) to judge it by. Reading it back,
every accepted row is a group of event ids merged as given; since event ids come
from content, an accepted merge survives a re-export, a re-ordered batch, or
documents added beside it. A row whose events are gone is reported, not applied.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from ..io import InputError, is_stdin, read_stdin_text
from .dedup import MergedEvent

COLUMNS = [
    "proposal",
    "decision",
    "event_type",
    "actor1",
    "event_dates",
    "locations",
    "admin1",
    "document_ids",
    "sources",
    "event_ids",
    "evidence",
]
ACCEPT = {"accept", "accepted", "yes", "y", "merge"}
REFUSE = {"refuse", "refused", "reject", "rejected", "no", "n", "keep apart"}


@dataclass
class MergeDecisions:
    accepted: dict[str, list[str]] = field(default_factory=dict)  # proposal id -> event ids
    refused: set[str] = field(default_factory=set)
    undecided: set[str] = field(default_factory=set)

    def decision(self, proposal: str) -> str:
        return "accept" if proposal in self.accepted else "refuse" if proposal in self.refused else ""


def _joined(values: Iterable[Any]) -> str:
    return "; ".join(dict.fromkeys(str(v) for v in values if v not in (None, "")))


def write_proposals(proposals: list[MergedEvent], out: IO[str], decisions: MergeDecisions | None = None) -> int:
    """One row per proposal; a decision already taken (same proposal id) is carried over."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for p in proposals:
        m = p.members
        writer.writerow(
            {
                "proposal": p.proposal_id,
                "decision": decisions.decision(p.proposal_id) if decisions else "",
                "event_type": p.type,
                "actor1": _joined(o.value("actor1") for o in m),
                "event_dates": " | ".join(f"{o.value('event_date')} (precision {o.precision})" for o in m),
                "locations": " | ".join(str(o.value("location") or "") for o in m),
                "admin1": _joined(o.value("admin1") for o in m),
                "document_ids": " | ".join(o.document.id for o in m),
                "sources": " | ".join(o.document.source or "" for o in m),
                "event_ids": "; ".join(o.id for o in m),
                "evidence": " | ".join(" ".join(s.text for s in o.event.evidence)[:300] for o in m),
            }
        )
    return len(proposals)


def read_decisions(path: Path) -> MergeDecisions:
    """The analyst's decisions in a proposals file (`-`: standard input); an unreadable decision is an
    error naming its line."""
    where = "stdin" if is_stdin(path) else str(path)
    try:
        if is_stdin(path):
            rows = list(csv.DictReader(io.StringIO(read_stdin_text(), newline="")))
        else:
            with open(path, newline="", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(where, f"cannot read the merge decisions ({exc})") from exc
    out = MergeDecisions()
    for line, row in enumerate(rows, start=2):
        proposal = (row.get("proposal") or "").strip()
        ids = [i.strip() for i in (row.get("event_ids") or "").split(";") if i.strip()]
        if not proposal or not ids:
            raise InputError(f"{where}:{line}", "a merge row needs its proposal and event_ids columns")
        decision = (row.get("decision") or "").strip().casefold()
        if decision in ACCEPT:
            out.accepted[proposal] = ids
        elif decision in REFUSE:
            out.refused.add(proposal)
        elif not decision:
            out.undecided.add(proposal)
        else:
            raise InputError(
                f"{where}:{line}", f"decision {row.get('decision')!r}: write accept, refuse or leave it empty"
            )
    return out


def merge_report(
    proposals: list[MergedEvent], decisions: MergeDecisions | None, applied: list[MergedEvent]
) -> list[str]:
    """Lines for the analyst: what was proposed, applied, left undecided, or could not be applied."""
    applied_ids = {c.proposal_id for c in applied if len(c.members) > 1}
    if decisions is None:
        if not proposals:
            return []
        return [
            f"{len(proposals)} merge(s) proposed, none applied: write them with --merges FILE, mark each "
            "accept or refuse, and give the file back with --accept-merges FILE"
        ]
    lines = [f"{len(applied_ids)} accepted merge(s) applied"]
    current = {p.proposal_id for p in proposals}
    open_ = [p for p in current if p not in decisions.accepted and p not in decisions.refused]
    if open_:
        lines.append(f"{len(open_)} proposed merge(s) not decided yet (not applied): see --merges FILE")
    stale = [p for p in decisions.accepted if p not in applied_ids]
    if stale:
        lines.append(
            f"{len(stale)} accepted merge(s) not applied: their events are no longer all in this export "
            f"(or one is in an earlier accepted merge): {', '.join(sorted(stale)[:10])}"
        )
    return lines
