"""The counselor console (web): `console_app(services)` is the Starlette app to mount at /console."""

from bot.console.app import console_app

__all__ = ["console_app"]
