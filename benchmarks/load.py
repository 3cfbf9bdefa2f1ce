"""Simulated workers for the production benchmarks: what they write, how they send it, what they get.

Workers write real messages from tests/nlu_holdout/ (12 languages, as workers type), kept only when
the engine reads them as a plain question (no crisis, no request for a person, no command): those
would take the worker out of the bot's hands and make the runs incomparable. They send through the
LINE and Telegram fakes as the platforms do (signed webhooks; LINE redelivers what was not
acknowledged), and the fakes tell when a reply arrives.

locust or wrk could send the requests, but not wait for the reply that comes back later as an API
call to the platform, which is what a worker feels; so the load is generated here, with asyncio.
"""

from __future__ import annotations

import asyncio
import csv
import itertools
import json
import os
import platform
import random
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Sequence

import httpx

ROOT = Path(__file__).resolve().parents[1]
HOLDOUT = ROOT / "tests" / "nlu_holdout"
CALM_INTENTS = frozenset({
    "greet", "thanks", "wage_unpaid", "overtime", "minimum_wage", "paid_leave", "job_change", "residence_renewal",
    "status_change", "residence_card_lost", "find_hospital", "health_insurance", "earthquake", "typhoon_flood",
    "evacuation_shelter", "pension_refund", "tax", "remittance", "bank_account", "garbage_rules", "housing",
    "japanese_study", "emergency_numbers", "consultation_desk",
})
MIN_CONFIDENCE = 0.6


@dataclass(frozen=True)
class Message:
    text: str
    language: str  # the catalog the answer is rendered in (what the gateway decides for this text)


def holdout_messages() -> list[Message]:
    messages = []
    for path in sorted(HOLDOUT.glob("*.tsv")):
        language = path.stem.split("-")[0]
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                if row["intent"] in CALM_INTENTS:
                    messages.append(Message(row["text"], language))
    return messages


def calm_messages(engine_url: str, token: str, count: int, seed: int = 7) -> list[Message]:
    """`count` holdout messages the engine classifies as a calm question, in a fixed random order."""
    candidates = holdout_messages()
    random.Random(seed).shuffle(candidates)
    chosen = []
    with httpx.Client(timeout=30) as client:
        for message in candidates:
            parsed = client.post(f"{engine_url}/model/parse", params={"token": token},
                                 json={"text": message.text}).json()
            intent = parsed.get("intent") or {}
            if intent.get("name") in CALM_INTENTS and intent.get("confidence", 0) >= MIN_CONFIDENCE:
                chosen.append(message)
            if len(chosen) == count:
                break
    return chosen


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Replies:
    """Waits for replies as the fakes accept them (their listeners run in the fakes' threads)."""

    def __init__(self, loop: asyncio.AbstractEventLoop, line: Any = None, telegram: Any = None) -> None:
        self.loop = loop
        self._lock = threading.Lock()
        self.tokens: dict[str, str] = {}  # LINE reply token -> webhookEventId (redeliveries get new tokens)
        self._by_event: dict[str, asyncio.Future] = {}
        self._by_chat: dict[int, asyncio.Future] = {}
        if line is not None:
            line.listeners.append(self._on_line)
        if telegram is not None:
            telegram.listeners.append(self._on_telegram)

    def line_reply(self, event_id: str) -> asyncio.Future:
        """Resolves with the time (perf_counter) a reply with this webhook event's reply token arrives."""
        future = self.loop.create_future()
        with self._lock:
            self._by_event[event_id] = future
        return future

    def telegram_message(self, chat_id: int) -> asyncio.Future:
        """Resolves with the time of the next message to this chat."""
        future = self.loop.create_future()
        with self._lock:
            self._by_chat[chat_id] = future
        return future

    def _resolve(self, future: Optional[asyncio.Future], at: float) -> None:
        if future is not None:
            self.loop.call_soon_threadsafe(lambda: future.done() or future.set_result(at))

    def _on_line(self, sent: Any) -> None:
        at = time.perf_counter()
        if sent.reply_token:
            with self._lock:
                future = self._by_event.pop(self.tokens.get(sent.reply_token, ""), None)
            self._resolve(future, at)

    def _on_telegram(self, sent: Any) -> None:
        at = time.perf_counter()
        with self._lock:
            future = self._by_chat.pop(sent.chat_id, None)
        self._resolve(future, at)


@dataclass
class LineSender:
    """Sends LINE webhooks to the gateways in turn (a round-robin balancer), redelivering as LINE does."""

    line: Any
    gateway_urls: Sequence[str]
    client: httpx.AsyncClient
    replies: Replies
    retry_for: float = 300.0
    redeliveries: int = 0
    _turn: itertools.count = field(default_factory=itertools.count)

    def _next_url(self) -> str:
        return f"{self.gateway_urls[next(self._turn) % len(self.gateway_urls)]}/webhooks/line"

    async def send(self, event: dict[str, Any]) -> None:
        """Deliver until a gateway acknowledges it (200); LINE redelivers the same event id with a new token."""
        deadline = time.monotonic() + self.retry_for
        attempt = event
        while True:
            self.replies.tokens[attempt["replyToken"]] = attempt["webhookEventId"]
            body = self.line.webhook_body([attempt])
            headers = {"Content-Type": "application/json", "X-Line-Signature": self.line.sign(body)}
            try:
                response = await self.client.post(self._next_url(), content=body, headers=headers)
                if response.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"event {event['webhookEventId']} never acknowledged")
            self.redeliveries += 1
            await asyncio.sleep(0.5)
            attempt = self.line.redelivery(event)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except OSError:
        memory_kb = 0

    def version(command: list[str]) -> str:
        try:
            return subprocess.run(command, capture_output=True, text=True, timeout=10).stdout.strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "not found"
    return (f"{cpu}, {os.cpu_count()} cores, {memory_kb / 1024 / 1024:.0f} GiB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()} (gateway), "
            f"{version(['psql', '--version'])}, {version(['redis-server', '--version'])[:24]}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def pids_of(name: str) -> list[int]:
    """The processes running this program (e.g. postgres, redis-server)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/comm"):
        try:
            if status.read_text().strip() == name:
                found.append(int(status.parent.name))
        except OSError:
            continue
    return found


def total_cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += cpu_seconds(pid)
        except OSError:
            continue  # ended meanwhile
    return total


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Tally:
    sent: int = 0  # worker messages sent (acknowledged by a gateway, after redeliveries)
    answered: int = 0  # with every reply they caused delivered exactly once
    lost: int = 0  # never stored, no reply, or a reply never delivered
    duplicated: int = 0  # a reply delivered twice


async def _outbox(database_url: str) -> list[tuple]:
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(
                "SELECT e.key, e.waiting_note_sent, o.retry_key, o.reply_token, o.messages FROM events e "
                "LEFT JOIN outbox o ON o.event_id = e.id WHERE e.channel = 'line'"))).all()]
    finally:
        await engine.dispose()


def tally(database_url: str, line: Any, event_ids: set[str]) -> Tally:
    """Each message's replies as the gateway recorded them, against what LINE accepted: lost and doubled.

    A reply goes by the event's reply token or by push with a retry key derived from its outbox row
    (bot/channels/line.py), so every reply LINE accepted can be traced to one row and batch.
    """
    from bot.channels.line import MAX_MESSAGES_PER_CALL, chunk_retry_key
    by_token: dict[str, int] = {}
    by_key: dict[str, int] = {}
    for sent in line.sent:
        if sent.reply_token:
            by_token[sent.reply_token] = by_token.get(sent.reply_token, 0) + 1
        if sent.retry_key:
            by_key[sent.retry_key.lower()] = by_key.get(sent.retry_key.lower(), 0) + 1
    rows: dict[str, list[tuple]] = {}
    notes: dict[str, bool] = {}
    for key, noted, retry_key, reply_token, messages in asyncio.run(_outbox(database_url)):
        rows.setdefault(key, [])
        notes[key] = bool(noted)
        if retry_key is not None:
            rows[key].append((retry_key, reply_token, messages))
    result = Tally(sent=len(event_ids))
    for event_id in event_ids:
        batches = []
        for retry_key, reply_token, messages in rows.get(event_id, []):
            count = len((json.loads(messages) if isinstance(messages, str) else messages)["replies"])
            for start in range(0, count, MAX_MESSAGES_PER_CALL):
                delivered = by_key.get(chunk_retry_key(retry_key, start), 0)
                if start == 0 and reply_token:
                    delivered += by_token.get(reply_token, 0)
                batches.append(delivered)
        answers = len(rows.get(event_id, [])) - notes.get(event_id, False)  # a "one moment" note is a row too
        if not batches or 0 in batches:
            result.lost += 1
        elif any(n > 1 for n in batches) or answers > 1:  # a reply sent twice, or the event answered twice
            result.duplicated += 1
        else:
            result.answered += 1
    return result


@dataclass
class OpenLoop:
    """Messages at a fixed rate, whatever the answers do (new ones keep coming, as from many people)."""

    event_ids: set[str] = field(default_factory=set)
    latencies: list[float] = field(default_factory=list)  # ms, webhook to reply (reply-token answers)
    answered_at: list[float] = field(default_factory=list)  # perf_counter of each answer
    started: float = 0.0
    unanswered: int = 0  # no reply by token before the end of the run (lost, or answered by push)


async def open_loop(line: Any, sender: LineSender, messages: Sequence[Message], rate: float, duration: float,
                    workers: int, drain: float = 120.0) -> OpenLoop:
    """Send rate x duration LINE messages from `workers` workers in turn; wait up to `drain` s for the answers."""
    run = OpenLoop(started=time.perf_counter())
    users = [line.new_user_id() for _ in range(workers)]
    pending: list[asyncio.Task] = []

    async def one(number: int) -> None:
        event = line.text_event(users[number % workers], messages[number % len(messages)].text)
        run.event_ids.add(event["webhookEventId"])
        answered = sender.replies.line_reply(event["webhookEventId"])
        started = time.perf_counter()
        await sender.send(event)
        try:
            at = await asyncio.wait_for(answered, max(1.0, run.started + duration + drain - time.perf_counter()))
        except asyncio.TimeoutError:
            run.unanswered += 1
            return
        run.latencies.append((at - started) * 1000)
        run.answered_at.append(at)

    for number in range(int(rate * duration)):
        delay = run.started + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(one(number)))
    await asyncio.gather(*pending)
    return run
