"""Step 4 of `coder regress`: the offline coder on the golden set, scored."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..base import make_coder
from ..codebook.model import Codebook
from ..models import CodedDocument, Event
from ..score import score_documents
from .baseline import flatten

# Figures kept in baselines and offered to thresholds: the headline ones, per type and per field.
_TRACKED_PREFIXES = ("events.", "per_type.", "per_field.", "spans.", "documents.type_")


@dataclass
class OfflineScores:
    metrics: dict[str, float]
    # (document id, type, ok, message): one JUnit case per golden document and type
    per_document_type: list[tuple[str, str, bool, str]] = field(default_factory=list)
    found: dict[str, list[str]] = field(default_factory=dict)
    spurious: dict[str, list[str]] = field(default_factory=dict)
    # Documents of the held-out split: they gate the build like the others, but no report names
    # them or their events, so nobody writes rules against them by reading a failure.
    sealed: set[str] = field(default_factory=set)


SEALED_SPLIT = "test"


def event_key(event: Event) -> str:
    """A readable, stable name for an event in baselines and reports."""
    date = event.value("event_date") or "undated"
    return f"{event.type}@{event.value('location') or '?'}@{date}@{event.value('actor1') or '?'}"


def _metrics(data: dict, prefix: str = "") -> dict[str, float]:
    flat = flatten(data)
    return {
        prefix + k: v
        for k, v in flat.items()
        if k.startswith(_TRACKED_PREFIXES) and "ci95" not in k and not k.endswith((".tp", ".fp", ".fn"))
    }


def score_offline(
    codebook: Codebook,
    gold: list[CodedDocument],
    html: Path | None = None,
    baseline_found: dict[str, list[str]] | None = None,
    baseline_spurious: dict[str, list[str]] | None = None,
) -> OfflineScores:
    coder = make_coder("rules", codebook)
    predictions = [coder.code(doc.document) for doc in gold]
    report = score_documents(predictions, gold, codebook, bootstrap_samples=200)
    metrics = _metrics(report.data)
    for split in sorted({d.document.split for d in gold if d.document.split}):
        metrics.update(
            _metrics(score_documents(predictions, gold, codebook, split, bootstrap_samples=200).data, f"{split}.")
        )
    result = OfflineScores(metrics, sealed={d.document.id for d in gold if d.document.split == SEALED_SPLIT})
    for outcome in report.documents():
        result.found[outcome.id] = sorted(event_key(o.event) for o in outcome.gold if o.matched)
        result.spurious[outcome.id] = sorted(event_key(o.event) for o in outcome.predicted if not o.matched)
        # Counted, not set: two gold events of one document can share a key (two undated
        # drives of one militia in one town), and which of them is matched is not a loss.
        before_found = Counter((baseline_found or {}).get(outcome.id, []))
        before_false = Counter((baseline_spurious or {}).get(outcome.id, []))
        found_now = Counter(result.found[outcome.id])
        for type_id in codebook.type_ids:
            missed = [event_key(o.event) for o in outcome.gold if o.type == type_id and not o.matched]
            invented = [event_key(o.event) for o in outcome.predicted if o.type == type_id and not o.matched]
            # A document/type fails when it got worse than the baseline; known misses are reported, not failed.
            lost = sorted(
                (Counter(k for k in before_found.elements() if k.startswith(type_id + "@")) - found_now).elements()
            )
            new_false = sorted((Counter(invented) - before_false).elements()) if baseline_spurious is not None else []
            ok = not lost and not new_false
            if outcome.id in result.sealed:
                result.per_document_type.append((outcome.id, type_id, ok, _sealed_message(lost, new_false)))
                continue
            parts = []
            if lost:
                parts.append("lost " + ", ".join(lost))
            if new_false:
                parts.append("newly invents " + ", ".join(new_false))
            if missed and not lost:
                parts.append(f"{len(missed)} missed (as in the baseline)")
            if invented and not new_false:
                parts.append(f"{len(invented)} invented (as in the baseline)")
            result.per_document_type.append((outcome.id, type_id, ok, "; ".join(parts)))
    if html is not None:
        from ..io import write_text_atomic
        from ..score.html import html_report

        write_text_atomic(html, html_report(report, codebook))
    return result


def _sealed_message(lost: list[str], new_false: list[str]) -> str:
    if not lost and not new_false:
        return ""
    return (
        f"held-out document got worse ({len(lost)} lost, {len(new_false)} newly invented); "
        "its text and events stay sealed: look for the cause on the dev split"
    )
