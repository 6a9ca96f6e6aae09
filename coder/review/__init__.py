"""Reviewing coded proposals: a core with a decision log, a Textual app and a plain prompt mode.

Only the core (coder.models, coder.io, coder.codebook) is imported here; the
Textual app is imported by the CLI when it is needed.
"""

from .api import open_session, reviewed_documents
from .core import Outcome, ReviewSession
from .log import Decision, DecisionLog
from .values import DecisionError

__all__ = ["Decision", "DecisionError", "DecisionLog", "Outcome", "ReviewSession", "open_session",
           "reviewed_documents"]
