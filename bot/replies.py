"""What the bot says back: text with optional buttons, in a form every channel can send."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional


@dataclass(frozen=True)
class Button:
    title: str
    payload: str  # "/intent" for the engine, or a gateway command such as "/language vi"


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": [{"title": b.title, "payload": b.payload} for b in self.buttons]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Reply":
        return cls(data["text"], tuple(Button(b["title"], b["payload"]) for b in data.get("buttons") or ()))

    @classmethod
    def from_engine(cls, message: dict[str, Any]) -> Optional["Reply"]:
        """A message of Rasa's REST channel, or None when it carries no text (e.g. a custom payload)."""
        if not message.get("text"):
            return None
        buttons = tuple(Button(b["title"], b["payload"]) for b in message.get("buttons") or ())
        return cls(message["text"], buttons)
