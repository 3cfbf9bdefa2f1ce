"""The gateway as it runs in production, against the real engine and faithful LINE and Telegram fakes."""

from __future__ import annotations

import itertools
import sqlite3
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bot.handoff.service import worker_label
from tests.fakes.line_platform import FakeLinePlatform
from tests.fakes.telegram_platform import FakeTelegram
from tests.support.processes import ENV, Engine, Process, free_port, start_engine

TELEGRAM_SECRET = "test-webhook-secret"
CONSENT = "/consent"


def _asks_consent(payloads: list[str]) -> bool:
    return any(p.startswith(CONSENT) for p in payloads)


def _wait(read, count: int, timeout: float, what: str) -> list:
    deadline = time.monotonic() + timeout
    while True:
        got = read()
        if len(got) >= count:
            return got
        if time.monotonic() > deadline:
            raise AssertionError(f"expected {count} {what}, got {len(got)}: {got}")
        time.sleep(0.1)


def line_messages(line, user: str, count: int, timeout: float = 60, consent: bool = False) -> list[dict]:
    """What the worker received on LINE, without the first-contact consent request (unless asked for)."""
    def read() -> list[dict]:
        messages = line.messages_to(user)
        if consent:
            return messages
        return [m for m in messages if not _asks_consent(
            [i["action"].get("data", "") for i in (m.get("quickReply") or {}).get("items", [])])]
    return _wait(read, count, timeout, f"LINE messages to {user}")


def line_texts(line, user: str, count: int, timeout: float = 60) -> list[str]:
    return [m["text"] for m in line_messages(line, user, count, timeout)]


SAID: list[str] = []  # what workers wrote on LINE in this session, for the check of the gateway's log


def say(line, gateway, user: str, text: str) -> None:
    SAID.append(text)
    line.deliver(f"{gateway.url}/webhooks/line", [line.text_event(user, text)])


def press(line, gateway, user: str, payload: str) -> None:
    line.deliver(f"{gateway.url}/webhooks/line", [line.postback_event(user, payload)])


def ask_for_a_person(line, gateway, user: str, text: str = "can I talk to a real person please") -> None:
    """A new worker asks for a person, agrees to their messages being kept, and is put in the queue."""
    webhook = f"{gateway.url}/webhooks/line"
    line.deliver(webhook, [line.text_event(user, text)])
    question = line_messages(line, user, 2, consent=True)[-1]
    assert "/consent yes handoff" in [i["action"]["data"] for i in question["quickReply"]["items"]]
    line.deliver(webhook, [line.postback_event(user, "/consent yes handoff")])
    line_messages(line, user, 3, consent=True)


def telegram_messages(telegram, chat: int, count: int, timeout: float = 60) -> list:
    """What the worker received on Telegram, without the first-contact consent request."""
    def read() -> list:
        return [m for m in telegram.messages_to(chat) if not _asks_consent(
            [row[0].get("callback_data", "") for row in (m.reply_markup or {}).get("inline_keyboard", [])])]
    return _wait(read, count, timeout, f"Telegram messages to {chat}")
_chat_ids = itertools.count(7001)


def new_chat_id() -> int:
    """A Telegram user nobody has used in this session (the fakes live as long as the session)."""
    return next(_chat_ids)


@dataclass
class Gateway:
    url: str
    database: Path
    process: Process

    def count(self, sql: str, *params: object) -> int:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchone()[0]

    def worker_id(self, channel_user_id: str) -> str | None:
        """The store's id of this platform user, or None when there is no such worker (any more)."""
        with sqlite3.connect(self.database) as connection:
            row = connection.execute("SELECT id FROM workers WHERE channel_user_id = ?",
                                     (channel_user_id,)).fetchone()
        return row[0] if row else None

    def worker_label(self, channel_user_id: str) -> str:
        """The pseudonym counselors see for this platform user."""
        return worker_label(self.worker_id(channel_user_id))


@pytest.fixture(scope="session")
def engine(tmp_path_factory) -> Iterator[Engine]:
    started = start_engine(tmp_path_factory.mktemp("engine"))
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="session")
def line() -> Iterator[FakeLinePlatform]:
    with FakeLinePlatform() as fake:
        yield fake


@pytest.fixture(scope="session")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="session")
def gateway(engine, line, telegram, tmp_path_factory) -> Iterator[Gateway]:
    work = tmp_path_factory.mktemp("gateway")
    port = free_port()
    database = work / "gateway.sqlite3"
    url = f"http://127.0.0.1:{port}"
    env = {
        **ENV,
        "GATEWAY_PORT": str(port),
        "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
        "ENGINE_URL": engine.url,
        "ENGINE_TOKEN": engine.token,
        "LINE_CHANNEL_SECRET": line.channel_secret,
        "LINE_CHANNEL_ACCESS_TOKEN": line.access_token,
        "LINE_API_URL": line.api_url,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.api_url,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET,
        "PUBLIC_URL": url,  # the gateway registers its webhook with the fake at start
        "ONE_MOMENT_AFTER": "2",
        "WEB_CHAT": "true",
    }
    process = Process("gateway", [sys.executable, "-m", "bot"], f"{url}/healthz", work / "gateway.log", env).start()
    with sqlite3.connect(database) as connection:  # counselors on duty all day: tests do not depend on the clock
        connection.executemany("INSERT INTO office_hours (weekday, opens, closes) VALUES (?, '00:00', '23:59')",
                               [(day,) for day in range(7)])
    try:
        yield Gateway(url, database, process)
    finally:
        process.stop()
