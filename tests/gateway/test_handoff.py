"""The handoff state machine and service: every transition, every refusal, and what the worker is told."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import pytest_asyncio
from sqlalchemy import select

from actions.handoff import HandoffRequest
from bot import inbound as kinds, intake
from bot.handoff import states
from bot.handoff.errors import HandoffRefused
from bot.handoff.service import HandoffService
from bot.inbound import Inbound
from bot.store.database import Store, connect, migrate
from bot.store.models import Counselor, Handoff, OfficeHours, Outgoing, Transition, Worker
from content import formatting, notices
from content.render import Renderer

ALL_STATES = (states.BOT, states.WAITING, states.ASSIGNED, states.RESOLVED)
RENDERER = Renderer.load()
NORMAL = HandoffRequest("worker_request", "normal", "wage_unpaid")
URGENT = HandoffRequest("urgent_intent", "urgent", "crisis_violence")


@pytest.mark.parametrize("source, target", list(itertools.product(ALL_STATES, repeat=2)))
def test_every_transition_is_allowed_or_refused(source, target):
    allowed = {(states.BOT, states.WAITING), (states.WAITING, states.WAITING), (states.WAITING, states.ASSIGNED),
               (states.ASSIGNED, states.ASSIGNED), (states.ASSIGNED, states.WAITING),
               (states.WAITING, states.RESOLVED), (states.ASSIGNED, states.RESOLVED), (states.RESOLVED, states.BOT)}
    if (source, target) in allowed:
        assert states.check(source, target)
    else:
        with pytest.raises(HandoffRefused):
            states.check(source, target)


@pytest_asyncio.fixture
async def store(tmp_path):
    database = connect(f"sqlite+aiosqlite:///{tmp_path / 'store.sqlite3'}")
    await migrate(database)
    store = Store(database)
    async with store.write() as session:  # open every day, all day: the tests are not about office hours
        session.add_all(OfficeHours(weekday=d, opens="00:00", closes="23:59") for d in range(7))
    yield store
    await database.dispose()


@pytest_asyncio.fixture
async def service(store):
    return HandoffService(store, RENDERER)


async def new_worker(store: Store, user: str, language: str = "vi") -> Worker:
    await intake.store(store, [Inbound("line", user, f"key-{user}", kinds.TEXT, text="hi")])
    async with store.write() as session:
        worker = (await session.execute(select(Worker).where(Worker.channel_user_id == user))).scalar_one()
        worker.language = language
    return worker


async def new_counselor(store: Store, name: str, role: str = "counselor", languages=("vi",)) -> Counselor:
    async with store.write() as session:
        counselor = Counselor(username=name, display_name=name.title(), password_hash="x", role=role,
                              languages={"codes": list(languages)}, specialties={"names": []})
        session.add(counselor)
    return counselor


async def told(store: Store, worker: Worker) -> list[str]:
    async with store.read() as session:
        rows = (await session.execute(
            select(Outgoing).where(Outgoing.worker_id == worker.id).order_by(Outgoing.id)
        )).scalars().all()
    return [r["text"] for row in rows for r in row.messages["replies"]]


async def transitions(store: Store, handoff_id: int) -> list[tuple[str, str, str]]:
    async with store.read() as session:
        rows = (await session.execute(
            select(Transition).where(Transition.handoff_id == handoff_id).order_by(Transition.id)
        )).scalars().all()
    return [(t.from_state, t.to_state, t.actor) for t in rows]


async def only_handoff(store: Store, worker: Worker) -> Handoff:
    async with store.read() as session:
        return (await session.execute(select(Handoff).where(Handoff.worker_id == worker.id))).scalar_one()


@pytest.mark.asyncio
async def test_a_whole_handoff_in_the_worker_language(store, service):
    worker = await new_worker(store, "U1")
    lan = await new_counselor(store, "lan")
    [queued] = await service.open(worker, NORMAL)
    assert queued.text == RENDERER.notice("vi", notices.QUEUED, position="1",
                                          wait=formatting.duration(dt.timedelta(minutes=10), "vi"))
    assert worker.mode == states.WAITING
    handoff = await only_handoff(store, worker)
    await service.claim(handoff.id, lan)
    await service.reply(handoff.id, lan, "Chào bạn, mình là Lan.")
    await service.resolve(handoff.id, lan, "wages explained, will call the hotline")
    assert await told(store, worker) == [
        RENDERER.notice("vi", notices.COUNSELOR_JOINED), "Chào bạn, mình là Lan.",
        RENDERER.notice("vi", notices.BACK_TO_BOT),
    ]
    actor = f"counselor:{lan.id}"
    assert await transitions(store, handoff.id) == [
        ("bot", "waiting", "engine"), ("waiting", "assigned", actor), ("assigned", "resolved", actor),
        ("resolved", "bot", actor),
    ]
    async with store.read() as session:
        assert (await session.get(Worker, worker.id)).mode == states.BOT


@pytest.mark.asyncio
async def test_urgent_goes_ahead_of_the_queue(store, service):
    first, second = await new_worker(store, "U1"), await new_worker(store, "U2", "en")
    await service.open(first, NORMAL)
    [notice] = await service.open(second, URGENT)
    assert notice.text == RENDERER.notice("en", notices.QUEUED_URGENT)
    counselor = await new_counselor(store, "ana", languages=("es",))
    queue = await service.queue(counselor)
    assert [item.priority for item in queue] == ["urgent", "normal"]


@pytest.mark.asyncio
async def test_the_queue_shows_first_what_matches_the_counselor_languages(store, service):
    vietnamese, nepali = await new_worker(store, "U1", "vi"), await new_worker(store, "U2", "ne")
    await service.open(vietnamese, NORMAL)
    await service.open(nepali, NORMAL)
    queue = await service.queue(await new_counselor(store, "bishnu", languages=("ne",)))
    assert [(item.language, item.matches) for item in queue] == [("ne", True), ("vi", False)]


@pytest.mark.asyncio
async def test_refused_actions(store, service):
    worker = await new_worker(store, "U1")
    lan, minh = await new_counselor(store, "lan"), await new_counselor(store, "minh")
    await service.open(worker, NORMAL)
    handoff = await only_handoff(store, worker)
    with pytest.raises(HandoffRefused):
        await service.reply(handoff.id, lan, "not claimed yet")
    await service.claim(handoff.id, lan)
    with pytest.raises(HandoffRefused):
        await service.claim(handoff.id, minh)  # already claimed
    with pytest.raises(HandoffRefused):
        await service.reply(handoff.id, minh, "I am not the assigned counselor")
    with pytest.raises(HandoffRefused):
        await service.resolve(handoff.id, minh, "not mine")
    await service.resolve(handoff.id, lan, "done")
    with pytest.raises(HandoffRefused):
        await service.resolve(handoff.id, lan, "twice")
    with pytest.raises(HandoffRefused):
        await service.claim(handoff.id, lan)  # resolved: closed


@pytest.mark.asyncio
async def test_transfer_to_a_language_puts_it_back_in_the_queue(store, service):
    worker = await new_worker(store, "U1", "my")
    lan = await new_counselor(store, "lan")
    await service.open(worker, NORMAL)
    handoff = await only_handoff(store, worker)
    await service.claim(handoff.id, lan)
    await service.transfer(handoff.id, lan, to_language="my")
    handoff = await only_handoff(store, worker)
    assert (handoff.state, handoff.counselor_id, handoff.language) == ("waiting", None, "my")
    coordinator = await new_counselor(store, "boss", role="coordinator")
    await service.transfer(handoff.id, coordinator, to_counselor_id=lan.id)
    assert (await only_handoff(store, worker)).counselor_id == lan.id


@pytest.mark.asyncio
async def test_outside_office_hours_the_worker_is_told_when_a_person_will_answer(store, service):
    async with store.write() as session:
        for row in (await session.execute(select(OfficeHours))).scalars():
            await session.delete(row)
        session.add(OfficeHours(weekday=(dt.datetime.now(dt.timezone.utc).weekday() + 3) % 7,
                                opens="09:00", closes="17:00"))
    worker = await new_worker(store, "U1", "pt")
    [notice] = await service.open(worker, NORMAL)
    assert notice.text.startswith(RENDERER.notice("pt", notices.OUT_OF_HOURS, opens="09:00", closes="17:00",
                                                  day="").split("{day}")[0][:40])
    assert "110" in notice.text and "119" in notice.text


@pytest.mark.asyncio
async def test_an_idle_conversation_goes_back_to_the_bot(store):
    service = HandoffService(store, RENDERER, idle_after=dt.timedelta(0))
    worker = await new_worker(store, "U1")
    lan = await new_counselor(store, "lan")
    await service.open(worker, NORMAL)
    handoff = await only_handoff(store, worker)
    await service.claim(handoff.id, lan)
    await service.sweep()
    assert (await only_handoff(store, worker)).state == states.RESOLVED
    assert (await told(store, worker))[-1] == RENDERER.notice("vi", notices.COUNSELOR_AWAY)
    assert (await transitions(store, handoff.id))[-2:] == [("assigned", "resolved", "system"),
                                                           ("resolved", "bot", "system")]


@pytest.mark.asyncio
async def test_a_waiting_worker_hears_their_place_in_line(store):
    service = HandoffService(store, RENDERER, update_every=dt.timedelta(0))
    worker = await new_worker(store, "U1", "th")
    await service.open(worker, NORMAL)
    await service.sweep()
    assert (await told(store, worker)) == [RENDERER.notice(
        "th", notices.QUEUED, position="1", wait=formatting.duration(dt.timedelta(minutes=10), "th"))]


@pytest.mark.asyncio
async def test_canned_replies_are_the_faq_answers_in_the_worker_language(service):
    replies = {r.name: r for r in service.canned_replies("ne")}
    assert replies["wage_unpaid"].text == RENDERER.response(
        "ne", "utter_wage_unpaid", RENDERER.templates["utter_wage_unpaid"])["text"]
    assert "0120-750-880" in replies["wage_unpaid"].text  # the hotline's Nepali line


@pytest.mark.asyncio
async def test_a_deactivated_counselor_s_conversations_go_back_to_the_queue(store, service):
    worker = await new_worker(store, "U1")
    lan = await new_counselor(store, "lan")
    await service.open(worker, NORMAL)
    handoff = await only_handoff(store, worker)
    await service.claim(handoff.id, lan)
    await service.release(lan.id)
    handoff = await only_handoff(store, worker)
    assert (handoff.state, handoff.counselor_id) == (states.WAITING, None)
    assert (await transitions(store, handoff.id))[-1] == ("assigned", "waiting", "system")
    async with store.read() as session:
        assert (await session.get(Worker, worker.id)).mode == states.WAITING
