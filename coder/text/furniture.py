"""Find the main article in a scraped page and leave the page furniture out.

Scraped pages carry menus, cookie banners, share buttons, "read more" and
related-article teasers, image captions repeated as alt text, and sometimes a
whole second article after the main one. None of it may be coded.

We never rewrite the text: the result is a list of kept regions (start, end)
of the ORIGINAL string, so every span the coder emits is an offset into the
document as stored.

The heuristics are about page shape, not about any article's words:
- a block (line) is body text if it reads like prose: enough words and a
  sentence ending, or long enough to be a paragraph on its own;
- boilerplate cues (cookies, subscribe, share, related, read more...) mark a
  block as furniture, and the "related/you might also like/more stories" kind
  also ends the main article: what follows is teasers or another article;
- a heading followed by a date-only line, a "N min read" line or a byline,
  once the body has begun, is the start of a second article;
- an image caption (a picture described, an undated photo, a bracketed
  credit at the end of a short line) is furniture;
- a block whose folded text was already kept is a repeat (caption and alt
  text, a headline echoed in the body) and is dropped.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import NamedTuple

from .headsearch import word_matches
from .prefilter import _FOLD, Prefilter, case_free, folded_text, words_of

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s*$")
_STOPS = frozenset(".!?…")

# Furniture everywhere on the web, matched case-insensitively. Strong cues mark
# a block of up to 60 words (a cookie banner is a sentence or two); weak cues
# are words an article may use too ("Iran-sponsored", "trending"), so they
# only mark short blocks.
_STRONG_WORDS = re.compile(
    r"\b(cookies?|cookie settings|accept all|privacy policy|terms of (use|service)|all rights reserved|"
    r"subscribe to|newsletter|sign up for|follow us|share (this|on)|share article|skip to (main )?content|"
    r"toggle navigation|back to top|copyright|loading the content|"
    r"this article was (edited|translated|originally)|has not verified the (content|story)|"
    r"responsibility for the information)\b",
    re.I,
)
_STRONG = re.compile(_STRONG_WORDS.pattern + "|©", re.I)
_WEAK = re.compile(
    r"\b(subscribe|sign up|log ?in|sign in|share|click here|read more|read also|also read|see also|"
    r"related (articles?|posts?|stories|news|topics)|you (might|may) also like|recommended|more (stories|news|from)|"
    r"most (read|popular)|trending|tags?|keywords|advertisement|sponsored|switch to|close|menu|search|logo|home)\b",
    re.I,
)
_SHORT_BLOCK = 12
# Of the weak words, those that are page furniture even in a line that ends like a sentence ("Click
# here to subscribe."): the others ("close", "home", "share", "search") are common words a one-line
# report uses ("Nujaba fighters deployed close to al-Bukamal on Sunday.").
_UI_PHRASE = re.compile(
    r"\b(subscribe|sign up|log ?in|sign in|click here|read more|read also|also read|see also|"
    r"related (articles?|posts?|stories|news|topics)|you (might|may) also like|more (stories|news|from)|"
    r"advertisement|sponsored)\b",
    re.I,
)
# Cues after which the main article is over (teasers, other articles).
_END_OF_ARTICLE = re.compile(
    r"^\W*(related( articles?| posts?| stories| news| topics)?|read more|read also|also read|see also|"
    r"you (might|may) also like|recommended( for you| articles?| stories)?|more (stories|news|from)\b.*|"
    r"most (read|popular)|latest (news|articles|stories)|trending( now)?|more on this( story| topic)?|"
    r"this article was (edited|translated|originally)\b.*|tags?:?.*|helpful keywords|comments?)\W*$",
    re.I,
)
_DATE_ONLY = re.compile(
    r"^\W*((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|"
    r"\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+\d{4}|"
    r"\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{4})"
    r"(\s*[-|,•]?\s*\d{1,2}:\d\d(\s*[ap]m)?)?\W*$",
    re.I,
)
# Image captions: a picture described ("A screenshot of a video ... shows"),
# an "undated photo", or a line ending in a bracketed photo credit.
_CAPTION = re.compile(
    r"^\W*(an? |the )?(screenshot|photo|photograph|picture|image|file photo|video still|still)s?\b.{0,240}?"
    r"\b(shows?|showing|depicts?|depicting|taken)\b|"
    r"\b(undated|file|archive|archival) (photo|photograph|picture|image|handout)\b|"
    r"^\W*(photo|image|picture|video)?\s*(caption|credit)s?\s*[:|-]|"
    r"\[[^\]\n]{2,80}\]\s*$|\((photo|image|picture|credit|source)\b[^)\n]{0,80}\)\s*$",
    re.I,
)
_READ_TIME = re.compile(r"^\W*\d+\s*(min|mins|minute|minutes)\s+read\W*$", re.I)
_BYLINE = re.compile(r"^\W*(by|written by|author:?)\s+[A-Z][\w'’.-]+(\s+[A-Z][\w'’.-]+){0,3}\W*$")
# Menus: several short items separated by bars, bullets or slashes.
_TITLE_SEP = re.compile(r"\s[|•·]\s")
_MENU_SEP = re.compile(r"\s[|•·/»>]\s|\s{3,}")


class Block(NamedTuple):
    """A tuple, not a frozen dataclass: one is made for every line of every page, and a frozen
    dataclass sets each field through object.__setattr__."""

    start: int
    end: int
    kind: str  # "body", "heading", "furniture", "repeat", "after_end"

    @property
    def kept(self) -> bool:
        return self.kind == "body"


# ASCII characters that are neither letter, digit nor apostrophe, as spaces: on an ASCII line,
# translate() and split() give _WORD's runs several times faster than findall; a run with an
# apostrophe in it is split by _WORD itself ("a'b'c" is "a'b" and "c").
# A byte table: bytes.translate is one look-up per byte, str.translate with a mapping a dictionary
# look-up per character.
_NOT_WORD_ASCII = bytes(c if c < 128 and (chr(c).isalnum() or chr(c) == "'") else 32 for c in range(256))


# A line longer than this that is not ASCII (a one-line page with a curly quote somewhere) has its
# _WORD runs read a piece at a time, cut at a space (no run holds one): most pieces are ASCII and
# read from the page's runs, the others by _WORD (findall over a megabyte line was a tenth of
# classifying it).
_CHUNK = 1 << 12
_SPACE = re.compile(r"\s")


def _words_of_long(text: str, start: int, end: int, runs: str) -> list[str]:
    """_WORD.findall(text[start:end]), given the page's runs (_Page.runs)."""
    out: list[str] = []
    while start < end:
        stop = end
        if end - start > _CHUNK:
            space = _SPACE.search(text, start + _CHUNK, end)
            stop = space.start() if space is not None else end
        piece = text[start:stop]
        out += _words_of_runs(piece, runs[start:stop].split()) if piece.isascii() else _WORD.findall(piece)
        start = stop
    return out


def _words(line: str) -> list[str]:
    """_WORD.findall(line)."""
    if not line.isascii():
        return _WORD.findall(line)
    return _words_of_runs(line, line.encode("ascii").translate(_NOT_WORD_ASCII).decode("ascii").split())


def _words_of_runs(line: str, runs: list[str]) -> list[str]:
    """_words(line) of an ASCII line, given its runs of letters, digits and apostrophes."""
    if "'" not in line:
        return runs
    out: list[str] = []
    for run in runs:
        if "'" in run:
            out += _WORD.findall(run)
        else:
            out.append(run)
    return out


def _fold(text: str) -> str:
    return " ".join(w.casefold() for w in _WORD.findall(text))


# Most lines hold none of the cue words: the line's words (folded once) rule the big
# case-insensitive alternations out without running them (text/prefilter.py).
_STRONG_FIRST = Prefilter.of(_STRONG_WORDS)
_WEAK_FIRST = Prefilter.of(_WEAK)


# Every _CAPTION alternative holds one of these (case folded): a picture word, "caption" or
# "credit", or a bracket. Checked by tests/test_prefilter.py; keep it in step with _CAPTION.
_CAPTION_NEEDS = ("screenshot", "photo", "picture", "image", "still", "handout", "caption", "credit", "[", "(")


def _may_be_caption(line: str) -> bool:
    low = line.lower() if line.isascii() else line.translate(_FOLD).lower()
    return any(needed in low for needed in _CAPTION_NEEDS)


class _Page:
    """What classify_blocks asks of every ASCII line, made once for the whole text (one pass of C
    each, not one per line): its _WORD runs (as _words makes them), the text lower-cased (where
    that keeps every character in its place) for the caption needs and the furniture cue words,
    the caption needs the page holds at all, and whether every ASCII character of it but the line
    breaks is printable (no tab or other space that could make a wide gap). A line that is not
    ASCII is asked the long way (non-ASCII characters stand here as "?")."""

    __slots__ = ("runs", "low", "needs", "printable")

    def __init__(self, text: str) -> None:
        raw = text.encode("ascii", "replace")  # one byte per character: offsets kept
        self.runs = raw.translate(_NOT_WORD_ASCII).decode("ascii")
        low = text.lower()
        folded = len(low) == len(text)
        self.low = low if folded else None
        self.needs = tuple(needed for needed in _CAPTION_NEEDS if needed in low) if folded else _CAPTION_NEEDS
        self.printable = not raw.translate(None, _PRINTABLE_OR_BREAK)

    def caption(self, start: int, end: int) -> bool:
        """_may_be_caption of the ASCII line text[start:end], where self.low is made."""
        low = self.low
        assert low is not None
        return any(low.find(needed, start, end) >= 0 for needed in self.needs)


# Printable ASCII characters and the line breaks (no line holds one).
_PRINTABLE_OR_BREAK = bytes(c for c in range(128) if chr(c).isprintable() or chr(c) in "\n\r")


# Case-free copies (prefilter.case_free), run on the lower-cased line where folded_text allows.
_STRONG_LOW = case_free(_STRONG_WORDS)
_WEAK_LOW = case_free(_WEAK)
# _search_words reads where a match may start from the first words alone.
assert _STRONG_FIRST.heads is not None and _WEAK_FIRST.heads is not None


def _search_words(
    pattern: re.Pattern, lower: re.Pattern | None, first: Prefilter, line: str, words, at: tuple | None = None
) -> bool:
    """pattern.search(line) (its case-free copy `lower` on the lower-cased line where folded_text
    allows), for a pattern whose matches all start with one of first.words (whole, no prefix), given
    the line's words: tried only where the line's own such words stand (headsearch.word_matches),
    not at every position of the line ("this", "has", "all" let most prose lines through).
    `at`: (low, start, end), the line as it stands in the page lower-cased (_Page.low; the characters
    around a line are spaces, so its word starts and ends are the line's own)."""
    heads = first.words.intersection(words)
    if not heads:
        return False
    if at is not None and lower is not None:
        return bool(word_matches(lower, at[0], at[1], at[2], heads))
    low = folded_text(line) if lower is not None else None
    if low is None:
        return pattern.search(line) is not None
    return bool(word_matches(lower, low, 0, len(low), heads))


def _strong(line: str, line_words: Collection[str], at: tuple | None = None) -> bool:
    """_STRONG.search(line), the © alternative and the words asked apart."""
    return "©" in line or _search_words(_STRONG_WORDS, _STRONG_LOW, _STRONG_FIRST, line, line_words, at)


def _weak(line: str, line_words: Collection[str], at: tuple | None = None) -> bool:
    return _search_words(_WEAK, _WEAK_LOW, _WEAK_FIRST, line, line_words, at)


# A line this long is an article flattened into one line, whatever its
# separators: no title or teaser strip runs to 150 words.
_LONG_LINE_WORDS = 150


# _SENTENCE_END's closing marks: what may stand between the stop and the spaces at the end.
_CLOSERS = "\"'”’»)]"


def _ends_sentence(line: str) -> bool:
    """_SENTENCE_END.search(line): the line without its final spaces, then without the closing
    marks before them, ends on a stop (the pattern, searched from every stop in the line, was
    asked of every line)."""
    return line.rstrip().rstrip(_CLOSERS)[-1:] in _STOPS


def _is_prose(line: str, words: int) -> bool:
    if _ends_sentence(line):
        return words >= 7
    # No sentence ending: a paragraph only when long and not a title with
    # "Headline | Site" or "Headline • Site" separators...
    if not _TITLE_SEP.search(line):
        return words >= 30
    # ...unless a part between the separators reads as prose on its own
    # ("... local sources said. | SOHR") or the line is very long.
    if words >= _LONG_LINE_WORDS:
        return True
    return any(_is_prose(part, len(_WORD.findall(part))) for part in _TITLE_SEP.split(line))


# What every _MENU_SEP match holds, asked apart (re scans for one class of characters quickly,
# for an alternation position by position): most lines are ruled out before the split.
_MENU_MARK = re.compile(r"[|•·/»>]")
_WIDE_GAP = re.compile(r"\s\s\s")
_MENU_MARKS = "|•·/»>"  # _MENU_SEP's marks
_LONG_LINE = 2000


def _looks_like_menu(line: str, words: int, printable: bool = False) -> bool:
    """`printable`: the line is known to be (_Page.printable of an ASCII line)."""
    # Three spaces in a row need two spaces or another kind of space, and every space but " " is
    # unprintable (tests/test_speed7_text.py checks every code point): most lines have neither.
    # _MENU_MARK's only ASCII characters are "|", "/" and ">": three scans in C for an ASCII line.
    marked = ("|" in line or "/" in line or ">" in line) if line.isascii() else _MENU_MARK.search(line) is not None
    if not marked and (("  " not in line and (printable or line.isprintable())) or _WIDE_GAP.search(line) is None):
        return False
    if len(line) > _LONG_LINE:
        # Each separator holds a mark or a gap of three spaces (a gap holds one _WIDE_GAP match at
        # least, and none is there without two spaces or an unprintable one, as above): too few for
        # the parts to be short, and the split below of a megabyte line is not made (the answer is
        # the same: false).
        no_gap = "  " not in line and (printable or line.isprintable())
        gaps = 0 if no_gap else len(_WIDE_GAP.findall(line))
        if (sum(map(line.count, _MENU_MARKS)) + gaps + 1) * 3.5 < words:
            return False
    parts = [p for p in _MENU_SEP.split(line) if p.strip()]
    return len(parts) >= 3 and words / max(len(parts), 1) <= 3.5


def _meta_line(line: str) -> bool:
    return bool(_DATE_ONLY.match(line) or _READ_TIME.match(line) or _BYLINE.match(line))


# The first word of a byline (the pattern is case-sensitive).
_BYLINE_HEADS = frozenset({"by", "written", "author"})


def _meta_of(line: str, found: list[str]) -> bool:
    """_meta_line(line), given its _WORD runs: a byline starts with one of _BYLINE_HEADS."""
    if _DATE_ONLY.match(line) or _READ_TIME.match(line):
        return True
    return bool(found) and found[0] in _BYLINE_HEADS and _BYLINE.match(line) is not None


def _lines(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-blank line, its surrounding whitespace trimmed: regions start and
    end on characters. The lines are the runs between "\\n" and "\\r" (str.split finds them in C;
    re tested every character against the class [^\\n\\r], a tenth of classifying a page)."""
    out = []
    pos = 0
    for raw in (text.replace("\r", "\n") if "\r" in text else text).split("\n"):
        if raw:
            line = raw.strip()
            if line:
                # line[0] is no space: its first place in raw is where the spaces before it end.
                start = pos + raw.find(line[0])
                out.append((start, start + len(line)))
        pos += len(raw) + 1
    return out


# The first word of every _END_OF_ARTICLE line, folded as IGNORECASE folds it ("tags?:?.*" lets any
# word starting with "tag" through).
_END_HEADS = frozenset(
    "related read also see you recommended more most latest trending this helpful comment comments".split()
)


def _ends_article(line: str, found: list[str]) -> bool:
    """_END_OF_ARTICLE.match(line), given the line's _WORD runs: most lines start with no word it
    can start with."""
    if found:
        first = found[0].translate(_FOLD).lower()
        if first not in _END_HEADS and not first.startswith("tag"):
            return False
    return _END_OF_ARTICLE.match(line) is not None


def _line_words(line: str, found: list[str], folded: str) -> Collection[str]:
    """words_of(line) less _DIGIT_HEAD, as the cue words' prefilters ask them (no set made: the
    coder's sentence words are made apart, and only a line in ten is a sentence on its own): the
    line's _WORD runs folded where they are its \\w runs (ASCII, no apostrophe to join two runs,
    no underscore to join or split them)."""
    if line.isascii() and "'" not in line and "_" not in line:
        return folded.split()
    return words_of(line)


def classify_blocks(text: str) -> list[Block]:
    """Every non-blank line of the text with what it is."""
    lines = _lines(text)
    blocks: list[Block] = []
    seen: set[str] = set()
    body_started = False
    ended = False
    page = _Page(text)
    for index, (start, end) in enumerate(lines):
        if ended:
            blocks.append(Block(start, end, "after_end"))
            continue
        line = text[start:end]
        plain = line.isascii()
        if plain:
            found = _words_of_runs(line, page.runs[start:end].split())
        else:
            found = _WORD.findall(line) if end - start <= _CHUNK else _words_of_long(text, start, end, page.runs)
        words = len(found)
        prose = None  # _is_prose(line, words), asked at most once
        if body_started:
            if _ends_article(line, found):
                ended = True
                blocks.append(Block(start, end, "after_end"))
                continue
            prose = _is_prose(line, words)
            if not prose and _second_article_starts(text, lines, index):
                ended = True
                blocks.append(Block(start, end, "after_end"))
                continue
        # _fold(line): casefold maps each character alone. Only compared with the other lines': not
        # made for the last line when no line before it kept one (a one-line page).
        folded = " ".join(found).casefold() if words <= 60 or seen or index < len(lines) - 1 else None
        line_words = _line_words(line, found, folded) if words <= 60 and folded is not None else None
        at = (page.low, start, end) if plain and page.low is not None else None
        if (
            _meta_of(line, found)
            or _looks_like_menu(line, words, plain and page.printable)
            or (words <= 60 and (page.caption(start, end) if at else _may_be_caption(line)) and _CAPTION.search(line))
            or words <= 60
            and (
                _strong(line, line_words, at)
                or (
                    words <= _SHORT_BLOCK
                    and _weak(line, line_words, at)
                    and (not _ends_sentence(line) or _UI_PHRASE.search(line) is not None)
                )
            )
        ):
            kind = "furniture"
        elif not (_is_prose(line, words) if prose is None else prose):
            kind = "heading"
        elif folded is not None and folded in seen:
            kind = "repeat"
        else:
            kind = "body"
            body_started = True
        if folded:
            seen.add(folded)
        blocks.append(Block(start, end, kind))
    if blocks and all(b.kind == "heading" for b in blocks):
        # Nothing but heading-like lines, and no page furniture around them:
        # they are the article (a one-line piece such as "50 trucks enter
        # al-Bukamal | SOHR"), not the title of a missing one. Dropping them
        # would code an article as empty. (Beside menus and banners, a lone
        # heading is a teaser and stays out.)
        blocks = [Block(b.start, b.end, "body") for b in blocks]
    return blocks


def _second_article_starts(text: str, lines: list[tuple[int, int]], index: int) -> bool:
    """A heading followed (within three lines) by a date, read-time or byline
    line: the page goes on with another article."""
    for start, end in lines[index + 1 : index + 4]:
        line = text[start:end].strip()
        if _meta_line(line):
            return True
        if _is_prose(line, len(_WORD.findall(line))):
            return False
    return False


# The headline: the last heading above the body (over at most a dateline or byline), long
# enough not to be a site name or a section label, and the heading right above it when there is
# one (a title over its deck: "Militias pull out of Daraa" / "Regime forces move in where ...").
# They are not coded themselves, but what they say about the whole story counts ("Militia
# postpones its recruitment drive").
_HEADLINE_MIN_WORDS = 4
_HEADLINE_LINES = 2


def headlines(text: str, blocks: list[Block] | None = None) -> list[tuple[int, int]]:
    """The (start, end) of the title and its deck, in the text's order (none, one or two)."""
    blocks = classify_blocks(text) if blocks is None else blocks
    first_body = next((i for i, b in enumerate(blocks) if b.kind == "body"), None)
    found: list[tuple[int, int]] = []
    for block in reversed(blocks[:first_body] if first_body is not None else []):
        line = text[block.start : block.end]
        if block.kind == "furniture" and _meta_line(line) and not found:
            continue
        words = len(_WORD.findall(line))
        if block.kind != "heading" or words < _HEADLINE_MIN_WORDS or _looks_like_menu(line, words):
            break
        found.append((block.start, block.end))
        if len(found) == _HEADLINE_LINES:
            break
    return found[::-1]


def headline(text: str, blocks: list[Block] | None = None) -> tuple[int, int] | None:
    """The (start, end) of the headline (the heading nearest the body), or None."""
    found = headlines(text, blocks)
    return found[-1] if found else None


def main_regions(text: str) -> list[tuple[int, int]]:
    """The (start, end) regions of the original text that hold the main article."""
    return [(b.start, b.end) for b in classify_blocks(text) if b.kept]
