"""The production stores' extensions: erasure in the SQL tracker store, the report of a fall-back to memory.

Against the real PostgreSQL server (`make test` starts it; TEST_POSTGRES_URL points elsewhere).
"""

from __future__ import annotations

import logging
import os
import uuid
from typing import Iterator

import psycopg2
import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.engine import make_url

from engine_stores import health
from engine_stores.sql import ErasableSQLTrackerStore

POSTGRES = make_url(os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"))


def _admin(statement: str) -> None:
    connection = psycopg2.connect(host=POSTGRES.host, port=POSTGRES.port or 5432, user=POSTGRES.username,
                                  password=POSTGRES.password or "", dbname=POSTGRES.database)
    connection.autocommit = True
    try:
        connection.cursor().execute(statement)
    finally:
        connection.close()


@pytest.fixture
def store() -> Iterator[ErasableSQLTrackerStore]:
    name = f"tracker_test_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    store = ErasableSQLTrackerStore(Domain.empty(), dialect="postgresql", host=POSTGRES.host,
                                    port=POSTGRES.port or 5432, db=name, username=POSTGRES.username,
                                    password=POSTGRES.password or "")
    try:
        yield store
    finally:
        store.engine.dispose()
        _admin(f'DROP DATABASE "{name}" WITH (FORCE)')


def conversation(sender: str, text: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(sender, [
        ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen"),
        UserUttered(text, {"name": "greet", "confidence": 1.0}),
    ])


def rows(store: ErasableSQLTrackerStore, sender: str) -> int:
    with store.session_scope() as session:
        return session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender).count()


@pytest.mark.asyncio
async def test_a_conversation_saved_without_events_is_deleted_and_no_other(store):
    await store.save(conversation("worker-a", "my salary was not paid"))
    await store.save(conversation("worker-b", "hello"))
    assert rows(store, "worker-a") == 4

    # What Rasa's PUT /conversations/<id>/tracker/events does with [] (the gateway's erasure).
    await store.save(DialogueStateTracker.from_dict("worker-a", [], Domain.empty().slots))

    assert rows(store, "worker-a") == 0
    assert await store.retrieve("worker-a") is None
    assert rows(store, "worker-b") == 4


@pytest.mark.asyncio
async def test_later_turns_are_appended_as_in_rasa(store):
    await store.save(conversation("worker-c", "hello"))
    tracker = await store.retrieve("worker-c")  # each turn starts from the stored conversation
    tracker.update(UserUttered("my passport was taken", {"name": "passport_confiscated", "confidence": 1.0}))
    await store.save(tracker)
    stored = await store.retrieve("worker-c")
    assert [e.text for e in stored.events if isinstance(e, UserUttered)] == ["hello", "my passport was taken"]


class BrokenStore(InMemoryTrackerStore):
    async def save(self, tracker: DialogueStateTracker) -> None:
        raise ConnectionError("database restarting")

    async def retrieve(self, sender_id: str):
        raise ConnectionError("database restarting")


@pytest.mark.asyncio
async def test_each_fall_back_to_memory_is_counted(caplog):
    store = FailSafeTrackerStore(BrokenStore(Domain.empty()))  # what Rasa's Agent wraps every store in
    before = health.FALLBACKS.count
    with caplog.at_level(logging.ERROR, logger="rasa.core.tracker_store"):
        await store.save(conversation("worker-d", "hello"))
        assert await store.retrieve("worker-d") is None

    assert health.FALLBACKS.count == before + 2
    assert any("Falling back" in r.getMessage() for r in caplog.records)  # the text the counter looks for


def test_the_report_names_the_store_inside_rasas_wrappers():
    class Agent:
        tracker_store = TrackerStore.create(FailSafeTrackerStore(InMemoryTrackerStore(Domain.empty())))
        lock_store = InMemoryLockStore()

    assert health.store_names(Agent()) == {"tracker_store": "InMemoryTrackerStore", "lock_store": "InMemoryLockStore"}
