"""The console against a temporary SQLite store (fixture `console`), with the fake of console_support."""

from __future__ import annotations

import pytest_asyncio

from bot.store.database import Store, connect, migrate
from console_support import Console, FakeHandoffs, build


@pytest_asyncio.fixture
async def console(tmp_path):
    database = connect(f"sqlite+aiosqlite:///{tmp_path / 'console.sqlite3'}")
    await migrate(database)
    store = Store(database)
    handoffs = FakeHandoffs()
    app, sub = build(store, handoffs, stream_seconds=0.2)
    try:
        yield Console(store, handoffs, app, sub)
    finally:
        await database.dispose()
