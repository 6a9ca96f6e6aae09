"""HTML input: the document text is the main text trafilatura extracts.

trafilatura is a maintained main-content extractor (menus, comments and
boilerplate removed); the offline coder then works on that text like on any
plain-text document, so offsets refer to the extracted text we store.

Two ways it used to lose whole articles:
- libxml2 stops building the tree at 256 levels of nesting, so a page nested
  deeper (hostile or just badly generated) came out empty. Such a page is
  parsed again with lxml's huge_tree, and if that is still empty (lxml has a
  harder limit too) its visible text is taken with the standard library's
  streaming parser, which has no depth limit;
- trafilatura's `deduplicate` keeps a process-wide cache and drops
  paragraphs it has seen in earlier pages, so the third copy of a page, or a
  wire story run by three sites, came out empty and the result depended on
  the order of documents. Repeats within a page are still left out by the
  furniture step (`furniture.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser


@dataclass
class HtmlText:
    text: str
    title: str | None = None
    url: str | None = None
    publication_date: date | None = None
    source: str | None = None


def looks_like_html(raw: str) -> bool:
    head = raw[:2000].lstrip().lower()
    return head.startswith("<!doctype html") or head.startswith("<html") or ("<body" in head and "</" in raw)


_OPTIONS = dict(include_comments=False, include_tables=False, favor_precision=True, deduplicate=False)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]*)[^>]*?(/?)>")
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
# Elements whose end tag may be left out: counting them would make every
# list or table of a normal page look deep.
_OPTIONAL_END = frozenset("p li dt dd tr td th tbody thead tfoot option optgroup colgroup rb rt rp".split())
# libxml2 gives up at 256 levels; past this estimate the page is read again.
_DEEP = 200


def _depth(raw: str) -> int:
    """An estimate of the nesting depth, from the tags alone: linear, no tree."""
    depth = deepest = 0
    for m in _TAG.finditer(raw):
        name = m.group(2).lower()
        if name in _VOID or name in _OPTIONAL_END:
            continue
        if m.group(1):
            depth = max(depth - 1, 0)
        elif not m.group(3):
            depth += 1
            deepest = max(deepest, depth)
    return deepest


class _Visible(HTMLParser):
    """The visible text of a page, one line per block; scripts, styles and page chrome left out."""

    _SKIP = frozenset("script style noscript template svg nav header footer aside form button select head".split())
    _BLOCK = frozenset("p div br li h1 h2 h3 h4 h5 h6 article section tr blockquote pre dd dt".split())

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        if tag in self._SKIP and tag not in _VOID:
            self.skipping.append(tag)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag) -> None:
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data) -> None:
        if not self.skipping:
            self.parts.append(data)


def _visible_text(raw: str) -> str:
    parser = _Visible()
    parser.feed(raw)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _deep_text(raw: str, url: str | None, shallow: str) -> str:
    """The main text of a page nested deeper than libxml2's default limit."""
    import lxml.html
    import trafilatura

    try:
        tree = lxml.html.fromstring(
            raw.encode("utf-8", "surrogatepass"), parser=lxml.html.HTMLParser(huge_tree=True, encoding="utf-8")
        )
        text = trafilatura.extract(tree, url=url, **_OPTIONS) or ""
    except Exception:  # noqa: BLE001 -- lxml's own limits: fall through to the streaming parser
        text = ""
    if text.strip():
        return text if len(text) > len(shallow) else shallow
    # Still no tree: the visible text, unselective but whole; the furniture
    # step then keeps the article's paragraphs.
    visible = _visible_text(raw)
    return visible if len(visible) > len(shallow) else shallow


def html_to_text(raw: str, url: str | None = None) -> HtmlText:
    import trafilatura

    text = trafilatura.extract(raw, url=url, **_OPTIONS) or ""
    if _depth(raw) >= _DEEP:
        text = _deep_text(raw, url, text)
    title = source = None
    published = None
    try:
        meta = trafilatura.extract_metadata(raw)
    except Exception:  # metadata is a bonus; a page without it is still coded
        meta = None
    if meta is not None:
        title = meta.title or None
        source = meta.sitename or None
        url = url or meta.url or None
        if meta.date:
            try:
                published = date.fromisoformat(str(meta.date)[:10])
            except ValueError:
                published = None
    return HtmlText(text=text, title=title, url=url, publication_date=published, source=source)
