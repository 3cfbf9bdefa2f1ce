"""Bot or human? The one place that decides who answers a worker's message.

While a counselor has the conversation (mode waiting or assigned), the worker's messages go to
counselors, not to the engine. The engine asks for a counselor with a handoff request
(actions/handoff.py); `request_handoff` is where the handoff work (queue, console) takes over.
"""

from __future__ import annotations

import logging

from actions.handoff import HandoffRequest
from bot.store.models import Worker

log = logging.getLogger(__name__)

BOT = "bot"
HUMAN = "human"
HUMAN_MODES = frozenset({"waiting", "assigned"})


def route(worker: Worker) -> str:
    return HUMAN if worker.mode in HUMAN_MODES else BOT


async def request_handoff(worker: Worker, request: HandoffRequest) -> None:
    """Bring in a counselor. Until the counselor console exists, the request is only recorded:
    the worker stays with the bot, which has already told them what to do now."""
    log.info("handoff requested: reason=%s urgency=%s topic=%s", request.reason, request.urgency, request.topic)
