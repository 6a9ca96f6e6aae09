"""The CLI as a whole: every command README.md shows exists with the options it shows, every
command has help, help is grouped by workflow, and errors end as one `error:` line at the edge."""

from __future__ import annotations

import json
import re
import shlex
import sqlite3
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from coder.cli import WORKFLOW, app
from coder.errors import CoderError, InputError, UsageError

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()
CLI = typer.main.get_command(app)


def _readme_commands() -> list[list[str]]:
    """Each `coder ...` invocation in README.md's ```sh blocks, as argument lists (comments dropped)."""
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            for part in re.split(r"&&|;", line):
                words = shlex.split(part, comments=True)
                while words and "=" in words[0]:  # VAR=value coder ...
                    words.pop(0)
                if words[:1] == ["coder"]:
                    commands.append([w.strip("[]") for w in words[1:]])
    return commands


README_COMMANDS = _readme_commands()


def _resolve(words: list[str]) -> tuple[list[str], object]:
    """The command path the words name and its click command (a group's default command included)."""
    path: list[str] = []
    command = CLI
    for word in words:
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            break
        if word not in subcommands:
            if "open" not in subcommands:  # `coder review SOURCE` is `coder review open SOURCE`
                break
            word = "open"
        path.append(word)
        command = subcommands[word]
    return path, command


def _all_commands(command=CLI, path=()):
    yield list(path), command
    for name, sub in getattr(command, "commands", {}).items():
        yield from _all_commands(sub, (*path, name))


def test_readme_shows_commands():
    # The parse itself is checked: a README with no `coder` lines would pass everything below.
    assert len(README_COMMANDS) >= 30
    assert ["status", "--db", "run.sqlite", "--json"] in README_COMMANDS


@pytest.mark.parametrize("words", README_COMMANDS, ids=[" ".join(w)[:60] for w in README_COMMANDS])
def test_every_readme_command_exists_with_its_options(words):
    path, command = _resolve(words)
    assert path and not hasattr(command, "commands"), f"`coder {' '.join(words)}` names no command"
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    known = {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}
    shown = {w.split("=")[0] for w in words if w.startswith("-") and w != "-"}
    assert shown <= known, f"`coder {' '.join(words)}`: unknown option(s) {sorted(shown - known)}"


def test_every_command_and_option_has_help():
    for path, command in _all_commands():
        if not path:
            continue
        assert (command.help or command.short_help or "").strip(), f"`coder {' '.join(path)}` has no help"
        for param in command.params:
            if param.param_type_name == "option":
                assert (param.help or "").strip(), f"`coder {' '.join(path)}` {param.opts[0]} has no help"


def test_help_is_grouped_by_workflow():
    listed = [name for names in WORKFLOW.values() for name in names]
    assert sorted(listed) == sorted(CLI.commands), "every command in exactly one workflow panel"
    assert len(listed) == len(set(listed))
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    panels = [line for line in result.output.splitlines() if re.match(r"^╭─ \w", line)]
    assert [re.sub(r"[╭─╮]", "", p).strip() for p in panels] == ["Options", *WORKFLOW]


def test_one_name_per_shared_option():
    """The options declared once in cli/common are spelled one way in every command."""
    spellings: dict[str, set[str]] = {}
    for _path, command in _all_commands():
        for param in getattr(command, "params", []):
            if param.param_type_name == "option":
                spellings.setdefault(param.name, set()).add(param.opts[0])
    for name in (
        "codebook_path",
        "codebook",
        "out",
        "golden",
        "model",
        "base_url",
        "publication_date",
        "as_json",
        "run",
        "review_log",
    ):
        assert len(spellings.get(name, {""})) == 1, (name, spellings.get(name))


def test_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("eventcoder ")


# The edge: one root, one line, exit 2 for usage and 1 otherwise.


def test_error_classes_share_one_root():
    from coder.base import UnknownCoder
    from coder.codebook.loader import CodebookError
    from coder.llm.config import ConfigError
    from coder.llm.transport import LLMError
    from coder.regress.cases import CaseFileError
    from coder.review.log import LogError
    from coder.review.values import DecisionError
    from coder.store import SchemaTooNew, StoreError

    for cls in (CodebookError, LLMError, CaseFileError, LogError, DecisionError, StoreError, SchemaTooNew):
        assert issubclass(cls, CoderError) and cls.exit_code == 1, cls
    for cls in (UnknownCoder, ConfigError):
        assert issubclass(cls, UsageError) and cls.exit_code == 2, cls
    # Handlers written before the root still see what they caught.
    assert issubclass(InputError, ValueError) and issubclass(LogError, RuntimeError)


@pytest.mark.parametrize("command", [["status"], ["export", "--format", "jsonl", "--codebook", str(ROOT / "codebook")]])
def test_a_store_from_a_newer_version_is_one_error_line(tmp_path, command):
    store = tmp_path / "new.sqlite"
    with sqlite3.connect(store) as db:
        db.execute("PRAGMA user_version = 999")
    result = runner.invoke(app, [*command, "--db", str(store)])
    assert result.exit_code == 1
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {store}: written by a newer eventcoder"), result.stderr


def test_usage_errors_exit_2(tmp_path):
    text = tmp_path / "a.txt"
    text.write_text("Nothing happened.", encoding="utf-8")
    result = runner.invoke(app, ["code", str(text), "--coder", "nosuch"])
    assert result.exit_code == 2
    # Other tests register fake coders, so only the start of the list is fixed.
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("error: unknown coder 'nosuch'; expected one of: ") and "rules" in line


def test_bad_input_exits_1_with_the_file_named(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(bad), str(ROOT / "golden"), "--codebook", str(ROOT / "codebook")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}:1: invalid JSON"), result.stderr


def test_line_100_of_a_file_is_printed_as_written_not_as_an_emoji(tmp_path):
    # rich turns ":100:" into an emoji unless told not to: "bad.jsonl:100: invalid JSON" would lose its line.
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n" * 99 + "{not json\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(bad), str(ROOT / "golden"), "--codebook", str(ROOT / "codebook")])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {bad}:100: invalid JSON"), result.stderr


# `-` is standard output (or input) in every command that takes a path to write (or read).


def test_golden_import_out_dash_is_stdout(tmp_path):
    text = "On 3 May 2021 a convoy of Kataib Hezbollah reached Al Bukamal.\n"
    (tmp_path / "t1.txt").write_text(text, encoding="utf-8")
    coding = tmp_path / "t1.yaml"
    coding.write_text(
        "document: t1\nevents:\n  - type: troop_movement\n"
        "    evidence: a convoy of Kataib Hezbollah reached Al Bukamal\n"
        "    fields:\n"
        "      actor1: {value: Kataib Hezbollah, quote: Kataib Hezbollah}\n"
        "      location: {value: Al Bukamal, quote: Al Bukamal}\n",
        encoding="utf-8",
    )
    result = runner.invoke(
        app,
        [
            "golden",
            "import",
            str(coding),
            "--golden",
            str(tmp_path),
            "--out",
            "-",
            "--codebook",
            str(ROOT / "codebook"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert not (Path.cwd() / "-").exists()
    assert '"id":"t1"' in result.stdout.replace(" ", "")
    assert "imported" in result.stderr


def test_golden_add_dash_reads_stdin(tmp_path):
    text = "Deir ez-Zor, 4 May 2021\r\nA convoy arrived.\n"
    result = runner.invoke(
        app, ["golden", "add", "-", "--id", "s1", "--golden", str(tmp_path)], input=text.encode("utf-8")
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "incoming" / "s1.txt").read_bytes() == text.encode("utf-8")


def test_score_writes_junit_to_stdout_with_dash():
    result = runner.invoke(
        app,
        [
            "score",
            str(ROOT / "golden"),
            str(ROOT / "golden"),
            "--junit",
            "-",
            "--json",
            "--codebook",
            str(ROOT / "codebook"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("<?xml")
    assert not (Path.cwd() / "-").exists()


def test_code_dash_reads_one_document_from_stdin_and_validate_reads_it_back():
    text = "A Hezbollah convoy reached Al-Qusayr on May 3, 2021.\r\n"
    coded = runner.invoke(app, ["code", "-", "--codebook", str(ROOT / "codebook")], input=text.encode("utf-8"))
    assert coded.exit_code == 0, coded.output
    record = json.loads(coded.stdout)
    assert record["document"]["id"] == "stdin" and record["document"]["text"] == text
    checked = runner.invoke(app, ["validate", "-", "--codebook", str(ROOT / "codebook")], input=coded.stdout)
    assert checked.exit_code == 0, checked.output
    assert "1 record(s) in -: valid" in checked.stdout


def test_score_dash_reads_predictions_from_stdin():
    gold = sorted((ROOT / "golden").glob("*.json"))[0].stem
    exported = runner.invoke(app, ["code", str(ROOT / "golden" / f"{gold}.txt"), "--codebook", str(ROOT / "codebook")])
    assert exported.exit_code == 0, exported.output
    result = runner.invoke(
        app, ["score", "-", str(ROOT / "golden"), "--json", "--codebook", str(ROOT / "codebook")], input=exported.stdout
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.lstrip().startswith("{")
    bad = runner.invoke(app, ["score", "-", str(ROOT / "golden")], input="{oops\n")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: stdin:1: invalid JSON"), bad.stderr


def test_unresolved_dash_reads_one_text_from_stdin():
    text = "Fighters of Liwa al-Zzzyoun reached the village of Qaryat Blahblah on Monday."
    result = runner.invoke(app, ["unresolved", "-", "--json", "--codebook", str(ROOT / "codebook")], input=text)
    assert result.exit_code == 0, result.output
    assert '"name": "Qaryat Blahblah"' in result.stdout and '"stdin: …Fighters' in result.stdout
