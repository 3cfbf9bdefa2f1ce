"""Where LINE and Telegram messages enter: verify, parse, store durably, acknowledge.

Nothing slow happens here: the engine is asked later, by the processor. The webhook is answered
as soon as the events are committed, so it stays fast while the engine is slow or down.
"""

from __future__ import annotations

import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from bot.channels import line, telegram
from bot.services import Services

log = logging.getLogger(__name__)


async def read_body(request: Request, limit: int) -> bytes | None:
    """The request body, or None when it is larger than `limit` bytes (read no further than that)."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def line_webhook(request: Request) -> Response:
    services: Services = request.app.state.services
    body = await read_body(request, services.settings.max_body_bytes)
    if body is None:
        return PlainTextResponse("payload too large", status_code=413)
    try:
        payload = line.verify(services.settings.line_channel_secret, body, request.headers.get("x-line-signature"))
    except line.ForgedWebhook:
        log.warning("LINE webhook with a bad signature refused")
        return PlainTextResponse("invalid signature", status_code=401)
    except json.JSONDecodeError:
        return PlainTextResponse("invalid body", status_code=400)
    if not isinstance(payload, dict):
        return PlainTextResponse("invalid body", status_code=400)
    events = line.parse(payload)
    if events:
        await services.processor.receive(events)
    return PlainTextResponse("OK")


async def telegram_webhook(request: Request) -> Response:
    services: Services = request.app.state.services
    secret = services.settings.telegram_webhook_secret
    if not secret or not telegram.secret_matches(secret, request.headers.get(telegram.SECRET_HEADER)):
        log.warning("Telegram webhook with a bad secret refused")
        return PlainTextResponse("forbidden", status_code=403)
    body = await read_body(request, services.settings.max_body_bytes)
    if body is None:
        return PlainTextResponse("payload too large", status_code=413)
    try:
        update = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return PlainTextResponse("invalid body", status_code=400)
    event = telegram.to_inbound(update) if isinstance(update, dict) else None
    if event is not None:
        await services.processor.receive([event])
    return JSONResponse({"ok": True})
