"""Score coded documents against gold, and measure agreement between two codings.

    from coder.score import load_coding, score_documents
    report = score_documents(load_coding("pred.jsonl"), load_coding("golden"), codebook)
    report.data["events"]["relaxed"]["f1"]

Depends only on the core (models, io, codebook), never on coders, store or review.
"""

from .agree import AgreementReport, agreement
from .inputs import Coding, load_coding
from .scorer import ScoreReport, score_documents

__all__ = ["AgreementReport", "Coding", "ScoreReport", "agreement", "load_coding", "score_documents"]
