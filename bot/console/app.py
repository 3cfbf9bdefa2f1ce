"""The counselor console: a Starlette sub-application, mounted at /console by bot/app.py.

    Mount("/console", app=console_app(services))               # Services built already, or
    Mount("/console", app=console_app(lambda: app.state.services, settings=settings))

The second form is for bot/app.py, where Services is built in the lifespan, after the routes.
Server-rendered pages (Jinja2, autoescaped), one CSS and one JS file, no inline script: the pages
work under the Content-Security-Policy that web.SecurityHeaders sets.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional, Union
from zoneinfo import ZoneInfo

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.config import Settings
from bot.console import pages
from bot.console.web import ABSOLUTE, Guard, Revoked, SecurityHeaders

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
JAPAN = ZoneInfo("Asia/Tokyo")
COOKIE = "console_session"


@dataclass
class ConsoleState:
    services: Callable[[], Any]  # -> bot.services.Services (with .store and .handoffs)
    templates: jinja2.Environment
    revoked: Revoked
    fingerprint: Callable[[str], str]
    stream_seconds: float

    def store(self) -> Any:
        return self.services().store


def routes() -> list[BaseRoute]:
    """The console's routes. web.Guard protects all of them except web.PUBLIC and /static/."""
    return [
        Route("/login", pages.login_page, methods=["GET"], name="login_page"),
        Route("/login", pages.login, methods=["POST"], name="login"),
        Route("/logout", pages.logout, methods=["POST"], name="logout"),
        Route("/", pages.queue_page, methods=["GET"], name="queue_page"),
        Route("/queue", pages.queue_rows, methods=["GET"], name="queue_rows"),
        Route("/events", pages.events, methods=["GET"], name="events"),
        Route("/conversations/{id:int}", pages.conversation, methods=["GET"], name="conversation"),
        Route("/conversations/{id:int}/claim", pages.claim, methods=["POST"], name="claim"),
        Route("/conversations/{id:int}/reply", pages.reply, methods=["POST"], name="reply"),
        Route("/conversations/{id:int}/transfer", pages.transfer, methods=["POST"], name="transfer"),
        Route("/conversations/{id:int}/resolve", pages.resolve, methods=["POST"], name="resolve"),
        Route("/conversations/{id:int}/notes", pages.add_note, methods=["POST"], name="add_note"),
        Route("/counselors", pages.counselors_page, methods=["GET"], name="counselors_page"),
        Route("/counselors", pages.counselors_change, methods=["POST"], name="counselors_change"),
        Route("/office-hours", pages.office_hours_page, methods=["GET"], name="office_hours_page"),
        Route("/office-hours", pages.office_hours_change, methods=["POST"], name="office_hours_change"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]


def _templates() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is escaped: worker messages show as text, never as HTML
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["tokyo"] = lambda moment: moment.astimezone(JAPAN).strftime("%Y-%m-%d %H:%M") if moment else ""
    env.filters["waited"] = pages.waited
    return env


def console_app(services: Union[Any, Callable[[], Any]], *, settings: Optional[Settings] = None,
                secret: Optional[str] = None, cookie_path: str = "/console",
                stream_seconds: float = 300.0) -> Starlette:
    """The console, to mount at `cookie_path` (/console).

    services: bot.services.Services (needs .store and .handoffs), or a function returning it.
    settings: for PUBLIC_URL (the cookie is `Secure` when it is https); default services.settings.
    secret: signs the session cookie; default env CONSOLE_SECRET, else a random one (logged).
    """
    get_services = services if callable(services) else (lambda: services)
    if settings is None:
        settings = services.settings if not callable(services) else Settings.from_env()
    secret = secret or os.environ.get("CONSOLE_SECRET", "").strip()
    if not secret:
        secret = secrets.token_urlsafe(32)
        log.warning("CONSOLE_SECRET is not set: using a random one, so console sessions end when the "
                    "gateway restarts (set CONSOLE_SECRET to keep them; also needed with several processes)")
    https = (settings.public_url or "").lower().startswith("https://")
    revoked = Revoked()
    guard_options = {"store": lambda: get_services().store, "secret": secret, "revoked": revoked}
    app = Starlette(
        routes=routes(),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(SessionMiddleware, secret_key=secret, session_cookie=COOKIE, max_age=ABSOLUTE,
                       path=cookie_path, same_site="strict", https_only=https),
            Middleware(Guard, **guard_options),
        ],
    )
    app.state.console = ConsoleState(
        services=get_services, templates=_templates(), revoked=revoked,
        fingerprint=Guard(None, **guard_options).fingerprint, stream_seconds=stream_seconds,
    )
    return app
