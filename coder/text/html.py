"""HTML input: the document text is the main text trafilatura extracts.

trafilatura is a maintained main-content extractor (menus, comments and
boilerplate removed); the offline coder then works on that text like on any
plain-text document, so offsets refer to the extracted text we store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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


def html_to_text(raw: str, url: str | None = None) -> HtmlText:
    import trafilatura

    text = trafilatura.extract(raw, url=url, include_comments=False, include_tables=False,
                               favor_precision=True, deduplicate=True) or ""
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
