"""Settings of the LLM coder: defaults < config file < environment < arguments.

The config file is TOML, found at `config=` / `--config`, else
$EVENTCODER_CONFIG, else $XDG_CONFIG_HOME/eventcoder/config.toml
(~/.config/eventcoder/config.toml). Keys go at the top level or in an [llm]
table; [prices."MODEL"] tables override the price table. Environment:
OPENAI_API_KEY and OPENAI_BASE_URL, as every OpenAI client reads them.

`LLMSettings` is a pydantic-settings model: every layer is a settings source and
every value is type-checked, so `timeout = "sixty"` stops at start-up with the
file, the key and what would be right, instead of failing each document later.

Everything that changes the model's answer (model, response format,
temperature, chunking) is explicit here and ends up in the cache key; nothing
is guessed per call.
"""

from __future__ import annotations

import json
import logging
import os
import stat
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from ..errors import UsageError
from .secret import Secret

log = logging.getLogger(__name__)

DEFAULT_MODEL = "gpt-4o-mini"
ResponseFormat = Literal["json_schema", "json_object"]
SchemaMode = Literal["full", "compact"]


class ConfigError(UsageError, ValueError):
    pass


def _as_secret(value: object) -> object:
    # The key is a Secret from the moment it is read: a plain string never sits in the settings.
    if isinstance(value, str):
        return Secret(value)
    if value is None or isinstance(value, Secret):
        return value
    raise PydanticCustomError("api_key_type", "the API key should be a string")


def _expand(path: Path | None) -> Path | None:
    return path.expanduser() if path is not None else None


Key = Annotated[Secret | None, BeforeValidator(_as_secret)]
FilePath = Annotated[Path | None, AfterValidator(_expand)]


class LLMSettings(BaseSettings):
    """The LLM coder's settings. `LLMSettings(...)` alone is defaults < arguments;
    `load_settings` adds the config file and the environment between them."""

    # extra="forbid": a misspelt key is an error, not a setting silently ignored.
    model_config = SettingsConfigDict(extra="forbid", arbitrary_types_allowed=True, validate_default=True)

    model: str = DEFAULT_MODEL
    base_url: str | None = Field(None, description="None: the openai client's default (api.openai.com)")
    api_key: Key = Field(None, description="a string; OPENAI_API_KEY overrides it", repr=False)
    response_format: ResponseFormat = Field(
        "json_schema",
        description="json_schema: strict structured outputs (OpenAI, vLLM, recent llama.cpp/Ollama); "
        "json_object: plain JSON mode, the schema is in the prompt and checked by us",
    )
    # full: every field an object property (about 200; OpenAI's current limits); compact:
    # fields as a list of {name, value, quote}, within structured outputs' original limits
    # (100 properties, 5 levels) for endpoints that still apply them.
    schema_mode: SchemaMode = Field("full", description="full or compact (a list of fields, for older limits)")
    temperature: float = Field(0.0, ge=0)
    max_tokens: int | None = Field(4096, ge=1)
    timeout: float = Field(60.0, gt=0, description="seconds per request, the whole request")
    max_retries: int = Field(
        4, ge=0, description="retries after the first attempt, on 429 / 5xx / timeouts / connection errors"
    )
    backoff_base: float = Field(1.0, ge=0, description="first backoff in seconds, doubled each retry, with jitter")
    backoff_max: float = Field(30.0, ge=0, description="longest backoff in seconds")
    retry_after_max: float = Field(60.0, ge=0, description="a longer Retry-After is capped (and logged)")
    # Past it the document fails with that reason and the run goes on.
    document_timeout: float = Field(
        180.0, ge=0, description="seconds one document may take in all (chunks, retries, repairs); 0: no limit"
    )
    repair_attempts: int = Field(2, ge=0, description="invalid answers sent back with their errors")
    recall_passes: int = Field(
        0, ge=0, le=5, description="'what did you miss?' turns; confidence = share of passes finding an event"
    )
    ground_repair: bool = Field(True, description="one re-ask for quotes not in the document / contradicted values")
    chunk_chars: int = Field(12000, ge=1, description="longer documents are split...")
    chunk_overlap: int = Field(1500, ge=0, description="...into chunks overlapping by this much")
    fuzzy_threshold: float = Field(90.0, ge=0, le=100)
    cache: bool = True
    cache_dir: FilePath = Field(None, description="None: $XDG_CACHE_HOME/eventcoder/llm")
    prices_file: FilePath = None
    prices: dict[str, dict[str, float]] = Field(default_factory=dict, repr=False)
    config_path: FilePath = Field(None, description="where the settings came from, for messages")

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Arguments first, then the layers load_settings read (environment, config file); the
        # defaults come last. pydantic-settings' own environment reading is left out: only the
        # two OpenAI variables count, and tests hand in their own environment.
        return (init_settings, *_LAYERS.get())

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


SETTING_NAMES = set(LLMSettings.model_fields) - {"prices", "config_path"}


class Layer(PydanticBaseSettingsSource):
    """One layer of settings already read (the environment's, the config file's), and how to name
    where each of its values came from in a message."""

    def __init__(self, values: dict[str, Any]):
        super().__init__(LLMSettings)
        self.values = values

    def get_field_value(self, field: FieldInfo, field_name: str) -> tuple[Any, str, bool]:
        return self.values.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self.values)

    def where(self, key: str) -> str:
        return f"setting {key}"


class Environment(Layer):
    """OPENAI_API_KEY and OPENAI_BASE_URL (an empty variable counts as unset)."""

    NAMES = {"api_key": "OPENAI_API_KEY", "base_url": "OPENAI_BASE_URL"}

    def __init__(self, env: Mapping[str, str]):
        super().__init__({name: env[var] for name, var in self.NAMES.items() if env.get(var)})

    def where(self, key: str) -> str:
        return f"environment variable {self.NAMES[key]}"


class ConfigFile(Layer):
    """The TOML config file."""

    def __init__(self, path: Path):
        super().__init__(read_config_file(path))
        self.values["config_path"] = path
        self.path = path

    def where(self, key: str) -> str:
        return f"config file {self.path}: {key}"


_LAYERS: ContextVar[tuple[Layer, ...]] = ContextVar("llm_settings_layers", default=())


@contextmanager
def _layered(*layers: Layer) -> Iterator[None]:
    token = _LAYERS.set(layers)
    try:
        yield
    finally:
        _LAYERS.reset(token)


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
    """The file's settings as one table ([llm] and top-level keys, `prices`); types are checked later."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    table = dict(data.get("llm", {}))
    table.update({k: v for k, v in data.items() if k != "llm"})
    if "api_key" in table:
        try:
            mode = path.stat().st_mode
            if mode & (stat.S_IRGRP | stat.S_IROTH):
                log.warning("config file %s holds an API key and is readable by others; chmod 600 it", path)
        except OSError:
            pass
    return table


def _shown(key: str, value: object) -> str:
    if key == "api_key":
        return "***"  # never the key, not even a wrong one
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _right(key: str) -> str:
    """What the setting is and its default, to say what would be right."""
    field = LLMSettings.model_fields.get(key)
    if field is None:
        return ""
    default = field.get_default(call_default_factory=True)
    about = f"{field.description}; " if field.description else ""
    return f" ({key}: {about}" + ("unset by default)" if default is None else f"default {json.dumps(default)})")


def _problem(error: ErrorDetails, layers: tuple[Layer, ...], overrides: Mapping[str, Any]) -> str:
    key = str(error["loc"][0]) if error["loc"] else ""
    dotted = ".".join(str(part) for part in error["loc"])
    # The value that failed is the one from the highest layer holding the key.
    source = None if key in overrides else next((layer for layer in layers if key in layer.values), None)
    where = source.where(dotted) if source is not None else f"setting {dotted}"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown setting; known: {', '.join(sorted(SETTING_NAMES))}"
    message = error["msg"][:1].lower() + error["msg"][1:]
    return f"{where} = {_shown(key, error.get('input'))}: {message}{_right(key)}"


def load_settings(
    *, config: str | Path | None = None, env: Mapping[str, str] | None = None, **overrides: Any
) -> LLMSettings:
    """Merge defaults, the config file, the environment and explicit overrides (None = not given)."""
    env = os.environ if env is None else env
    path: Path | None = None
    if config is not None:
        path = Path(config).expanduser()
    elif env.get("EVENTCODER_CONFIG"):
        path = Path(env["EVENTCODER_CONFIG"]).expanduser()
    elif default_config_path().exists():
        path = default_config_path()
    unknown = sorted(set(overrides) - SETTING_NAMES)
    if unknown:
        raise ConfigError(f"unknown LLM setting(s) {', '.join(unknown)}; known: {', '.join(sorted(SETTING_NAMES))}")
    given = {k: v for k, v in overrides.items() if v is not None}
    layers: tuple[Layer, ...] = (Environment(env), *([ConfigFile(path)] if path is not None else []))
    try:
        with _layered(*layers):
            return LLMSettings(**given)
    except ValidationError as exc:
        # One line per problem, naming where the value came from; never the values of the key.
        problems = [_problem(error, layers, given) for error in exc.errors(include_url=False)]
        raise ConfigError("; ".join(problems)) from None
