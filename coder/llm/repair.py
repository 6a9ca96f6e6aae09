"""The grounding repair turn: one re-ask for the quotes that are not in the document.

A valid answer can still quote words the document does not hold (a paraphrase,
an invented phrase) or give a value its own quote contradicts. Those values are
never grounded; asking once more, in the same conversation, lets the model fix
them for the price of the new tokens only (the system message and the document
are the same prefix, which providers serve from their prompt cache).

The repaired answer replaces the first only when it is better: fewer grounding
problems and no fewer grounded values, so a model that "repairs" by dropping its
events is not believed. Either way what happened is recorded: a field fixed by
the repair says so in its `detail`, and a problem the repair did not fix says
why (the repair was rejected, or not made).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import Alignment, Document, Event
from .cost import Usage
from .transport import LLMError

if TYPE_CHECKING:
    import openai

    from .coder import Answered, LLMCoder

log = logging.getLogger("coder.llm.coder")  # the coder's logger: its records are scrubbed of the key

MAX_LISTED = 20


@dataclass(frozen=True)
class Problem:
    event: int  # index in the answer's events (the built events keep its order)
    field: str  # a field name, or "evidence"
    message: str  # for the model

    @property
    def path(self) -> str:
        where = "evidence" if self.field == "evidence" else f"fields.{self.field}"
        return f"events[{self.event}].{where}"


@dataclass
class RepairNote:
    """What the repair turn did, kept with the cached answer so a rerun says the same."""

    repaired: list[list[Any]] = field(default_factory=list)  # [event, field, what was wrong]
    unrepaired: list[list[Any]] = field(default_factory=list)  # [event, field, why it stays]

    def as_dict(self) -> dict[str, Any]:
        return {"repaired": self.repaired, "unrepaired": self.unrepaired}

    @classmethod
    def from_dict(cls, data: Any) -> RepairNote | None:
        if not isinstance(data, dict):
            return None
        return cls(list(data.get("repaired") or []), list(data.get("unrepaired") or []))


def _short(text: Any, limit: int = 160) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def grounding_problems(answer: dict[str, Any], events: list[Event]) -> list[Problem]:
    """Quotes the document does not hold and values their quote contradicts, per event."""
    problems: list[Problem] = []
    raws = answer.get("events") or []
    for i, (raw, event) in enumerate(zip(raws, events)):
        evidence = raw.get("evidence") if isinstance(raw, dict) else None
        sentences = [evidence] if isinstance(evidence, str) else [s for s in evidence or [] if isinstance(s, str)]
        if sentences and not event.evidence:
            problems.append(Problem(i, "evidence", f'the sentence "{_short(sentences[0])}" is not in the document'))
        given = raw.get("fields") or {} if isinstance(raw, dict) else {}
        for name, fv in event.fields.items():
            quote = (given.get(name) or {}).get("quote") if isinstance(given.get(name), dict) else None
            if fv.alignment == Alignment.unaligned and quote:
                problems.append(Problem(i, name, f'the quote "{_short(quote)}" is not in the document'))
            elif fv.alignment == Alignment.contradicted and not (fv.detail or "").startswith("derived from"):
                problems.append(
                    Problem(
                        i,
                        name,
                        f"the value {_short(fv.value)!s} is not what its quote "
                        f'"{_short(quote or fv.quote or "")}" says ({fv.detail})',
                    )
                )
    return problems


def grounded_count(events: list[Event]) -> int:
    return sum(bool(e.evidence) + sum(1 for f in e.fields.values() if f.grounded) for e in events)


def repair_request(problems: list[Problem]) -> str:
    listed = "\n".join(f"- {p.path}: {p.message}" for p in problems[:MAX_LISTED])
    more = f"\n- ... and {len(problems) - MAX_LISTED} more" if len(problems) > MAX_LISTED else ""
    return (
        "Some quotes in your answer are not in the document, or say something other than their value:\n"
        + listed
        + more
        + "\nAnswer again with the complete JSON object (every event, not only these), nothing else. Copy each "
        "quote verbatim from the document; give the value its quote says; set a value and its quote to null "
        "when the document does not say it."
    )


def judge_repair(
    first: list[Problem], first_grounded: int, second: list[Problem] | None, second_grounded: int, invalid: str | None
) -> str | None:
    """None when the repaired answer is to be used, else why it is not."""
    if invalid:
        return invalid
    assert second is not None
    if second_grounded < first_grounded:
        return (
            f"the repaired answer grounds fewer values ({second_grounded} < {first_grounded}): "
            "it dropped events or values"
        )
    if len(second) >= len(first):
        return f"the repaired answer still has {len(second)} grounding problem(s)"
    return None


def note_for(first: list[Problem], second: list[Problem] | None, rejected: str | None) -> RepairNote:
    note = RepairNote()
    if rejected is not None:
        note.unrepaired = [[p.event, p.field, f"a repair turn was asked and rejected: {rejected}"] for p in first]
        return note
    left = {(p.event, p.field) for p in (second or [])}
    note.repaired = [[p.event, p.field, p.message] for p in first if (p.event, p.field) not in left]
    note.unrepaired = [[p.event, p.field, "still not grounded after a repair turn"] for p in (second or [])]
    return note


def annotate(events: list[Event], note: RepairNote | None) -> None:
    """Write the note into the events' field details (the evidence has none: the log says it)."""
    if note is None:
        return
    for prefix, entries in (("repaired after a re-ask (first answer: {})", note.repaired), ("{}", note.unrepaired)):
        for index, name, text in entries:
            if not isinstance(index, int) or not 0 <= index < len(events):
                continue
            fv = events[index].fields.get(name)
            if fv is None:
                continue
            said = prefix.format(text)
            fv.detail = f"{fv.detail}; {said}" if fv.detail else said


async def repair_grounding(
    coder: LLMCoder,
    client: openai.AsyncOpenAI,
    answered: Answered,
    document: Document,
    window: tuple[int, int],
    usage: Usage,
    events: list[Event],
    problems: list[Problem],
) -> tuple[dict[str, Any], list[Event], RepairNote]:
    """The repair turn: ask once more about the problems, keep the better answer (the answer,
    its events and the note of what the turn did)."""
    log.info(
        "document %s: %d quote(s) not grounded; one repair turn: %s",
        document.id,
        len(problems),
        coder._clean(problems[0].path + ": " + problems[0].message),
    )
    messages = [*answered.messages, {"role": "user", "content": repair_request(problems)}]
    second: list[Problem] | None = None
    new_events: list[Event] = []
    invalid: str | None = None
    data: Any = None
    try:
        completion = await coder.transport.complete(client, messages, coder.prompt.response_format, usage)
        data, checks = coder.judge(completion.content, completion.finish_reason)
        if completion.finish_reason == "length":
            invalid = "the repaired answer was cut off at max_tokens"
        elif checks:
            invalid = "the repaired answer is invalid: " + "; ".join(coder._clean(c) for c in checks[:2])
    except LLMError as exc:
        if exc.fatal:
            coder._fatal = exc
        invalid = f"the repair request failed: {exc.message}"
    if invalid is None:
        new_events = coder.builder.events(data, document, window)
        second = grounding_problems(data, new_events)
    rejected = judge_repair(problems, grounded_count(events), second, grounded_count(new_events), invalid)
    note = note_for(problems, second, rejected)
    if rejected is not None:
        log.info("document %s: repair rejected: %s", document.id, rejected)
        return answered.data, events, note
    # The conversation goes on (a recall pass) from the answer that was kept.
    answered.messages = [*messages, {"role": "assistant", "content": completion.content}]
    log.info(
        "document %s: repair accepted: %d of %d grounding problem(s) fixed",
        document.id,
        len(note.repaired),
        len(problems),
    )
    return data, new_events, note
