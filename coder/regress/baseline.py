"""Thresholds, baselines and the codebook fingerprint.

The fingerprint is a hash of the files the codebook loader reads. Stored in
the baseline beside the codebook version, it tells a real codebook change from
a rerun, so that a change made without a version bump can be reported (caches
and batch stores are keyed by the version and would silently mix results).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import CodebookInvalid
from ..io import write_text_atomic

CODEBOOK_FILES = ("codebook.yaml", "actors.yaml", "places.yaml", "event_types/*.yaml", "event_types/*.yml")


def codebook_fingerprint(codebook_dir: Path) -> str:
    digest = hashlib.sha256()
    files: set[Path] = set()
    for pattern in CODEBOOK_FILES:
        files.update(codebook_dir.glob(pattern))
    for path in sorted(files):
        digest.update(path.relative_to(codebook_dir).as_posix().encode())
        digest.update(b"\0")
        # Line endings are normalised so a checkout on Windows gives the same hash.
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
        digest.update(b"\0")
    return digest.hexdigest()


class ThresholdError(CodebookInvalid, ValueError):
    pass


@dataclass
class Thresholds:
    minimums: dict[str, float] = field(default_factory=dict)
    # A tracked figure may fall this much below the baseline before the build fails.
    tolerance: float = 0.0

    @classmethod
    def load(cls, path: Path) -> Thresholds:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise ThresholdError(f"{path}: not valid YAML: {exc}") from None
        except OSError as exc:
            raise ThresholdError(f"{path}: cannot read: {exc.strerror}") from None
        if not isinstance(data, dict) or not isinstance(data.get("minimums", {}), dict):
            raise ThresholdError(f"{path}: expected a mapping with 'minimums' (metric: value) and optional 'tolerance'")
        unknown = set(data) - {"minimums", "tolerance"}
        if unknown:
            raise ThresholdError(f"{path}: unknown key(s) {sorted(unknown)}; expected 'minimums' and 'tolerance'")
        minimums = {}
        for key, value in (data.get("minimums") or {}).items():
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ThresholdError(f"{path}: minimums.{key} must be a number between 0 and 1, found {value!r}")
            minimums[str(key)] = float(value)
        tolerance = data.get("tolerance", 0.0)
        if not isinstance(tolerance, (int, float)) or tolerance < 0:
            raise ThresholdError(f"{path}: tolerance must be a non-negative number, found {tolerance!r}")
        return cls(minimums, float(tolerance))


@dataclass
class Baseline:
    codebook_version: str
    codebook_fingerprint: str
    metrics: dict[str, float]
    # document id -> sorted keys of the gold events the coder found and of its false events
    found: dict[str, list[str]]
    spurious: dict[str, list[str]]

    @classmethod
    def load(cls, path: Path) -> Baseline | None:
        if not path.exists():
            return None
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(
                data["codebook_version"],
                data["codebook_fingerprint"],
                data["metrics"],
                data.get("found", {}),
                data.get("spurious", {}),
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ThresholdError(
                f"{path}: not a baseline file written by `coder regress --update-baseline` ({exc})"
            ) from None

    def save(self, path: Path) -> None:
        data: dict[str, Any] = {
            "codebook_version": self.codebook_version,
            "codebook_fingerprint": self.codebook_fingerprint,
            "metrics": {k: round(v, 6) for k, v in sorted(self.metrics.items())},
            "found": {k: sorted(v) for k, v in sorted(self.found.items())},
            "spurious": {k: sorted(v) for k, v in sorted(self.spurious.items())},
        }
        write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def flatten(report: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Dotted keys of every number in a nested score report ('events.relaxed.f1')."""
    flat: dict[str, float] = {}
    for key, value in report.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            flat[name] = float(value)
    return flat
