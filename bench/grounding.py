"""How well does grounding find the words a model *meant*, and refuse the ones it made up?

Builds quotes from the golden documents (golden/*.txt; the seed articles in
/work/shared/seeds when there is no golden set yet), perturbs them the way
models do (case, whitespace, quote marks, a dropped or doubled letter, a
truncated end, and pairs of these), and at the word level (a short word
dropped or added, a number word written in digits or the other way, a name
respelled as another variant of the same place or actor), and aligns each one
with coder.llm.align. A perturbed quote counts as right when its span overlaps the
true span with IoU >= 0.9. Invented quotes (template sentences, a real quote
with a number or a name swapped, a sentence from another document) must not
be aligned at all.

    python bench/grounding.py [--quotes 2000] [--seed 7] [DIR ...]

Aims: >= 99% of letter-level and >= 95% of word-level perturbed quotes on the
right span, 0% of invented quotes aligned. With langextract >= 1.7 installed (a
bench-only dependency) the same quotes also go through LangExtract's aligner, and
both accuracies and speeds are printed side by side.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz  # noqa: E402

from coder.codebook.loader import load_codebook  # noqa: E402
from coder.llm.align import Aligner, fold  # noqa: E402
from coder.normalize import Normalizer  # noqa: E402
from coder.normalize.numbers import NUMBER_WORD_VALUES  # noqa: E402

SEEDS = Path("/work/shared/seeds")
WORD = re.compile(r"\S+")
# Swapped-in names. No spelling variant of a name the documents use (Deir ez-Zor
# for Deir Ezzor): swapping a name for its own variant invents nothing.
PLACES = ["al-Mayadin", "Palmyra", "Hatla", "al-Qusayr", "Homs", "al-Asharah", "al-Quriyah", "T2 station"]
ACTORS = ["Fatemiyoun Brigade", "Kataib Hezbollah", "Hezbollah", "Zainabiyoun", "the IRGC", "Harakat al-Nujaba"]


def load_texts(dirs: list[Path]) -> dict[str, str]:
    if not dirs:
        golden = sorted((ROOT / "golden").glob("*.txt"))
        dirs = [ROOT / "golden"] if golden else [SEEDS]
    texts = {}
    for directory in dirs:
        for path in sorted(directory.glob("*.txt")):
            texts[path.stem] = path.read_text(encoding="utf-8")
    return texts


@dataclass
class Case:
    doc: str
    quote: str
    start: int
    end: int
    kind: str


def _window(rng: random.Random, text: str) -> tuple[int, int] | None:
    words = list(WORD.finditer(text))
    if len(words) < 20:
        return None
    n = rng.randint(2, 18)
    i = rng.randrange(0, len(words) - n)
    start, end = words[i].start(), words[i + n - 1].end()
    # Quotes end at a word, without the sentence's trailing punctuation.
    while end > start and text[end - 1] in ".,;:)":
        end -= 1
    return start, end


def _letter_positions(quote: str) -> list[int]:
    return [i for i in range(1, len(quote) - 1) if quote[i].isalpha() and quote[i - 1].isalpha()]


def perturb(rng: random.Random, quote: str, kind: str) -> tuple[str, int]:
    """Return the perturbed quote and how many source characters were cut from its end."""
    if kind == "case":
        choice = rng.choice(["lower", "upper", "title", "swapfirst"])
        if choice == "swapfirst":
            return quote[:1].swapcase() + quote[1:], 0
        return getattr(quote, choice)(), 0
    if kind == "whitespace":
        out = re.sub(r" ", lambda m: rng.choice([" ", "  ", "\n", " "]), quote)
        return (" " + out + " ") if rng.random() < 0.3 else out, 0
    if kind == "quotes":
        table = {"’": "'", "‘": "'", "“": '"', "”": '"', "'": "’", '"': "”", "–": "-", "—": "-", "-": "–"}
        return "".join(table.get(c, c) for c in quote), 0
    if kind == "drop":
        positions = _letter_positions(quote)
        if not positions:
            return quote, 0
        i = rng.choice(positions)
        return quote[:i] + quote[i + 1 :], 0
    if kind == "double":
        positions = _letter_positions(quote)
        if not positions:
            return quote, 0
        i = rng.choice(positions)
        return quote[:i] + quote[i] + quote[i:], 0
    if kind == "truncate":
        cut = rng.randint(1, max(1, min(8, len(quote) // 5)))
        return quote[:-cut].rstrip(), cut
    raise ValueError(kind)


KINDS = ["exact", "case", "whitespace", "quotes", "drop", "double", "truncate"]
WORD_KINDS = ["drop_word", "add_word", "number", "respell"]
SHORT_WORDS = ["the", "of", "in", "a", "to", "and", "on", "at", "by", "for", "from", "with"]
# zero to twenty, in order: a number word's index is its value
NUMBER_WORDS = [w for w, v in sorted(NUMBER_WORD_VALUES.items(), key=lambda item: item[1]) if v <= 20]


def _variants(codebook) -> dict[str, list[str]]:
    """Every spelling of each place and actor, keyed by its canonical name."""
    out = {}
    for place in codebook.places:
        out["P" + place.name] = [place.name, *place.variants]
    for actor in codebook.actors:
        out["A" + actor.name] = [actor.name, *actor.aliases]
    return out


def perturb_words(
    rng: random.Random, quote: str, kind: str, normalizer: Normalizer, variants: dict[str, list[str]]
) -> str | None:
    """The quote changed in whole words the way models change it; None when the change
    does not apply to this quote."""
    words = list(WORD.finditer(quote))
    if kind == "drop_word":
        short = [m for m in words[1:-1] if m.group().lower() in SHORT_WORDS]
        if not short:
            return None
        m = rng.choice(short)
        return quote[: m.start()] + quote[m.end() :].lstrip()
    if kind == "add_word":
        if len(words) < 3:
            return None
        m = rng.choice(words[1:])
        if m.group().lower() in SHORT_WORDS or words[words.index(m) - 1].group().lower() in SHORT_WORDS:
            return None
        return quote[: m.start()] + rng.choice(["the", "of", "in"]) + " " + quote[m.start() :]
    if kind == "number":
        spelled = [m for m in re.finditer(r"\b(" + "|".join(NUMBER_WORDS) + r")\b", quote, re.I)]
        digits = [m for m in re.finditer(r"(?<![\d,.])([1-9]|1\d|20)(?![\d,.])", quote)]
        if spelled:
            m = rng.choice(spelled)
            return quote[: m.start()] + str(NUMBER_WORDS.index(m.group().lower())) + quote[m.end() :]
        if digits:
            m = rng.choice(digits)
            return quote[: m.start()] + NUMBER_WORDS[int(m.group())] + quote[m.end() :]
        return None
    if kind == "respell":
        actors, places = normalizer.find_names(quote)
        named = [("A" + m.match.name, m) for m in actors] + [("P" + m.match.name, m) for m in places]
        rng.shuffle(named)
        for key, m in named:
            said = quote[m.start : m.end]
            others = [
                v
                for v in variants.get(key, [])
                if fold(v).text != fold(said).text
                and fold(v).text not in fold(said).text
                and fold(said).text not in fold(v).text
            ]
            if others:
                return quote[: m.start] + rng.choice(others) + quote[m.end :]
        return None
    raise ValueError(kind)


def word_cases(rng: random.Random, texts: dict[str, str], count: int, normalizer: Normalizer) -> list[Case]:
    """Quotes with one word-level change (sometimes two), the true span being the source window."""
    variants = _variants(normalizer.codebook)
    cases, ids, tries = [], list(texts), 0
    while len(cases) < count and tries < count * 200:
        tries += 1
        doc = rng.choice(ids)
        window = _window(rng, texts[doc])
        if window is None:
            continue
        quote = texts[doc][window[0] : window[1]]
        kinds = [rng.choice(WORD_KINDS)]
        if rng.random() < 0.2:
            kinds.append(rng.choice(WORD_KINDS))
        for kind in kinds:
            quote = perturb_words(rng, quote, kind, normalizer, variants) if quote is not None else None
        if quote is None or fold(quote).text in fold(texts[doc]).text:
            continue
        cases.append(Case(doc, quote, window[0], window[1], "+".join(kinds)))
    return cases


def genuine_cases(rng: random.Random, texts: dict[str, str], count: int) -> list[Case]:
    cases = []
    ids = list(texts)
    while len(cases) < count:
        doc = rng.choice(ids)
        text = texts[doc]
        window = _window(rng, text)
        if window is None:
            continue
        start, end = window
        quote = text[start:end]
        kinds = [rng.choice(KINDS)]
        if rng.random() < 0.3:
            kinds.append(rng.choice(KINDS[1:]))
        cut_total = 0
        for kind in kinds:
            if kind == "exact":
                continue
            quote, cut = perturb(rng, quote, kind)
            cut_total += cut
        true_end = end
        if cut_total:
            # The true span is what is left of the source once the end is cut.
            true_end = max(start + 1, end - cut_total)
            while true_end > start and text[true_end - 1].isspace():
                true_end -= 1
        cases.append(Case(doc, quote, start, true_end, "+".join(kinds)))
    return cases


def invented_cases(
    rng: random.Random, texts: dict[str, str], count: int, normalizer: Normalizer | None = None
) -> list[Case]:
    cases = []
    ids = list(texts)
    named: dict[str, set[str]] = {}  # per document, the actors and places it names (canonical)
    while len(cases) < count:
        doc = rng.choice(ids)
        text = texts[doc]
        kind = rng.choice(["template", "number", "name", "other_doc"])
        if kind == "template":
            quote = rng.choice(
                [
                    f"a convoy of {rng.randint(3, 90)} vehicles carrying {rng.choice(ACTORS)} fighters "
                    f"arrived in {rng.choice(PLACES)}",
                    f"{rng.choice(ACTORS)} opened a recruitment office in {rng.choice(PLACES)}",
                    f"{rng.randint(2, 400)} young men joined the ranks of {rng.choice(ACTORS)}",
                    f"a shipment of weapons was smuggled through {rng.choice(PLACES)}",
                    f"{rng.choice(ACTORS)} commanders met tribal elders in {rng.choice(PLACES)}",
                ]
            )
        elif kind == "number":
            window = _window(rng, text)
            if window is None:
                continue
            quote = text[window[0] : window[1]]
            if not re.search(r"\d", quote):
                continue
            quote = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.randint(1, 9)), quote, count=1)
        elif kind == "name":
            window = _window(rng, text)
            if window is None:
                continue
            quote = text[window[0] : window[1]]
            names = [m for m in re.finditer(r"\b[A-Z][a-z]{3,}\b", quote)]
            if not names:
                continue
            m = rng.choice(names)
            # A name the document already uses could make the "invented" quote
            # a real one give or take a comma; swap in names it does not use.
            folded_text = fold(text).text
            # Every word of it, not only the last: "Fatemiyoun Brigade" in a text that names
            # the Fatemiyoun is half real, and aligning it there is no error of the aligner's.
            pool = [
                p
                for p in PLACES + ACTORS
                if not any(w in folded_text for w in fold(p).text.replace("-", " ").split() if len(w) > 3)
            ]
            if normalizer is not None:
                # Nor another spelling of a name it uses: "Hezbollah" for its "Hizbullah", "al-Mayadin"
                # for its "Al-Mayadeen" is the same party or town, and finding it there is right.
                if doc not in named:
                    named[doc] = _canonical(normalizer, text)
                pool = [p for p in pool if not _canonical(normalizer, p) & named[doc]]
            if not pool:
                continue
            replacement = rng.choice(pool)
            original = quote
            quote = quote[: m.start()] + replacement + quote[m.end() :]
            if normalizer is not None and _canonical(normalizer, quote) == _canonical(normalizer, original):
                continue  # "the IRGC-backed militias" for "the Iranian-backed militias": the same party
        else:
            other = rng.choice([i for i in ids if i != doc] or ids)
            window = _window(rng, texts[other])
            if window is None or window[1] - window[0] < 40:
                continue
            quote = texts[other][window[0] : window[1]]
        if fold(quote).text in fold(text).text:
            continue  # by chance it is really there
        if kind == "other_doc" and fuzz.partial_ratio(fold(quote).text, fold(text).text) >= 85:
            continue  # the other outlet quotes the same sentence: not invented
        cases.append(Case(doc, quote, -1, -1, "invented:" + kind))
    return cases


def _canonical(normalizer: Normalizer, text: str) -> set[str]:
    actors, places = normalizer.find_names(text)
    return {m.match.name for m in actors} | {m.match.name for m in places}


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def run(
    texts: dict[str, str], quotes: int = 2000, invented: int = 500, seed: int = 7, word_quotes: int | None = None
) -> dict:
    rng = random.Random(seed)
    normalizer = Normalizer(load_codebook())
    aligners = {doc: Aligner(text, normalizer=normalizer) for doc, text in texts.items()}
    genuine = genuine_cases(rng, texts, quotes)
    fake = invented_cases(rng, texts, invented, normalizer)
    worded = word_cases(rng, texts, quotes // 2 if word_quotes is None else word_quotes, normalizer)
    started = time.perf_counter()
    letters = _score(genuine, aligners, texts)
    words = _score(worded, aligners, texts)
    wrong = [c for c in fake if aligners[c.doc].align(c.quote).grounded]
    elapsed = time.perf_counter() - started
    return {
        "documents": len(texts),
        "quotes": len(genuine),
        "right": letters["right"],
        "right_share": letters["right"] / max(1, len(genuine)),
        "by_method": letters["by_method"],
        "word_quotes": len(worded),
        "word_right": words["right"],
        "word_right_share": words["right"] / max(1, len(worded)),
        "word_by_kind": words["by_kind"],
        "invented": len(fake),
        "invented_aligned": len(wrong),
        "invented_aligned_share": len(wrong) / max(1, len(fake)),
        "ms_per_quote": 1000 * elapsed / max(1, len(genuine) + len(worded) + len(fake)),
        "misses": letters["misses"],
        "word_misses": words["misses"],
        "wrong": wrong,
    }


def _score(cases: list[Case], aligners: dict[str, Aligner], texts: dict[str, str]) -> dict:
    right, misses, by_method, by_kind = 0, [], {}, {}
    for case in cases:
        # No evidence window: the hardest setting (a repeated phrase may land elsewhere).
        hit = aligners[case.doc].align(case.quote)
        ok = hit.grounded and iou((hit.spans[0].start, hit.spans[-1].end), (case.start, case.end)) >= 0.9
        if not ok and hit.grounded:
            # A phrase that occurs twice is rightly aligned to either occurrence.
            text = texts[case.doc]
            ok = fold(text[hit.spans[0].start : hit.spans[-1].end]).text == fold(text[case.start : case.end]).text
        right += ok
        by_method[hit.alignment.value] = by_method.get(hit.alignment.value, 0) + 1
        tally = by_kind.setdefault(case.kind, [0, 0])
        tally[0] += ok
        tally[1] += 1
        if not ok:
            misses.append(case)
    return {"right": right, "misses": misses, "by_method": by_method, "by_kind": by_kind}


def langextract_run(
    texts: dict[str, str],
    quotes: int = 2000,
    invented: int = 500,
    seed: int = 7,
    word_quotes: int | None = None,
    accept_lesser: bool = True,
) -> dict | None:
    """The same cases (same seed) through LangExtract's aligner (resolver.WordAligner: exact
    token match, then its LCS fuzzy match at its default threshold), one quote per call as
    the coder aligns them; None when langextract (>= 1.7, a bench-only dependency) is not installed.
    `accept_lesser`: its default takes a partial exact match (the quote's first words) before
    trying the fuzzy match; off, every inexact quote gets the fuzzy match."""
    try:
        from langextract.core import data as lx_data
        from langextract.resolver import WordAligner
    except ImportError:
        return None
    rng = random.Random(seed)
    normalizer = Normalizer(load_codebook())
    genuine = genuine_cases(rng, texts, quotes)
    fake = invented_cases(rng, texts, invented, normalizer)
    worded = word_cases(rng, texts, quotes // 2 if word_quotes is None else word_quotes, normalizer)
    aligner = WordAligner()

    def span(case: Case) -> tuple[int, int] | None:
        extraction = lx_data.Extraction(extraction_class="quote", extraction_text=case.quote)
        try:
            (group,) = aligner.align_extractions([[extraction]], texts[case.doc], accept_match_lesser=accept_lesser)
        except ValueError:  # a quote with no word tokens
            return None
        hit = group[0].char_interval
        return (hit.start_pos, hit.end_pos) if hit is not None else None

    def right(cases: list[Case]) -> int:
        count = 0
        for case in cases:
            found = span(case)
            if found is None:
                continue
            text = texts[case.doc]
            count += (
                iou(found, (case.start, case.end)) >= 0.9
                or fold(text[found[0] : found[1]]).text == fold(text[case.start : case.end]).text
            )
        return count

    started = time.perf_counter()
    letters, words = right(genuine), right(worded)
    wrong = sum(span(case) is not None for case in fake)
    elapsed = time.perf_counter() - started
    return {
        "right_share": letters / max(1, len(genuine)),
        "word_right_share": words / max(1, len(worded)),
        "invented_aligned": wrong,
        "invented": len(fake),
        "ms_per_quote": 1000 * elapsed / max(1, len(genuine) + len(worded) + len(fake)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path)
    parser.add_argument("--quotes", type=int, default=2000)
    parser.add_argument("--invented", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--show", type=int, default=5, help="misses to print")
    parser.add_argument("--no-langextract", action="store_true", help="skip the side-by-side run")
    args = parser.parse_args(argv)
    texts = load_texts(args.dirs)
    if not texts:
        print("no documents found", file=sys.stderr)
        return 1
    r = run(texts, args.quotes, args.invented, args.seed)
    print(f"documents: {r['documents']}")
    print(
        f"perturbed quotes aligned to the right span: {r['right']}/{r['quotes']} = "
        f"{100 * r['right_share']:.2f}%  (aim >= 99%)"
    )
    print(f"  by method: {r['by_method']}")
    print(
        f"word-level perturbed quotes aligned to the right span: {r['word_right']}/{r['word_quotes']} = "
        f"{100 * r['word_right_share']:.2f}%  (aim >= 95%)"
    )
    print("  by kind: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(r["word_by_kind"].items())))
    print(
        f"invented quotes wrongly aligned: {r['invented_aligned']}/{r['invented']} = "
        f"{100 * r['invented_aligned_share']:.2f}%  (aim 0)"
    )
    print(f"time: {r['ms_per_quote']:.2f} ms per quote")
    lx: dict | None = None
    for lesser in (True, False) if not args.no_langextract else ():
        lx = langextract_run(texts, args.quotes, args.invented, args.seed, accept_lesser=lesser)
        if lx is None:
            break
        print(
            f"LangExtract's aligner ({'default' if lesser else 'accept_match_lesser=False'}) on the same quotes: "
            f"letter-level {100 * lx['right_share']:.2f}%, word-level {100 * lx['word_right_share']:.2f}%, "
            f"invented aligned {lx['invented_aligned']}/{lx['invented']}; {lx['ms_per_quote']:.2f} ms per quote"
        )
    if not args.no_langextract and lx is None:
        print("LangExtract's aligner: not installed (pip install 'langextract>=1.7' to compare)")
    for case in r["misses"][: args.show]:
        print(f"  miss [{case.kind}] {case.doc}: {case.quote!r}")
    for case in r["word_misses"][: args.show]:
        print(f"  word miss [{case.kind}] {case.doc}: {case.quote!r}")
    for case in r["wrong"][: args.show]:
        print(f"  wrong [{case.kind}] {case.doc}: {case.quote!r}")
    return 0 if r["right_share"] >= 0.99 and r["word_right_share"] >= 0.95 and r["invented_aligned"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
