"""The full privacy text, in the worker's language, at /privacy/<language> (linked from the consent notice)."""

from __future__ import annotations

import html

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from bot.services import Services
from content import formatting, notices
from content.languages import LANGUAGES, SOURCE


async def page(request: Request) -> Response:
    services: Services = request.app.state.services
    language = request.path_params["language"]
    if language not in LANGUAGES:
        language = SOURCE
    renderer = services.handoffs.renderer
    title = renderer.text(language, "privacy", notices.PRIVACY_TITLE)
    days = formatting.number(services.settings.retention_days, language)
    lines = renderer.text(language, "privacy", notices.PRIVACY_TEXT, days=days).split("\n")
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    lang = language.split("@")[0]
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f'</head><body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 1rem auto; '
        f'padding: 0 1rem; line-height: 1.5"><h1>{html.escape(title)}</h1>{body}</body></html>',
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
