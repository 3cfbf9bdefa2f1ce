"""Production mode on this machine: PostgreSQL and Redis, several engine and gateway processes.

Used by the production tests (tests/production/) and the benchmarks (benchmarks/). Each cluster has
databases and a Redis key prefix of its own, so it can run beside the other tests.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support.processes import ENGINE_BIN, ENV, MODEL, ROOT, Process, free_port

# A PostgreSQL server the tests may create databases on, and a Redis server (`make test` starts them).
POSTGRES = os.environ.get("TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres")
REDIS_HOST = os.environ.get("TEST_REDIS_HOST", "127.0.0.1")
REDIS_PORT = int(os.environ.get("TEST_REDIS_PORT", "6379"))
TOKEN = "test-token"


async def _admin(*statements: str) -> None:
    admin = create_async_engine(POSTGRES, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    finally:
        await admin.dispose()


def create_database(prefix: str) -> str:
    name = f"{prefix}_{secrets.token_hex(5)}"
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    return name


def drop_database(name: str) -> None:
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def database_url(name: str, driver: str = "postgresql+asyncpg") -> str:
    return make_url(POSTGRES).set(drivername=driver, database=name).render_as_string(hide_password=False)


@dataclass
class Cluster:
    work: Path
    gateway_database: str
    tracker_database: str
    redis_prefix: str
    actions: Process
    engines: list[Process] = field(default_factory=list)
    gateways: list[Process] = field(default_factory=list)
    gateway_env: dict = field(default_factory=dict)

    @property
    def engine_urls(self) -> list[str]:
        return [p.url for p in self.engines]

    @property
    def gateway_urls(self) -> list[str]:
        return [p.url for p in self.gateways]

    @property
    def gateway_database_url(self) -> str:
        return database_url(self.gateway_database)

    def processes(self) -> list[Process]:
        return [self.actions, *self.engines, *self.gateways]

    def restart_gateway(self, index: int) -> None:
        self.gateways[index].stop()
        self.gateways[index].start()

    def close(self) -> None:
        for process in [*self.gateways, *self.engines, self.actions]:
            process.stop()
        drop_database(self.gateway_database)
        drop_database(self.tracker_database)


def engine_process(work: Path, number: int, action_url: str, tracker_database: str, redis_prefix: str) -> Process:
    port = free_port()
    url = make_url(POSTGRES)
    env = {**ENV, "ACTION_SERVER_URL": action_url, "TRACKER_DB_HOST": url.host or "127.0.0.1",
           "TRACKER_DB_PORT": str(url.port or 5432), "TRACKER_DB_NAME": tracker_database,
           "TRACKER_DB_USER": url.username or "postgres", "TRACKER_DB_PASSWORD": url.password or "",
           "REDIS_HOST": REDIS_HOST, "REDIS_PORT": str(REDIS_PORT), "REDIS_DB": "0", "REDIS_KEY_PREFIX": redis_prefix}
    return Process(
        f"engine {number}",
        [str(ENGINE_BIN / "rasa"), "run", "-m", str(MODEL), "--enable-api", "--auth-token", TOKEN,
         "-i", "127.0.0.1", "-p", str(port), "--endpoints", str(ROOT / "endpoints.production.yml"),
         "--credentials", str(ROOT / "credentials.yml")],
        f"http://127.0.0.1:{port}/webhooks/stores/health", work / f"engine{number}.log", env,
    )


def gateway_process(work: Path, number: int, env: dict) -> Process:
    port = free_port()
    return Process(f"gateway {number}", [sys.executable, "-m", "bot"], f"http://127.0.0.1:{port}/healthz",
                   work / f"gateway{number}.log", {**env, "GATEWAY_PORT": str(port)})


def start_cluster(work: Path, line=None, telegram=None, engines: int = 2, gateways: int = 2,
                  extra_env: Optional[dict] = None) -> Cluster:
    """Start the action server, `engines` engine processes and `gateway` gateway processes."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    action_port = free_port()
    actions = Process("action server",
                      [str(ENGINE_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(action_port)],
                      f"http://127.0.0.1:{action_port}/health", work / "actions.log")
    cluster = Cluster(work, create_database("gateway"), create_database("tracker"),
                      "test" + secrets.token_hex(4), actions)
    try:
        actions.launch()
        cluster.engines = [engine_process(work, n + 1, f"http://127.0.0.1:{action_port}/webhook",
                                          cluster.tracker_database, cluster.redis_prefix) for n in range(engines)]
        # The first engine creates the tracker tables; the others start once it is up.
        actions.wait_until_up()
        cluster.engines[0].start()
        for engine in cluster.engines[1:]:
            engine.launch()
        for engine in cluster.engines[1:]:
            engine.wait_until_up()
        env = {**ENV, "DATABASE_URL": cluster.gateway_database_url, "ENGINE_URL": ",".join(cluster.engine_urls),
               "ENGINE_TOKEN": TOKEN, "WEB_CHAT": "false", "LOG_KEY": secrets.token_hex(16),
               "CONSOLE_SECRET": secrets.token_hex(16)}
        if line is not None:
            env |= {"LINE_CHANNEL_SECRET": line.channel_secret, "LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
                    "LINE_API_URL": line.api_url}
        if telegram is not None:
            env |= {"TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_URL": telegram.api_url,
                    "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": "cluster-secret",
                    "PUBLIC_URL": "http://127.0.0.1:9"}  # the load balancer's address, never called by the fakes
        cluster.gateway_env = env | (extra_env or {})
        cluster.gateways = [gateway_process(work, n + 1, cluster.gateway_env) for n in range(gateways)]
        # The first gateway migrates the store; the others start once it is up.
        cluster.gateways[0].start()
        for gateway in cluster.gateways[1:]:
            gateway.start()
    except BaseException:
        cluster.close()
        raise
    return cluster
