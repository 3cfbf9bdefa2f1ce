"""LINE: the webhook (signature first), events into Inbound, replies by reply token or push.

Built on line-bot-sdk 3 (async API). The signature is checked before anything is parsed or stored.
A reply token is used once and only while valid; otherwise, or when the reply fails, the replies are
pushed with an X-Line-Retry-Key derived from the outbox row, so a retried push is never doubled.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.parse
import urllib.request
import uuid
from typing import Any, Optional

import aiohttp
from linebot.v3.messaging import (
    ApiException,
    AsyncApiClient,
    AsyncMessagingApi,
    Configuration,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)
from linebot.v3.webhook import SignatureValidator

from bot import inbound as kinds
from bot.delivery import Delivery, RetryLater, Undeliverable
from bot.inbound import Inbound
from bot.replies import Reply

log = logging.getLogger(__name__)

CHANNEL = "line"
MAX_MESSAGES_PER_CALL = 5
MAX_QUICK_REPLIES = 13
MAX_LABEL = 20
MAX_TEXT = 5000
REPLY_TOKEN_SECONDS = 50  # LINE documents about a minute; leave a margin
LOADING_SECONDS = 20
MEDIA_TYPES = {"image", "audio", "video", "file"}


class ForgedWebhook(Exception):
    """The X-Line-Signature does not match the body: not from LINE."""


def verify(channel_secret: str, body: bytes, signature: Optional[str]) -> dict[str, Any]:
    """The webhook body, once its signature is checked against the channel secret."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ForgedWebhook() from error
    if not signature or not SignatureValidator(channel_secret).validate(text, signature):
        raise ForgedWebhook()
    return json.loads(text)


def parse(payload: dict[str, Any], now: Optional[float] = None) -> list[Inbound]:
    return [event for event in (to_inbound(raw, now) for raw in payload.get("events") or []) if event]


def to_inbound(raw: dict[str, Any], now: Optional[float] = None) -> Optional[Inbound]:
    source = raw.get("source") or {}
    user_id = source.get("userId")
    key = raw.get("webhookEventId")
    if not user_id or not key:
        return None
    now = time.time() if now is None else now
    token = raw.get("replyToken")
    common: dict[str, Any] = dict(
        channel=CHANNEL, user_id=user_id, key=key, reply_token=token,
        reply_token_expires=now + REPLY_TOKEN_SECONDS if token else None,
    )
    kind = raw.get("type")
    message = raw.get("message") or {}
    if source.get("type") in ("group", "room"):
        if kind != "message":
            return None
        # One notice per group: every later message of the group is a "redelivery" of the first.
        group = source.get("groupId") or source.get("roomId")
        common["key"] = f"group:{group}"
        return Inbound(kind=kinds.GROUP, chat_id=group, **common)
    if kind == "message":
        mtype = message.get("type")
        if mtype == "text":
            return Inbound(kind=kinds.TEXT, text=message.get("text", ""), **common)
        if mtype == "sticker":
            return Inbound(kind=kinds.STICKER, **common)
        if mtype in MEDIA_TYPES:
            return Inbound(kind=kinds.MEDIA, **common)
        if mtype == "location":
            return Inbound(kind=kinds.LOCATION, **common)
        return Inbound(kind=kinds.OTHER, **common)
    if kind == "postback":
        return Inbound(kind=kinds.CHOICE, text=(raw.get("postback") or {}).get("data", ""), **common)
    if kind == "follow":
        return Inbound(kind=kinds.FOLLOW, **common)
    if kind == "unfollow":
        return Inbound(kind=kinds.UNFOLLOW, **common)
    return None


def to_message(reply: Reply) -> TextMessage:
    items = [
        QuickReplyItem(action=PostbackAction(label=b.title[:MAX_LABEL], data=b.payload, displayText=b.title))
        for b in reply.buttons[:MAX_QUICK_REPLIES]
    ]
    return TextMessage(text=reply.text[:MAX_TEXT], quickReply=QuickReply(items=items) if items else None)


def chunk_retry_key(retry_key: str, index: int) -> str:
    return str(uuid.uuid5(uuid.UUID(retry_key), str(index)))


def environment_proxy(url: str) -> Optional[str]:
    """The proxy the environment names for `url`'s scheme (HTTPS_PROXY for https), unless NO_PROXY exempts its host."""
    parts = urllib.parse.urlsplit(url)
    if urllib.request.proxy_bypass_environment(parts.hostname or ""):
        return None
    return urllib.request.getproxies_environment().get(parts.scheme)


class LineSender:
    batch_size = MAX_MESSAGES_PER_CALL

    def __init__(self, access_token: str, api_url: str) -> None:
        configuration = Configuration(host=api_url, access_token=access_token)
        configuration.proxy = environment_proxy(api_url)
        self._client = AsyncApiClient(configuration)
        # line-bot-sdk's session trusts the environment on every call: aiohttp then looks up the proxy
        # variables and ~/.netrc in a worker thread, twice per message. The proxy is read once above.
        rest = self._client.rest_client
        trusting, rest.pool_manager = rest.pool_manager, aiohttp.ClientSession(
            connector=rest.pool_manager.connector, trust_env=False)
        trusting.detach()
        self._api = AsyncMessagingApi(self._client)

    async def language_hint(self, event: Inbound) -> Optional[str]:
        """The LINE profile's language (only there when the user agreed to LINE's privacy policy)."""
        try:
            return (await self._api.get_profile(event.user_id)).language
        except (ApiException, aiohttp.ClientError, TimeoutError):
            return None

    async def acknowledge(self, event: Inbound) -> None:
        """LINE needs nothing: the webhook's 200 is the acknowledgement."""

    async def working(self, event: Inbound) -> None:
        try:
            await self._api.show_loading_animation(
                ShowLoadingAnimationRequest(chatId=event.user_id, loadingSeconds=LOADING_SECONDS)
            )
        except ApiException as error:
            log.debug("loading animation refused: %s", error.status)

    async def send(self, batch: list[Reply], delivery: Delivery, index: int) -> None:
        messages = [to_message(r) for r in batch]
        token_valid = bool(delivery.reply_token) and time.time() < (delivery.reply_token_expires or 0)
        if index == 0 and token_valid:
            try:
                await self._api.reply_message(ReplyMessageRequest(replyToken=delivery.reply_token, messages=messages))
                return
            except ApiException as error:
                if error.status == 400 and delivery.tried_before:
                    return  # the token was used by our earlier attempt, which was delivered before a crash
                log.info("reply failed (HTTP %s); pushing instead", error.status)
            except (aiohttp.ClientError, TimeoutError):
                log.info("reply failed (network); pushing instead")
        await self._push(delivery, messages, index)

    async def _push(self, delivery: Delivery, chunk: list[TextMessage], index: int) -> None:
        request = PushMessageRequest(to=delivery.to or delivery.user_id, messages=chunk)
        try:
            await self._api.push_message(request, x_line_retry_key=chunk_retry_key(delivery.retry_key, index))
        except ApiException as error:
            if error.status == 409:
                return  # LINE accepted this retry key before: delivered once already
            if error.status == 429 or error.status >= 500:
                raise RetryLater(f"LINE push: HTTP {error.status}") from error
            raise Undeliverable(f"LINE push: HTTP {error.status}") from error
        except (aiohttp.ClientError, TimeoutError) as error:
            raise RetryLater(f"LINE push: {type(error).__name__}") from error

    async def close(self) -> None:
        await self._client.close()
