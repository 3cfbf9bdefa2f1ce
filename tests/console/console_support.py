"""Helpers of the console tests, and a small fake of the handoff service.

The fake stands in for bot.handoff.service.HandoffService (our own component): it returns fixed
data and records the calls, so these tests exercise only the web layer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Optional

import httpx
from starlette.applications import Starlette
from starlette.routing import Mount

from bot.config import Settings
from bot.console import auth, console_app
from bot.handoff.errors import HandoffRefused
from bot.store.database import Store

PASSWORD = "correct horse battery"
SECRET = "test-console-secret"
XSS = "<script>alert(1)</script><b>x</b>"
UTC = dt.timezone.utc


@dataclass
class FakeHandoffs:
    """The interface of HandoffService that the console uses, with canned data."""

    refuse: Optional[str] = None  # when set, every action raises HandoffRefused(refuse)
    changes: int = 0  # how many wait_for_change calls report a change
    calls: list = field(default_factory=list)

    def __post_init__(self) -> None:
        since = dt.datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
        item = lambda i, label, prio: SimpleNamespace(  # noqa: E731
            handoff_id=i, worker_label=label, language="vi", priority=prio, topic="wages", state="waiting",
            waiting_since=since, counselor_name=None, matches=True)
        self.items = [item(1, "W-NORMAL", "normal"), item(2, "W-URGENT", "urgent")]
        entry = lambda text, direction="in", author="worker": SimpleNamespace(  # noqa: E731
            direction=direction, author=author, kind="text", text=text, language="vi",
            created_at=dt.datetime(2026, 11, 27, 1, 5, tzinfo=UTC))
        self.views = {1: SimpleNamespace(
            handoff_id=1, worker_label="W-ABC123", language="vi", state="waiting", priority="urgent",
            topic="wages", counselor_id=None,
            entries=[entry(XSS), entry("Xin chào", "out", "bot")],
            notes=[SimpleNamespace(text="note " + XSS, created_at=dt.datetime(2026, 11, 27, 2, 0, tzinfo=UTC),
                                   counselor_name="Lan")],
        )}

    async def queue(self, counselor) -> list:
        return list(self.items)

    async def conversation(self, handoff_id: int):
        if handoff_id not in self.views:
            raise HandoffRefused("no such conversation")
        return self.views[handoff_id]

    async def _action(self, name: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append((name, args, kwargs))
        if self.refuse:
            raise HandoffRefused(self.refuse)

    async def claim(self, handoff_id, counselor):
        await self._action("claim", handoff_id, counselor.id)

    async def reply(self, handoff_id, counselor, text):
        await self._action("reply", handoff_id, counselor.id, text)

    async def transfer(self, handoff_id, counselor, **kwargs):
        await self._action("transfer", handoff_id, counselor.id, **kwargs)

    async def resolve(self, handoff_id, counselor, note):
        await self._action("resolve", handoff_id, counselor.id, note)

    async def add_note(self, handoff_id, counselor, text):
        await self._action("add_note", handoff_id, counselor.id, text)

    def canned_replies(self, language):
        return [SimpleNamespace(name="wages", title="Unpaid wages", text=f"[{language}] Lương chưa trả <i>?</i>")]

    async def wait_for_change(self, timeout: float) -> bool:
        if self.changes:
            self.changes -= 1
            return True
        await asyncio.sleep(min(timeout, 0.01))
        return False


@dataclass
class Console:
    store: Store
    handoffs: FakeHandoffs
    app: Starlette  # the parent app with the console mounted at /console, as in bot/app.py
    console: Starlette  # the console itself (its own route table)

    def client(self, https: bool = False) -> httpx.AsyncClient:
        scheme = "https" if https else "http"
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=f"{scheme}://testserver")

    async def account(self, name: str, role: str = "counselor", password: str = PASSWORD) -> int:
        counselor = await auth.create(self.store, name=name, display=name.title(), password=password,
                                      role_name=role, language_codes="vi,en", specialty_names="labour")
        return counselor.id


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


def build(store: Store, handoffs: FakeHandoffs, public_url: Optional[str] = None, **options: Any) -> tuple:
    services = SimpleNamespace(settings=Settings(public_url=public_url), store=store, handoffs=handoffs)
    console = console_app(services, secret=SECRET, **options)
    return Starlette(routes=[Mount("/console", app=console)]), console
