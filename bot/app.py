"""The gateway as an ASGI application (Starlette): routes, and the parts started with it."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from typing import AsyncIterator, Optional

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from telegram import Bot

from bot import language, web_chat, webhooks
from bot.privacy import page as privacy
from bot.console import console_app
from bot.channels.line import LineSender
from bot.channels.telegram import TelegramSender
from bot.config import Settings
from bot.engine_client import EngineClient
from bot.engine_stores_watch import StoresWatch
from bot.handler import Handler
from bot.handoff.service import HandoffService
from bot.ownership import Ownership
from bot.privacy import retention
from bot.processor import Processor
from bot.services import Services
from bot.store.database import Store, connect, migrate
from bot.telegram_polling import poll_updates
from content.render import Renderer

log = logging.getLogger(__name__)


async def health(request: Request) -> Response:
    """Alive (200). "degraded" when an engine keeps conversations in memory in production."""
    watch = request.app.state.services.stores_watch
    return JSONResponse({"status": "degraded" if watch.degraded else "ok", "engines": watch.reports})


async def home(request: Request) -> Response:
    return RedirectResponse("/chat")


def create_app(settings: Optional[Settings] = None) -> Starlette:
    settings = settings or Settings.from_env()
    if settings.telegram_enabled and settings.telegram_mode == "webhook":
        if not (settings.telegram_webhook_secret and settings.public_url):
            raise ValueError("Telegram webhook mode needs PUBLIC_URL and TELEGRAM_WEBHOOK_SECRET "
                             "(or TELEGRAM_MODE=polling)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        database = connect(settings.database_url)
        await migrate(database)
        await asyncio.to_thread(language.warm_up)  # build the language model before the first message
        engine = EngineClient(settings.engine_urls, settings.engine_token)
        senders: dict = {}
        line_sender = telegram_bot = None
        if settings.line_enabled:
            line_sender = LineSender(settings.line_channel_access_token, settings.line_api_url)
            senders["line"] = line_sender
        if settings.telegram_enabled:
            telegram_bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_api_url)
            await telegram_bot.initialize()
            senders["telegram"] = TelegramSender(telegram_bot)
        store = Store(database)
        renderer = Renderer.load()
        handoffs = HandoffService(store, renderer, wake_delivery=lambda: processor.wake(),
                                  idle_after=dt.timedelta(minutes=settings.handoff_idle_minutes),
                                  update_every=dt.timedelta(minutes=settings.handoff_update_minutes))
        owners = Ownership(store)
        await owners.start()
        processor = Processor(store, Handler(engine, renderer, handoffs, settings), senders, owners,
                              settings.one_moment_after)
        stores_watch = StoresWatch(engine, settings.shared_stores, settings.engine_stores_check_seconds)
        services = Services(settings, store, processor, handoffs, stores_watch)
        app.state.services = services
        tasks = [asyncio.create_task(processor.run(), name="processor"),
                 asyncio.create_task(owners.run_heartbeat(), name="heartbeat"),
                 asyncio.create_task(stores_watch.run(), name="engine stores"),
                 asyncio.create_task(handoffs.run_timers(), name="handoff timers"),
                 asyncio.create_task(retention.run_purges(
                     store, engine, dt.timedelta(days=settings.retention_days),
                     dt.timedelta(days=settings.audit_retention_days)), name="retention")]
        if telegram_bot is not None:
            if settings.telegram_mode == "polling":
                tasks.append(asyncio.create_task(poll_updates(telegram_bot, services), name="telegram polling"))
            else:
                await telegram_bot.set_webhook(
                    f"{settings.public_url.rstrip('/')}/webhooks/telegram",
                    secret_token=settings.telegram_webhook_secret,
                    allowed_updates=["message", "callback_query"],
                )
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            with contextlib.suppress(Exception):  # the store is gone: the others wait for the heartbeat to age
                await owners.stop()
            if line_sender is not None:
                await line_sender.close()
            if telegram_bot is not None:
                await telegram_bot.shutdown()
            await engine.close()
            await database.dispose()

    routes = [Route("/healthz", health), Route("/privacy/{language}", privacy.page)]
    if settings.line_enabled:
        routes.append(Route("/webhooks/line", webhooks.line_webhook, methods=["POST"]))
    if settings.telegram_enabled and settings.telegram_mode == "webhook":
        routes.append(Route("/webhooks/telegram", webhooks.telegram_webhook, methods=["POST"]))
    if settings.web_chat_enabled:
        routes += [
            Route("/", home),
            Route("/chat", web_chat.page),
            Route("/chat/api/send", web_chat.send, methods=["POST"]),
            Route("/chat/api/replies", web_chat.replies),
            Mount("/static", StaticFiles(directory=web_chat.STATIC), name="static"),
        ]
    routes.append(Mount("/console", app=console_app(lambda: app.state.services, settings=settings)))
    app = Starlette(routes=routes, lifespan=lifespan)
    return app
