"""The store: migrations, and the inbox that drops redelivered events."""

from __future__ import annotations

import asyncio

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot import inbound as kinds, intake
from bot.inbound import Inbound
from bot.store.database import Store, connect, migrate
from bot.store.models import Event, Worker


@pytest_asyncio.fixture
async def store(tmp_path):
    database = connect(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    await migrate(database)
    await migrate(database)  # a second start finds the schema up to date
    yield Store(database)
    await database.dispose()


async def count(store, model) -> int:
    async with store.read() as session:
        return (await session.execute(select(func.count()).select_from(model))).scalar_one()


@pytest.mark.asyncio
async def test_a_redelivered_event_is_stored_once(store):
    event = Inbound("line", "U1", "01HX", kinds.TEXT, text="hi")
    assert await intake.store(store, [event]) == 1
    assert await intake.store(store, [event]) == 0
    assert await count(store, Event) == 1


@pytest.mark.asyncio
async def test_one_worker_per_channel_user_even_when_webhooks_race(store):
    events = [Inbound("telegram", "42", str(i), kinds.TEXT, text=str(i)) for i in range(10)]
    await asyncio.gather(*(intake.store(store, [e]) for e in events))
    assert await count(store, Worker) == 1
    assert await count(store, Event) == 10
    async with store.read() as session:
        worker = (await session.execute(select(Worker))).scalar_one()
    assert worker.channel_user_id == "42" and len(worker.id) == 32 and worker.id != "42"
