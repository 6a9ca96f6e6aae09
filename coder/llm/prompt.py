"""The prompt, rendered from the codebook: stable part first, document last.

Providers cache the longest repeated *prefix* of a prompt (OpenAI from 1,024
tokens, vLLM and llama.cpp by prefix blocks), so everything that is the same
for every document — instructions, the codebook, the answer format — goes in
the system message, in a fixed order, and the document goes alone in the user
message at the end. Nothing variable (dates, ids, counters) may creep into
the system message, or every request misses the cache; `Prompt.stable_share`
reports how much of a request is that reusable prefix.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..codebook.model import Codebook, FieldSpec
from ..schema import llm_fields
from .compact import HOW, compact_response_schema
from .config import ResponseFormat, SchemaMode
from .response import for_model, full_response_schema
from .worked import Worked, render_worked

# Bump when the wording below changes: the cache is keyed by the prompt's hash
# anyway, this just makes the change visible in cached entries.
PROMPT_VERSION = "4"

QUOTE_RULES = """\
Rules for quotes (they are checked against the document, character by character):
- `evidence` is the list of sentences of the document that report the event (usually one), each
  copied verbatim. `confidence` (0 to 1) is how sure you are the event belongs in the dataset.
- Every field's `quote` is the shortest passage of the document that supports its value, copied
  verbatim: same spelling, same case, same punctuation. Do not paraphrase, translate, correct or
  join passages. Copy a name as the document spells it ("Liwa Fatimiyoun"), even when `value`
  is the canonical name ("Fatemiyoun Brigade").
- A value the document does not give is null, with a null quote. Never invent a value, a date
  or a quote. A quote that cannot be found in the document is flagged and the value is not used.
- `value` for actors and places is the canonical name from the lists below when one fits,
  otherwise the name as written. Dates are ISO (YYYY-MM-DD), resolved against the publication date.
- When the publication date is unknown, a date the text gives without a year ("March 29") takes
  the year the document itself states for it (a report "during April 2021" dates "April 5" to
  2021-04-05); a relative date ("on Sunday", "last week") or a day with no year anywhere cannot be
  resolved: event_date is null (quote null) and the words go in notes. A date with its year
  ("29 March 2021") is always given."""

TASK = """\
You code news articles about Iran-backed forces in eastern Syria and on the Iraq-Syria-Lebanon
border into ACLED-style events. Read the document and return every event it reports of the types
defined below, as JSON.

How to code:
- One event = one actor, one type, one place, one day. Two convoys on two days are two events.
  A passage can hold events of two types (a convoy carrying weapons is a troop movement and a
  smuggling event).
- Code only specific incidents. Do not code page furniture (menus, cookie banners, teasers of
  other articles), background paragraphs about patterns, or events that did not happen.
- If the document reports no event, answer {"events": []}."""


def _field_line(name: str, spec: FieldSpec) -> str:
    kind = spec.type if spec.type != "list" else f"list of {spec.items}"
    line = f"  - {name} ({kind}{', required' if spec.required else ''}): {' '.join(spec.description.split())}"
    if spec.values:
        line += f" One of: {', '.join(str(v) for v in spec.values)}."
    # No cue words: they are the offline coder's pattern lists; a model reads the meaning.
    return line


def _rule_line(rule: Any) -> str:
    return f"  - {rule.id}: {' '.join(rule.description.split())}"


def render_codebook(codebook: Codebook) -> str:
    out: list[str] = [f"CODEBOOK {codebook.version}: {codebook.name}", ""]
    rules = {rule.id: rule for rule in codebook.exclusion_rules}
    # A rule only some types use ("attacked": a struck convoy is not a movement) is shown
    # with those types: shown for all, a model applies it to all.
    per_type = [set(et.exclusion_rules) for et in codebook.event_types]
    everywhere = set.intersection(*per_type) if per_type else set(rules)
    out.append("Events that did not happen are never coded (every type):")
    out += [_rule_line(rules[r]) for r in rules if r in everywhere]
    first = codebook.event_types[0].id if codebook.event_types else None
    if first:
        shared = {n: s for n, s in llm_fields(codebook, first).items() if n in codebook.shared_fields}
        out += ["", "Fields of every event type:"]
        out += [_field_line(name, spec) for name, spec in shared.items()]
    for et in codebook.event_types:
        out += ["", f"EVENT TYPE {et.id} ({et.label})", f"Definition: {' '.join(et.definition.split())}", "Code:"]
        out += [f"  - {item}" for item in et.include]
        out.append("Do not code:")
        out += [f"  - {item}" for item in et.exclude]
        own_rules = [r for r in et.exclusion_rules if r not in everywhere and r in rules]
        if own_rules:
            out.append("Also never coded for this type:")
            out += [_rule_line(rules[r]) for r in own_rules]
        out.append(f"Actors: actor1 is on the side {' or '.join(et.actor_sides)}.")
        for tie in et.route_ties:
            actor = codebook.catch_all(tie.side)
            unnamed = actor.name if actor else f"the unidentified {tie.side}"
            out.append(
                f"  A shipment of {' or '.join(tie.goods)} moved from {tie.from_country} into {tie.to_country} is "
                f"on their route: with no force named, actor1 is {unnamed}."
            )
        own = {n: s for n, s in llm_fields(codebook, et.id).items() if n not in codebook.shared_fields}
        if own:
            out.append("Fields of this type:")
            out += [_field_line(name, spec) for name, spec in own.items()]
        out.append("Examples:")
        for ex in et.examples:
            verdict = "code" if ex.code else "do not code"
            out.append(f'  - "{ex.text}" -> {verdict}: {ex.why}')
    # Grouped by side: names alike across sides (Local Defence Forces, National Defence
    # Forces) are told apart by the side each type allows as actor1.
    out += ["", "Actors (canonical names), by side:"]
    by_side: dict[str, list[str]] = {}
    for actor in codebook.actors:
        by_side.setdefault(actor.side, []).append(actor.name)
    out += [f"Actors on the side {side}: " + "; ".join(names) for side, names in by_side.items()]
    out += ["Places (canonical names): " + "; ".join(p.name for p in codebook.places)]
    return "\n".join(out)


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate (tiktoken would download its tables at run time).

    BPE vocabularies hold whole common words; long or rare words split into
    pieces of roughly four to five characters, and punctuation is a token of
    its own. Within ~15% of cl100k/o200k on English news text.
    """
    # One token a word or punctuation mark, and more for words over 7 characters; counted
    # with two scans in C rather than a Python loop over every word (this runs per document).
    tokens = len(_PIECE.findall(text))
    for word in _LONG_WORD.findall(text):
        tokens += math.ceil(len(word) / 5) - 1
    return tokens


_PIECE = re.compile(r"\w+|[^\w\s]")
_LONG_WORD = re.compile(r"\w{8,}")


@dataclass(frozen=True)
class Prompt:
    system: str
    response_format: dict[str, Any]
    hash: str
    stable_tokens: int

    def messages(
        self, text: str, publication_date: date | None, part: tuple[int, int] | None = None
    ) -> list[dict[str, str]]:
        return [
            {"role": "system", "content": self.system},
            {"role": "user", "content": user_message(text, publication_date, part)},
        ]

    def stable_share(self, text: str, publication_date: date | None) -> float:
        total = self.stable_tokens + estimate_tokens(user_message(text, publication_date, None))
        return self.stable_tokens / total if total else 0.0


def user_message(text: str, publication_date: date | None, part: tuple[int, int] | None) -> str:
    published = publication_date.isoformat() if publication_date else "unknown"
    head = f"Publication date: {published}"
    if part is not None and part[1] > 1:
        head += f"\nThis is part {part[0]} of {part[1]} of a long document; code the events reported in this part."
    return f"{head}\nDocument:\n<<<\n{text}\n>>>"


def build_prompt(
    codebook: Codebook, mode: ResponseFormat, schema_mode: SchemaMode = "full", worked: list[Worked] | None = None
) -> Prompt:
    """The prompt; `worked` answers (load_worked) are shown after the codebook, checked or not
    (the coder checks them against their examples before it builds its prompt)."""
    schema = for_model(full_response_schema(codebook) if schema_mode == "full" else compact_response_schema(codebook))
    if mode == "json_schema":
        # The schema as sent (for_model): without `$schema`/`title`, which strict mode does not
        # know, and without descriptions, which the prompt already gives.
        response_format: dict[str, Any] = {
            "type": "json_schema",
            "json_schema": {"name": "coded_events", "strict": True, "schema": schema},
        }
        answer = "Answer with JSON in the response schema you are given."
    else:
        # JSON mode guarantees JSON, not this shape: the schema goes in the prompt
        # (and the word "JSON" must appear in it, OpenAI refuses JSON mode otherwise).
        response_format = {"type": "json_object"}
        answer = (
            "Answer with a single JSON object that validates against this JSON Schema "
            "(every listed property present; null where the document gives nothing):\n"
            + json.dumps(schema, separators=(",", ":"), ensure_ascii=False)
        )
    if schema_mode == "compact":
        answer += "\n" + HOW
    examples = [render_worked(worked, schema_mode == "compact")] if worked else []
    system = "\n\n".join([TASK, QUOTE_RULES, render_codebook(codebook), *examples, answer])
    digest = hashlib.sha256(
        json.dumps([PROMPT_VERSION, system, response_format], sort_keys=True, ensure_ascii=False).encode("utf-8")
    ).hexdigest()
    return Prompt(system, response_format, digest, estimate_tokens(system) + 8)  # + role/format overhead
