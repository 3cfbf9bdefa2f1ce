"""Bot or human? The one place that decides who answers a worker's message.

While a counselor has the conversation (a handoff waiting or assigned, bot/handoff/), the worker's
messages go to counselors, not to the engine. When it is resolved, the next message goes to the bot.
"""

from __future__ import annotations

from bot.handoff import states
from bot.store.models import Worker

BOT = "bot"
HUMAN = "human"


def route(worker: Worker) -> str:
    return HUMAN if worker.mode in states.OPEN else BOT
