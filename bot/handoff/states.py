"""The handoff state machine: bot -> waiting -> assigned -> resolved -> bot, and what may move it.

A worker's conversation is in state BOT when no handoff is open. Every change is recorded as a
Transition (time, actor); a change not listed here is refused.
"""

from __future__ import annotations

from bot.handoff.errors import HandoffRefused

BOT = "bot"
WAITING = "waiting"
ASSIGNED = "assigned"
RESOLVED = "resolved"
OPEN = (WAITING, ASSIGNED)

# (from, to) -> what the move is called
ALLOWED: dict[tuple[str, str], str] = {
    (BOT, WAITING): "request",  # the worker, the engine (urgent, fallbacks) or a command asks for a person
    (WAITING, WAITING): "transfer",  # to another language or specialty, still waiting
    (WAITING, ASSIGNED): "claim",
    (ASSIGNED, ASSIGNED): "transfer",  # to another counselor
    (ASSIGNED, WAITING): "transfer",  # back to the queue, for another language or specialty
    (WAITING, RESOLVED): "resolve",
    (ASSIGNED, RESOLVED): "resolve",  # by the counselor, or by the system when idle too long
    (RESOLVED, BOT): "return",  # the worker's next message goes to the bot
}


def check(from_state: str, to_state: str) -> str:
    """The name of the move, or HandoffRefused when the state machine does not allow it."""
    try:
        return ALLOWED[(from_state, to_state)]
    except KeyError:
        raise HandoffRefused(f"a conversation cannot go from {from_state} to {to_state}") from None
