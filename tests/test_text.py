"""Text preparation: furniture left out, offsets into the original text, sentences."""

from coder.text import classify_blocks, main_regions, split_sentences
from coder.text.html import html_to_text

BODY1 = "Local residents said that a column of trucks passed through the village at dawn on Tuesday."
BODY2 = "The trucks continued east along the river road, according to the same residents."


def _page(*lines):
    return "\n".join(lines)


def test_furniture_is_left_out_and_offsets_are_original():
    text = _page(
        "Home | World | Sport | Contact",
        "We use cookies to improve your experience. Accept all",
        "A short headline about trucks",
        BODY1,
        "",
        BODY2,
        "Read more",
        "Another teaser about something",
    )
    regions = main_regions(text)
    kept = [text[a:b] for a, b in regions]
    assert kept == [BODY1, BODY2]


def test_a_short_report_using_a_menu_word_is_kept():
    # "close", "home", "share" mark a short menu line, not a sentence that uses them.
    for report in (
        "Nujaba fighters deployed close to al-Bukamal on Sunday.",
        "The Fatemiyoun fighters went home to Afghanistan last week.",
    ):
        assert [report[a:b] for a, b in main_regions(report)] == [report]
    # a call to action stays furniture even when it ends like a sentence
    page = _page(BODY1, "Click here to subscribe to our daily briefing.", BODY2)
    assert [page[a:b] for a, b in main_regions(page)] == [BODY1, BODY2]


def test_a_paragraph_repeated_is_kept_once():
    pull_quote = "Residents said the column of pickup trucks drove along the desert road near the river for an hour."
    text = _page(pull_quote, BODY1, pull_quote)
    kinds = [b.kind for b in classify_blocks(text)]
    assert kinds == ["body", "body", "repeat"]


def test_image_captions_are_furniture():
    captions = [
        "A photo released by a local outlet shows a column of pickup trucks driving along a desert road.",
        "Fighters carry flags during a parade in an undated photo. [Local Media Office]",
        "A screenshot of a video posted online on Monday shows a convoy arriving in the town.",
    ]
    text = _page(*captions, BODY1)
    kinds = [b.kind for b in classify_blocks(text)]
    assert kinds == ["furniture", "furniture", "furniture", "body"]


def test_second_article_after_the_main_one_is_cut():
    text = _page(
        BODY1,
        BODY2,
        "An unrelated story about a football final",
        "June 2, 2021",
        "4 min read",
        "The final was played in front of a full stadium and ended with a late goal from a substitute.",
    )
    assert [text[a:b] for a, b in main_regions(text)] == [BODY1, BODY2]


def test_you_might_also_like_ends_the_article():
    text = _page(BODY1, "You might also like", BODY2)
    assert [text[a:b] for a, b in main_regions(text)] == [BODY1]


def test_article_words_are_not_furniture():
    line = "A convoy of an Iran-sponsored militia entered the town on Monday, and residents shared videos of it."
    assert main_regions(line) == [(0, len(line))]


def test_sentences_with_abbreviations_initials_quotes_and_bullets():
    text = (
        "A commander known as (A.A.) met Gen. Salem in the U.S. embassy area on Jan. 5 this year. "
        "“They left,” he said. “We stayed.” Then 1.5 tonnes arrived!\n"
        "• First item of a list\n• Second item"
    )
    sentences = [text[s.start : s.end] for s in split_sentences(text)]
    assert sentences == [
        "A commander known as (A.A.) met Gen. Salem in the U.S. embassy area on Jan. 5 this year.",
        "“They left,” he said.",
        "“We stayed.”",
        "Then 1.5 tonnes arrived!",
        "First item of a list",
        "Second item",
    ]


def test_sentence_offsets_round_trip():
    text = "  One sentence here.  Two sentences here?   Three.  "
    for s in split_sentences(text):
        assert text[s.start : s.end] == text[s.start : s.end].strip() and text[s.start : s.end]


def test_html_main_text():
    html = (
        "<html><head><title>Trucks</title></head><body><nav><a href='/'>Home</a> <a>News</a></nav>"
        f"<article><h1>Trucks seen</h1><p>{BODY1}</p><p>{BODY2}</p></article>"
        "<footer>Copyright 2021. All rights reserved.</footer></body></html>"
    )
    got = html_to_text(html)
    assert BODY1 in got.text and BODY2 in got.text and "All rights reserved" not in got.text


def test_a_labelled_caption_is_furniture():
    from coder.text.furniture import classify_blocks

    text = (
        "Militia news\n\nPhoto caption: Fighters at a graduation ceremony held in al-Mayadin last year.\n\n"
        "The militia recruited 50 men in Hatla on Monday, sources said."
    )
    kinds = {text[b.start : b.end][:13]: b.kind for b in classify_blocks(text)}
    assert kinds["Photo caption"] == "furniture" and kinds["The militia r"] == "body"
