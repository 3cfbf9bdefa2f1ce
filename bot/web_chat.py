"""The local chat page: talk to the bot in a browser, without a LINE or Telegram account.

Messages go through the same path as LINE's and Telegram's (intake, processor, engine); the page
asks for the replies of its conversation. A conversation is a random id the page keeps in the
browser. On by default for `make run`, on loopback; switch it off in production (WEB_CHAT=false).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from sqlalchemy import select
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response

from bot import inbound as kinds
from bot.inbound import Inbound
from bot.services import Services
from bot.webhooks import read_body
from bot.store.models import Outgoing, Worker

CHANNEL = "web"
STATIC = Path(__file__).with_name("static")
MAX_TEXT = 10_000


async def page(request: Request) -> Response:
    return FileResponse(STATIC / "chat.html")


def _conversation(value: object) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


async def send(request: Request) -> Response:
    services: Services = request.app.state.services
    raw = await read_body(request, services.settings.max_body_bytes)
    if raw is None:
        return JSONResponse({"error": "too large"}, status_code=413)
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return JSONResponse({"error": "invalid body"}, status_code=400)
    user = _conversation(body.get("conversation")) if isinstance(body, dict) else None
    text = body.get("text") if isinstance(body, dict) else None
    if user is None or not isinstance(text, str) or not text.strip() or len(text) > MAX_TEXT:
        return JSONResponse({"error": "conversation (uuid) and text (1-10000 characters) needed"}, status_code=400)
    key = _conversation(body.get("id")) or str(uuid.uuid4())
    kind = kinds.CHOICE if text.startswith("/") else kinds.TEXT
    hint = request.headers.get("accept-language", "").split(",")[0] or None
    await services.processor.receive([Inbound(CHANNEL, user, key, kind, text=text, language_hint=hint)])
    return JSONResponse({"stored": True}, status_code=202)


async def replies(request: Request) -> Response:
    services: Services = request.app.state.services
    user = _conversation(request.query_params.get("conversation"))
    after = request.query_params.get("after", "0")
    if user is None or not after.isdigit():
        return JSONResponse({"error": "conversation (uuid) and after (number) needed"}, status_code=400)
    async with services.store.read() as session:
        rows = (await session.execute(
            select(Outgoing).join(Worker, Worker.id == Outgoing.worker_id)
            .where(Worker.channel == CHANNEL, Worker.channel_user_id == user, Outgoing.id > int(after))
            .order_by(Outgoing.id)
        )).scalars().all()
    return JSONResponse({"replies": [{"id": row.id, **reply} for row in rows for reply in row.messages["replies"]],
                         "last": rows[-1].id if rows else int(after)})
