"""Re-deriving the looked-up fields and the notes after a reviewer's edit; contradictions.

The logic is the core's (`coder.derived`), shared with the exports; the review
records what `rederive` returns as part of each edit decision, so replaying the
log never depends on how derivation behaved later.
"""

from __future__ import annotations

from ..derived import contradictions, dependents, rederive

__all__ = ["contradictions", "dependents", "rederive"]
