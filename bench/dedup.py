"""Cross-document merge measured on the golden set's incident keys, and its cost.

    python bench/dedup.py            # quality, then the cost for 1,000 / 5,000 / 10,000 documents
    python bench/dedup.py --sizes 1000,20000

Two measurements of pairwise precision/recall (a pair = two events of
different documents put in one merged event):

1. on the hand-coded events themselves, incident keys removed: the merge
   rules alone, given correct events;
2. on the offline coder's events for the same texts: what an analyst would
   get end to end. Each predicted event takes the incident key of the golden
   event of the same document and type whose evidence it overlaps most.

Then the cost: an ACLED export with the merge on (every proposal applied, the
most work the merge can do) of N documents made from the golden set's coded
documents, each copy under its own id with its dates moved by up to a year
(a seeded draw), so blocks and date windows are as full as in a real batch.
Seconds are printed per size; near-linear growth is the goal.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.base import make_coder  # noqa: E402
from coder.codebook import load_codebook  # noqa: E402
from coder.export import write_acled_csv  # noqa: E402
from coder.export.dedup import merge_events, pair_scores, propose_merges  # noqa: E402
from coder.io import load_coded  # noqa: E402
from coder.models import CodedDocument  # noqa: E402


def _overlap(a, b) -> int:
    return sum(max(0, min(s.end, t.end) - max(s.start, t.start)) for s in a.evidence for t in b.evidence)


def report(name: str, docs, truth) -> None:
    merged = merge_events(docs)
    s = pair_scores(merged, truth)
    print(
        f"{name}: precision {s['precision']:.2f}, recall {s['recall']:.2f} "
        f"({s['correct']} of {s['predicted_pairs']} merged pairs right, {s['true_pairs']} true pairs)"
    )
    for cluster in merged:
        if len(cluster.documents) > 1:
            keys = {truth.get((m.doc_index, m.event_index)) for m in cluster.members}
            verdict = "right" if len(keys) == 1 and None not in keys else "WRONG"
            print(
                f"  {verdict}: "
                + " + ".join(
                    f"{m.document.id[:3]} {m.event.type} {m.value('actor1')} @ {m.value('location')}"
                    for m in cluster.members
                )
            )


def synthetic(gold: list[CodedDocument], n: int, seed: int = 16) -> list[CodedDocument]:
    """n coded documents: copies of the golden ones, new ids, dates shifted by up to a year."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        base = gold[i % len(gold)]
        shift = timedelta(days=rng.randrange(-365, 366))
        events = []
        for ev in base.events:
            copy = ev.model_copy(deep=True, update={"id": None, "incident": None})
            day = ev.value("event_date")
            if day:
                copy.fields["event_date"] = copy.fields["event_date"].model_copy(
                    update={"value": (date.fromisoformat(str(day)[:10]) + shift).isoformat()}
                )
            events.append(copy)
        document = base.document.model_copy(update={"id": f"{base.document.id}-{i}"})
        out.append(CodedDocument(document=document, events=events, coder=base.coder))
    return out


def cost(codebook, gold, sizes: list[int]) -> None:
    print("export with the merge on (acled-csv, every proposal applied):")
    for n in sizes:
        docs = synthetic(gold, n)
        events = sum(len(d.events) for d in docs)
        started, cpu = time.perf_counter(), time.process_time()
        proposals = len(propose_merges(docs))
        rows = write_acled_csv(docs, codebook, io.StringIO(), timestamp=0)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        # CPU seconds too: on a shared machine the wall clock says more about the neighbours.
        print(
            f"  {n:>6} documents, {events} events: {seconds:.2f} s ({cpu:.2f} s CPU; {proposals} merges proposed, "
            f"{rows} rows)"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000,10000", help="document counts for the cost measurement")
    args = parser.parse_args()
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
    cost(codebook, gold, [int(x) for x in args.sizes.split(",") if x.strip()])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
