"""GET /webhooks/stores/health: which tracker and lock store this engine process really uses.

Rasa falls back to keeping conversations in memory without stopping: when a configured tracker store
class cannot be imported (a warning at start), and whenever a read or write fails (Rasa's
FailSafeTrackerStore logs an error and carries on). With several engine processes, or after a
restart, those conversations are lost. This channel makes both visible: the class in use, and how
many reads and writes fell back since the process started. The gateway asks for it (bot/engine_client.py).
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request

FALLBACK_MARK = "Falling back to use the 'InMemoryTrackerStore'"


class FallbackCounter(logging.Handler):
    """Counts Rasa's "Falling back to use the InMemoryTrackerStore" errors (rasa.core.tracker_store)."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if FALLBACK_MARK in record.getMessage():
            self.count += 1


FALLBACKS = FallbackCounter()
logging.getLogger("rasa.core.tracker_store").addHandler(FALLBACKS)


def store_names(agent: Any) -> dict[str, str]:
    tracker_store = agent.tracker_store
    while hasattr(tracker_store, "_tracker_store"):  # unwrap Rasa's FailSafe and Awaitable wrappers
        tracker_store = tracker_store._tracker_store
    return {"tracker_store": type(tracker_store).__name__, "lock_store": type(agent.lock_store).__name__}


class StoresHealth(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "stores"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = Blueprint("stores_health", __name__)

        @blueprint.route("/health", methods=["GET"])
        async def health(request: Request) -> response.HTTPResponse:
            agent = request.app.ctx.agent
            if agent is None or not agent.is_ready():
                return response.json({"ready": False}, status=503)
            return response.json({"ready": True, **store_names(agent), "fallbacks": FALLBACKS.count})

        return blueprint
