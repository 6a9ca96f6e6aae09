"""When a proposal names the wrong actor or place, how far down the review's list (`o`) is the right one?

Scores a coding against the golden set, and for every matched event whose location or actor1
differs from gold, finds where the gold name stands among the names review offers for that
field (coder.review.choices: the text's names, nearest the event's evidence and the present
value first). Counts only, so it may be run on the test split.

    python bench/offered.py CODED.jsonl [--golden golden] [--split test]

Prints, per field, how many matched events have it wrong and how many of those have the right
name first, second, third, 4th-6th, further down, or not named in the text at all.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from coder.codebook.loader import load_codebook  # noqa: E402
from coder.normalize import Normalizer  # noqa: E402
from coder.normalize.nearby import names_near  # noqa: E402
from coder.score.inputs import load_coding  # noqa: E402
from coder.score.scorer import score_documents  # noqa: E402

FIELDS = {"location": "place", "actor1": "actor"}
BUCKETS = ("1st", "2nd", "3rd", "4th-6th", "further", "not in text")


def bucket(rank: int | None) -> str:
    if rank is None:
        return BUCKETS[-1]
    return BUCKETS[rank - 1] if rank <= 3 else BUCKETS[3] if rank <= 6 else BUCKETS[4]


def offered(coded: Path, golden: Path, split: str | None, codebook_dir: Path) -> dict[str, Counter]:
    codebook = load_codebook(codebook_dir)
    normalizer = Normalizer(codebook)
    report = score_documents(load_coding(coded), load_coding(golden), codebook, split, bootstrap_samples=1)
    p = report.prepared
    pairs = p.matching.pairs
    counts: dict[str, Counter] = {name: Counter() for name in FIELDS}
    for k in p.matching.primary.nonzero()[0]:
        gold, pred = p.gold.events[int(pairs.gold[k])], p.pred.events[int(pairs.pred[k])]
        text = p.aligned.texts[int(p.pred.doc[int(pairs.pred[k])])]
        for name, kind in FIELDS.items():
            right, given = gold.value(name), pred.value(name)
            if right is None or right == given:
                continue
            said = pred.fields.get(name)
            anchor = said.spans[0].start if said is not None and said.spans else None
            evidence = [(s.start, s.end) for s in pred.evidence]
            names = [n.name for n in names_near(normalizer, text, evidence, kind, anchor) if n.name != given]
            counts[name][bucket(names.index(right) + 1 if right in names else None)] += 1
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("coded", type=Path)
    parser.add_argument("--golden", type=Path, default=ROOT / "golden")
    parser.add_argument("--split", default=None)
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebook")
    args = parser.parse_args()
    for name, counts in offered(args.coded, args.golden, args.split, args.codebook).items():
        total = sum(counts.values())
        shown = ", ".join(f"{b} {counts[b]}" for b in BUCKETS)
        within = sum(counts[b] for b in BUCKETS[:3])
        print(f"{name}: {total} matched events wrong; right name {shown}; within three: {within}/{total}")


if __name__ == "__main__":
    main()
