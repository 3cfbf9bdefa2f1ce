"""Erasing a worker's data, in the gateway's store and the engine's tracker store.

What stays: an anonymous audit entry that an erasure happened (channel, reason, time), nothing that
points back to the worker.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import delete, select, update

from bot.engine_client import EngineClient
from bot.privacy.log_ids import pseudonym
from bot.store.database import Store
from bot.store.models import AuditEntry, Event, LogEntry, Outgoing, Worker, now

log = logging.getLogger(__name__)

SENT_REPLIES_KEPT = dt.timedelta(minutes=10)


async def erase(store: Store, engine: EngineClient, worker_id: str, reason: str) -> None:
    """Delete the worker and everything that hangs on them (events, replies, log, handoffs, notes).

    The engine's copy goes first: when the engine is down, the worker stays marked for erasure and
    the next purge tries again (deleting the worker first would lose the id the engine knows).
    """
    if engine.can_forget and not await engine.forget(worker_id):
        log.warning("engine tracker of %s not erased yet (engine down?): retried by the purge", pseudonym(worker_id))
        async with store.write() as session:
            worker = await session.get(Worker, worker_id)
            if worker is not None:
                worker.erase_requested = True
        return
    async with store.write() as session:
        worker = await session.get(Worker, worker_id)
        if worker is None:
            return
        channel = worker.channel
        await session.delete(worker)  # the foreign keys cascade
        session.add(AuditEntry(counselor_id=None, action="worker_erased", target=None,
                               detail={"channel": channel, "reason": reason}))
    if not engine.can_forget:
        log.warning("engine tracker of %s not erased: ENGINE_TOKEN is not set", pseudonym(worker_id))


async def scrub(store: Store, engine: EngineClient, worker_id: str) -> None:
    """For a worker who declined: keep nothing once the replies are delivered.

    The events stay only as their platform ids (so a redelivery is still recognised), emptied of content.
    Sent replies go after a few minutes (the local chat page reads them from the outbox).
    """
    async with store.write() as session:
        await session.execute(delete(LogEntry).where(LogEntry.worker_id == worker_id))
        await session.execute(delete(Outgoing).where(
            Outgoing.worker_id == worker_id, Outgoing.sent_at < now() - SENT_REPLIES_KEPT))
        done = select(Event.id).where(Event.worker_id == worker_id, Event.status == "done")
        await session.execute(update(Event).where(Event.id.in_(done)).values(inbound={}))
    await engine.forget(worker_id)
