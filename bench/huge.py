"""Seconds to code one huge one-line article (no newline anywhere), at 0.5, 1, 2 and 5 MB.

    python bench/huge.py [--sizes 0.5,1,2,5] [--in-process] [--write DIR]

Scraped pages sometimes arrive as one enormous line (a whole archive page glued together,
a CSV cell): no paragraph breaks, so text preparation, name finding and event assembly all
see a single region holding tens of thousands of sentences. Anything quadratic in the
region's size shows here and nowhere else; the aim is under 10 s for 5 MB.

Two kinds of article. `dense` (the default) is synthetic: sentences with actors and places from
the codebook, dates, trigger words and neutral filler, repeated with variations (seeded, so the
same bytes every run) and joined with spaces; every other sentence is an event, far more than any
real page holds, so per-event work shows. `news` is the golden articles' own text, each folded onto
one line, joined and repeated to the size: the density of real reporting.

By default each article is written to a temporary file and coded with the `coder code` command,
as a user would (the time includes start-up, about a second); --in-process times RuleCoder.code
alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coder.codebook import load_codebook  # noqa: E402

# Sentences that give the coder something to do: a named force, a place, a date, a trigger
# (and its `requires` cues), some counts, and neutral filler between them.
TEMPLATES = [
    "A convoy of {n} vehicles carrying {actor} fighters arrived in {place} {when}, local sources said.",
    "{actor} sent reinforcements of about {n} militiamen from {place} to {place2} {when}.",
    "{actor} recruited {n} young men in {place} {when}, offering monthly salaries to those who join its ranks.",
    "Trucks loaded with weapons entered {place} from Iraq through the border crossing {when}, "
    "and {actor} escorted them.",
    "Commanders of {actor} met tribal sheikhs and elders in {place} {when} to ask the tribes for support.",
    "The weather in {place} has been mild for the season, with light winds from the west.",
    "Prices of bread and vegetables rose again in the markets of {place}, according to traders.",
    "Residents of {place} said that the main road remained open to civilian traffic {when}.",
]
WHEN = ["on Monday", "on Tuesday", "yesterday", "last week", "on March 3", "in mid-February", "on 12 May 2021", ""]


def article(codebook, megabytes: float, seed: int = 11) -> str:
    rng = random.Random(seed)
    actors = sorted({name for a in codebook.actors for name in (a.name, *a.aliases)})
    places = sorted(
        {
            name
            for p in codebook.places
            for name in (p.name, *p.variants)
            if p.kind in ("town", "city", "village", "crossing")
        }
    )
    target = int(megabytes * 1_000_000)
    parts, size = [], 0
    while size < target:
        sentence = (
            rng.choice(TEMPLATES)
            .format(
                actor=rng.choice(actors),
                place=rng.choice(places),
                place2=rng.choice(places),
                n=rng.randint(3, 300),
                when=rng.choice(WHEN),
            )
            .replace("  ", " ")
            .replace(" ,", ",")
        )
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)


def news_article(megabytes: float) -> str:
    """The golden set's articles on one line, in file order, repeated until the size is reached."""
    folder = Path(__file__).resolve().parents[1] / "golden"
    joined = " ".join(" ".join(p.read_text(encoding="utf-8").split()) for p in sorted(folder.glob("*.txt")))
    target = int(megabytes * 1_000_000)
    text = " ".join([joined] * (target // (len(joined) + 1) + 1))
    return text[:target].rsplit(" ", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="0.5,1,2,5", help="megabytes, comma-separated")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--kind", choices=("dense", "news"), default="dense", help="synthetic events or real reporting")
    parser.add_argument("--in-process", action="store_true", help="time RuleCoder.code alone, not the command")
    parser.add_argument("--write", type=Path, help="also keep each article as DIR/huge_<MB>mb.txt (and its output)")
    args = parser.parse_args()
    codebook = load_codebook(Path(__file__).resolve().parents[1] / "codebook")
    coder = None
    if args.in_process:
        from coder.base import make_coder
        from coder.models import Document

        coder = make_coder("rules", codebook)
    # CPU seconds beside wall seconds: on a shared machine the wall clock counts other processes' turns.
    print(f"{'MB':>6} {'seconds':>8} {'cpu s':>8} {'events':>7}  ({'in process' if args.in_process else 'coder code'})")
    for mb in (float(s) for s in args.sizes.split(",")):
        text = article(codebook, mb, args.seed) if args.kind == "dense" else news_article(mb)
        if coder is not None:
            began, cpu_began = time.perf_counter(), time.process_time()
            coded = coder.code(Document(id=f"huge-{mb}", text=text))
            elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
            events = f"{len(coded.events)}" if coded.status == "ok" else coded.status
        else:
            with tempfile.TemporaryDirectory() as tmp:
                folder = args.write or Path(tmp)
                folder.mkdir(parents=True, exist_ok=True)
                stem = f"huge_{mb:g}mb" if args.kind == "dense" else f"news_{mb:g}mb"
                source, out = folder / f"{stem}.txt", folder / f"{stem}.jsonl"
                source.write_text(text, encoding="utf-8")
                began, children = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
                command = [
                    sys.executable,
                    "-c",
                    "from coder.cli import main; main()",
                    "code",
                    str(source),
                    "--out",
                    str(out),
                ]
                done = subprocess.run(command, capture_output=True, text=True)
                elapsed = time.perf_counter() - began
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = after.ru_utime + after.ru_stime - children.ru_utime - children.ru_stime
                events = "?" if done.returncode == 0 else f"exit {done.returncode}"
                if done.returncode == 0:
                    record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
                    events = (
                        str(len(record.get("events", [])))
                        if record.get("status", "ok") == "ok"
                        else record.get("status")
                    )
        print(f"{mb:>6g} {elapsed:>8.2f} {cpu:>8.2f} {events:>7}  (load {os.getloadavg()[0]:.2f})", flush=True)


if __name__ == "__main__":
    main()
