"""The optional recall pass: a "what did you miss?" turn, merged by the event merge.

A model reading a long article often stops at the first few events. With
`recall_passes = n` the conversation goes on n more turns, each asking for the
complete list again, events missed before included. Every pass's events are
grounded like the first answer's, then merged by the same event merge that joins
overlapping chunks; an event's confidence becomes the share of passes that
found it (2 of 2: 1.0; found only on a second look: 0.5), which review can sort
and filter on. The turns extend one conversation, so the system message and the
document are the prefix providers cache, and each pass costs mostly its answer.
"""

from __future__ import annotations

import logging
from typing import Any

from ..models import Event
from .chunk import _combine, same_event

log = logging.getLogger(__name__)

RECALL_REQUEST = (
    "Read the document again, sentence by sentence, for events of the defined types that your answer missed: "
    "another day, place or actor, a second type in the same passage (a convoy carrying weapons), an event told "
    "in a later paragraph. Answer with the complete JSON object again: every event you still find in the "
    "document, those in your answer included, and the ones you missed; quotes verbatim as before."
)


async def ask(coder: Any, client: Any, messages: list[dict[str, str]], usage: Any) -> list[dict[str, Any]]:
    """The valid answers of the recall turns (an invalid or failed one is left out and logged)."""
    from .transport import LLMError

    answers: list[dict[str, Any]] = []
    for number in range(coder.settings.recall_passes):
        messages = [*messages, {"role": "user", "content": RECALL_REQUEST}]
        try:
            completion = await coder.transport.complete(client, messages, coder.prompt.response_format, usage)
        except LLMError as exc:
            if exc.fatal:
                raise
            log.info("recall pass %d failed: %s", number + 1, exc.message)
            break
        data, problems = coder.judge(completion.content, completion.finish_reason)
        usage.recall_passes += 1
        if problems:
            log.info("recall pass %d left out: %s", number + 1, coder._clean(problems[0]))
            break
        answers.append(data)
        messages = [*messages, {"role": "assistant", "content": completion.content}]
    return answers


def merge_passes(passes: list[list[Event]]) -> list[Event]:
    """One event per incident across passes; confidence = share of passes that found it.
    A single pass keeps the model's own confidence."""
    if len(passes) < 2:
        return passes[0] if passes else []
    merged: list[Event] = []
    found: list[set[int]] = []
    for number, events in enumerate(passes):
        for event in events:
            for i, kept in enumerate(merged):
                if same_event(kept, event):
                    merged[i] = _combine(kept, event)
                    found[i].add(number)
                    break
            else:
                merged.append(event)
                found.append({number})
    return [
        event.model_copy(update={"confidence": round(len(seen) / len(passes), 3)}) for event, seen in zip(merged, found)
    ]
