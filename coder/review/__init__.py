"""Reviewing coded proposals: a core with a decision log, a Textual app and a plain prompt mode.

Only the core (coder.models, coder.io, coder.codebook) is imported here; the
Textual app is imported by the CLI when it is needed.
"""

from .api import LeftOut, ReviewedExport, open_session, reviewed_documents, reviewed_export
from .core import Outcome, ReviewSession
from .log import Decision, DecisionLog
from .values import DecisionError

__all__ = [
    "Decision",
    "DecisionError",
    "DecisionLog",
    "LeftOut",
    "Outcome",
    "ReviewSession",
    "ReviewedExport",
    "open_session",
    "reviewed_documents",
    "reviewed_export",
]
