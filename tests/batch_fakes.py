"""Stand-in coders for the batch tests: deterministic, fast, no codebook vocabulary needed.

`FakeCoder` codes one troop movement per line that mentions a convoy, fails a
document containing FAIL, raises on CRASH, and sleeps FAKE_CODER_DELAY
seconds per document (so a test can kill a run mid-way). `FakeAsyncCoder`
does the same through `acode` and records how many calls overlapped, and
reports tokens per document like the LLM coder.
"""

from __future__ import annotations

import asyncio
import os
import re
import time
from dataclasses import dataclass

from coder.base import REGISTRY
from coder.models import CodedDocument, CoderInfo, Document, Event, FieldValue, Span

_CONVOY = re.compile(r"[^\n]*convoy[^\n]*", re.I)
_PLACE = re.compile(r"\b(Albukamal|Al Mayadin|Deir ez-Zor)\b")


def register() -> None:
    REGISTRY["fake"] = "tests.batch_fakes:FakeCoder"
    REGISTRY["fake-async"] = "tests.batch_fakes:FakeAsyncCoder"


class FakeCoder:
    name = "fake"

    def __init__(self, codebook, delay: float | None = None, **_ignored):
        self.codebook = codebook
        self.delay = float(os.environ.get("FAKE_CODER_DELAY", "0")) if delay is None else delay

    def info(self) -> CoderInfo:
        return CoderInfo(name=self.name, version="1", codebook_version=self.codebook.version)

    def code(self, document: Document) -> CodedDocument:
        if self.delay:
            time.sleep(self.delay)
        if "CRASH" in document.text:
            raise RuntimeError("the fake coder crashed")
        if "FAIL" in document.text:
            return CodedDocument(document=document, status="failed", error="fake failure", coder=self.info())
        events = []
        for m in _CONVOY.finditer(document.text):
            fields = {
                "actor1": FieldValue(value="Fatemiyoun Brigade", alignment="derived"),
                "country": FieldValue(value="Syria", alignment="derived"),
                "admin1": FieldValue(value="Deir ez-Zor", alignment="derived"),
                "inter1": FieldValue(value=3, alignment="derived"),
                "geo_precision": FieldValue(value=1, alignment="derived"),
                "fatalities": FieldValue(value=0, alignment="derived"),
            }
            place = _PLACE.search(m.group())
            if place:
                start = m.start() + place.start()
                fields["location"] = FieldValue(
                    value=place.group(), spans=[Span.of(document.text, start, start + len(place.group()))]
                )
            events.append(
                Event(
                    type="troop_movement",
                    confidence=0.8,
                    fields=fields,
                    evidence=[Span.of(document.text, m.start(), m.end())],
                )
            )
        return CodedDocument(document=document, events=events, coder=self.info())


@dataclass
class _Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0

    def as_dict(self) -> dict:
        return {"prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens}


class FakeAsyncCoder(FakeCoder):
    name = "fake-async"

    def __init__(self, codebook, delay: float = 0.01, **options):
        super().__init__(codebook, delay=0.0)
        self.async_delay = delay
        self.active = 0
        self.max_active = 0
        self.usage_by_document: dict[str, _Usage] = {}

    def info(self) -> CoderInfo:
        return CoderInfo(name=self.name, version="1", model="fake-model", codebook_version=self.codebook.version)

    async def acode(self, document: Document) -> CodedDocument:
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            await asyncio.sleep(self.async_delay)
            self.usage_by_document[document.id] = _Usage(len(document.text) // 4, 10)
            return self.code(document)
        finally:
            self.active -= 1

    def cost(self, usage: _Usage) -> float:
        return (usage.prompt_tokens + usage.completion_tokens) * 1e-6
