"""The store on SQLite (the default) and PostgreSQL (production): migrations, and the inbox that drops redeliveries."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import inbound as kinds, intake
from bot.inbound import Inbound
from bot.store.database import Store, connect, migrate
from bot.store.models import Event, Worker

# A PostgreSQL server the tests may create databases on (`make test` starts the local one).
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def store(request, tmp_path):
    admin = None
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}"
    else:
        name = f"gateway_test_{uuid.uuid4().hex[:10]}"
        admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES).set(database=name).render_as_string(hide_password=False)
    database = connect(url)
    try:
        await migrate(database)
        await migrate(database)  # a second start finds the schema up to date
        yield Store(database)
    finally:
        await database.dispose()
        if admin is not None:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE "{name}"'))
            await admin.dispose()


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
