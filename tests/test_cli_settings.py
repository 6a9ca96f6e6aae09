"""The LLM coder's settings (pydantic-settings): the layers in order, every value type-checked at
start-up, and a wrong one named by where it came from, never showing the key."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from coder.cli import app
from coder.llm.config import ConfigError, LLMSettings, load_settings
from coder.llm.secret import Secret

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-test-SETTINGS-0123456789abcdef"


def _config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def test_layers_defaults_file_environment_arguments(tmp_path):
    config = _config(tmp_path, 'model = "file"\ntimeout = 5\n[llm]\nbase_url = "http://file/v1"\nmax_retries = 1\n')
    env = {"OPENAI_BASE_URL": "http://env/v1", "OPENAI_API_KEY": KEY}
    settings = load_settings(config=config, env=env, max_retries=None, model="argument")
    assert settings.model == "argument"  # arguments over the file
    assert settings.base_url == "http://env/v1"  # the environment over the file
    assert settings.timeout == 5.0 and settings.max_retries == 1  # the file over the defaults (None: not given)
    assert settings.chunk_chars == LLMSettings().chunk_chars  # the defaults under everything
    assert settings.config_path == config
    assert isinstance(settings.api_key, Secret) and settings.api_key.reveal() == KEY
    assert KEY not in repr(settings) and KEY not in str(settings)
    # An empty variable is unset, as before.
    assert load_settings(config=config, env={"OPENAI_BASE_URL": ""}).base_url == "http://file/v1"
    # LLMSettings alone reads neither the machine's environment nor a config file.
    assert LLMSettings(model="m").base_url is None


def test_a_wrong_type_in_the_file_names_the_file_the_key_and_what_is_right(tmp_path):
    config = _config(tmp_path, 'timeout = "sixty"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config=config, env={})
    message = str(caught.value)
    assert message.startswith(f'config file {config}: timeout = "sixty": ')
    assert "valid number" in message and "default 60.0" in message


def test_a_wrong_key_type_never_shows_the_key(tmp_path):
    config = _config(tmp_path, f'api_key = ["{KEY}"]\nrecall_passes = 9\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(config=config, env={})
    message = str(caught.value)
    assert KEY not in message and KEY[:8] not in message
    assert f"config file {config}: api_key = ***: the API key should be a string" in message
    assert "recall_passes = 9: input should be less than or equal to 5" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_unknown_keys_and_arguments(tmp_path):
    with pytest.raises(ConfigError, match=r"config file .*: modle: unknown setting; known: .*model"):
        load_settings(config=_config(tmp_path, 'modle = "typo"\n'), env={})
    with pytest.raises(ConfigError, match="unknown LLM setting"):
        load_settings(env={}, modle="typo")
    with pytest.raises(ConfigError, match=r"^setting response_format = \"guess\": input should be 'json_schema'"):
        load_settings(env={}, response_format="guess")
    with pytest.raises(ConfigError, match=r"config file .*: prices\.m\.input = \"cheap\""):
        load_settings(config=_config(tmp_path, '[prices."m"]\ninput = "cheap"\n'), env={})


def test_the_cli_says_it_in_one_error_line(tmp_path, monkeypatch):
    config = _config(tmp_path, 'timeout = "sixty"\n')
    monkeypatch.setenv("EVENTCODER_CONFIG", str(config))
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    doc = tmp_path / "doc.txt"
    doc.write_text("Nothing happened.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["code", "--coder", "llm", str(doc), "--codebook", str(ROOT / "codebook")])
    assert result.exit_code == 2, result.output
    assert f'config file {config}: timeout = "sixty"' in result.output and "error:" in result.output
    assert KEY not in result.output and "Traceback" not in result.output
