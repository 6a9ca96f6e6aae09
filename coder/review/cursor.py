"""Where the reviewer is: a document and an event among those the filters show.

Shared by the Textual app and the plain prompt mode so both move the same
way (n/p through events across documents, N/P by document, j to the next
unreviewed event) and both save the position for resuming.
"""

from __future__ import annotations

from .core import ReviewSession
from .state import DocState, EventState


class Cursor:
    def __init__(self, session: ReviewSession):
        self.session = session
        self.doc_index = 0
        self.event_id: str | None = None
        saved = session.resume()
        if saved is not None:
            self.goto(*saved, save=False)
        else:
            self.goto_doc(0, save=False)

    # -- where ----------------------------------------------------------------------------
    @property
    def docs(self) -> list[DocState]:
        return self.session.visible_docs()

    @property
    def doc(self) -> DocState | None:
        docs = self.docs
        if not docs:
            return None
        self.doc_index = min(self.doc_index, len(docs) - 1)
        return docs[self.doc_index]

    @property
    def events(self) -> list[EventState]:
        doc = self.doc
        return self.session.visible(doc) if doc is not None else []

    @property
    def event(self) -> EventState | None:
        events = self.events
        if not events:
            return None
        found = next((e for e in events if e.id == self.event_id), None)
        if found is None:  # the event went away (an undone add): stay in the document
            found = events[0]
            self.event_id = found.id
        return found

    @property
    def event_index(self) -> int:
        events = self.events
        return next((i for i, e in enumerate(events) if e.id == self.event_id), 0)

    def _save(self, save: bool) -> None:
        if save and self.doc is not None:
            self.session.save_cursor(self.doc.id, self.event_id)

    # -- moving ---------------------------------------------------------------------------
    def goto(self, doc_id: str, event_id: str | None = None, save: bool = True) -> bool:
        for i, doc in enumerate(self.docs):
            if doc.id == doc_id:
                self.doc_index = i
                ids = [e.id for e in self.events]
                self.event_id = event_id if event_id in ids else (ids[0] if ids else None)
                self._save(save)
                return True
        return False

    def goto_doc(self, index: int, save: bool = True, last_event: bool = False) -> bool:
        docs = self.docs
        if not 0 <= index < len(docs):
            return False
        self.doc_index = index
        events = self.events
        self.event_id = (events[-1].id if last_event else events[0].id) if events else None
        self._save(save)
        return True

    def next_doc(self) -> bool:
        return self.goto_doc(self.doc_index + 1)

    def prev_doc(self) -> bool:
        return self.goto_doc(self.doc_index - 1)

    def next_event(self) -> bool:
        """The next event, running on into the next document."""
        events = self.events
        i = self.event_index
        if i + 1 < len(events):
            self.event_id = events[i + 1].id
            self._save(True)
            return True
        return self.next_doc()

    def prev_event(self) -> bool:
        events = self.events
        i = self.event_index
        if events and i > 0:
            self.event_id = events[i - 1].id
            self._save(True)
            return True
        return self.goto_doc(self.doc_index - 1, last_event=True)

    def next_unreviewed(self) -> bool:
        doc = self.doc
        found = self.session.next_unreviewed(doc.id if doc else None, self.event_id)
        if found is None:
            return False
        return self.goto(*found)

    def select(self, event_id: str) -> None:
        self.event_id = event_id
        self._save(True)
