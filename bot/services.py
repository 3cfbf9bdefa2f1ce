"""The running gateway's parts, built once at start and shared by the HTTP endpoints."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.engine_stores_watch import StoresWatch
from bot.handoff.service import HandoffService
from bot.processor import Processor
from bot.store.database import Store


@dataclass
class Services:
    settings: Settings
    store: Store
    processor: Processor
    handoffs: HandoffService
    stores_watch: StoresWatch
