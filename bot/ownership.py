"""Which gateway process handles which worker, so that one worker's messages are handled in order.

Several gateway processes may receive one worker's messages (a load balancer in front of them). The
process that starts on a worker's messages becomes its owner (workers.owner) and keeps it while it
has messages or replies for the worker; the others leave the worker alone. A process is alive while
its heartbeat (gateway_processes.seen_at) is fresh: the workers of a process that was killed are
taken over by the others once its heartbeat is `expiry` old. The claim is one conditional UPDATE,
so it works the same on SQLite (one process) and PostgreSQL (several).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import uuid

from sqlalchemy import delete, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from bot.store.database import Store
from bot.store.models import Event, GatewayProcess, Outgoing, Worker, now

log = logging.getLogger(__name__)

HEARTBEAT = dt.timedelta(seconds=2)
EXPIRY = dt.timedelta(seconds=10)  # a process silent this long is dead: its workers can be claimed
FORGET_AFTER = dt.timedelta(days=1)  # rows of processes gone this long are removed


class Ownership:
    def __init__(self, store: Store, expiry: dt.timedelta = EXPIRY) -> None:
        self.store = store
        self.expiry = expiry
        self.process_id = str(uuid.uuid4())

    async def start(self) -> None:
        async with self.store.write() as session:
            if session.bind.dialect.name == "sqlite":  # one process only: owners left by a crash are gone
                await session.execute(update(Worker).where(Worker.owner.is_not(None)).values(owner=None))
            session.add(GatewayProcess(id=self.process_id))

    async def run_heartbeat(self) -> None:
        while True:
            await asyncio.sleep(HEARTBEAT.total_seconds())
            try:
                async with self.store.write() as session:
                    await session.execute(update(GatewayProcess).where(GatewayProcess.id == self.process_id)
                                          .values(seen_at=now()))
                    await session.execute(delete(GatewayProcess).where(GatewayProcess.seen_at < now() - FORGET_AFTER))
            except Exception:  # the store is restarting: the next beat will tell
                log.warning("heartbeat not recorded", exc_info=True)

    def claimable(self) -> ColumnElement[bool]:
        """True for a worker no live process but this one owns."""
        alive = select(GatewayProcess.id).where(GatewayProcess.seen_at > now() - self.expiry,
                                                GatewayProcess.id != self.process_id)
        return or_(Worker.owner.is_(None), Worker.owner.not_in(alive))

    async def claim(self, worker_id: str) -> bool:
        """Own this worker, unless a live process does; True when this process owns them now."""
        result = await self.store.run(
            update(Worker).where(Worker.id == worker_id, self.claimable()).values(owner=self.process_id))
        return result.rowcount == 1

    async def release_if_idle(self, worker_id: str) -> bool:
        """Let the worker go unless events or replies of theirs are waiting; True when let go.

        One statement. An event another process stores meanwhile is mostly either seen here (the
        worker kept) or stored after the release (that process claims the worker itself). On
        PostgreSQL, a release that waited for that process's row lock checks for waiting events as
        they were before it waited, so it may let go of a worker with a new event that nobody
        claimed; the next poll (POLL_SECONDS, 1 s) of any process picks it up.
        """
        waiting_event = select(Event.id).where(Event.pending_of(worker_id)).exists()
        unsent_reply = select(Outgoing.id).where(Outgoing.unsent_of(worker_id)).exists()
        result = await self.store.run(
            update(Worker).where(Worker.id == worker_id, Worker.owner == self.process_id, ~waiting_event, ~unsent_reply)
            .values(owner=None))
        return result.rowcount == 1

    async def stop(self) -> None:
        """A clean stop: let the others take this process's workers at once."""
        async with self.store.write() as session:
            await session.execute(update(Worker).where(Worker.owner == self.process_id).values(owner=None)
                                  .execution_options(synchronize_session=False))
            await session.execute(delete(GatewayProcess).where(GatewayProcess.id == self.process_id))
