"""What a platform event becomes once verified and parsed: one normalised shape for every channel."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Optional

# What the worker sent. Only TEXT and CHOICE (a button, a postback, a command) go to the engine.
TEXT = "text"
CHOICE = "choice"
STICKER = "sticker"
MEDIA = "media"  # photo, voice, video, file
LOCATION = "location"
FOLLOW = "follow"
UNFOLLOW = "unfollow"
GROUP = "group"  # anything from a group chat: the bot answers only in private chats
OTHER = "other"


@dataclass(frozen=True)
class Inbound:
    channel: str  # line, telegram, web
    user_id: str  # the platform's id of the person (where replies go)
    key: str  # the platform's id of the event, for dropping redeliveries
    kind: str
    text: Optional[str] = None  # TEXT: the message; CHOICE: the payload ("/wage_unpaid", "/human")
    language_hint: Optional[str] = None  # LINE profile language, Telegram language_code
    reply_token: Optional[str] = None  # LINE: single use, short-lived
    reply_token_expires: Optional[float] = None  # epoch seconds
    callback_id: Optional[str] = None  # Telegram: a button press to answer
    chat_id: Optional[str] = None  # where a group notice goes

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Inbound":
        return cls(**data)
