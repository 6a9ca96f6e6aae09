"""The review app's keys: one table for the bindings, the footer and the help screen."""

from __future__ import annotations

# (key, action, footer label, help text); the footer shows those with a label.
KEYS = [
    ("n", "next_event", "Next", "next event (runs on into the next document)"),
    ("p", "prev_event", "Prev", "previous event"),
    ("N", "next_doc", "Doc→", "next document"),
    ("P", "prev_doc", "←Doc", "previous document"),
    ("j", "next_unreviewed", "Unreviewed", "jump to the next unreviewed event"),
    ("a", "accept", "Accept", "accept the event (then move on)"),
    ("r", "reject", "Reject", "reject: one key picks a codebook reason, or write one; moves on"),
    ("D", "duplicate", "Dup", "duplicate of another event: evidence joined, this one rejected"),
    ("e", "edit", "Edit", "edit the highlighted field (FIELD=VALUE)"),
    ("o", "other_name", "", "another actor or place the text names, for this field (or the location)"),
    ("t", "retype", "Type", "change the event type"),
    ("s", "anchor", "Anchor", "re-anchor the highlighted field's evidence to the selection"),
    ("S", "add_span", "", "add the selection as a further span of the highlighted field"),
    ("v", "select_sentence", "Sentence", "select the sentence at the cursor in the document"),
    ("right_square_bracket", "grow_end", "", "selection: one word more at its end (or the word at the cursor)"),
    ("right_curly_bracket", "shrink_end", "", "selection: one word fewer at its end"),
    ("left_square_bracket", "grow_start", "", "selection: one word more at its start"),
    ("left_curly_bracket", "shrink_start", "", "selection: one word fewer at its start"),
    ("plus", "add_event", "Add", "add an event from the selection, pre-filled by the coder"),
    ("m", "uncovered", "Uncovered", "what the coder left uncovered: unknown names, uncoded kinds"),
    ("c", "comment", "Comment", "comment on the document (shown whenever it is opened)"),
    ("d", "done", "", "mark the document reviewed (every event decided)"),
    ("u", "undo", "Undo", "undo your last decision"),
    ("question_mark", "help", "Help", "this help"),
    ("q", "quit", "Quit", "quit (every decision is already saved)"),
]


_KEY_SHOWN = {
    "plus": "+",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "left_curly_bracket": "{",
    "right_curly_bracket": "}",
}


def shown_key(key: str) -> str | None:
    return _KEY_SHOWN.get(key)
