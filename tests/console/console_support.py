"""Helpers of the console tests: the console over a real store and the real HandoffService.

Everything is wired as bot/app.py wires it (console mounted at /console, Services with the store and
bot.handoff.service.HandoffService), except what talks to the outside world: no Processor (it runs
the engine and sends to LINE/Telegram), and no delivery wake-up. What the worker would be sent is
read from the outbox table instead, which is where the service puts it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Optional

import httpx
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.routing import Mount

from actions.handoff import HandoffRequest
from bot import inbound as kinds, intake
from bot.config import Settings
from bot.console import auth, console_app
from bot.handoff import states
from bot.handoff.service import HandoffService
from bot.inbound import Inbound
from bot.services import Services
from bot.store.database import Store
from bot.store.models import (Counselor, Event, Handoff, LogEntry, OfficeHours, Outgoing, PrivateNote, Transition,
                              Worker)
from content.render import Renderer

PASSWORD = "correct horse battery"
SECRET = "test-console-secret"
XSS = "<script>alert(1)</script><b>x</b>"
UTC = dt.timezone.utc
RENDERER = Renderer.load()  # needs the compiled catalogs (translations/*/LC_MESSAGES/messages.mo)
NORMAL = HandoffRequest("worker_request", "normal", "wage_unpaid")
URGENT = HandoffRequest("urgent_intent", "urgent", "crisis_violence")
# Every table a console action could write to (the audit log aside: refusals are audited too).
TABLES = (Worker, Event, Handoff, Transition, Outgoing, LogEntry, PrivateNote, Counselor, OfficeHours)


@dataclass
class Console:
    store: Store
    handoffs: HandoffService
    app: Starlette  # the parent app with the console mounted at /console, as in bot/app.py
    console: Starlette  # the console itself (its own route table)
    worker: Optional[Worker] = None  # the seeded Vietnamese worker: conversation 1 (see conftest.py)

    def client(self, https: bool = False, app: Any = None) -> httpx.AsyncClient:
        scheme = "https" if https else "http"
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app or self.app),
                                 base_url=f"{scheme}://testserver")

    # --- seeding, through the project's own functions ---------------------------------------------

    async def account(self, name: str, role: str = "counselor", password: str = PASSWORD,
                      languages: str = "vi,en") -> int:
        counselor = await auth.create(self.store, name=name, display=name.title(), password=password,
                                      role_name=role, language_codes=languages, specialty_names="labour")
        return counselor.id

    async def new_worker(self, user: str, language: str, text: str = "hello",
                         at: Optional[dt.datetime] = None) -> Worker:
        """A worker whose message came in through the intake, with that message in the log."""
        await intake.store(self.store, [Inbound("line", user, f"key-{user}", kinds.TEXT, text=text)])
        async with self.store.write() as session:
            worker = await session.scalar(select(Worker).where(Worker.channel_user_id == user))
            worker.language = language
            entry = LogEntry(worker_id=worker.id, direction="in", author="worker", kind="text", text=text,
                             language=language)
            if at is not None:
                entry.created_at = at
            session.add(entry)
        return worker

    async def open(self, worker: Worker, request: HandoffRequest = NORMAL) -> int:
        """The worker asks for a person (HandoffService.open); the id of their open handoff."""
        await self.handoffs.open(worker, request)
        async with self.store.read() as session:
            return await session.scalar(
                select(Handoff.id).where(Handoff.worker_id == worker.id, Handoff.state.in_(states.OPEN)))

    # --- reading the effects ----------------------------------------------------------------------

    async def counselor(self, cid: int) -> Counselor:
        async with self.store.read() as session:
            return await session.get(Counselor, cid)

    async def handoff(self, handoff_id: int) -> Handoff:
        async with self.store.read() as session:
            return await session.get(Handoff, handoff_id)

    async def mode(self, worker: Worker) -> str:
        async with self.store.read() as session:
            return (await session.get(Worker, worker.id)).mode

    async def transitions(self, handoff_id: int) -> list[tuple[str, str, str, Optional[str]]]:
        async with self.store.read() as session:
            rows = (await session.execute(
                select(Transition).where(Transition.handoff_id == handoff_id).order_by(Transition.id)
            )).scalars().all()
        return [(t.from_state, t.to_state, t.actor, t.detail) for t in rows]

    async def told(self, worker: Worker) -> list[str]:
        """The texts in the outbox for this worker: what would go out to their channel."""
        async with self.store.read() as session:
            rows = (await session.execute(
                select(Outgoing).where(Outgoing.worker_id == worker.id).order_by(Outgoing.id)
            )).scalars().all()
        return [reply["text"] for row in rows for reply in row.messages["replies"]]

    async def notes(self, worker: Worker) -> list[tuple[Optional[int], str]]:
        async with self.store.read() as session:
            rows = (await session.execute(
                select(PrivateNote).where(PrivateNote.worker_id == worker.id).order_by(PrivateNote.id)
            )).scalars().all()
        return [(n.counselor_id, n.text) for n in rows]

    async def snapshot(self) -> dict[str, list[tuple]]:
        """Every row of every table in TABLES: equal before and after means nothing was written."""
        result = {}
        async with self.store.read() as session:
            for model in TABLES:
                table = model.__table__
                rows = (await session.execute(select(table).order_by(*table.primary_key.columns))).all()
                result[table.name] = [tuple(row) for row in rows]
        return result


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


async def login(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    page = await client.get("/console/login")
    return await client.post("/console/login", data={
        "username": name, "password": password, "csrf_token": csrf_of(page.text), "next": "/console/"})


async def token(client: httpx.AsyncClient) -> str:
    """The session's CSRF token, from a page of a logged-in client."""
    return csrf_of((await client.get("/console/")).text)


def services(store: Store, handoffs: Optional[HandoffService] = None, public_url: Optional[str] = None) -> Services:
    """The gateway's Services for the console: the real store and handoff service. The processor is
    left out: the console never uses it (it is the engine and LINE/Telegram side)."""
    return Services(settings=Settings(public_url=public_url), store=store, processor=None,  # type: ignore[arg-type]
                    handoffs=handoffs or HandoffService(store, RENDERER), stores_watch=None)  # type: ignore[arg-type]


def build(store: Store, handoffs: Optional[HandoffService] = None, public_url: Optional[str] = None,
          **options: Any) -> tuple:
    console = console_app(services(store, handoffs, public_url), secret=SECRET, **options)
    return Starlette(routes=[Mount("/console", app=console)]), console
