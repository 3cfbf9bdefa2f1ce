"""The console over a temporary SQLite store and the real HandoffService (fixture `console`).

Seeded: one Vietnamese worker, whose message (XSS, at 01:05 UTC) is in the log, has asked for a
person: conversation 1, waiting, normal priority, topic wage_unpaid. No counselor, no office hours
(the defaults), nothing in the outbox.
"""

from __future__ import annotations

import datetime as dt

import pytest_asyncio

from bot.handoff.service import HandoffService
from bot.store.database import Store, connect, migrate
from console_support import NORMAL, RENDERER, UTC, XSS, Console, build


@pytest_asyncio.fixture
async def console(tmp_path):
    database = connect(f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}")
    await migrate(database)
    store = Store(database)
    handoffs = HandoffService(store, RENDERER)
    app, sub = build(store, handoffs, stream_seconds=0.2)
    console = Console(store, handoffs, app, sub)
    try:
        console.worker = await console.new_worker("U-vi", "vi", XSS, at=dt.datetime(2026, 11, 27, 1, 5, tzinfo=UTC))
        assert await console.open(console.worker, NORMAL) == 1
        assert await console.told(console.worker) == []  # open() answers in the engine's reply, not the outbox
        yield console
    finally:
        await database.dispose()
