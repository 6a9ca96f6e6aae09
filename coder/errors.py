"""The one exception root: every error meant for the person running `coder`.

A `CoderError` reaching the command line becomes a single `error: <message>` line on
stderr and exit status `exit_code` (2 for usage mistakes, 1 otherwise); that happens
in one place, the CLI's edge (coder/cli/__init__.py). Anything else escaping is a bug
and keeps its traceback. Classes that were ValueError or RuntimeError before keep that
base too, so existing `except ValueError` handlers still see them.

Signals caught where they are raised (llm CutOff, sources TooLarge) and the batch
engine's DocumentTimeout (a BaseException on purpose, so no `except Exception` in a
coder swallows it) stay outside this tree: they never reach the user.
"""

from __future__ import annotations


class CoderError(Exception):
    """An error whose message says what went wrong and, when it can, what to do."""

    exit_code = 1


class UsageError(CoderError):
    """Options or settings that cannot work together or hold a wrong value."""

    exit_code = 2


class InputError(CoderError, ValueError):
    """Bad input, with where it is and what would be right."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


class OutputError(InputError):
    """An output that cannot be written where it was asked for (a missing folder, no permission)."""


class StorageError(CoderError):
    """A batch store or review log that cannot be used (damaged, written by a newer version)."""


class CodebookInvalid(CoderError):
    """A file of the codebook directory (definitions, cases, thresholds, recordings) is wrong."""
