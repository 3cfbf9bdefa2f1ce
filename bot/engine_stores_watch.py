"""Watch where the engines keep conversations, and report a silent fall-back to memory.

Rasa does not stop when its tracker store fails: it keeps the conversation in the process's memory
(engine_stores/health.py says when). In production that loses conversations across engine processes
and restarts, so the gateway asks each engine every half minute (ENGINE_STORES_CHECK_SECONDS), logs
an error when something is wrong, and shows it on /healthz.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.engine_client import EngineClient

log = logging.getLogger(__name__)

MEMORY_TRACKER = "InMemoryTrackerStore"
MEMORY_LOCKS = "InMemoryLockStore"


def problems(report: dict[str, Any], shared: bool, engines: int) -> list[str]:
    if not report.get("ready"):
        return []  # not answering: the processor waits for it, this is not about its stores
    found = []
    if report.get("fallbacks"):
        found.append(f"{report['fallbacks']} tracker-store reads or writes fell back to memory "
                     "since the engine started")
    if shared and report.get("tracker_store") == MEMORY_TRACKER:
        found.append("conversations are kept in the engine's memory, not in the shared tracker store")
    if engines > 1 and report.get("lock_store") == MEMORY_LOCKS:
        found.append("conversation locks are in the engine's memory, not in Redis")
    return found


class StoresWatch:
    def __init__(self, engine: EngineClient, shared: bool, every_seconds: float = 30.0) -> None:
        self.engine = engine
        self.shared = shared
        self.every_seconds = every_seconds
        self.reports: list[dict[str, Any]] = []

    @property
    def degraded(self) -> bool:
        return any(report["problems"] for report in self.reports)

    async def check(self) -> None:
        reports = await self.engine.stores()
        checked = []
        for number, report in enumerate(reports.values(), start=1):
            found = problems(report, self.shared, len(reports))
            for problem in found:
                log.error("engine %s: %s", number, problem)
            checked.append({"engine": number, **report, "problems": found})
        self.reports = checked

    async def run(self) -> None:
        while True:
            try:
                await self.check()
            except Exception:
                log.exception("engine stores not checked")
            await asyncio.sleep(self.every_seconds)
