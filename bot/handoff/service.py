"""The handoff work: open a handoff, the queue, claim, reply, transfer, resolve, and what the worker is told.

Every change goes through states.check and is recorded as a Transition; the worker hears about each
step in their language (content/notices.py); the console hears about every change (wait_for_change).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Callable, Optional

from sqlalchemy import and_, func, or_, select

from actions.handoff import URGENT, HandoffRequest
from actions.topics import LABELS, TOPICS
from bot.handoff import office_hours, states
from bot.handoff.errors import HandoffRefused
from bot.replies import Reply
from bot.store.database import Store
from bot.store.models import Counselor, Handoff, LogEntry, Outgoing, PrivateNote, Transition, Worker, now, utc
from content import formatting, notices
from content.render import Renderer

log = logging.getLogger(__name__)

MINUTES_PER_WORKER = 10  # the wait estimate: position x this, until there is history to measure


def worker_label(worker_id: str) -> str:
    """What counselors see instead of a name: a pseudonym that stays the same for the worker."""
    return f"W-{worker_id[:6].upper()}"


@dataclass(frozen=True)
class QueueItem:
    handoff_id: int
    worker_label: str
    language: Optional[str]
    priority: str
    topic: Optional[str]
    state: str
    waiting_since: dt.datetime
    counselor_name: Optional[str]
    matches: bool


@dataclass(frozen=True)
class Entry:
    direction: str
    author: str
    kind: str
    text: Optional[str]
    language: Optional[str]
    created_at: dt.datetime


@dataclass(frozen=True)
class NoteView:
    text: str
    created_at: dt.datetime
    counselor_name: Optional[str]


@dataclass(frozen=True)
class ConversationView:
    handoff_id: int
    worker_label: str
    language: Optional[str]
    state: str
    priority: str
    topic: Optional[str]
    counselor_id: Optional[int]
    entries: list[Entry]
    notes: list[NoteView]


@dataclass(frozen=True)
class CannedReply:
    name: str
    title: str
    text: str


def _codes(counselor: Counselor) -> set[str]:
    return set((counselor.languages or {}).get("codes", []))


class HandoffService:
    def __init__(self, store: Store, renderer: Renderer, wake_delivery: Callable[[], None] = lambda: None,
                 idle_after: dt.timedelta = dt.timedelta(minutes=30),
                 update_every: dt.timedelta = dt.timedelta(minutes=10)) -> None:
        self.store = store
        self.renderer = renderer
        self.wake_delivery = wake_delivery
        self.idle_after = idle_after
        self.update_every = update_every
        self._changed = asyncio.Condition()

    # --- change notification (the console's live view) ------------------------------------------

    async def notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for_change(self, timeout: float) -> bool:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait(), timeout)
                return True
            except asyncio.TimeoutError:
                return False

    # --- the worker side ------------------------------------------------------------------------

    async def open(self, worker: Worker, request: HandoffRequest, actor: str = "engine") -> list[Reply]:
        """Put the worker in the queue (or raise an open handoff to urgent); return what to tell them."""
        async with self.store.write() as session:
            current = (await session.execute(
                select(Handoff).where(Handoff.worker_id == worker.id, Handoff.state.in_(states.OPEN))
            )).scalar_one_or_none()
            if current is not None:
                if request.urgency == URGENT and current.priority != URGENT:
                    current.priority = URGENT
                    session.add(Transition(handoff_id=current.id, from_state=current.state,
                                           to_state=current.state, actor=actor, detail="priority urgent"))
                handoff = current
            else:
                states.check(states.BOT, states.WAITING)
                handoff = Handoff(worker_id=worker.id, state=states.WAITING, priority=request.urgency,
                                  reason=request.reason, topic=request.topic, language=worker.language)
                session.add(handoff)
                await session.flush()
                session.add(Transition(handoff_id=handoff.id, from_state=states.BOT, to_state=states.WAITING,
                                       actor=actor, detail=request.reason))
                stored = await session.get(Worker, worker.id)
                stored.mode = worker.mode = states.WAITING
            position = await self._position(session, handoff)
        if request.urgency == URGENT:
            log.warning("urgent handoff %s waiting: every on-duty counselor is alerted", handoff.id)
        await self.notify()
        return [await self._queued_notice(worker.language, handoff.priority, position)]

    @staticmethod
    async def _position(session, handoff: Handoff) -> int:
        """Place in line, this handoff included: urgent ones first, then by waiting time."""
        earlier = Handoff.created_at <= handoff.created_at
        if handoff.priority == URGENT:
            ahead = and_(Handoff.priority == URGENT, earlier)
        else:
            ahead = or_(Handoff.priority == URGENT, earlier)
        return (await session.execute(
            select(func.count()).select_from(Handoff).where(Handoff.state == states.WAITING, ahead)
        )).scalar_one()

    async def _queued_notice(self, language: Optional[str], priority: str, position: int) -> Reply:
        schedule = await office_hours.load(self.store)
        moment = now()
        if not schedule.is_open(moment):
            opening = schedule.next_opening(moment)
            opens, closes = schedule.hours_of(moment) or (dt.time(9), dt.time(17))
            return Reply(self.renderer.notice(
                language, notices.OUT_OF_HOURS,
                opens=formatting.time(opens, language), closes=formatting.time(closes, language),
                day=formatting.day(opening, language) if opening else "",
            ))
        if priority == URGENT:
            return Reply(self.renderer.notice(language, notices.QUEUED_URGENT))
        wait = dt.timedelta(minutes=MINUTES_PER_WORKER * position)
        return Reply(self.renderer.notice(language, notices.QUEUED, position=formatting.number(position, language),
                                          wait=formatting.duration(wait, language)))

    async def message_from_worker(self, worker: Worker) -> None:
        """A worker with a counselor wrote: the message is in the log; tell the console.

        It does not count as activity: a worker writing to an absent counselor must still go back to
        the bot after the idle time (last_activity_at is the counselor's).
        """
        await self.notify()

    # --- the console side -----------------------------------------------------------------------

    async def queue(self, counselor: Counselor) -> list[QueueItem]:
        codes = _codes(counselor)
        async with self.store.read() as session:
            rows = (await session.execute(
                select(Handoff, Counselor.display_name)
                .outerjoin(Counselor, Counselor.id == Handoff.counselor_id)
                .where(Handoff.state.in_(states.OPEN))
            )).all()
        items = [
            QueueItem(h.id, worker_label(h.worker_id), h.language, h.priority, h.topic, h.state,
                      utc(h.created_at), name, h.language in codes)
            for h, name in rows
        ]
        return sorted(items, key=lambda i: (i.priority != URGENT, not i.matches, i.waiting_since))

    async def conversation(self, handoff_id: int) -> ConversationView:
        async with self.store.read() as session:
            handoff = await self._get(session, handoff_id)
            entries = (await session.execute(
                select(LogEntry).where(LogEntry.worker_id == handoff.worker_id).order_by(LogEntry.id)
            )).scalars().all()
            notes = (await session.execute(
                select(PrivateNote, Counselor.display_name)
                .outerjoin(Counselor, Counselor.id == PrivateNote.counselor_id)
                .where(PrivateNote.worker_id == handoff.worker_id).order_by(PrivateNote.id)
            )).all()
        return ConversationView(
            handoff.id, worker_label(handoff.worker_id), handoff.language, handoff.state, handoff.priority,
            handoff.topic, handoff.counselor_id,
            [Entry(e.direction, e.author, e.kind, e.text, e.language, utc(e.created_at)) for e in entries],
            [NoteView(n.text, utc(n.created_at), name) for n, name in notes],
        )

    async def claim(self, handoff_id: int, counselor: Counselor) -> None:
        async with self.store.write() as session:
            handoff = await self._get(session, handoff_id)
            if handoff.state != states.WAITING:
                raise HandoffRefused("this conversation is not waiting: someone has claimed it, or it is closed")
            self._move(session, handoff, states.ASSIGNED, f"counselor:{counselor.id}")
            handoff.counselor_id = counselor.id
            worker = await session.get(Worker, handoff.worker_id)
            worker.mode = states.ASSIGNED
            self._tell(session, worker, self.renderer.notice(worker.language, notices.COUNSELOR_JOINED))
        await self._changed_and_sent()

    async def reply(self, handoff_id: int, counselor: Counselor, text: str) -> None:
        text = text.strip()
        if not text:
            raise HandoffRefused("the reply is empty")
        async with self.store.write() as session:
            handoff = await self._get(session, handoff_id)
            if handoff.state != states.ASSIGNED or handoff.counselor_id != counselor.id:
                raise HandoffRefused("only the counselor who has claimed this conversation can write in it")
            worker = await session.get(Worker, handoff.worker_id)
            handoff.last_activity_at = now()
            self._tell(session, worker, text, author="counselor")
        await self._changed_and_sent()

    async def transfer(self, handoff_id: int, counselor: Counselor, *, to_counselor_id: Optional[int] = None,
                       to_language: Optional[str] = None, to_specialty: Optional[str] = None) -> None:
        async with self.store.write() as session:
            handoff = await self._get(session, handoff_id)
            self._may_act(handoff, counselor)
            worker = await session.get(Worker, handoff.worker_id)
            actor = f"counselor:{counselor.id}"
            if to_counselor_id is not None:
                target = await session.get(Counselor, to_counselor_id)
                if target is None or not target.active:
                    raise HandoffRefused("no such counselor")
                self._move(session, handoff, states.ASSIGNED, actor, f"to counselor {target.id}")
                handoff.counselor_id = target.id
                worker.mode = states.ASSIGNED
            elif to_language or to_specialty:
                self._move(session, handoff, states.WAITING, actor,
                           f"to language {to_language}" if to_language else f"to specialty {to_specialty}")
                handoff.counselor_id = None
                handoff.language = to_language or handoff.language
                handoff.specialty = to_specialty or handoff.specialty
                worker.mode = states.WAITING
            else:
                raise HandoffRefused("transfer to whom? a counselor, a language or a specialty")
        await self.notify()

    async def resolve(self, handoff_id: int, counselor: Optional[Counselor], note: str,
                      notice: str = notices.BACK_TO_BOT) -> None:
        async with self.store.write() as session:
            handoff = await self._get(session, handoff_id)
            actor = "system"
            if counselor is not None:
                self._may_act(handoff, counselor)
                actor = f"counselor:{counselor.id}"
            self._move(session, handoff, states.RESOLVED, actor, note)
            handoff.note, handoff.resolved_at = note, now()
            worker = await session.get(Worker, handoff.worker_id)
            worker.mode = states.BOT
            session.add(Transition(handoff_id=handoff.id, from_state=states.RESOLVED, to_state=states.BOT,
                                   actor=actor, detail="the worker's next message goes to the bot"))
            self._tell(session, worker, self.renderer.notice(worker.language, notice))
        await self._changed_and_sent()

    async def release(self, counselor_id: int) -> None:
        """A counselor leaves (account deactivated): their conversations go back to the queue."""
        async with self.store.write() as session:
            handoffs = (await session.execute(
                select(Handoff).where(Handoff.counselor_id == counselor_id, Handoff.state == states.ASSIGNED)
                .with_for_update()
            )).scalars().all()
            for handoff in handoffs:
                self._move(session, handoff, states.WAITING, "system", "counselor deactivated")
                handoff.counselor_id = None
                (await session.get(Worker, handoff.worker_id)).mode = states.WAITING
        await self.notify()

    async def add_note(self, handoff_id: int, counselor: Counselor, text: str) -> None:
        if not text.strip():
            raise HandoffRefused("the note is empty")
        async with self.store.write() as session:
            handoff = await self._get(session, handoff_id)
            session.add(PrivateNote(worker_id=handoff.worker_id, counselor_id=counselor.id, text=text.strip()))
        await self.notify()

    def canned_replies(self, language: Optional[str]) -> list[CannedReply]:
        """The FAQ answers, in the worker's language, for a counselor to send as they are or edit."""
        replies = []
        for intent in sorted(TOPICS):
            template = self.renderer.templates.get(f"utter_{intent}")
            if template is None:
                continue
            rendered = self.renderer.response(language, f"utter_{intent}", template)
            title = self.renderer.text(language, "button", LABELS[intent])
            replies.append(CannedReply(intent, title, rendered.get("text", "")))
        return replies

    # --- timers ---------------------------------------------------------------------------------

    async def sweep(self) -> None:
        """Give idle conversations back to the bot; tell long-waiting workers where they are in line."""
        moment = now()
        on_duty = (await office_hours.load(self.store)).is_open(moment)
        async with self.store.read() as session:
            rows = (await session.execute(select(Handoff).where(Handoff.state.in_(states.OPEN)))).scalars().all()
        for handoff in rows:
            quiet = moment - utc(handoff.last_activity_at)
            if handoff.state == states.ASSIGNED and quiet >= self.idle_after:
                await self.resolve(handoff.id, None, "idle: back to the bot", notice=notices.COUNSELOR_AWAY)
            elif handoff.state == states.WAITING and quiet >= self.update_every and on_duty:
                await self._update_waiting(handoff.id)  # outside office hours the worker was told when

    async def _update_waiting(self, handoff_id: int) -> None:
        async with self.store.write() as session:
            handoff = await self._get(session, handoff_id)
            worker = await session.get(Worker, handoff.worker_id)
            position = await self._position(session, handoff)
            handoff.last_activity_at = now()
            notice = await self._queued_notice(worker.language, handoff.priority, position)
            self._tell(session, worker, notice.text)
        self.wake_delivery()

    async def run_timers(self, every: float = 30.0) -> None:
        while True:
            try:
                await self.sweep()
            except Exception:
                log.exception("handoff sweep failed")
            await asyncio.sleep(every)

    # --- helpers --------------------------------------------------------------------------------

    async def _get(self, session, handoff_id: int) -> Handoff:
        """The handoff, locked for this transaction (PostgreSQL: two counselors cannot claim it at once)."""
        handoff = await session.get(Handoff, handoff_id, with_for_update=True)
        if handoff is None:
            raise HandoffRefused("no such conversation")
        return handoff

    @staticmethod
    def _may_act(handoff: Handoff, counselor: Counselor) -> None:
        mine = handoff.counselor_id in (None, counselor.id)
        if not mine and counselor.role != "coordinator":
            raise HandoffRefused("this conversation is assigned to another counselor")

    @staticmethod
    def _move(session, handoff: Handoff, to_state: str, actor: str, detail: Optional[str] = None) -> None:
        states.check(handoff.state, to_state)
        session.add(Transition(handoff_id=handoff.id, from_state=handoff.state, to_state=to_state,
                               actor=actor, detail=detail))
        handoff.state, handoff.last_activity_at = to_state, now()

    @staticmethod
    def _tell(session, worker: Worker, text: str, author: str = "gateway") -> None:
        """A message to the worker through their own channel, with the outbox's delivery guarantees."""
        session.add(Outgoing(worker_id=worker.id, messages={"replies": [Reply(text).to_dict()]}))
        session.add(LogEntry(worker_id=worker.id, direction="out", author=author, kind="text", text=text,
                             language=worker.language))

    async def _changed_and_sent(self) -> None:
        self.wake_delivery()
        await self.notify()
