"""The API key as a value that cannot leak by accident.

`Secret` prints as `Secret('***')` in reprs, f-strings, logs and tracebacks,
refuses to be pickled or JSON-encoded, and only `.reveal()` gives the key (to
the HTTP client, nowhere else). `redact()` scrubs a key out of any text that
came from elsewhere: servers echo keys back in 401 messages ("Incorrect API
key provided: sk-...").
"""

from __future__ import annotations

import logging
import re


class Secret:
    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled")

    def __format__(self, spec: str) -> str:
        return repr(self)


REDACTED = "***"

# A run of this many characters of the key is a leak: a server that cuts its message
# at 300 characters, or masks the middle ("sk-abc1****wxyz"), still shows pieces of it.
FRAGMENT = 8


def _fragments(text: str, value: str) -> list[tuple[int, int]]:
    """Maximal runs of text that are a piece of value and at least FRAGMENT long."""
    grams = {value[i : i + FRAGMENT] for i in range(len(value) - FRAGMENT + 1)}
    runs: list[tuple[int, int]] = []
    # Nearly every text holds no piece of the key: a substring search per piece (in C)
    # says so without the walk below, which costs a cached answer milliseconds.
    if not any(gram in text for gram in grams):
        return runs
    i = 0
    while i <= len(text) - FRAGMENT:
        if text[i : i + FRAGMENT] not in grams:
            i += 1
            continue
        end = i + FRAGMENT
        while end < len(text) and text[i : end + 1] in value:
            end += 1
        runs.append((i, end))
        i = end
    return runs


def redact(text: str, *secrets: Secret | str | None) -> str:
    """Remove every secret, and any piece of it of FRAGMENT characters or more, from text."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if not value:
            continue
        text = text.replace(value, REDACTED)
        if len(value) < FRAGMENT:
            continue
        runs = _fragments(text, value)
        for start, end in reversed(runs):
            text = text[:start] + REDACTED + text[end:]
        # OpenAI echoes "sk-abc1*****************wxyz": the head and tail of the key
        # around stars, each shorter than a fragment. Remove such echoes of our key too.
        if len(value) >= 12:
            head, tail = re.escape(value[:6]), re.escape(value[-4:])
            text = re.sub(head + r"\S*" + tail, REDACTED, text)
    return text


class RedactingFilter(logging.Filter):
    """Scrubs the keys of every live coder out of the records of a logger (and their tracebacks)."""

    def __init__(self) -> None:
        super().__init__()
        # The keys themselves, not their Secrets: two equal Secrets are one set member, and
        # the first one's death must not end the redaction of the second.
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = list(self.secrets)
        if not secrets:
            return True
        message = record.getMessage()
        clean = redact(message, *secrets)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, *secrets)
        if clean != message:
            record.msg, record.args = clean, None
        return True


_FILTER = RedactingFilter()


def guard_logs(secret: Secret | None, *loggers: str) -> None:
    """Have these loggers redact `secret` from every record, for as long as it lives."""
    if not secret:
        return
    _FILTER.secrets.add(secret.reveal())
    for name in loggers:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
