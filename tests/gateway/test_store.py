"""The store on SQLite (the default) and PostgreSQL (production): migrations, the inbox that drops
redeliveries, and which gateway process owns which worker."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest
import pytest_asyncio
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot import inbound as kinds, intake
from bot.inbound import Inbound
from bot.store.database import Store, connect, migrate
from bot.ownership import Ownership
from bot.store.models import Event, GatewayProcess, Worker

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
    assert len(await intake.store(store, [event])) == 1
    assert await intake.store(store, [event]) == set()  # not new: nothing to start on
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


@pytest.mark.asyncio
async def test_retention_erases_quiet_workers_and_old_audit_entries(store):
    import datetime as dt

    from bot.engine_client import EngineClient
    from bot.privacy.retention import purge
    from bot.store.models import AuditEntry, LogEntry, now

    await intake.store(store, [Inbound("line", "old", "k1", kinds.TEXT, text="hi"),
                               Inbound("line", "new", "k2", kinds.TEXT, text="hi")])
    async with store.write() as session:
        old = (await session.execute(select(Worker).where(Worker.channel_user_id == "old"))).scalar_one()
        old.last_seen_at = now() - dt.timedelta(days=91)
        for event in (await session.execute(select(Event))).scalars():
            event.status = "done"  # a worker with a message still to answer is not erased
        session.add(LogEntry(worker_id=old.id, direction="in", author="worker", kind="text", text="hi"))
        session.add(AuditEntry(counselor_id=1, action="view", target="1", at=now() - dt.timedelta(days=400)))
    engine = EngineClient(["http://127.0.0.1:9"])  # no engine here: the gateway's part is what is checked
    assert await purge(store, engine, dt.timedelta(days=90), dt.timedelta(days=365)) == 1
    async with store.read() as session:
        users = (await session.execute(select(Worker.channel_user_id))).scalars().all()
        audit = (await session.execute(select(AuditEntry.action))).scalars().all()
    assert users == ["new"]
    assert await count(store, Event) == 1 and await count(store, LogEntry) == 0
    assert audit == ["worker_erased"]  # the anonymous record stays; the old view entry is gone
    await engine.close()


async def processes(store, count: int = 2) -> list[Ownership]:
    """Gateway processes sharing the store, started (heartbeat rows written)."""
    owners = [Ownership(store) for _ in range(count)]
    for owner in owners:
        await owner.start()
    return owners


async def a_worker(store) -> str:
    await intake.store(store, [Inbound("line", f"U{uuid.uuid4().hex}", uuid.uuid4().hex, kinds.TEXT, text="hi")])
    async with store.read() as session:
        return (await session.execute(select(Worker.id).order_by(Worker.created_at.desc()).limit(1))).scalar_one()


@pytest.mark.asyncio
async def test_a_worker_is_handled_by_one_gateway_process_at_a_time(store):
    first, second = await processes(store)
    worker = await a_worker(store)

    assert await first.claim(worker)
    assert await first.claim(worker)  # claimed again before each event: still its own
    assert not await second.claim(worker)
    assert not await first.release_if_idle(worker)  # its message is still pending
    async with store.write() as session:
        await session.execute(update(Event).where(Event.worker_id == worker).values(status="done"))
    assert await first.release_if_idle(worker)
    assert await second.claim(worker)
    assert not await first.claim(worker)


@pytest.mark.asyncio
async def test_only_one_of_two_processes_claiming_at_once_wins(store):
    owners = await processes(store)
    worker = await a_worker(store)
    assert sorted(await asyncio.gather(*(owner.claim(worker) for owner in owners))) == [False, True]


@pytest.mark.asyncio
async def test_the_workers_of_a_silent_process_are_taken_over(store):
    killed, survivor = await processes(store)
    worker = await a_worker(store)
    assert await killed.claim(worker)
    assert not await survivor.claim(worker)

    async with store.write() as session:  # its heartbeat stopped longer ago than the expiry
        process = await session.get(GatewayProcess, killed.process_id)
        process.seen_at = process.seen_at - killed.expiry * 2

    assert await survivor.claim(worker)


@pytest.mark.asyncio
async def test_a_process_that_stops_lets_go_of_its_workers(store):
    leaving, staying = await processes(store)
    worker = await a_worker(store)
    assert await leaving.claim(worker)
    await leaving.stop()
    assert await staying.claim(worker)
    assert await count(store, GatewayProcess) == 1
