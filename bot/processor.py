"""Work through the inbox: each worker's events one at a time, in order; different workers in parallel.

For one event: the handler decides the answer. If the engine is down, the event waits (one probe
watches the engine for everyone, so a thousand waiting workers do not hammer it or the store) and
is retried when it is back; a worker who has waited a few seconds, because the engine is down or
just slow, gets a "one moment" note once. The event is marked done in the same transaction that
writes its replies to the outbox and the message log; then the outbox is sent. After a crash,
pending events and unsent replies are still in the store and are picked up at start. Telegram has
no idempotency key, so a crash between sending and recording it can repeat one message; LINE
pushes carry a retry key and are never doubled.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
from typing import Mapping, Optional

from sqlalchemy import func, select

from bot import inbound as kinds, router
from bot.delivery import Delivery, RetryLater, Sender, Undeliverable
from bot.engine_client import EngineUnavailable
from bot.handler import Handler
from bot.inbound import Inbound
from bot.privacy import erasure
from bot.replies import Reply
from bot.store.database import Store
from bot.store.models import Event, LogEntry, Outgoing, Worker, now, utc
from content import notices

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
PROBE_SECONDS = 1.0
RETRY_SECONDS = (0.5, 1, 2, 4, 8)  # then every 8 s
MAX_FAILURES = 3  # an event that fails this often for another reason than the engine gets an apology
MAX_PARALLEL = 32  # workers handled at the same time
LOG_READ_CHANNELS = frozenset({"web"})  # no platform to send to: the page reads the outbox itself
FLOOD_MESSAGES = 8  # more than this many messages from one worker ...
FLOOD_WINDOW = dt.timedelta(seconds=10)  # ... in this long is a flood: one polite notice, nothing dropped
FLOOD_QUIET = dt.timedelta(minutes=1)  # at most one such notice per minute


def backoff(attempt: int) -> float:
    return RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]


class Processor:
    def __init__(
        self,
        store: Store,
        handler: Handler,
        senders: Mapping[str, Sender],
        one_moment_after: float = 4.0,
    ) -> None:
        self.store = store
        self.handler = handler
        self.senders = senders
        self.one_moment_after = one_moment_after
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task] = {}
        self._slots = asyncio.Semaphore(MAX_PARALLEL)
        self._engine_up = asyncio.Event()
        self._engine_up.set()
        self._probe: Optional[asyncio.Task] = None

    def wake(self) -> None:
        """New events are stored: look now rather than at the next poll."""
        self._wake.set()

    async def run(self) -> None:
        try:
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
        finally:
            await self._stop_workers()

    async def _stop_workers(self) -> None:
        tasks = [*self._busy.values(), *([self._probe] if self._probe else [])]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def dispatch(self) -> None:
        async with self.store.read() as session:
            waiting = set((await session.execute(
                select(Event.worker_id).where(Event.status == "pending").distinct()
            )).scalars())
            waiting |= set((await session.execute(
                select(Outgoing.worker_id).where(Outgoing.sent_at.is_(None)).distinct()
            )).scalars())
        for worker_id in waiting - self._busy.keys():
            self._busy[worker_id] = asyncio.create_task(self._drain(worker_id))

    async def _drain(self, worker_id: str) -> None:
        try:
            async with self._slots:
                while True:
                    await self._deliver(worker_id)
                    event_id = await self._next_event(worker_id)
                    if event_id is None:
                        return
                    await self._process(event_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker queue stopped; retried at the next poll")
        finally:
            self._busy.pop(worker_id, None)

    async def _next_event(self, worker_id: str) -> Optional[int]:
        async with self.store.read() as session:
            return (await session.execute(
                select(Event.id).where(Event.worker_id == worker_id, Event.status == "pending")
                .order_by(Event.id).limit(1)
            )).scalar_one_or_none()

    async def _process(self, event_id: int) -> None:
        async with self.store.read() as session:
            event = await session.get(Event, event_id)
            worker = await session.get(Worker, event.worker_id)
        inbound = Inbound.from_dict(event.inbound)
        sender = self.senders.get(inbound.channel)
        if sender is not None and inbound.kind != kinds.GROUP:
            try:
                if worker.language is None:
                    inbound = dataclasses.replace(inbound, language_hint=await sender.language_hint(inbound))
                await sender.working(inbound)
            except Exception:  # a courtesy (typing, profile): never a reason to fail the event
                log.warning("typing indicator or profile lookup failed", exc_info=True)
        async with self.store.read() as session:  # a counselor may have resolved or claimed meanwhile
            worker.mode = (await session.get(Worker, worker.id)).mode
        waited = (now() - utc(event.received_at)).total_seconds()
        note = asyncio.create_task(self._one_moment_after(event_id, worker, self.one_moment_after - waited))
        try:
            replies = await self._answer(event_id, worker, inbound)
        finally:
            note.cancel()
            await asyncio.gather(note, return_exceptions=True)
        if await self._flooding(worker):
            replies = [self.handler.notice(worker, notices.SLOW_DOWN), *replies]
        await self._finish(event_id, worker, inbound, replies)
        if router.route(worker) == router.HUMAN:
            await self.handler.handoffs.notify()  # the console shows the worker's new message
        await self._after_delivery(worker)

    async def _flooding(self, worker: Worker) -> bool:
        """Many messages in a short time: say once that all of them will be answered, in order."""
        moment = now()
        async with self.store.read() as session:
            recent = (await session.execute(select(func.count()).select_from(Event).where(
                Event.worker_id == worker.id, Event.received_at >= moment - FLOOD_WINDOW))).scalar_one()
        noticed = worker.slowed_down_at is not None and moment - utc(worker.slowed_down_at) < FLOOD_QUIET
        if recent <= FLOOD_MESSAGES or noticed:
            return False
        worker.slowed_down_at = moment
        return True

    async def _after_delivery(self, worker: Worker) -> None:
        """The worker's privacy choices, once their replies are out: erase, or keep nothing."""
        keeps_nothing = worker.consent == "declined" and router.route(worker) == router.BOT  # urgent: kept
        if not (worker.erase_requested or keeps_nothing):
            return
        await self._deliver(worker.id)
        if worker.erase_requested:
            await erasure.erase(self.store, self.handler.engine, worker.id, "worker request")
        else:
            await erasure.scrub(self.store, self.handler.engine, worker.id)

    async def _answer(self, event_id: int, worker: Worker, inbound: Inbound) -> list[Reply]:
        failures = 0
        while True:
            await self._engine_up.wait()
            try:
                return await self.handler.handle(worker, inbound)
            except EngineUnavailable as error:
                log.warning("engine unavailable (%s); event %s waits", error, event_id)
                failures += error.failed  # an engine that is up but fails on this message: not forever
                if failures >= MAX_FAILURES:
                    return [self.handler.notice(worker, notices.UNREADABLE)]
                self._engine_down()
            except Exception:  # a bug: never leave the worker in silence, never block their queue
                log.exception("event %s could not be handled", event_id)
                failures += 1
                if failures >= MAX_FAILURES:
                    return [self.handler.notice(worker, notices.UNREADABLE)]
                await asyncio.sleep(backoff(failures))

    def _engine_down(self) -> None:
        if self._engine_up.is_set():
            self._engine_up.clear()
            self._probe = asyncio.create_task(self._watch_engine())

    async def _watch_engine(self) -> None:
        await asyncio.sleep(PROBE_SECONDS)
        while not await self.handler.engine.ready():
            await asyncio.sleep(PROBE_SECONDS)
        log.info("engine back: waiting events continue")
        self._engine_up.set()

    async def _one_moment_after(self, event_id: int, worker: Worker, delay: float) -> None:
        """If the answer is not ready after `delay` seconds, tell the worker it is coming (once per event)."""
        await asyncio.sleep(max(0.0, delay))
        async with self.store.write() as session:
            event = await session.get(Event, event_id)
            if event.waiting_note_sent or event.status != "pending":
                return
            event.waiting_note_sent = True
            note = self.handler.notice(worker, notices.ONE_MOMENT)
            session.add(self._outgoing(event, worker, [note]))
        await self._deliver(worker.id)

    async def _finish(self, event_id: int, worker: Worker, inbound: Inbound, replies: list[Reply]) -> None:
        async with self.store.write() as session:
            event = await session.get(Event, event_id)
            stored = await session.get(Worker, worker.id)
            # mode belongs to the handoff service; the rest is what handling this event decided
            stored.language, stored.consent, stored.last_seen_at = worker.language, worker.consent, now()
            stored.erase_requested, stored.slowed_down_at = worker.erase_requested, worker.slowed_down_at
            event.status, event.processed_at = "done", now()
            if worker.consent != "declined" or router.route(worker) == router.HUMAN:
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
                        reply_token=token, reply_token_expires=inbound.reply_token_expires if token else None,
                        to=to or inbound.chat_id)

    async def _deliver(self, worker_id: str) -> None:
        """Send the worker's unsent replies, oldest first; progress is saved after each platform call."""
        async with self.store.read() as session:
            rows = (await session.execute(
                select(Outgoing).where(Outgoing.worker_id == worker_id, Outgoing.sent_at.is_(None))
                .order_by(Outgoing.id)
            )).scalars().all()
            worker = await session.get(Worker, worker_id)
        for row in rows:
            await self._deliver_row(worker, row)

    async def _deliver_row(self, worker: Worker, row: Outgoing) -> None:
        replies = [Reply.from_dict(r) for r in row.messages["replies"]]
        if worker.channel in LOG_READ_CHANNELS:
            await self._record_progress(row.id, len(replies))
            return
        sender = self.senders.get(worker.channel)
        if sender is None:  # the channel is switched off: keep the replies until it is back
            log.warning("no sender for channel %s: replies kept", worker.channel)
            return
        delivery = Delivery(worker.channel_user_id, row.retry_key, row.reply_token, row.reply_token_expires, row.to,
                            tried_before=row.attempts > 0)
        await self._record_progress(row.id, row.sent_count)  # counts the attempt before it is made
        sent, attempt = row.sent_count, 0
        while sent < len(replies):
            batch = replies[sent:sent + sender.batch_size]
            try:
                await sender.send(batch, delivery, sent)
                sent += len(batch)
            except RetryLater as error:
                log.warning("delivery postponed: %s", error)
                await asyncio.sleep(max(backoff(attempt), error.retry_after))
                attempt += 1
                continue
            except Undeliverable as error:
                log.warning("delivery refused for good: %s", error)
                sent = len(replies)
            await self._record_progress(row.id, sent)

    async def _record_progress(self, row_id: int, sent: int) -> None:
        async with self.store.write() as session:
            row = await session.get(Outgoing, row_id)
            row.sent_count, row.attempts = sent, row.attempts + 1
            if sent >= len(row.messages["replies"]):
                row.sent_at = now()

