"""A coder that hangs on one document, as the offline coder would on a pattern that backtracks
catastrophically or a page it cannot cope with: the per-document time limit must fail that
document with the reason and code the rest (issue 17)."""

from __future__ import annotations

import re
import time

from coder.base import REGISTRY
from coder.models import CodedDocument, CoderInfo, Document

# Exponential on "aaaa...b": the same kind of pattern `coder codebook check` now refuses.
_CATASTROPHIC = re.compile(r"(a+)+$")


def register() -> None:
    REGISTRY["hostile-slow"] = "tests.hostile.slow_coder:SlowCoder"


class SlowCoder:
    name = "hostile-slow"

    def __init__(self, codebook, **_ignored):
        self.codebook = codebook

    def info(self) -> CoderInfo:
        return CoderInfo(name=self.name, version="1", codebook_version=self.codebook.version)

    def code(self, document: Document) -> CodedDocument:
        if "BACKTRACK" in document.text:
            _CATASTROPHIC.search("a" * 60 + "b")  # hours in the regex engine
        if "SLEEP" in document.text:
            try:  # noqa: SIM105 (written the careless way on purpose)
                time.sleep(3600)
            except Exception:  # a coder swallowing errors must not swallow the time limit
                pass
        return CodedDocument(document=document, coder=self.info())
