"""Worked answers for the prompt, from the codebook's own examples (coder/llm/worked.toml).

A small model follows an example answer better than any rule, and copies its mistakes as
faithfully; so each worked answer is an answer to one of the codebook's examples (the text
is the codebook's, not written again) and is checked when the coder is made, through the
grounding live answers get: every quote in the example's text, no value its quote
contradicts. A codebook whose example no longer supports its worked answer stops the coder
with an error naming the example.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..codebook.model import Codebook
from ..errors import CodebookInvalid
from ..models import Alignment, Document

WORKED = Path(__file__).with_name("worked.toml")
CONFIDENCE = 0.9


@dataclass(frozen=True)
class Worked:
    type: str
    index: int  # 1-based place among the type's examples
    text: str
    published: date | None
    fields: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> {value, quote}

    @property
    def name(self) -> str:
        short = self.text if len(self.text) <= 60 else self.text[:59] + "\u2026"
        return f'{self.type} example {self.index} ("{short}")'

    def answer(self) -> dict[str, Any]:
        """The answer in the full form, with only the fields it gives."""
        if not self.fields:
            return {"events": []}
        return {
            "events": [{"type": self.type, "evidence": [self.text], "confidence": CONFIDENCE, "fields": self.fields}]
        }

    def compact_answer(self) -> dict[str, Any]:
        if not self.fields:
            return {"events": []}
        entries = []
        for name, given in self.fields.items():
            value = given["value"]
            for item in value if isinstance(value, list) else [value]:
                entries.append({"name": name, "value": item, "quote": given["quote"]})
        return {"events": [{"type": self.type, "evidence": [self.text], "confidence": CONFIDENCE, "fields": entries}]}


def load_worked(codebook: Codebook, path: Path = WORKED) -> list[Worked]:
    """The worked answers, each tied to its codebook example; an error names a bad one."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("answer", [])
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CodebookInvalid(f"{path}: cannot read the worked answers: {exc}") from exc
    if not 2 <= len(entries) <= 4:
        raise CodebookInvalid(f"{path}: {len(entries)} worked answers; the prompt shows 2 to 4")
    types = {et.id: et for et in codebook.event_types}
    worked = []
    for n, entry in enumerate(entries, 1):
        etype, index = entry.get("type"), entry.get("example")
        where = f"{path.name}, answer {n} ({etype} example {index})"
        if etype not in types:
            continue  # a codebook without this type (a test's, a user's subset) shows the others
        examples = types[etype].examples
        if not isinstance(index, int) or not 1 <= index <= len(examples):
            raise CodebookInvalid(f"{where}: {etype} has {len(examples)} example(s)")
        example = examples[index - 1]
        given = entry.get("fields") or {}
        if bool(given) != example.code:
            verdict = "is coded" if example.code else "is not coded"
            raise CodebookInvalid(
                f'{where}: the example {verdict} ("{example.text}"), so its answer '
                f"{'needs' if example.code else 'has no'} fields"
            )
        known = codebook.fields_for(etype)
        fields = {}
        for name, value in given.items():
            if name not in known:
                raise CodebookInvalid(f"{where}: {etype} has no field {name!r}")
            fields[name] = {"value": value.get("value"), "quote": value.get("quote")}
        published = entry.get("published")
        worked.append(Worked(etype, index, example.text, published if isinstance(published, date) else None, fields))
    return worked


def check_worked(worked: list[Worked], builder: Any) -> None:
    """Ground each worked answer in its own example as a live answer is grounded; anything
    not found or contradicted is an error naming the example."""
    for w in worked:
        if not w.fields:
            continue
        document = Document(id=f"worked-{w.type}-{w.index}", text=w.text, publication_date=w.published)
        [event] = builder.events(w.answer(), document)
        problems = [] if event.evidence else ["the evidence is not the example's text"]
        for name, given in w.fields.items():
            fv = event.fields.get(name)
            if fv is None:
                problems.append(f"{name}: the value {given['value']!r} was not kept")
            elif given["quote"] and not fv.grounded:
                reason = fv.detail if fv.alignment == Alignment.contradicted else "not in the example's text"
                problems.append(f"{name}: {given['value']!r} with the quote {given['quote']!r}: {reason}")
        if problems:
            raise CodebookInvalid(f"the worked answer for {w.name} does not hold: " + "; ".join(problems))


def render_worked(worked: list[Worked], compact: bool) -> str:
    out = ["WORKED ANSWERS to examples above (fields not shown are null):"]
    for n, w in enumerate(worked, 1):
        published = w.published.isoformat() if w.published else "unknown"
        answer = w.compact_answer() if compact else w.answer()
        out += [
            f"Worked answer {n}. Publication date: {published}",
            f"Document: {w.text}",
            "Answer: " + json.dumps(answer, ensure_ascii=False),
        ]
    return "\n".join(out)
