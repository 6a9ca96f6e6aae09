"""Opening a review session and reading reviewed documents: the entry points.

    session = open_session("coded.jsonl", reviewer="maya")
    docs = reviewed_documents("coded.jsonl")      # for exports
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from ..codebook.model import Codebook
from ..models import CodedDocument
from .core import ReviewSession
from .log import DecisionLog
from .sources import default_log_path, load_proposals
from .values import DecisionError


def open_session(source: str | Path, *, log: str | Path | None = None, reviewer: str | None = None,
                 codebook: Codebook | None = None, filters: Iterable[str] = (),
                 clock: Callable[[], str] | None = None, run_id: str | None = None) -> ReviewSession:
    if codebook is None:
        from ..codebook import default_codebook_path, load_codebook
        codebook = load_codebook(default_codebook_path())
    proposals = load_proposals(source, run_id=run_id)
    decision_log = DecisionLog(Path(log) if log is not None else default_log_path(source))
    decision_log.set_meta("source", str(Path(source).resolve()))
    return ReviewSession(codebook, proposals, decision_log, reviewer=reviewer, filters=filters, clock=clock)


def reviewed_documents(source: str | Path, log: str | Path | None = None, *, codebook: Codebook | None = None,
                       only_reviewed: bool = True, run_id: str | None = None) -> list[CodedDocument]:
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
