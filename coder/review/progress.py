"""Progress across the whole source: reviewed / total documents and events, by reviewer.

Filters do not narrow it: a reviewer working through `type=recruitment` still
sees how far the source as a whole has come. Each reviewed document and event is
credited to the reviewer whose decision in force was the last on it, so the
per-reviewer figures add up to the totals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .core import ReviewSession

# Decisions that say nothing about an event or a document being reviewed.
_NOT_REVIEWING = {"undo", "comment"}


@dataclass
class Share:
    documents: int = 0  # reviewed documents credited to this reviewer
    events: int = 0  # decided events credited to this reviewer
    decisions: int = 0  # decisions in force (undone ones and comments not counted)


@dataclass
class Progress:
    documents: int
    reviewed_documents: int
    events: int  # proposals and added events, rejected ones included
    reviewed_events: int
    by_reviewer: dict[str, Share] = field(default_factory=dict)

    def line(self) -> str:
        """One line for a header: "2/9 documents, 14/31 events reviewed (maya 12, omar 2)"."""
        who = ", ".join(f"{name} {share.events}" for name, share in self.by_reviewer.items() if share.events)
        return (
            f"{self.reviewed_documents}/{self.documents} documents, "
            f"{self.reviewed_events}/{self.events} events reviewed" + (f" ({who})" if who else "")
        )


def progress(session: ReviewSession) -> Progress:
    last_on_event: dict[tuple[str, str], str] = {}
    last_on_doc: dict[str, str] = {}
    shares: dict[str, Share] = {}
    for decision in session.decisions:
        if decision.kind in _NOT_REVIEWING or not session.in_force(decision):
            continue
        shares.setdefault(decision.reviewer, Share()).decisions += 1
        last_on_doc[decision.document] = decision.reviewer
        if decision.event is not None:
            last_on_event[(decision.document, decision.event)] = decision.reviewer
    result = Progress(documents=len(session.docs), reviewed_documents=0, events=0, reviewed_events=0)
    for doc in session.docs:
        result.events += len(doc.events)
        if doc.reviewed:
            result.reviewed_documents += 1
            who = last_on_doc.get(doc.id)
            if who is not None:
                shares[who].documents += 1
        for state in doc.events:
            if state.status == "unreviewed":
                continue
            result.reviewed_events += 1
            who = last_on_event.get((doc.id, state.id))
            if who is not None:
                shares[who].events += 1
    result.by_reviewer = dict(sorted(shares.items(), key=lambda kv: (-kv[1].events, kv[0])))
    return result
