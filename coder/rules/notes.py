"""The notes sentence lives in the core (`coder.notes`): the review and the exports regenerate
notes after edits without importing the rule coder. Kept here for the rule coder's imports."""

from __future__ import annotations

from ..notes import render_notes

__all__ = ["render_notes"]
