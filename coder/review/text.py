"""Document text made safe to show, character for character.

Articles are data, never instructions to the terminal: an ESC sequence in a
scraped page must not recolour the screen, and a form feed must not break the
layout. Every replacement is one character for one character, so offsets
into the shown text are offsets into the document (spans stay exact).
Markup such as "[bold]" needs no escaping here: the app only ever hands
document text to widgets as rich Text objects, never as markup strings.
"""

from __future__ import annotations

import re

# Line breaks other than \n become \n (so the screen's lines are the text's lines);
# a \r before \n becomes a space (same length, no visible mark at every line end).
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_TABLE = {ord(c): "\n" for c in _BREAKS}
# Other control characters become their visible "control picture" (ESC -> ␛).
_TABLE.update({c: chr(0x2400 + c) for c in range(0x20) if chr(c) not in "\n\t" + _BREAKS})
_TABLE[0x7F] = "\u2421"
_TABLE.update({c: "\ufffd" for c in range(0x80, 0xA0) if c != 0x85})
_CRLF = re.compile(r"\r(?=\n)")


def display_text(text: str) -> str:
    """`text` with line breaks unified and control characters made visible, same length."""
    shown = _CRLF.sub(" ", text).translate(_TABLE)
    assert len(shown) == len(text)
    return shown


def line_starts(text: str) -> list[int]:
    """Offset of the first character of each line of a display_text."""
    starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            starts.append(i + 1)
    return starts
