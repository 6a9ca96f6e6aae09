"""On-disk cache of validated model answers, so a rerun makes no request.

Keyed by model, prompt hash, codebook version and the hash of what the model
was shown (chunk text, publication date, part number), plus the sampling
settings that change an answer. The cache holds the model's *answer*, not the
coded document: alignment and normalisation run again on every read, so a
better aligner or a richer actor dictionary applies to cached answers for
free. Only answers that passed validation are stored; failures are retried on
the next run. No settings object is written, so the key cannot end up here.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_FORMAT = 1


def cache_key(**parts: Any) -> str:
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class AnswerCache:
    def __init__(self, directory: Path):
        self.directory = Path(directory)
        self._made: set[Path] = set()  # directories known to exist: one mkdir each, not one per entry

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> dict[str, Any] | None:
        path = self._path(key)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            # A torn or foreign file is a miss, never a crash; it is overwritten later.
            log.warning("ignoring unreadable cache entry %s: %s", path, exc)
            return None
        if not isinstance(entry, dict) or entry.get("format") != CACHE_FORMAT or "answer" not in entry:
            return None
        return entry

    @staticmethod
    def encode(entry: dict[str, Any]) -> str:
        """An entry as it is written: what `put_text` takes."""
        return json.dumps({"format": CACHE_FORMAT, **entry}, ensure_ascii=False)

    def put(self, key: str, entry: dict[str, Any]) -> None:
        self.put_text(key, self.encode(entry))

    def put_text(self, key: str, text: str) -> None:
        path = self._path(key)
        try:
            if path.parent not in self._made:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._made.add(path.parent)
            # Write-then-rename: concurrent coders never see half an entry.
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not write cache entry %s: %s", path, exc)
