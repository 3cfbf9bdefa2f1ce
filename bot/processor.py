"""Work through the inbox: each worker's events one at a time, in order; different workers in parallel.

For one event: the handler decides the answer (the engine may be down: then the event waits and is
retried, and after a few seconds the worker gets a short "one moment" note); the event is marked done
in the same transaction that writes its replies to the outbox and the message log; then the outbox is
sent. After a crash, pending events and unsent replies are simply still there: they are picked up at
start. Telegram has no idempotency key, so a crash between sending and recording it can repeat one
message; LINE pushes carry a retry key and are never doubled.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from typing import Mapping, Optional

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import Delivery, RetryLater, Sender, Undeliverable
from bot.engine_client import EngineUnavailable
from bot.handler import Handler
from bot.inbound import Inbound
from bot.replies import Reply
from bot.store.models import Event, LogEntry, Outgoing, Worker, now
from content import notices

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
MAX_FAILURES = 3  # an event that fails this often for another reason than the engine gets an apology
RETRY_SECONDS = (0.5, 1, 2, 4, 8)  # then every 8 s


def backoff(attempt: int) -> float:
    return RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]


class Processor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        handler: Handler,
        senders: Mapping[str, Sender],
        one_moment_after: float = 4.0,
    ) -> None:
        self.sessions = sessions
        self.handler = handler
        self.senders = senders
        self.one_moment_after = one_moment_after
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task] = {}

    def wake(self) -> None:
        """New events are stored: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            try:
                await self.dispatch()
            except Exception:  # the store is unreachable (e.g. PostgreSQL restarting): try again
                log.exception("dispatch failed")
            try:
                await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
            except asyncio.TimeoutError:
                pass
            self._wake.clear()

    async def dispatch(self) -> None:
        async with self.sessions() as session:
            waiting = set((await session.execute(
                select(Event.worker_id).where(Event.status == "pending").distinct()
            )).scalars())
            waiting |= set((await session.execute(
                select(Outgoing.worker_id).where(Outgoing.sent_at.is_(None)).distinct()
            )).scalars())
        for worker_id in waiting - self._busy.keys():
            self._busy[worker_id] = asyncio.create_task(self._drain(worker_id))

    async def idle(self) -> None:
        """Wait until every worker's queue is empty (for tests and a clean shutdown)."""
        while self._busy:
            await asyncio.gather(*self._busy.values(), return_exceptions=True)

    async def _drain(self, worker_id: str) -> None:
        try:
            while True:
                await self._deliver(worker_id)
                event_id = await self._next_event(worker_id)
                if event_id is None:
                    return
                await self._process(event_id)
        except Exception:
            log.exception("worker queue stopped; retried at the next poll")
        finally:
            self._busy.pop(worker_id, None)

    async def _next_event(self, worker_id: str) -> Optional[int]:
        async with self.sessions() as session:
            return (await session.execute(
                select(Event.id).where(Event.worker_id == worker_id, Event.status == "pending")
                .order_by(Event.id).limit(1)
            )).scalar_one_or_none()

    async def _process(self, event_id: int) -> None:
        async with self.sessions() as session:
            event = await session.get(Event, event_id)
            worker = await session.get(Worker, event.worker_id)
        inbound = Inbound.from_dict(event.inbound)
        sender = self.senders.get(inbound.channel)
        if sender is not None:
            if worker.language is None:
                inbound = dataclasses.replace(inbound, language_hint=await sender.language_hint(inbound))
            await sender.working(inbound)
        attempt = failures = 0
        while True:
            try:
                replies = await self.handler.handle(worker, inbound)
                break
            except EngineUnavailable as error:
                log.warning("engine unavailable (%s); event %s waits", error, event_id)
                await self._one_moment(event_id, worker)
                await asyncio.sleep(backoff(attempt))
                attempt += 1
            except Exception:  # a bug: never leave the worker in silence, never block their queue
                log.exception("event %s could not be handled", event_id)
                failures += 1
                if failures >= MAX_FAILURES:
                    replies = [Reply(self.handler.renderer.notice(worker.language, notices.UNREADABLE))]
                    break
                await asyncio.sleep(backoff(failures))
        await self._finish(event_id, worker, inbound, replies)

    async def _one_moment(self, event_id: int, worker: Worker) -> None:
        """Tell a worker who has waited a few seconds that the answer is coming (once per event)."""
        async with self.sessions() as session, session.begin():
            event = await session.get(Event, event_id)
            event.attempts += 1
            waited = (now() - _aware(event.received_at)).total_seconds()
            if event.waiting_note_sent or waited < self.one_moment_after:
                return
            event.waiting_note_sent = True
            note = Reply(self.handler.renderer.notice(worker.language, notices.ONE_MOMENT))
            session.add(self._outgoing(event, worker, [note]))
        await self._deliver(worker.id)

    async def _finish(self, event_id: int, worker: Worker, inbound: Inbound, replies: list[Reply]) -> None:
        async with self.sessions() as session, session.begin():
            event = await session.get(Event, event_id)
            stored = await session.get(Worker, worker.id)
            stored.language, stored.language_chosen = worker.language, worker.language_chosen
            stored.mode, stored.last_seen_at = worker.mode, now()
            event.status, event.processed_at = "done", now()
            session.add(LogEntry(worker_id=worker.id, direction="in", author="worker", kind=inbound.kind,
                                 text=inbound.text, language=worker.language))
            for reply in replies:
                session.add(LogEntry(worker_id=worker.id, direction="out", author="bot", kind="text",
                                     text=reply.text, language=worker.language))
            if replies:
                session.add(self._outgoing(event, worker, replies, to=inbound.chat_id))

    def _outgoing(self, event: Event, worker: Worker, replies: list[Reply], to: Optional[str] = None) -> Outgoing:
        inbound = Inbound.from_dict(event.inbound)
        token = None if event.reply_token_used else inbound.reply_token
        event.reply_token_used = event.reply_token_used or token is not None
        return Outgoing(worker_id=worker.id, event_id=event.id, messages={"replies": [r.to_dict() for r in replies]},
                        reply_token=token, reply_token_expires=inbound.reply_token_expires if token else None, to=to)

    async def _deliver(self, worker_id: str) -> None:
        """Send the worker's unsent replies, oldest first; progress is saved after each platform call."""
        async with self.sessions() as session:
            rows = (await session.execute(
                select(Outgoing).where(Outgoing.worker_id == worker_id, Outgoing.sent_at.is_(None))
                .order_by(Outgoing.id)
            )).scalars().all()
            worker = await session.get(Worker, worker_id)
        for row in rows:
            await self._deliver_row(worker, row)

    async def _deliver_row(self, worker: Worker, row: Outgoing) -> None:
        replies = [Reply.from_dict(r) for r in row.messages["replies"]]
        sender = self.senders.get(worker.channel)
        if sender is None:  # the local web chat has no platform: its page reads the message log
            await self._record_progress(row.id, len(replies))
            return
        delivery = Delivery(worker.channel_user_id, row.retry_key, row.reply_token, row.reply_token_expires, row.to)
        sent, attempt = row.sent_count, 0
        while sent < len(replies):
            batch = replies[sent:sent + sender.batch_size]
            try:
                await sender.send(batch, delivery, sent)
                sent += len(batch)
            except RetryLater as error:
                log.warning("delivery postponed: %s", error)
                await asyncio.sleep(backoff(attempt))
                attempt += 1
                continue
            except Undeliverable as error:
                log.warning("delivery refused for good: %s", error)
                sent = len(replies)
            await self._record_progress(row.id, sent)

    async def _record_progress(self, row_id: int, sent: int) -> None:
        async with self.sessions() as session, session.begin():
            row = await session.get(Outgoing, row_id)
            row.sent_count, row.attempts = sent, row.attempts + 1
            if sent >= len(row.messages["replies"]):
                row.sent_at = now()


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes even for timezone-aware columns; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
