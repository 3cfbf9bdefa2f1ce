"""Store platform events durably, before the webhook is acknowledged; drop the ones already stored."""

from __future__ import annotations

from typing import Any, Optional

from sqlalchemy import case
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.inbound import Inbound
from bot.ownership import Ownership
from bot.store.database import Store
from bot.store.models import Event, Worker, new_id, now


def _insert(connection: AsyncConnection, model: Any):
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


async def worker_for(connection: AsyncConnection, channel: str, user_id: str,
                     owners: Optional[Ownership] = None) -> tuple[str, bool]:
    """The worker's pseudonymous id, created on first contact (safe when two webhooks race); and, with
    `owners`, whether this gateway process owns the worker now (claimed in the same statement)."""
    me = owners.process_id if owners is not None else None
    update: dict[str, Any] = {"last_seen_at": now()}  # the retention period runs from the last message received
    if owners is not None:
        update["owner"] = case((owners.claimable(), me), else_=Worker.owner)
    row = (await connection.execute(
        _insert(connection, Worker)
        .values(id=new_id(), channel=channel, channel_user_id=user_id, mode="bot", erase_requested=False, owner=me)
        .on_conflict_do_update(index_elements=["channel", "channel_user_id"], set_=update)
        .returning(Worker.id, Worker.owner)
    )).one()
    return row.id, me is not None and row.owner == me


async def store(db: Store, events: list[Inbound], owners: Optional[Ownership] = None) -> set[str]:
    """Commit the events (a redelivered event is not stored twice); return the workers with new events.

    With `owners`, the same transaction claims the workers for this gateway process, and the workers
    it now owns are returned, to be started on at once: the others are in another process's hands.
    """
    new: set[str] = set()
    owned: set[str] = set()
    ordered = sorted(events, key=lambda e: (e.channel, e.user_id))  # stable: each worker's events keep their order
    async with db.transaction() as connection:
        for event in ordered:
            worker_id, ours = await worker_for(connection, event.channel, event.user_id, owners)
            if ours:
                owned.add(worker_id)
            result = await connection.execute(
                _insert(connection, Event)
                .values(channel=event.channel, key=event.key, worker_id=worker_id, inbound=event.to_dict(),
                        status="pending", attempts=0, reply_token_used=False,
                        waiting_note_sent=False)
                .on_conflict_do_nothing(index_elements=["channel", "key"])
            )
            if result.rowcount:
                new.add(worker_id)
    return owned if owners is not None else new
