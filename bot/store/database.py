"""Connect to the store and bring its schema up to date (Alembic), SQLite by default, PostgreSQL by URL."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path
from typing import AsyncIterator

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, CursorResult, make_url
from sqlalchemy.sql import Executable
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def connect(url: str) -> AsyncEngine:
    """An engine that never puts bound values (message text) into error messages and logs."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        return engine
    # No ping before each use (a round trip per transaction): after a database restart, the first use
    # of each old connection fails, SQLAlchemy drops the pool, and the work is retried (the webhook
    # answers 500 and the platform redelivers; the processor tries again).
    return create_async_engine(url, pool_size=10, max_overflow=20, hide_parameters=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers do not block the webhook's writes
    cursor.execute("PRAGMA synchronous=FULL")  # an acknowledged event survives a power cut
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


class Store:
    """Sessions on the store: `read()` for queries, `write()` for one transaction with ORM objects, `run()`
    for one statement, `transaction()` for one transaction of Core statements (what runs for every
    message: the ORM's unit of work costs more CPU than the statements).

    Reads and single statements run without BEGIN and COMMIT: on PostgreSQL each is a round trip,
    and the gateway makes many small ones (a third of its CPU time went to socket writes).

    SQLite takes one writer at a time and makes the others poll with growing sleeps (up to 100 ms),
    which would make webhook acknowledgements slow under load; so this process queues its own
    SQLite writers on a lock instead. PostgreSQL needs no such lock.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._sessions = async_sessionmaker(engine, expire_on_commit=False)
        self._reads = async_sessionmaker(self._autocommit, expire_on_commit=False)
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    def read(self) -> AsyncSession:
        """A session whose queries each see the latest committed data (no snapshot across them)."""
        return self._reads()

    async def run(self, statement: Executable) -> CursorResult:
        """One statement, committed on its own (it is atomic by itself)."""
        async with self._write_lock or contextlib.nullcontext():
            async with self._autocommit.connect() as connection:
                return await connection.execute(statement)

    @contextlib.asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        async with self._write_lock or contextlib.nullcontext():
            async with self._sessions() as session, session.begin():
                yield session

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncConnection]:
        async with self._write_lock or contextlib.nullcontext():
            async with self.engine.begin() as connection:
                yield connection


def _upgrade(connection: Connection) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def migrate(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
