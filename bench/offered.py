"""When a proposal names the wrong actor or place, how far down the review's list (`o`) is the right one?

Scores a coding against the golden set, and for every matched event whose location or actor1
differs from gold, finds where the gold name stands among the names review offers for that
field (coder.review.choices: the text's names, nearest the event's evidence and the present
value first). Counts only, so it may be run on the test split.

    python bench/offered.py CODED.jsonl [--golden golden] [--split test]
    python bench/offered.py --sentences corpus/real-fresh     # labelled sentence sets, offline coder

Prints, per field, how many matched events have it wrong and how many of those have the right
name first, second, third, 4th-6th, further down, or not named in the text at all. With
--sentences: the offline coder codes each report, and every sentence whose labelled place
(`where`) differs from its event's location counts the same way.
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
from coder.normalize.nearby import other_names  # noqa: E402
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
            names = [n.name for n in other_names(normalizer, text, pred, name, kind)]
            counts[name][bucket(names.index(right) + 1 if right in names else None)] += 1
    return counts


def offered_in_sentences(folders: list[Path], codebook_dir: Path) -> Counter:
    from coder.rules.coder import RuleCoder
    from coder.score.sentences import read_corpus

    codebook = load_codebook(codebook_dir)
    coder = RuleCoder(codebook)
    reports = read_corpus(sorted(p for f in folders for p in f.glob("*.jsonl")), codebook.type_ids)
    counts: Counter = Counter()
    for report in reports:
        document = report.document()
        events = coder.code(document).events
        for sentence in report.sentences:
            for type_id, place in sentence.where:
                on = [
                    e
                    for e in events
                    if e.type == type_id and any(s.start < sentence.end and sentence.start < s.end for s in e.evidence)
                ]
                if not on or place in [e.value("location") for e in on]:
                    continue
                names = [n.name for n in other_names(coder.normalizer, document.text, on[0], "location", "place")]
                counts[bucket(names.index(place) + 1 if place in names else None)] += 1
    return counts


def _print(name: str, counts: Counter, what: str) -> None:
    total = sum(counts.values())
    shown = ", ".join(f"{b} {counts[b]}" for b in BUCKETS)
    within = sum(counts[b] for b in BUCKETS[:3])
    print(f"{name}: {total} {what} wrong; right name {shown}; within three: {within}/{total}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("coded", type=Path, nargs="?")
    parser.add_argument("--sentences", type=Path, action="append", default=[], help="a labelled sentence set")
    parser.add_argument("--golden", type=Path, default=ROOT / "golden")
    parser.add_argument("--split", default=None)
    parser.add_argument("--codebook", type=Path, default=ROOT / "codebook")
    args = parser.parse_args()
    if args.sentences:
        _print("location", offered_in_sentences(args.sentences, args.codebook), "sentences placed")
    if args.coded is not None:
        for name, counts in offered(args.coded, args.golden, args.split, args.codebook).items():
            _print(name, counts, "matched events")
    elif not args.sentences:
        parser.error("give CODED.jsonl or --sentences DIR")


if __name__ == "__main__":
    main()
