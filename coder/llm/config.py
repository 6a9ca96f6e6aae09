"""Settings of the LLM coder: defaults < config file < environment < arguments.

The config file is TOML, found at `config=` / `--config`, else
$EVENTCODER_CONFIG, else $XDG_CONFIG_HOME/eventcoder/config.toml
(~/.config/eventcoder/config.toml). Keys go at the top level or in an [llm]
table; [prices."MODEL"] tables override the price table. Environment:
OPENAI_API_KEY and OPENAI_BASE_URL, as every OpenAI client reads them.

Everything that changes the model's answer (model, response format,
temperature, chunking) is explicit here and ends up in the cache key; nothing
is guessed per call.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Mapping
from urllib.parse import urlsplit, urlunsplit

from ..errors import UsageError
from .secret import Secret

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
ResponseFormat = Literal["json_schema", "json_object"]
SchemaMode = Literal["full", "compact"]


class ConfigError(UsageError, ValueError):
    pass


@dataclass
class LLMSettings:
    model: str = DEFAULT_MODEL
    base_url: str | None = None          # None: the openai client's default (api.openai.com)
    api_key: Secret | None = field(default=None, repr=False)
    # json_schema: strict structured outputs (OpenAI, vLLM, recent llama.cpp/Ollama);
    # json_object: plain JSON mode, the schema is in the prompt and checked by us.
    response_format: ResponseFormat = "json_schema"
    # full: every field an object property (about 200; OpenAI's current limits); compact:
    # fields as a list of {name, value, quote}, within structured outputs' original limits
    # (100 properties, 5 levels) for endpoints that still apply them.
    schema_mode: SchemaMode = "full"
    temperature: float = 0.0
    max_tokens: int | None = 4096
    timeout: float = 60.0                # seconds per request, the whole request
    max_retries: int = 4                 # after the first attempt, on 429 / 5xx / timeouts / connection errors
    backoff_base: float = 1.0            # first backoff in seconds, doubled each retry, with jitter
    backoff_max: float = 30.0
    retry_after_max: float = 60.0        # a longer Retry-After is capped (and logged)
    # Seconds one document may take in all (every chunk, request, retry, wait and repair);
    # past it the document fails with that reason and the run goes on. 0: no limit.
    document_timeout: float = 180.0
    repair_attempts: int = 2             # invalid answers sent back with their errors
    recall_passes: int = 0               # "what did you miss?" turns; confidence = share of passes finding an event
    ground_repair: bool = True           # one re-ask for quotes not in the document / contradicted values
    chunk_chars: int = 12000             # longer documents are split...
    chunk_overlap: int = 1500            # ...into chunks overlapping by this much
    fuzzy_threshold: float = 90.0
    cache: bool = True
    cache_dir: Path | None = None        # None: $XDG_CACHE_HOME/eventcoder/llm
    prices_file: Path | None = None
    prices: dict[str, dict[str, float]] = field(default_factory=dict)
    config_path: Path | None = None      # where the settings came from, for messages

    def __post_init__(self) -> None:
        if self.response_format not in ("json_schema", "json_object"):
            raise ConfigError(f"response_format must be 'json_schema' or 'json_object', not {self.response_format!r}")
        if not isinstance(self.recall_passes, int) or not 0 <= self.recall_passes <= 5:
            raise ConfigError(f"recall_passes must be a whole number from 0 to 5, not {self.recall_passes!r}")
        if self.schema_mode not in ("full", "compact"):
            raise ConfigError(f"schema_mode must be 'full' or 'compact', not {self.schema_mode!r}")
        if isinstance(self.api_key, str):
            self.api_key = Secret(self.api_key)
        for name in ("cache_dir", "prices_file", "config_path"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, Path(value).expanduser())

    def __repr__(self) -> str:
        shown = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name not in ("api_key", "prices")}
        shown["api_key"] = "***" if self.api_key else None
        return "LLMSettings(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    @property
    def endpoint(self) -> str:
        """The base URL for messages, without any user:password part."""
        return safe_url(self.base_url or "https://api.openai.com/v1")

    @property
    def needs_key(self) -> bool:
        """A hosted endpoint needs a key; a server on this machine (llama.cpp, vLLM, Ollama) does not."""
        host = (urlsplit(self.base_url or "https://api.openai.com/v1").hostname or "").lower()
        return not (host in ("localhost", "::1") or host.startswith("127.") or host.endswith(".localhost"))

    def key_hint(self) -> str:
        where = f"api_key in {self.config_path}" if self.config_path else "api_key in the config file"
        return f"set OPENAI_API_KEY or {where}"


SETTING_NAMES = {f.name for f in dataclasses.fields(LLMSettings)} - {"prices", "config_path"}


def safe_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.username or parts.password:
        host = parts.hostname or ""
        if parts.port:
            host += f":{parts.port}"
        parts = parts._replace(netloc="***@" + host)
    return urlunsplit(parts)


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "eventcoder" / "config.toml"


def default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eventcoder" / "llm"


def read_config_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    table = dict(data.get("llm", {}))
    table.update({k: v for k, v in data.items() if k not in ("llm", "prices")})
    unknown = sorted(set(table) - SETTING_NAMES)
    if unknown:
        raise ConfigError(f"config file {path}: unknown setting(s) {', '.join(unknown)}; "
                          f"known: {', '.join(sorted(SETTING_NAMES))}")
    if "api_key" in table:
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRGRP | stat.S_IROTH):
                log.warning("config file %s holds an API key and is readable by others; chmod 600 it", path)
        except OSError:
            pass
    prices = data.get("prices", {})
    if not isinstance(prices, dict):
        raise ConfigError(f"config file {path}: [prices] must be a table of models")
    table["prices"] = prices
    return table


def load_settings(*, config: str | Path | None = None, env: Mapping[str, str] | None = None,
                  **overrides: Any) -> LLMSettings:
    """Merge defaults, the config file, the environment and explicit overrides (None = not given)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    path: Path | None = None
    if config is not None:
        path = Path(config).expanduser()
    elif env.get("EVENTCODER_CONFIG"):
        path = Path(env["EVENTCODER_CONFIG"]).expanduser()
    elif default_config_path().exists():
        path = default_config_path()
    if path is not None:
        values.update(read_config_file(path))
        values["config_path"] = path
    if env.get("OPENAI_API_KEY"):
        values["api_key"] = Secret(env["OPENAI_API_KEY"])
    if env.get("OPENAI_BASE_URL"):
        values["base_url"] = env["OPENAI_BASE_URL"]
    unknown = sorted(set(overrides) - SETTING_NAMES)
    if unknown:
        raise ConfigError(f"unknown LLM setting(s) {', '.join(unknown)}; known: {', '.join(sorted(SETTING_NAMES))}")
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return LLMSettings(**values)
    except TypeError as exc:
        raise ConfigError(str(exc)) from None
