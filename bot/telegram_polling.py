"""Telegram without a public URL: fetch updates by long polling and store them like webhook ones."""

from __future__ import annotations

import asyncio
import logging

from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TelegramError

from bot.channels.telegram import to_inbound
from bot.services import Services

log = logging.getLogger(__name__)

LONG_POLL_SECONDS = 25


async def poll_updates(bot: Bot, services: Services) -> None:
    """Store each batch, then confirm it (the next offset): an update is never lost or taken twice."""
    offset = None
    webhook_deleted = False
    while True:
        try:
            if not webhook_deleted:
                webhook_deleted = await bot.delete_webhook()
            updates = await bot.get_updates(
                offset=offset, timeout=LONG_POLL_SECONDS, allowed_updates=["message", "callback_query"]
            )
        except RetryAfter as error:
            delay = error.retry_after
            await asyncio.sleep(delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay))
            continue
        except (NetworkError, TelegramError) as error:
            log.warning("getUpdates failed: %s", type(error).__name__)
            await asyncio.sleep(2)
            continue
        events = [e for e in (to_inbound(u.to_dict()) for u in updates) if e is not None]
        try:
            if events:
                await services.processor.receive(events)
        except Exception:  # the store is unavailable: fetch the same updates again (offset unchanged)
            log.exception("could not store Telegram updates")
            await asyncio.sleep(2)
            continue
        if updates:
            offset = updates[-1].update_id + 1
