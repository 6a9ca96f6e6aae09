"""Throughput and memory of the offline coder on a synthetic archive.

    python bench/offline.py [--docs 10000] [--seed 7] [--repeat 3] [--no-memory] [--digest]

Documents are generated from the codebook itself: its worked examples with
their actor and place names swapped for other dictionary spellings, lexicon
cue words, page furniture and neutral filler, so the archive exercises every
part of the coder (furniture, sentences, names, dates, numbers, triggers,
exclusions) without reusing any golden text. Each document is coded and
serialised to JSON Lines (written nowhere), one after the other on one core; the
documents are made before the clock starts (before 2026-11-29 their making was timed
too, about 5 % of the time).

Reported at 1,000 and 10,000 documents: documents per second (timed without
tracing; --repeat passes over the same documents, one line each, then their
median, the figure to quote) and peak traced memory (tracemalloc, a separate
pass, since tracing slows Python down). The aim: >= 300 documents/s, and a peak that does not grow
with the number of documents (the coder keeps nothing per document).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import sys
import time
import tracemalloc
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from coder.base import make_coder  # noqa: E402
from coder.codebook import load_codebook  # noqa: E402
from coder.io import dump_record  # noqa: E402
from coder.models import Document  # noqa: E402
from coder.normalize import Normalizer  # noqa: E402

FILLER = [
    "The weather in the region has been mild for the season, with light winds from the west.",
    "Prices of bread and vegetables rose again in local markets, according to traders.",
    "Schools reopened after the holiday, and teachers reported crowded classrooms.",
    "Electricity cuts lasted for several hours in many neighbourhoods during the evening.",
    "The local council discussed repairs to the water network at its weekly session.",
    "Residents said that the main road remained open to civilian traffic throughout the day.",
    "An international organisation delivered medical supplies to a clinic in the area.",
    "Farmers complained about the cost of diesel for irrigation pumps this season.",
]
FURNITURE = [
    "Home | News | Reports | Opinion | Contact",
    "We use cookies to improve your experience on our website. Accept all",
    "Related articles",
    "Read more",
    "Share on Facebook | Share on Twitter",
    "Subscribe to our newsletter",
    "© 2021 All rights reserved.",
]
WHEN = ["on Monday", "on Tuesday", "yesterday", "last week", "on March 3", "in mid-February", "this week", ""]
SAID = ["local sources said", "activists reported", "residents told reporters", "a monitor reported"]


def _spellings(codebook):
    actors = {a.name: [a.name, *a.aliases] for a in codebook.actors}
    places = {p.name: [p.name, *p.variants] for p in codebook.places}
    return actors, places


def _templates(codebook, normalizer):
    """Codebook examples with their names replaced by slots."""
    templates = []
    for et in codebook.event_types:
        for example in et.examples:
            text = example.text
            slots = [(m.start, m.end, "actor", m.match.side) for m in normalizer.find_actors(text, fuzzy=False)]
            slots += [(m.start, m.end, "place", m.match.place.kind) for m in normalizer.find_places(text, fuzzy=False)]
            slots.sort()
            templates.append((text, slots))
    return templates


def generate(codebook, count: int, seed: int = 7) -> Iterator[Document]:
    rng = random.Random(seed)
    normalizer = Normalizer(codebook)
    actors, places = _spellings(codebook)
    by_side: dict[str, list[str]] = {}
    for a in codebook.actors:
        by_side.setdefault(a.side, []).append(a.name)
    towns = [p.name for p in codebook.places if p.kind in ("town", "city", "village")]
    templates = _templates(codebook, normalizer)
    cues = sorted(
        {
            cue
            for et in codebook.event_types
            for spec in et.fields.values()
            for words in (spec.lexicon or {}).values()
            for cue in words
        }
    )
    start = date(2020, 1, 1)
    for index in range(count):
        paragraphs = []
        if rng.random() < 0.7:
            paragraphs.append(rng.choice(FURNITURE))
        paragraphs.append(
            f"{rng.choice(towns)}, {(start + timedelta(days=index % 700)).strftime('%B %-d, %Y')} - "
            + rng.choice(FILLER)
        )
        for _ in range(rng.randint(4, 9)):
            if rng.random() < 0.45:
                text, slots = rng.choice(templates)
                out, pos = [], 0
                for a, b, kind, what in slots:
                    out.append(text[pos:a])
                    if kind == "actor":
                        name = rng.choice(by_side.get(what, [text[a:b]]))
                        out.append(rng.choice(actors.get(name, [name])))
                    else:
                        out.append(rng.choice(places[rng.choice(towns)]))
                    pos = b
                out.append(text[pos:])
                sentence = "".join(out).rstrip(".")
                sentence += f", {rng.choice(SAID)} {rng.choice(WHEN)}".rstrip() + "."
                paragraphs.append(sentence + " " + rng.choice(FILLER))
            else:
                extra = " ".join(rng.sample(cues, 2))
                paragraphs.append(rng.choice(FILLER) + " " + rng.choice(FILLER) + f" Words heard: {extra}.")
        for _ in range(rng.randint(0, 2)):
            paragraphs.append(rng.choice(FURNITURE))
        yield Document(
            id=f"synthetic-{index:05d}",
            text="\n\n".join(paragraphs),
            publication_date=start + timedelta(days=index % 700 + 1),
            source="Synthetic",
            source_scale="local",
        )


def run(
    codebook, count: int, seed: int, trace: bool, digest=None, documents: list[Document] | None = None
) -> tuple[float, int, int, int, float]:
    """Code `count` documents; `digest` (a hashlib object), if given, takes every serialised record:
    speed work must leave the bytes out unchanged, and one hash says so for the whole archive.
    `documents`, if given, are the ones made before (the repeated timed passes share them)."""
    coder = make_coder("rules", codebook)
    # The timed pass codes documents made before the clock starts: making them (random choices,
    # string joins, pydantic validation) is the benchmark's work, not the coder's, and was a
    # twentieth of the time. The traced pass makes them one at a time, so that its peak shows
    # what the coder keeps, not the archive.
    if documents is None:
        documents = generate(codebook, count, seed) if trace else list(generate(codebook, count, seed))
    if trace:
        tracemalloc.start()
    began, cpu_began = time.perf_counter(), time.process_time()
    events = chars = 0
    for document in documents:
        coded = coder.code(document)
        line = dump_record(coded)
        if digest is not None:
            digest.update(line.encode("utf-8") + b"\n")
        events += len(coded.events)
        chars += len(document.text)
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    peak = 0
    if trace:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return elapsed, peak, events, chars, cpu


def _with_unknown_places() -> None:
    """find_names followed by find_unknown_places on the same span: the one call coder.rules makes."""
    plain = Normalizer.find_names

    def find_names(self, text, start=0, end=None, *, fuzzy=True):
        actors, places = plain(self, text, start, end, fuzzy=fuzzy)
        extra = self.find_unknown_places(text, start, end, known=places, actors=actors)
        return actors, sorted(places + extra, key=lambda m: m.start) if extra else places

    Normalizer.find_names = find_names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-memory", action="store_true", help="skip the (slower) traced memory passes")
    parser.add_argument(
        "--unknown-places",
        action="store_true",
        help="also run the unknown-place finder on every region, as coder.rules will once it is "
        "wired (issue 14), to time its cost",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="timed passes over the same documents; the median is the figure (one pass on this "
        "shared machine swings by a third)",
    )
    parser.add_argument(
        "--digest", action="store_true", help="print a sha256 of all serialised records (same input, same bytes)"
    )
    args = parser.parse_args()
    codebook = load_codebook(Path(__file__).resolve().parents[1] / "codebook")
    if args.unknown_places:
        _with_unknown_places()
    make_coder("rules", codebook)  # build the indexes once, outside the timings
    sizes = sorted({min(1000, args.docs), args.docs})
    print(
        f"offline coder, codebook {codebook.version}, one process, one core, "
        f"{len(codebook.places)} places, {len(codebook.actors)} actors"
        + (", unknown-place finder on" if args.unknown_places else "")
    )
    # CPU seconds beside wall seconds: on a shared machine the wall clock counts the other
    # processes' turns too; docs per CPU second is what one free core would do.
    print(
        f"{'documents':>10} {'seconds':>8} {'docs/s':>8} {'cpu s':>8} {'docs/cpu-s':>10} {'events':>8} "
        f"{'MB text':>8} {'peak MB':>8}  (load {os.getloadavg()[0]:.2f})"
    )
    for size in sizes:
        digest = hashlib.sha256() if args.digest else None
        documents = list(generate(codebook, size, args.seed))
        passes = []
        for n in range(max(1, args.repeat)):
            # Every pass codes the same documents to the same bytes: one digest (the first pass's) says so.
            elapsed, _, events, chars, cpu = run(
                codebook, size, args.seed, trace=False, digest=digest if n == 0 else None, documents=documents
            )
            passes.append((size / cpu, elapsed, cpu))
            print(
                f"{size:>10} {elapsed:>8.2f} {size / elapsed:>8.0f} {cpu:>8.2f} {size / cpu:>10.0f} {events:>8} "
                f"{chars / 1e6:>8.1f} {'':>8}  (load {os.getloadavg()[0]:.2f}, pass {n + 1})"
            )
        rate, elapsed, cpu = sorted(passes)[(len(passes) - 1) // 2]  # the lower middle of an even count
        peak = run(codebook, size, args.seed, trace=True)[1] if not args.no_memory else 0
        print(
            f"{size:>10} {elapsed:>8.2f} {size / elapsed:>8.0f} {cpu:>8.2f} {rate:>10.0f} {events:>8} "
            f"{chars / 1e6:>8.1f} {(peak / 1e6 if peak else float('nan')):>8.1f}  (load {os.getloadavg()[0]:.2f}, "
            f"median of {len(passes)})"
        )
        if digest is not None:
            print(f"{'':>10} sha256 {digest.hexdigest()}")


if __name__ == "__main__":
    main()
