"""Coverage figures for the gazetteer (issue 14): places per tier and country, and how the
places named in a golden set fare: resolved, resolved to the coder's right place, named as
ACLED would name them (an ACLED location name and ACLED-spelled admin areas).

    python -m coder.gazetteer.coverage golden --split dev
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from ..codebook.loader import load_codebook
from ..codebook.model import Codebook
from ..io import load_coded
from ..normalize import Normalizer
from .acled import ADMIN1, ADMIN2, acled_admin1, acled_admin2


def per_country(codebook: Codebook) -> dict[str, Counter]:
    """{country: Counter(kind)} of the curated tier."""
    out: dict[str, Counter] = {}
    for place in codebook.places:
        out.setdefault(place.country, Counter())[place.kind] += 1
    return out


def acled_named(place) -> bool:
    """ACLED's spelling of the admin areas is known (the table covers them) for the place."""
    ok1 = place.admin1 is None or place.country not in ADMIN1 or acled_admin1(place.country, place.admin1) is not None
    ok2 = place.admin2 is None or place.country not in ADMIN2 or acled_admin2(place.country, place.admin2) is not None
    return ok1 and ok2


def golden_places(golden: Path, codebook: Codebook, split: str | None) -> dict:
    """Every location span coded in the golden set (of one split), looked up as written."""
    norm = Normalizer(codebook)
    by_name = {p.name: p for p in codebook.places}
    total = resolved = right = acled = 0
    wrong: Counter = Counter()
    missed: Counter = Counter()
    for doc in load_coded(golden):
        if split is not None and doc.document.split != split:
            continue
        for event in doc.events:
            location = event.fields.get("location")
            if location is None or not location.spans:
                continue
            for span in location.spans:
                total += 1
                match = norm.place(span.text)
                if match is None:
                    missed[f"{span.text} (gold {location.value})"] += 1
                    continue
                resolved += 1
                if match.name == location.value:
                    right += 1
                    if acled_named(by_name.get(location.value, match.place)):
                        acled += 1
                else:
                    wrong[f"{span.text} -> {match.name} (gold {location.value})"] += 1
    return {
        "split": split,
        "location spans": total,
        "resolved": resolved,
        "resolved right": right,
        "named as ACLED would": acled,
        "unresolved": dict(missed.most_common()),
        "wrong": dict(wrong.most_common()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("golden", type=Path)
    parser.add_argument("--split", default=None)
    parser.add_argument("--codebook", default=None)
    args = parser.parse_args()
    codebook = load_codebook(args.codebook)
    curated = {c: dict(k) | {"total": sum(k.values())} for c, k in per_country(codebook).items()}
    print(
        json.dumps(
            {"curated tier": curated, "golden": golden_places(args.golden, codebook, args.split)},
            indent=1,
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
