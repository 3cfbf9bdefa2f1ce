"""Telegram: updates (webhook with its secret header, or long polling) into Inbound; replies with inline keyboards.

Built on python-telegram-bot 22 (`telegram.Bot`). Private chats only: a group gets a short notice.
"""

from __future__ import annotations

import hmac
import logging
from typing import Any, Optional

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, RetryAfter, TelegramError

from bot import inbound as kinds
from bot.delivery import Delivery, RetryLater, Undeliverable
from bot.inbound import Inbound
from bot.replies import Reply

log = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT = 4096
MEDIA_FIELDS = ("photo", "voice", "audio", "video", "video_note", "document", "animation")
COMMANDS = frozenset({"/start", "/help", "/menu", "/language", "/human", "/consent", "/mydata", "/delete", "/privacy"})  # bot/handler.py answers them


def secret_matches(expected: str, received: Optional[str]) -> bool:
    return received is not None and hmac.compare_digest(expected.encode(), received.encode())


def to_inbound(update: dict[str, Any]) -> Optional[Inbound]:
    key = update.get("update_id")
    if key is None:
        return None
    callback = update.get("callback_query")
    if callback:
        user = callback.get("from") or {}
        return Inbound(
            channel=CHANNEL, user_id=str(user.get("id")), key=str(key), kind=kinds.CHOICE,
            text=callback.get("data") or "", language_hint=user.get("language_code"),
            callback_id=callback.get("id"),
        )
    message = update.get("message")
    if not message:
        return None  # edits, channel posts, member updates: nothing to answer
    user = message.get("from") or {}
    chat = message.get("chat") or {}
    common: dict[str, Any] = dict(
        channel=CHANNEL, user_id=str(user.get("id")), key=str(key), language_hint=user.get("language_code")
    )
    if chat.get("type") != "private":
        # One notice per group: every later message of the group is a "redelivery" of the first.
        common["key"] = f"group:{chat.get('id')}"
        return Inbound(kind=kinds.GROUP, chat_id=str(chat.get("id")), **common)
    text = message.get("text")
    if text is not None:
        command = _command(message)
        if command:
            argument = text.split(maxsplit=1)[1] if " " in text.strip() else ""
            return Inbound(kind=kinds.CHOICE, text=f"{command} {argument}".strip(), **common)
        return Inbound(kind=kinds.TEXT, text=text, **common)
    if "sticker" in message:
        return Inbound(kind=kinds.STICKER, **common)
    if any(field in message for field in MEDIA_FIELDS):
        return Inbound(kind=kinds.MEDIA, **common)
    if "location" in message or "venue" in message:
        return Inbound(kind=kinds.LOCATION, **common)
    return Inbound(kind=kinds.OTHER, **common)


def _command(message: dict[str, Any]) -> Optional[str]:
    """The bot command the message starts with ("/language@helpline_bot vi" -> "/language")."""
    for entity in message.get("entities") or []:
        if entity.get("type") == "bot_command" and entity.get("offset") == 0:
            name = message["text"][: entity["length"]].split("@", 1)[0].lower()
            return name if name in COMMANDS else None
    return None


def keyboard(reply: Reply) -> Optional[InlineKeyboardMarkup]:
    if not reply.buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(b.title, callback_data=b.payload)] for b in reply.buttons])


class TelegramSender:
    batch_size = 1  # one message per call: progress is saved after each

    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def language_hint(self, event: Inbound) -> Optional[str]:
        return event.language_hint  # language_code comes with every update

    async def acknowledge(self, event: Inbound) -> None:
        if not event.callback_id:
            return
        try:
            await self.bot.answer_callback_query(event.callback_id)
        except TelegramError as error:
            log.debug("callback answer refused: %s", type(error).__name__)

    async def working(self, event: Inbound) -> None:
        try:
            await self.bot.send_chat_action(int(event.user_id), ChatAction.TYPING)
        except TelegramError as error:
            log.debug("typing refused: %s", type(error).__name__)

    async def send(self, batch: list[Reply], delivery: Delivery, index: int) -> None:
        chat_id = int(delivery.to or delivery.user_id)
        for reply in batch:
            try:
                await self.bot.send_message(chat_id, reply.text[:MAX_TEXT], reply_markup=keyboard(reply))
            except BadRequest as error:  # a NetworkError subclass, but retrying cannot help
                raise Undeliverable(f"Telegram: {error.message}") from error
            except RetryAfter as error:  # flood control: wait as long as Telegram says
                delay = error.retry_after
                seconds = delay.total_seconds() if hasattr(delay, "total_seconds") else float(delay)
                raise RetryLater("Telegram: flood control", retry_after=seconds) from error
            except NetworkError as error:
                raise RetryLater(f"Telegram: {type(error).__name__}") from error
            except TelegramError as error:  # Forbidden: the worker blocked the bot
                raise Undeliverable(f"Telegram: {type(error).__name__}") from error
