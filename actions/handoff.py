"""The handoff request: how the engine asks the gateway to bring in a human counselor.

This module is the one definition of that message. The engine sends it as a custom payload
in its reply; the gateway's router reads it. It imports nothing from Rasa so that both Python
environments can import it.

Wire shape (the `custom` object of one bot message)::

    {"handoff": {"reason": "urgent_intent", "urgency": "urgent", "topic": "crisis_violence"}}

- reason: why a person is needed (one of REASONS)
- urgency: "urgent" (ahead of the queue, every on-duty counselor alerted) or "normal"
- topic: the intent the worker needs help with, so the right counselor can take it; for a
  plain request for a person, the last topic the worker asked about; null when unknown
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Dict, Optional

KEY = "handoff"

URGENT = "urgent"
NORMAL = "normal"
URGENCIES = (URGENT, NORMAL)

WORKER_REQUEST = "worker_request"
URGENT_INTENT = "urgent_intent"
FALLBACK = "fallback"
REASONS = (WORKER_REQUEST, URGENT_INTENT, FALLBACK)

# Intents that go to a counselor at once, with priority (../shared/INTENTS.md, column urgent).
URGENT_INTENTS = frozenset({"crisis_suicide", "crisis_violence", "need_help"})

# The intent Rasa's FallbackClassifier gives a message it is not confident about.
FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class HandoffRequest:
    reason: str
    urgency: str
    topic: Optional[str] = None

    def __post_init__(self) -> None:
        if self.reason not in REASONS:
            raise ValueError(f"unknown handoff reason {self.reason!r}")
        if self.urgency not in URGENCIES:
            raise ValueError(f"unknown handoff urgency {self.urgency!r}")

    def to_payload(self) -> Dict[str, Any]:
        return {KEY: asdict(self)}

    @classmethod
    def from_payload(cls, payload: Any) -> Optional["HandoffRequest"]:
        """Read a bot message's custom payload; None when it is not a handoff request."""
        if not isinstance(payload, dict) or not isinstance(payload.get(KEY), dict):
            return None
        body = payload[KEY]
        return cls(reason=body.get("reason"), urgency=body.get("urgency"), topic=body.get("topic"))


def for_intent(intent: Optional[str], topic: Optional[str] = None) -> HandoffRequest:
    """The request the engine sends after answering `intent`; `topic` is what it is about."""
    if intent in URGENT_INTENTS:
        return HandoffRequest(reason=URGENT_INTENT, urgency=URGENT, topic=intent)
    if intent == FALLBACK_INTENT:
        return HandoffRequest(reason=FALLBACK, urgency=NORMAL, topic=topic)
    return HandoffRequest(reason=WORKER_REQUEST, urgency=NORMAL, topic=topic)
