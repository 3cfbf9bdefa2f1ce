"""The console's audit trail: every view of a transcript and every action, with who did it."""

from __future__ import annotations

from typing import Any, Optional

from bot.store.database import Store
from bot.store.models import AuditEntry


async def record(store: Store, counselor_id: Optional[int], action: str, target: Optional[str] = None,
                 **detail: Any) -> None:
    """Write one AuditEntry in its own transaction (never the text of a message: only what was done)."""
    async with store.write() as session:
        session.add(AuditEntry(counselor_id=counselor_id, action=action,
                               target=None if target is None else str(target)[:64], detail=detail))
