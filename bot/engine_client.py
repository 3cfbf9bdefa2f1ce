"""Talk to the dialogue engine over Rasa's REST channel (on loopback or a private network).

With several engine processes, each worker goes to one of them, chosen by rendezvous hashing on the
worker id: Rasa's open-source Redis lock is not atomic, so two processes must not handle one
conversation at once. Adding or removing a process moves only the workers that hash to it. A worker
whose engine does not accept the connection (stopped, restarting, its machine off) goes to the next
one in their order.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Sequence

import httpx
import yaml

from actions import commands
from actions.handoff import HandoffRequest
from bot.replies import Reply


DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"
CONNECT_SECONDS = 2.0  # an engine that does not accept the connection by then is skipped (nothing was sent)


@functools.cache
def known_intents() -> frozenset[str]:
    """The engine's intents: a button payload "/<intent>" goes to it as such, anything else as text."""
    return frozenset(yaml.safe_load(DOMAIN.read_text(encoding="utf-8"))["intents"])


class EngineUnavailable(Exception):
    """The engine did not answer (down, restarting, overloaded): the event waits and is retried."""

    def __init__(self, reason: str, failed: bool = False) -> None:
        super().__init__(reason)
        self.failed = failed  # it answered with an error: this message may be what it cannot take


@dataclass(frozen=True)
class EngineAnswer:
    replies: list[Reply]
    handoff: Optional[HandoffRequest]
    command: Optional[str] = None  # a gateway command the engine asks for (actions/commands.py)


def parse_answer(messages: list[dict[str, Any]]) -> EngineAnswer:
    replies = [r for r in (Reply.from_engine(m) for m in messages) if r is not None]
    customs = [m["custom"] for m in messages if m.get("custom")]
    handoffs = [h for h in (HandoffRequest.from_payload(c) for c in customs) if h is not None]
    command = next((c for c in (commands.from_payload(c) for c in customs) if c is not None), None)
    return EngineAnswer(replies, handoffs[0] if handoffs else None, command)


def ranked(worker_id: str, engines: Sequence[str]) -> list[str]:
    """The engines in the order this worker tries them: the first one, unless it refuses connections."""
    def weight(engine: str) -> bytes:
        return hashlib.blake2b(f"{engine}\n{worker_id}".encode(), digest_size=8).digest()
    return sorted(engines, key=weight, reverse=True)


class EngineClient:
    def __init__(self, urls: Sequence[str], token: Optional[str] = None, timeout: float = 120.0) -> None:
        if not urls:
            raise ValueError("no engine URL")
        limits = httpx.Timeout(timeout, connect=CONNECT_SECONDS)
        self._clients = {url: httpx.AsyncClient(base_url=url, timeout=limits) for url in urls}
        self._token = token

    async def _request(self, worker_id: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Send to the worker's engine, or the next one when it refuses the connection (nothing was sent)."""
        for url in ranked(worker_id, list(self._clients)):
            try:
                return await self._clients[url].request(method, path, **kwargs)
            except (httpx.ConnectError, httpx.ConnectTimeout):  # refused, or a machine that is off
                continue
            except httpx.HTTPError as error:
                raise EngineUnavailable(type(error).__name__) from error
        raise EngineUnavailable("ConnectError")

    async def ask(self, worker_id: str, text: str, language: str, channel: str) -> EngineAnswer:
        response = await self._request(worker_id, "POST", "/webhooks/rest/webhook", json={
            "sender": worker_id,
            "message": text,
            "metadata": {"language": language, "channel": channel},
        })
        if response.status_code >= 500 or response.status_code == 429:
            raise EngineUnavailable(f"HTTP {response.status_code}", failed=response.status_code >= 500)
        response.raise_for_status()
        answer = parse_answer(response.json())
        if not answer.replies and answer.handoff is None and answer.command is None:
            # Rasa answers 200 with nothing when its action server is down: that is an outage, not an answer.
            raise EngineUnavailable("empty answer")
        return answer

    @property
    def can_forget(self) -> bool:
        return bool(self._token)

    async def forget(self, worker_id: str) -> bool:
        """Erase the worker's conversation in the engine's tracker store (Rasa's HTTP API, on loopback).

        It replaces the tracker's events with none: Rasa's in-memory tracker store forgets them, and the
        production SQL store deletes them (engine_stores/sql.py). Rasa answers 200 even when its
        tracker store failed (it falls back to memory), so the erasure counts only if the engine's
        count of fall-backs did not move meanwhile; otherwise it is tried again later.
        """
        if not self._token:
            return False
        for url in ranked(worker_id, list(self._clients)):
            client = self._clients[url]
            try:
                before = await self._fallbacks(client)
                response = await client.put(f"/conversations/{worker_id}/tracker/events",
                                            params={"token": self._token}, json=[])
                after = await self._fallbacks(client)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                continue
            except httpx.HTTPError:
                return False
            return response.status_code == 200 and before is not None and after == before
        return False

    @classmethod
    async def _fallbacks(cls, client: httpx.AsyncClient) -> Optional[int]:
        return (await cls._report(client)).get("fallbacks")

    @staticmethod
    async def _report(client: httpx.AsyncClient) -> dict[str, Any]:
        """One engine's report of the tracker and lock store it really uses (engine_stores/health.py)."""
        try:
            response = await client.get("/webhooks/stores/health", timeout=5.0)
            return response.json() if response.status_code == 200 else {"ready": False}
        except (httpx.HTTPError, ValueError):
            return {"ready": False}

    async def ready(self) -> bool:
        """Is an engine answering? (Rasa's root route: no model or tracker involved.)"""
        for client in self._clients.values():
            try:
                if (await client.get("/", timeout=2.0)).status_code == 200:
                    return True
            except httpx.HTTPError:
                continue
        return False

    async def stores(self) -> dict[str, dict[str, Any]]:
        """Each engine's report of the stores it really uses."""
        return {url: await self._report(client) for url, client in self._clients.items()}

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
