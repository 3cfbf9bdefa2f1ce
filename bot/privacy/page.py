"""The full privacy text, in the worker's language, at /privacy/<language> (linked from the consent notice)."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Optional

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from content import formatting, notices
from content.languages import LANGUAGES, SOURCE
from content.render import Renderer

if TYPE_CHECKING:  # the handler imports privacy_text; the services import the handler
    from bot.services import Services


def privacy_text(renderer: Renderer, language: Optional[str], retention_days: int) -> tuple[str, list[str]]:
    """The title and the lines of the full privacy text, in `language`."""
    days = formatting.number(retention_days, language)
    text = renderer.text(language, "privacy", notices.PRIVACY_TEXT, days=days)
    return renderer.text(language, "privacy", notices.PRIVACY_TITLE), text.split("\n")


async def page(request: Request) -> Response:
    services: Services = request.app.state.services
    language = request.path_params["language"]
    if language not in LANGUAGES:
        language = SOURCE
    title, lines = privacy_text(services.handoffs.renderer, language, services.settings.retention_days)
    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    lang = language.split("@")[0]
    return HTMLResponse(
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f'</head><body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 1rem auto; '
        f'padding: 0 1rem; line-height: 1.5"><h1>{html.escape(title)}</h1>{body}</body></html>',
        headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )
