"""Production mode against real servers: PostgreSQL (gateway store, engine tracker store), Redis
(the engines' locks), two engine processes and two gateway processes behind no load balancer: the
tests send each worker's messages to both gateways in turn, as a round-robin balancer would."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.fakes.line_platform import FakeLinePlatform
from tests.support.cluster import Cluster, database_url, start_cluster


async def _execute(url: str, sql: str, params: dict[str, Any]) -> list[tuple]:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(sql), params)
            return [tuple(row) for row in result.all()] if result.returns_rows else []
    finally:
        await engine.dispose()


def query(url: str, sql: str, **params: Any) -> list[tuple]:
    """Run one statement in its own transaction; the rows it returns, if any."""
    return asyncio.run(_execute(url, sql, params))


def gateway_rows(cluster: Cluster, sql: str, **params: Any) -> list[tuple]:
    return query(cluster.gateway_database_url, sql, **params)


def tracker_rows(cluster: Cluster, sql: str, **params: Any) -> list[tuple]:
    return query(database_url(cluster.tracker_database), sql, **params)


def worker_id(cluster: Cluster, channel_user_id: str) -> str | None:
    rows = gateway_rows(cluster, "SELECT id FROM workers WHERE channel_user_id = :user", user=channel_user_id)
    return rows[0][0] if rows else None


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.fixture(scope="session")
def line() -> Iterator[FakeLinePlatform]:
    with FakeLinePlatform() as fake:
        yield fake


@pytest.fixture(scope="session")
def cluster(line, tmp_path_factory) -> Iterator[Cluster]:
    started = start_cluster(tmp_path_factory.mktemp("cluster"), line=line, engines=2, gateways=2,
                            extra_env={"ENGINE_STORES_CHECK_SECONDS": "1"})
    try:
        yield started
    finally:
        started.close()
