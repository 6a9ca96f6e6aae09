"""Hostile gold files and predictions for `coder score`, `coder agree` and `coder validate`: spans
outside the text, text that is not the document's, broken records and golden folders (issue 17).
The scorer refuses what `coder validate` rejects, with one line naming the file and record."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from .generate import ROOT, Case

_GOLD_IDS = ("001_f52b13d2b83b53d2", "002_7877fa3e648d39d3")


def _gold(folder: Path) -> Path:
    gold = folder / "gold"
    gold.mkdir()
    for stem in _GOLD_IDS:
        for suffix in (".txt", ".json"):
            source = ROOT / "golden" / (stem + suffix)
            shutil.copyfile(source, gold / source.name)
    return gold


def _records(folder: Path) -> list[dict]:
    from coder.io import load_located

    return [doc.model_dump(mode="json") for _, doc in load_located(folder / "gold")]


def _predictions(change: Callable[[list[dict]], None] | None = None, raw: str | None = None) -> Callable[[Path], None]:
    def build(folder: Path) -> None:
        _gold(folder)
        records = _records(folder)
        if change:
            change(records)
        text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
        (folder / "pred.jsonl").write_text(raw if raw is not None else text, encoding="utf-8")

    return build


def _first_event(records: list[dict]) -> dict:
    return next(e for r in records for e in r["events"] if e["evidence"])


def _span_outside(records: list[dict]) -> None:
    span = _first_event(records)["evidence"][0]
    span["start"], span["end"] = 5, 10**6


def _span_text_differs(records: list[dict]) -> None:
    _first_event(records)["evidence"][0]["text"] = "words the article never says"


def _field_span_outside(records: list[dict]) -> None:
    for record in records:
        for event in record["events"]:
            for value in event["fields"].values():
                if value["spans"]:
                    value["spans"][0]["start"] = value["spans"][0]["end"] = len(record["document"]["text"]) + 3
                    return


def _unknown_type(records: list[dict]) -> None:
    _first_event(records)["type"] = "airstrike"


def _other_text(records: list[dict]) -> None:
    records[0]["document"]["text"] += " A sentence gold does not have."  # every span still right


def _extra_document(records: list[dict]) -> None:
    records.append({**records[0], "document": {**records[0]["document"], "id": "not-in-gold"}})


def _no_events(records: list[dict]) -> None:
    for record in records:
        record["events"] = []


def _gold_missing_text(folder: Path) -> None:
    gold = _gold(folder)
    (gold / (_GOLD_IDS[0] + ".txt")).unlink()
    (folder / "pred.jsonl").write_text("", encoding="utf-8")


def _gold_text_not_utf8(folder: Path) -> None:
    gold = _gold(folder)
    path = gold / (_GOLD_IDS[0] + ".txt")
    path.write_bytes(path.read_bytes().replace(b" ", b" \xff", 1))
    (folder / "pred.jsonl").write_text("", encoding="utf-8")


def _gold_broken_json(folder: Path) -> None:
    gold = _gold(folder)
    (gold / (_GOLD_IDS[1] + ".json")).write_text('{"format": 1, "document": {', encoding="utf-8")
    (folder / "pred.jsonl").write_text("", encoding="utf-8")


SCORE = ["score", "{case}/pred.jsonl", "{case}/gold"]
AGREE = ["agree", "{case}/pred.jsonl", "{case}/gold"]
VALIDATE = ["validate", "{case}/pred.jsonl"]

CASES: list[Case] = [
    Case(
        "score-span-outside-the-text",
        _predictions(_span_outside),
        SCORE,
        {"exit": 1, "error": "pred.jsonl:1: document"},
    ),
    Case(
        "agree-span-outside-the-text", _predictions(_span_outside), AGREE, {"exit": 1, "error": "outside the document"}
    ),
    Case(
        "validate-span-outside-the-text",
        _predictions(_span_outside),
        VALIDATE,
        {"exit": 1, "error": "1 problem(s)", "output": ["outside the document"]},
    ),
    Case(
        "score-span-text-not-the-document's",
        _predictions(_span_text_differs),
        SCORE,
        {"exit": 1, "error": "never says"},
    ),
    Case(
        "score-field-span-past-the-end",
        _predictions(_field_span_outside),
        SCORE,
        {"exit": 1, "error": "outside the document"},
    ),
    Case("score-unknown-event-type", _predictions(_unknown_type), SCORE, {"exit": 1, "error": "airstrike"}),
    Case("score-document-text-differs", _predictions(_other_text), SCORE, {"exit": 1, "error": "text differs"}),
    Case("score-prediction-not-in-gold", _predictions(_extra_document), SCORE, {"exit": 1, "error": "not-in-gold"}),
    Case("score-no-events-predicted", _predictions(_no_events), SCORE, {"output": ["relaxed"]}),
    Case("score-empty-predictions", _predictions(raw=""), SCORE, {"output": ["relaxed"]}),
    Case("score-predictions-not-json", _predictions(raw="{not json\n"), SCORE, {"exit": 1, "error": "pred.jsonl:1"}),
    Case("score-predictions-binary", _predictions(raw="\x00\x01\x02" * 100), SCORE, {"exit": 1, "error": "pred.jsonl"}),
    Case(
        "score-5000-digit-offset",
        _predictions(
            raw='{"format": 1, "document": {"id": "x", "text": "t"}, '
            '"events": [{"type": "troop_movement", "evidence": [{"start": '
            + "9" * 5000
            + ', "end": 1, "text": "t"}]}]}\n'
        ),
        SCORE,
        {"exit": 1, "error": "pred.jsonl: cannot be read"},
    ),
    Case(
        "validate-5000-digit-offset",
        _predictions(
            raw='{"format": 1, "document": {"id": "x", "text": "t"}, '
            '"events": [{"type": "troop_movement", "evidence": [{"start": '
            + "9" * 5000
            + ', "end": 1, "text": "t"}]}]}\n'
        ),
        VALIDATE,
        {"exit": 1, "error": "pred.jsonl"},
    ),
    Case("score-gold-text-file-missing", _gold_missing_text, SCORE, {"exit": 1, "error": _GOLD_IDS[0]}),
    Case("score-gold-text-not-utf8", _gold_text_not_utf8, SCORE, {"exit": 1, "error": _GOLD_IDS[0]}),
    Case("score-gold-json-broken", _gold_broken_json, SCORE, {"exit": 1, "error": _GOLD_IDS[1]}),
    Case(
        "score-gold-folder-missing",
        _predictions(raw=""),
        ["score", "{case}/pred.jsonl", "{case}/nowhere"],
        {"exit": 1, "error": "nowhere"},
    ),
    Case(
        "score-deeply-nested-json",
        _predictions(raw='{"format": 1, "x": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
        SCORE,
        {"exit": 1, "error": "pred.jsonl"},
    ),
    Case(
        "validate-deeply-nested-json",
        _predictions(raw="[" * 100_000 + "]" * 100_000 + "\n"),
        VALIDATE,
        {"exit": 1, "error": "pred.jsonl"},
    ),
    Case(
        "score-nan-confidence",
        _predictions(
            raw='{"format": 1, "document": {"id": "' + _GOLD_IDS[0] + '", '
            '"text": "x"}, "events": [], "confidence": NaN}\n'
        ),
        SCORE,
        {"exit": 1, "error": "pred.jsonl:1"},
    ),
]
