"""Cross-document merge measured on the golden set's incident keys.

    python bench/dedup.py

Two measurements of pairwise precision/recall (a pair = two events of
different documents put in one merged event):

1. on the hand-coded events themselves, incident keys removed: the merge
   rules alone, given correct events;
2. on the offline coder's events for the same texts: what an analyst would
   get end to end. Each predicted event takes the incident key of the golden
   event of the same document and type whose evidence it overlaps most.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.base import make_coder  # noqa: E402
from coder.codebook import load_codebook  # noqa: E402
from coder.export.dedup import merge_events, pair_scores  # noqa: E402
from coder.io import load_coded  # noqa: E402


def _overlap(a, b) -> int:
    return sum(max(0, min(s.end, t.end) - max(s.start, t.start)) for s in a.evidence for t in b.evidence)


def report(name: str, docs, truth) -> None:
    merged = merge_events(docs)
    s = pair_scores(merged, truth)
    print(f"{name}: precision {s['precision']:.2f}, recall {s['recall']:.2f} "
          f"({s['correct']} of {s['predicted_pairs']} merged pairs right, {s['true_pairs']} true pairs)")
    for cluster in merged:
        if len(cluster.documents) > 1:
            keys = {truth.get((m.doc_index, m.event_index)) for m in cluster.members}
            verdict = "right" if len(keys) == 1 and None not in keys else "WRONG"
            print(f"  {verdict}: " + " + ".join(f"{m.document.id[:3]} {m.event.type} {m.value('actor1')} @ "
                                               f"{m.value('location')}" for m in cluster.members))


def main() -> int:
    codebook = load_codebook(ROOT / "codebook")
    gold = load_coded(ROOT / "golden")
    truth = {(d, e): ev.incident for d, doc in enumerate(gold) for e, ev in enumerate(doc.events)}
    bare = [doc.model_copy(deep=True) for doc in gold]
    for doc in bare:
        for ev in doc.events:
            ev.incident = None
    report("golden events", bare, truth)

    coder = make_coder("rules", codebook)
    predicted = [coder.code(doc.document) for doc in gold]
    mapped = {}
    for d, (pred, ref) in enumerate(zip(predicted, gold)):
        for e, ev in enumerate(pred.events):
            candidates = [(_overlap(ev, g), g) for g in ref.events if g.type == ev.type]
            best = max(candidates, key=lambda c: c[0], default=(0, None))
            mapped[(d, e)] = best[1].incident if best[0] > 0 else None
    report("offline coder's events", predicted, mapped)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
