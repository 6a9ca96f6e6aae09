"""The API key as a value that cannot leak by accident.

`Secret` prints as `Secret('***')` in reprs, f-strings, logs and tracebacks,
refuses to be pickled or JSON-encoded, and only `.reveal()` gives the key (to
the HTTP client, nowhere else). `redact()` scrubs a key out of any text that
came from elsewhere: servers echo keys back in 401 messages ("Incorrect API
key provided: sk-...").
"""

from __future__ import annotations

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


def redact(text: str, *secrets: "Secret | str | None") -> str:
    """Remove every secret (and any long-enough fragment of it a server echoes) from text."""
    for secret in secrets:
        value = secret.reveal() if isinstance(secret, Secret) else secret
        if not value:
            continue
        text = text.replace(value, REDACTED)
        # OpenAI echoes "sk-abc1*****************wxyz": the head and tail of
        # the key around stars. Remove such echoes of our key too.
        if len(value) >= 12:
            head, tail = re.escape(value[:6]), re.escape(value[-4:])
            text = re.sub(head + r"\S*" + tail, REDACTED, text)
    return text
