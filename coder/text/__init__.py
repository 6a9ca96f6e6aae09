"""Text preparation: the main article's regions and its sentences, offsets into the original text."""

from .furniture import Block, classify_blocks, headline, headlines, main_regions
from .html import HtmlText, html_to_text, looks_like_html
from .sentences import Sentence, split_sentences

__all__ = [
    "Block",
    "HtmlText",
    "Sentence",
    "classify_blocks",
    "headline",
    "headlines",
    "html_to_text",
    "looks_like_html",
    "main_regions",
    "split_sentences",
]
