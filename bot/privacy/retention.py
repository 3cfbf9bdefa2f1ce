"""The scheduled purge: workers erased some time after their last message; old audit entries dropped."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from sqlalchemy import delete, select

from bot.engine_client import EngineClient
from bot.privacy.erasure import erase, scrub
from bot.store.database import Store
from bot.store.models import AuditEntry, Event, Worker, now

log = logging.getLogger(__name__)


async def purge(store: Store, engine: EngineClient, retention: dt.timedelta, audit_retention: dt.timedelta) -> int:
    """Erase workers quiet for longer than `retention` (and those who asked); return how many."""
    moment = now()
    async with store.read() as session:
        pending = select(Event.id).where(Event.pending_of(Worker.id))
        rows = (await session.execute(
            select(Worker.id, Worker.erase_requested)
            .where((Worker.last_seen_at < moment - retention) | Worker.erase_requested)
            .where(~pending.exists())  # a message still to answer: not now
        )).all()
    due = [worker_id for worker_id, _ in rows]
    for worker_id, requested in rows:  # a requested erasure interrupted by a crash is finished here
        await erase(store, engine, worker_id, "worker request" if requested else "retention period")
    async with store.read() as session:
        declined = (await session.execute(
            select(Worker.id).where(Worker.consent == "declined", Worker.mode == "bot"))).scalars().all()
    for worker_id in declined:
        await scrub(store, engine, worker_id)
    async with store.write() as session:
        await session.execute(delete(AuditEntry).where(AuditEntry.at < moment - audit_retention))
    if due:
        log.info("retention: %d workers erased", len(due))
    return len(due)


async def run_purges(store: Store, engine: EngineClient, retention: dt.timedelta, audit_retention: dt.timedelta,
                     every: float = 3600.0) -> None:
    while True:
        try:
            await purge(store, engine, retention, audit_retention)
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(every)
