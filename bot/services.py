"""The running gateway's parts, built once at start and shared by the HTTP endpoints."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.channels.line import LineSender
from bot.config import Settings
from bot.processor import Processor


@dataclass
class Services:
    settings: Settings
    database: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    processor: Processor
    line: Optional[LineSender] = None
    background: list = field(default_factory=list)
