"""Work through the inbox: each worker's events one at a time, in order; different workers in parallel.

For one event: the handler decides the answer. If the engine is down, the event waits (one probe
watches the engine for everyone, so a thousand waiting workers do not hammer it or the store) and
is retried when it is back; a worker who has waited a few seconds, because the engine is down or
just slow, gets a "one moment" note once. The event is marked done in the same transaction that
writes its replies to the outbox and the message log; then the outbox is sent. After a crash,
pending events and unsent replies are still in the store and are picked up at start. Telegram has
no idempotency key, so a crash between sending and recording it can repeat one message; LINE
pushes carry a retry key and are never doubled. With several gateway processes, a worker's
messages are handled by one process at a time, the worker's owner (bot/ownership.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Optional, Union

from sqlalchemy import Select, case, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import inbound as kinds, intake, router
from bot.delivery import Delivery, RetryLater, Sender, Undeliverable
from bot.engine_client import EngineUnavailable
from bot.handler import Handler
from bot.inbound import Inbound
from bot.ownership import Ownership
from bot.privacy import erasure
from bot.replies import Reply
from bot.store.database import Store
from bot.store.models import Event, LogEntry, Outgoing, Worker, now, utc
from content import notices

log = logging.getLogger(__name__)

POLL_SECONDS = 1.0
PROBE_SECONDS = 1.0
RETRY_SECONDS = (0.5, 1, 2, 4, 8)  # then every 8 s
WORKING_AFTER = 1.0  # seconds before "typing..." is shown: a quick answer needs none (and saves a call)
MAX_FAILURES = 3  # an event that fails this often for another reason than the engine gets an apology
MAX_PARALLEL = 32  # workers handled at the same time
LOG_READ_CHANNELS = frozenset({"web"})  # no platform to send to: the page reads the outbox itself
FLOOD_MESSAGES = 8  # more than this many messages from one worker ...
FLOOD_WINDOW = dt.timedelta(seconds=10)  # ... in this long is a flood: one polite notice, nothing dropped
FLOOD_QUIET = dt.timedelta(minutes=1)  # at most one such notice per minute


@dataclass
class Work:
    """What a worker's queue holds next: replies not yet sent, then the oldest pending event."""

    worker: Optional[Worker]  # None: erased
    unsent: list[Outgoing]
    event: Optional[Event]
    recent: int  # the worker's events in the last FLOOD_WINDOW


def unsent_replies(worker_id: str) -> Select:
    """The worker's outbox rows not yet (all) delivered, oldest first."""
    return select(Outgoing).where(Outgoing.unsent_of(worker_id)).order_by(Outgoing.id)


def outbox_row(worker_id: str, event_id: int, inbound: Inbound, replies: list[Reply],
               token_used: bool) -> dict[str, Any]:
    """An outbox row's values; it takes the event's LINE reply token unless a "one moment" note took it."""
    token = None if token_used else inbound.reply_token
    return dict(worker_id=worker_id, event_id=event_id, messages={"replies": [r.to_dict() for r in replies]},
                reply_token=token, reply_token_expires=inbound.reply_token_expires if token else None,
                to=inbound.chat_id, retry_key=str(uuid.uuid4()), sent_count=0, created_at=now())


def backoff(attempt: int) -> float:
    return RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]


class Processor:
    def __init__(
        self,
        store: Store,
        handler: Handler,
        senders: Mapping[str, Sender],
        owners: Ownership,
        one_moment_after: float = 4.0,
    ) -> None:
        self.store = store
        self.owners = owners
        self.handler = handler
        self.senders = senders
        self.one_moment_after = one_moment_after
        self._wake = asyncio.Event()
        self._busy: dict[str, asyncio.Task] = {}
        self._again: set[str] = set()  # workers whose running queue got a new event
        self._slots = asyncio.Semaphore(MAX_PARALLEL)
        self._engine_up = asyncio.Event()
        self._engine_up.set()
        self._probe: Optional[asyncio.Task] = None

    def wake(self) -> None:
        """Replies were queued (a counselor, a timer): look now rather than at the next poll."""
        self._wake.set()

    async def receive(self, events: list[Inbound]) -> None:
        """Store the events before the webhook is acknowledged; start at once on the workers this process owns."""
        for worker_id in await intake.store(self.store, events, self.owners):
            self._start(worker_id, claimed=True)

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
        for worker_id in await self._waiting():
            self._start(worker_id)

    def _start(self, worker_id: str, claimed: bool = False) -> None:
        if worker_id in self._busy:
            self._again.add(worker_id)  # its queue is being worked through: it looks again before stopping
        else:
            self._busy[worker_id] = asyncio.create_task(self._drain(worker_id, claimed))

    async def _waiting(self) -> set[str]:
        """Workers with pending events or unsent replies."""
        events = select(Event.worker_id).where(Event.status == "pending").distinct()
        replies = select(Outgoing.worker_id).where(Outgoing.sent_at.is_(None)).distinct()
        async with self.store.read() as session:
            return set((await session.execute(events)).scalars()) | set((await session.execute(replies)).scalars())

    async def _drain(self, worker_id: str, claimed: bool) -> None:
        """Send the worker's unsent replies and handle their events in order, while this process owns them."""
        try:
            async with self._slots:
                if not (claimed or await self.owners.claim(worker_id)):
                    return  # another gateway process is working through this worker's queue
                while True:
                    self._again.discard(worker_id)
                    work = await self._next(worker_id)
                    if work.worker is None:
                        return  # erased meanwhile
                    for row in work.unsent:
                        if not await self._deliver_row(work.worker, row):
                            return  # its channel is switched off here: the poll tries again
                    if work.event is not None and not await self._process(work):
                        return  # fenced: another process took the worker over
                    if worker_id not in self._again and await self.owners.release_if_idle(worker_id):
                        if worker_id not in self._again:  # (one received while letting go: ours again)
                            return
                    if not await self.owners.claim(worker_id):  # more came meanwhile: still ours, unless taken
                        return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("worker queue stopped; retried at the next poll")
        finally:
            self._busy.pop(worker_id, None)

    async def _next(self, worker_id: str) -> Work:
        """One query for the next step (and one more when replies are unsent): unsent replies first, then
        the oldest pending event."""
        oldest = select(func.min(Event.id)).where(Event.pending_of(worker_id))
        recent = select(func.count()).select_from(Event).where(
            Event.worker_id == worker_id, Event.received_at >= now() - FLOOD_WINDOW)
        unsent = select(Outgoing.id).where(Outgoing.unsent_of(worker_id)).exists()
        async with self.store.read() as session:
            found = (await session.execute(
                select(Worker, Event, unsent, recent.scalar_subquery())
                .outerjoin(Event, Event.id == oldest.scalar_subquery())
                .where(Worker.id == worker_id)
            )).first()
            if found is None:
                return Work(None, [], None, 0)  # erased meanwhile
            worker, event, any_unsent, count = found
            rows = (await session.execute(unsent_replies(worker_id))).scalars().all() if any_unsent else []
        return Work(worker, list(rows), event, count)

    async def _process(self, work: Work) -> bool:
        """Answer one event; False when another process owns the worker now (nothing was recorded)."""
        event, worker = work.event, work.worker
        inbound = Inbound.from_dict(event.inbound)
        sender = self.senders.get(inbound.channel)
        answered = asyncio.Event()
        courtesy: Optional[asyncio.Task] = None
        if sender is not None and inbound.kind != kinds.GROUP:
            if worker.language is None:
                inbound = dataclasses.replace(inbound, language_hint=await self._hint(sender, inbound))
            courtesy = asyncio.create_task(self._courtesies(sender, inbound, answered))
        if work.unsent or worker.language is None:  # time went by on the platform: a counselor may have claimed
            async with self.store.read() as session:
                worker.mode = (await session.execute(select(Worker.mode).where(Worker.id == worker.id))).scalar_one()
        waited = (now() - utc(event.received_at)).total_seconds()
        # The note is for an answer still being worked out: one that waited in line but is answered at
        # once needs none (and under a burst, notes would double the work and the line would grow).
        delay = max(self.one_moment_after - waited, WORKING_AFTER)
        note = asyncio.create_task(self._one_moment_after(event.id, worker, delay))
        try:
            replies = await self._answer(event.id, worker, inbound)
        finally:
            answered.set()
            note.cancel()
            await asyncio.gather(note, return_exceptions=True)
        if self._flooding(worker, work.recent):
            replies = [self.handler.notice(worker, notices.SLOW_DOWN), *replies]
        row = await self._finish(event.id, worker, inbound, replies)
        if row is False:
            return False
        if courtesy is not None:
            await courtesy  # never after the answer: "typing..." would stay on
        if row is not None:
            await self._send_queued(worker, row)
        if router.route(worker) == router.HUMAN:
            await self.handler.handoffs.notify()  # the console shows the worker's new message
        await self._after_delivery(worker)
        return True

    @staticmethod
    async def _hint(sender: Sender, inbound: Inbound) -> Optional[str]:
        try:
            return await sender.language_hint(inbound)
        except Exception:  # a courtesy: never a reason to fail the event
            log.warning("profile lookup failed", exc_info=True)
            return None

    @staticmethod
    async def _courtesies(sender: Sender, inbound: Inbound, answered: asyncio.Event) -> None:
        """Acknowledge at once; show "typing..." only if the answer is not ready after WORKING_AFTER s."""
        try:
            await sender.acknowledge(inbound)
            try:
                await asyncio.wait_for(answered.wait(), WORKING_AFTER)
            except asyncio.TimeoutError:
                await sender.working(inbound)
        except Exception:  # a courtesy: never a reason to fail the event
            log.warning("acknowledgement or typing indicator failed", exc_info=True)

    @staticmethod
    def _flooding(worker: Worker, recent: int) -> bool:
        """Many messages in a short time: say once that all of them will be answered, in order."""
        moment = now()
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
        note = self.handler.notice(worker, notices.ONE_MOMENT)
        async with self.store.transaction() as connection:
            ours = select(Worker.id).where(Worker.id == worker.id, Worker.owner == self.owners.process_id).exists()
            inbound = (await connection.execute(
                update(Event).where(Event.id == event_id, Event.status == "pending", ~Event.waiting_note_sent, ours)
                .values(waiting_note_sent=True, reply_token_used=True)  # the note takes the reply token
                .returning(Event.inbound))).scalar_one_or_none()
            if inbound is None:
                return  # answered meanwhile, or no longer this process's worker
            row = await self._queue(connection, outbox_row(worker.id, event_id, Inbound.from_dict(inbound), [note],
                                                           token_used=False))
        await self._send_queued(worker, row)

    async def _finish(self, event_id: int, worker: Worker, inbound: Inbound,
                      replies: list[Reply]) -> Union[Outgoing, None, Literal[False]]:
        """Record the event as done with its replies, in one transaction; the outbox row is returned, sent next.

        False, and nothing recorded, when this process no longer owns the worker: its heartbeat
        lapsed and another process took over (and answers the event itself). This runs for every
        message, so it is up to four Core statements, not the ORM's unit of work.
        """
        async with self.store.transaction() as connection:
            # Only the worker's owner records the answer; mode belongs to the handoff service, the rest is
            # what handling this event decided.
            mode = (await connection.execute(
                update(Worker).where(Worker.id == worker.id, Worker.owner == self.owners.process_id)
                .values(language=worker.language, consent=worker.consent, last_seen_at=now(),
                        erase_requested=worker.erase_requested, slowed_down_at=worker.slowed_down_at)
                .returning(Worker.mode))).scalar_one_or_none()
            if mode is None:
                log.warning("another gateway process took the worker over: its answer stands")
                return False
            worker.mode = mode
            token_used = (await connection.execute(
                update(Event).where(Event.id == event_id).values(status="done", processed_at=now())
                .returning(Event.reply_token_used))).scalar_one()
            if worker.consent != "declined" or router.route(worker) == router.HUMAN:
                entries = [dict(direction="in", author="worker", kind=inbound.kind, text=inbound.text)]
                entries += [dict(direction="out", author="bot", kind="text", text=r.text) for r in replies]
                await connection.execute(insert(LogEntry), [
                    dict(e, worker_id=worker.id, language=worker.language, created_at=now()) for e in entries])
            if not replies:
                return None
            return await self._queue(connection, outbox_row(worker.id, event_id, inbound, replies, token_used))

    @staticmethod
    async def _queue(connection: AsyncConnection, row: dict[str, Any]) -> Outgoing:
        """Add a row to the outbox. Unless older rows of the worker's wait, it is sent right after the commit:
        counted as attempted now (saves a write before sending)."""
        older = select(Outgoing.id).where(Outgoing.unsent_of(row["worker_id"])).exists()
        row["id"], row["attempts"] = (await connection.execute(
            insert(Outgoing).values(**row, attempts=case((older, 0), else_=1))
            .returning(Outgoing.id, Outgoing.attempts))).one()
        return Outgoing(**row)

    async def _send_queued(self, worker: Worker, row: Outgoing) -> None:
        """Send a row just queued; or, when older rows wait, the worker's rows in order."""
        if row.attempts:
            await self._deliver_row(worker, row, counted=True)
        else:
            await self._deliver(worker.id)

    async def _deliver(self, worker_id: str) -> None:
        """Send the worker's unsent replies, oldest first; progress is saved after each platform call."""
        async with self.store.read() as session:
            rows = (await session.execute(unsent_replies(worker_id))).scalars().all()
            worker = await session.get(Worker, worker_id)
        for row in rows:
            if not await self._deliver_row(worker, row):
                return

    async def _deliver_row(self, worker: Worker, row: Outgoing, counted: bool = False) -> bool:
        """Send one outbox row from where it stopped; `counted`: its attempt is already recorded.

        False when it could not be tried: its channel is switched off in this process (kept until back).
        """
        replies = [Reply.from_dict(r) for r in row.messages["replies"]]
        if worker.channel in LOG_READ_CHANNELS:
            await self._record_progress(row.id, len(replies), len(replies))
            return True
        sender = self.senders.get(worker.channel)
        if sender is None:
            log.warning("no sender for channel %s: replies kept", worker.channel)
            return False
        delivery = Delivery(worker.channel_user_id, row.retry_key, row.reply_token, row.reply_token_expires, row.to,
                            tried_before=row.attempts > (1 if counted else 0))
        if not counted:
            await self._record_progress(row.id, row.sent_count, len(replies))  # counts the attempt before it is made
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
            await self._record_progress(row.id, sent, len(replies))
        return True

    async def _record_progress(self, row_id: int, sent: int, total: int) -> None:
        values: dict = {"sent_count": sent, "attempts": Outgoing.attempts + 1}
        if sent >= total:
            values["sent_at"] = now()
        await self.store.run(update(Outgoing).where(Outgoing.id == row_id).values(**values))

