"""Shared by the HTML pages: safe colours and a document text cut at every span boundary.

Every text from a document or a coding goes through html.escape; colours come from
the codebook and are checked so that a codebook value can never inject CSS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

_CSS_COLOUR = re.compile(r"#[0-9a-fA-F]{3,8}|[a-z]+")

BASE_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em;color:#222;max-width:90em}
.text{white-space:pre-wrap;font-family:Georgia,serif;line-height:1.6;border:1px solid #ddd;padding:.6em;
max-height:36em;overflow:auto}
mark{padding:0 .05em;border-radius:2px;color:inherit}
.field{text-decoration:underline solid 2px}
.legend span{margin-right:.8em;padding:0 .4em;border-radius:3px;white-space:nowrap}
table{border-collapse:collapse;margin:.6em 0}
th,td{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#a60}
.bad{color:#a00;font-weight:600}
"""


def css_colour(name: str) -> str:
    """A rich colour name ("bright_cyan", "#aabbcc") as a CSS colour, or gray."""
    name = name.removeprefix("bright_")
    return name if _CSS_COLOUR.fullmatch(name) else "gray"


def shade(colour: str, percent: int = 35) -> str:
    return f"background:color-mix(in srgb,{css_colour(colour)} {percent}%,white)"


@dataclass
class Mark:
    """One span to show: its offsets, the CSS class, the style, a tooltip and the tags (event ids)
    that let a click find it."""

    start: int
    end: int
    cls: str
    style: str = ""
    title: str = ""
    tags: list[str] = field(default_factory=list)


def highlighted(text: str, marks: list[Mark]) -> str:
    """The escaped text with every mark applied. Overlapping marks are handled by cutting the text at
    every boundary and wrapping each piece in all the marks that cover it (outermost first, in the
    order given), so the markup always nests."""
    marks = [m for m in marks if 0 <= m.start < m.end <= len(text)]
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        chunk = escape(text[start:end])
        for mark in reversed([m for m in marks if m.start <= start and end <= m.end]):
            attrs = f' class="{escape(mark.cls)}"'
            if mark.style:
                attrs += f' style="{escape(mark.style)}"'
            if mark.title:
                attrs += f' title="{escape(mark.title)}"'
            if mark.tags:
                attrs += f' data-ev="{escape(" ".join(mark.tags))}"'
            tag = "mark" if mark.cls.startswith("ev") else "span"
            chunk = f"<{tag}{attrs}>{chunk}</{tag}>"
        pieces.append(chunk)
    return "".join(pieces)


def page(title: str, style: str, body: list[str], script: str = "") -> str:
    script_tag = f"<script>{script}</script>" if script else ""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{BASE_STYLE}{style}</style></head><body>\n"
        + "\n".join(body)
        + f"\n{script_tag}</body></html>\n"
    )
