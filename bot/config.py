"""The gateway's settings, from the environment; the defaults run everything locally with nothing to set.

See .env.example for every variable. LINE and Telegram switch on when their tokens are set.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "sqlite+aiosqlite:///data/gateway.sqlite3"
    engine_url: str = "http://127.0.0.1:5005"  # several engine processes: their URLs, comma-separated
    web_chat: Optional[bool] = None  # default: on only when no platform is configured (local use)
    line_channel_secret: Optional[str] = None
    line_channel_access_token: Optional[str] = None
    line_api_url: str = "https://api.line.me"
    telegram_bot_token: Optional[str] = None
    telegram_mode: str = "webhook"  # or "polling", for organisations without a public URL
    telegram_webhook_secret: Optional[str] = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    public_url: Optional[str] = None  # https://... where the platforms reach this gateway
    one_moment_after: float = 4.0  # seconds a worker waits before a "one moment" note
    handoff_idle_minutes: float = 30.0  # an assigned conversation this quiet goes back to the bot
    handoff_update_minutes: float = 10.0  # a waiting worker hears their place in line this often
    max_body_bytes: int = 1_000_000
    engine_token: Optional[str] = None  # the engine's HTTP API token (erasing a worker's tracker)
    engine_stores_check_seconds: float = 30.0  # how often the engines are asked where they keep conversations
    retention_days: int = 90  # a worker's data is erased this long after their last message
    audit_retention_days: int = 365

    @property
    def web_chat_enabled(self) -> bool:
        """The local chat page: on for `make run`; off once LINE or Telegram is set, unless WEB_CHAT=true."""
        if self.web_chat is not None:
            return self.web_chat
        return not (self.line_enabled or self.telegram_enabled)

    @property
    def engine_urls(self) -> list[str]:
        return [url.strip() for url in self.engine_url.split(",") if url.strip()]

    @property
    def shared_stores(self) -> bool:
        """Production: the gateway store is PostgreSQL, so the engines must share their conversations too."""
        return not self.database_url.startswith("sqlite")

    @property
    def line_enabled(self) -> bool:
        return bool(self.line_channel_secret and self.line_channel_access_token)

    @property
    def telegram_enabled(self) -> bool:
        return bool(self.telegram_bot_token)

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> "Settings":
        def get(name: str, default: Optional[str] = None) -> Optional[str]:
            value = env.get(name, "").strip()
            return value or default

        defaults = cls()
        telegram_mode = get("TELEGRAM_MODE", defaults.telegram_mode)
        if telegram_mode not in ("webhook", "polling"):
            raise ValueError(f"TELEGRAM_MODE must be webhook or polling, not {telegram_mode!r}")
        return cls(
            host=get("GATEWAY_HOST", defaults.host),
            port=int(get("GATEWAY_PORT", str(defaults.port))),
            database_url=get("DATABASE_URL", defaults.database_url),
            engine_url=get("ENGINE_URL", defaults.engine_url),
            web_chat=None if get("WEB_CHAT") is None else get("WEB_CHAT", "").lower() in ("1", "true", "yes"),
            line_channel_secret=get("LINE_CHANNEL_SECRET"),
            line_channel_access_token=get("LINE_CHANNEL_ACCESS_TOKEN"),
            line_api_url=get("LINE_API_URL", defaults.line_api_url),
            telegram_bot_token=get("TELEGRAM_BOT_TOKEN"),
            telegram_mode=telegram_mode,
            telegram_webhook_secret=get("TELEGRAM_WEBHOOK_SECRET"),
            telegram_api_url=get("TELEGRAM_API_URL", defaults.telegram_api_url),
            public_url=get("PUBLIC_URL"),
            one_moment_after=float(get("ONE_MOMENT_AFTER", str(defaults.one_moment_after))),
            engine_token=get("ENGINE_TOKEN"),
            engine_stores_check_seconds=float(get("ENGINE_STORES_CHECK_SECONDS",
                                                  str(defaults.engine_stores_check_seconds))),
            retention_days=int(get("RETENTION_DAYS", str(defaults.retention_days))),
            audit_retention_days=int(get("AUDIT_RETENTION_DAYS", str(defaults.audit_retention_days))),
            handoff_idle_minutes=float(get("HANDOFF_IDLE_MINUTES", str(defaults.handoff_idle_minutes))),
            handoff_update_minutes=float(get("HANDOFF_UPDATE_MINUTES", str(defaults.handoff_update_minutes))),
        )
