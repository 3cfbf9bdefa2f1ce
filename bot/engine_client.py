"""Talk to the dialogue engine over Rasa's REST channel (on loopback)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional

import httpx
import yaml

from actions import commands
from actions.handoff import HandoffRequest
from bot.replies import Reply


DOMAIN = Path(__file__).resolve().parents[1] / "domain.yml"


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


class EngineClient:
    def __init__(self, url: str, token: Optional[str] = None, timeout: float = 120.0) -> None:
        self._client = httpx.AsyncClient(base_url=url, timeout=timeout)
        self._token = token

    async def ask(self, worker_id: str, text: str, language: str, channel: str) -> EngineAnswer:
        try:
            response = await self._client.post(
                "/webhooks/rest/webhook",
                json={
                    "sender": worker_id,
                    "message": text,
                    "metadata": {"language": language, "channel": channel},
                },
            )
        except httpx.HTTPError as error:
            raise EngineUnavailable(type(error).__name__) from error
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

        It replaces the tracker's events with none, which erases them in Rasa's default (in-memory)
        tracker store; a shared tracker store in production needs its own erasure (see README).
        """
        if not self._token:
            return False
        try:
            response = await self._client.put(
                f"/conversations/{worker_id}/tracker/events", params={"token": self._token}, json=[]
            )
        except httpx.HTTPError:
            return False
        return response.status_code == 200

    async def ready(self) -> bool:
        """Is the engine answering? (Rasa's root route: no model or tracker involved.)"""
        try:
            return (await self._client.get("/", timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        await self._client.aclose()
