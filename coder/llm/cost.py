"""Token accounting and the cost estimate.

Every request's usage is added to the document's `Usage` and to the coder's
total. A cache hit costs nothing and is counted as such, so a rerun reports
zero requests. Prices come from prices.toml in this package, overridden by a
user's file (`prices_file`) and by [prices."MODEL"] tables in the config file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from importlib import resources
from pathlib import Path
from typing import Any


@dataclass
class Usage:
    requests: int = 0  # HTTP requests that returned an answer (retries included)
    attempts: int = 0  # every HTTP attempt, failed ones included
    cache_hits: int = 0
    prompt_tokens: int = 0
    cached_tokens: int = 0  # prompt tokens the provider served from its prompt cache
    completion_tokens: int = 0
    repairs: int = 0  # re-asks for an invalid answer
    recall_passes: int = 0  # "what did you miss?" turns answered
    grounding_repairs: int = 0  # re-asks for quotes not in the document (one per piece of text at most)

    def add(self, other: Usage) -> None:
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def add_reported(self, reported: Any) -> None:
        """Add the token counts a server reported (an SDK `usage` object or its JSON)."""
        if reported is None:
            return

        def get(obj: Any, name: str) -> Any:
            return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

        self.prompt_tokens += get(reported, "prompt_tokens") or 0
        self.completion_tokens += get(reported, "completion_tokens") or 0
        details = get(reported, "prompt_tokens_details")
        self.cached_tokens += (get(details, "cached_tokens") if details is not None else None) or 0

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


class PriceTable:
    def __init__(self, models: dict[str, dict[str, float]], batch_discount: float = 0.5):
        self.models = models
        self.batch_discount = batch_discount

    @classmethod
    def load(cls, path: Path | None = None, overrides: dict[str, Any] | None = None) -> PriceTable:
        text = resources.files(__package__).joinpath("prices.toml").read_text(encoding="utf-8")
        data = tomllib.loads(text)
        models = {k: dict(v) for k, v in data.get("models", {}).items()}
        discount = float(data.get("batch_discount", 0.5))
        if path is not None:
            user = tomllib.loads(Path(path).read_text(encoding="utf-8"))
            models.update({k: dict(v) for k, v in user.get("models", {}).items()})
            discount = float(user.get("batch_discount", discount))
        for model, price in (overrides or {}).items():
            models[model] = {**models.get(model, {}), **price}
        return cls(models, discount)

    def price(self, model: str) -> dict[str, float] | None:
        if model in self.models:
            return self.models[model]
        # "gpt-4o-mini-2024-07-18" is priced as "gpt-4o-mini": the longest known prefix.
        known = [m for m in self.models if model.startswith(m + "-")]
        return self.models[max(known, key=len)] if known else None

    def cost(self, model: str, usage: Usage, *, batch: bool = False) -> float | None:
        price = self.price(model)
        if price is None:
            return None
        uncached = max(0, usage.prompt_tokens - usage.cached_tokens)
        cached_price = price.get("cached_input", price.get("input", 0.0))
        dollars = (
            uncached * price.get("input", 0.0)
            + usage.cached_tokens * cached_price
            + usage.completion_tokens * price.get("output", 0.0)
        ) / 1_000_000
        return dollars * (self.batch_discount if batch else 1.0)
