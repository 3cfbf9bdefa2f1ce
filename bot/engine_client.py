"""Talk to the dialogue engine over Rasa's REST channel (on loopback)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import httpx

from actions.handoff import HandoffRequest
from bot.replies import Reply


class EngineUnavailable(Exception):
    """The engine did not answer (down, restarting, overloaded): the event waits and is retried."""


@dataclass(frozen=True)
class EngineAnswer:
    replies: list[Reply]
    handoff: Optional[HandoffRequest]


def parse_answer(messages: list[dict[str, Any]]) -> EngineAnswer:
    replies = [r for r in (Reply.from_engine(m) for m in messages) if r is not None]
    handoffs = [HandoffRequest.from_payload(m["custom"]) for m in messages if m.get("custom")]
    return EngineAnswer(replies, next((h for h in handoffs if h is not None), None))


class EngineClient:
    def __init__(self, url: str, timeout: float = 120.0) -> None:
        self._client = httpx.AsyncClient(base_url=url, timeout=timeout)

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
            raise EngineUnavailable(f"HTTP {response.status_code}")
        response.raise_for_status()
        answer = parse_answer(response.json())
        if not answer.replies and answer.handoff is None:
            # Rasa answers 200 with nothing when its action server is down: that is an outage, not an answer.
            raise EngineUnavailable("empty answer")
        return answer

    async def ready(self) -> bool:
        """Is the engine answering? (Rasa's root route: no model or tracker involved.)"""
        try:
            return (await self._client.get("/", timeout=2.0)).status_code == 200
        except httpx.HTTPError:
            return False

    async def close(self) -> None:
        await self._client.aclose()
