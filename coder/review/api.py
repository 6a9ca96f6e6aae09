"""Opening a review session and reading reviewed documents: the entry points.

session = open_session("coded.jsonl", reviewer="maya")
docs = reviewed_documents("coded.jsonl")      # for exports
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..codebook.model import Codebook
from ..models import CodedDocument, CoderInfo
from .core import ReviewSession
from .log import DecisionLog
from .sources import default_log_path, load_proposals
from .state import DocState
from .values import DecisionError


def open_session(
    source: str | Path,
    *,
    log: str | Path | None = None,
    reviewer: str | None = None,
    codebook: Codebook | None = None,
    filters: Iterable[str] = (),
    clock: Callable[[], str] | None = None,
    run_id: str | None = None,
) -> ReviewSession:
    if codebook is None:
        from ..codebook import default_codebook_path, load_codebook

        codebook = load_codebook(default_codebook_path())
    proposals = load_proposals(source, run_id=run_id)
    decision_log = DecisionLog(Path(log) if log is not None else default_log_path(source))
    decision_log.set_meta("source", str(Path(source).resolve()))
    # Decisions follow their events by identity: re-coding (another codebook, another coder) moves
    # them with their event, and those whose event is gone are reported, kept in the log.
    attachment = decision_log.attach(proposals)
    session = ReviewSession(codebook, proposals, decision_log, reviewer=reviewer, filters=filters, clock=clock)
    session.warnings.extend(attachment.report())
    return session


def reviewed_documents(
    source: str | Path,
    log: str | Path | None = None,
    *,
    codebook: Codebook | None = None,
    only_reviewed: bool = True,
    run_id: str | None = None,
) -> list[CodedDocument]:
    """Reviewed documents of SOURCE per its decision log (default SOURCE.review.sqlite).

    Events accepted, edited or added are kept, rejected ones removed. With
    only_reviewed (the default) only documents the reviewer finished are
    returned: every event decided, or the document marked reviewed.
    """
    path = Path(log) if log is not None else default_log_path(source)
    if not path.exists():
        raise DecisionError(f"no review log at {path}")
    session = open_session(source, log=path, codebook=codebook, run_id=run_id)
    try:
        return session.reviewed(only_reviewed=only_reviewed)
    finally:
        session.close()


@dataclass
class LeftOut:
    id: str
    reason: str  # "not reviewed", "partly reviewed: 2 of 4 events decided", "coding failed: ..."


@dataclass
class ReviewedExport:
    documents: list[CodedDocument]
    left_out: list[LeftOut] = field(default_factory=list)
    # document id -> indices (in that exported document's events) of events nobody decided yet;
    # only with include_partial.
    undecided: dict[str, set[int]] = field(default_factory=dict)
    # document id -> the reviewers' comment on it (`c` in the review), for every document of the
    # source that has one, exported or left out: the output formats have no place for it yet.
    comments: dict[str, str] = field(default_factory=dict)


def reviewed_export(
    source: str | Path,
    log: str | Path | None = None,
    *,
    codebook: Codebook | None = None,
    run_id: str | None = None,
    include_partial: bool = False,
) -> ReviewedExport:
    """What an export of the reviewed state holds, and which documents it leaves out and why.

    An export that silently skips a half-reviewed document also skips the events
    the analyst added to it; so every document left out is named with its
    reason. With include_partial, partly reviewed documents are exported with
    their decided events (rejected ones removed) and their undecided proposals,
    which are listed in `undecided` so the export can mark them.
    """
    path = Path(log) if log is not None else default_log_path(source)
    if not path.exists():
        raise DecisionError(f"no review log at {path}")
    session = open_session(source, log=path, codebook=codebook, run_id=run_id)
    try:
        result = ReviewedExport(documents=[])
        for doc in session.docs:
            if doc.comment:
                result.comments[doc.id] = doc.comment
            reason = _left_out_reason(doc)
            partial = reason is not None and reason.startswith("partly") and include_partial
            if reason is not None and not partial:
                result.left_out.append(LeftOut(doc.id, reason))
                continue
            events, undecided = [], set()
            for state in doc.events:
                if state.kept or (partial and state.status == "unreviewed"):
                    if state.status == "unreviewed":
                        undecided.add(len(events))
                    events.append(state.event.model_copy(deep=True))
            if undecided:
                result.undecided[doc.id] = undecided
            result.documents.append(
                doc.coded.model_copy(
                    update={
                        "events": events,
                        "coder": CoderInfo(name="review", codebook_version=session.codebook.version),
                        "status": "ok",
                        "error": None,
                    }
                )
            )
        return result
    finally:
        session.close()


def _left_out_reason(doc: DocState) -> str | None:
    """Why a document is not (wholly) in a reviewed export; None when it is reviewed."""
    if doc.reviewed:
        return None
    if doc.coded.status == "failed" and not doc.events:
        return f"coding failed ({doc.coded.error or 'no reason given'}) and not reviewed"
    undecided = len(doc.unreviewed)
    if doc.decided == 0:
        return "not reviewed" + ("" if doc.events else " (no events proposed; mark it reviewed if none are missing)")
    decided = len(doc.events) - undecided
    return f"partly reviewed: {decided} of {len(doc.events)} events decided"
