"""Rasa's SQL tracker store, plus the erasure it lacks.

The gateway erases a worker's conversation by replacing its events with none (PUT
/conversations/<id>/tracker/events). Rasa's in-memory store then forgets it, but its SQL store only
ever appends, so the conversation would stay in PostgreSQL. Here, a tracker saved with no events
deletes the conversation's rows. Rasa never saves an empty tracker otherwise: a new conversation
starts with its session events.
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)


class ErasableSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Rasa logs a failed write's error, and SQLAlchemy's error text would carry the event (the
        # worker's message) as a bound parameter: keep parameters out of errors and logs.
        self.engine.hide_parameters = True

    async def save(self, tracker: DialogueStateTracker) -> None:
        if len(tracker.events) > 0:
            await super().save(tracker)
            return
        with self.session_scope() as session:
            deleted = session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
            session.commit()
        log.info("conversation erased (%s events)", deleted)
