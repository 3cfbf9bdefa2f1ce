"""How replies leave: the contract every channel's sender keeps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Protocol

from bot.inbound import Inbound
from bot.replies import Reply


class RetryLater(Exception):
    """The platform is down or rate-limiting: keep the replies and try again (not before `retry_after` s)."""

    def __init__(self, reason: str, retry_after: float = 0.0) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class Undeliverable(Exception):
    """The platform refused the replies for good (blocked by the worker, malformed request)."""


@dataclass(frozen=True)
class Delivery:
    user_id: str  # the worker on the platform
    retry_key: str  # stable across retries: a retried LINE push is never delivered twice
    reply_token: Optional[str] = None
    reply_token_expires: Optional[float] = None
    to: Optional[str] = None  # a group chat, for the "private chats only" notice
    tried_before: bool = False  # an earlier process may have sent it already (crash before recording)


class Sender(Protocol):
    batch_size: int  # replies per platform call; progress is saved after each call

    async def language_hint(self, event: Inbound) -> Optional[str]:
        """What the platform says about a new worker's language (LINE profile, Telegram language_code)."""

    async def acknowledge(self, event: Inbound) -> None:
        """Tell the platform the event was received, at once (Telegram: stop the pressed button's spinner)."""

    async def working(self, event: Inbound) -> None:
        """Show the worker the bot is busy (LINE loading animation, Telegram typing), when an answer takes a while."""

    async def send(self, batch: list[Reply], delivery: Delivery, index: int) -> None:
        """Send one batch: the replies from position `index` of an outbox row.

        Raises RetryLater (the row is kept and retried from this batch) or Undeliverable.
        """
