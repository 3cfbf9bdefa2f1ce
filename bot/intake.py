"""Store platform events durably, before the webhook is acknowledged; drop the ones already stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.inbound import Inbound
from bot.store.database import Store
from bot.store.models import Event, Worker, new_id, now


def _insert(session: AsyncSession, model: Any):
    dialect = postgresql if session.bind.dialect.name == "postgresql" else sqlite
    return dialect.insert(model)


async def worker_for(session: AsyncSession, channel: str, user_id: str) -> str:
    """The worker's pseudonymous id, created on first contact (safe when two webhooks race)."""
    await session.execute(
        _insert(session, Worker)
        .values(id=new_id(), channel=channel, channel_user_id=user_id, mode="bot", erase_requested=False)
        .on_conflict_do_update(index_elements=["channel", "channel_user_id"], set_={"last_seen_at": now()})
    )  # last seen now: the retention period runs from the last message received, answered or not
    return (await session.execute(
        select(Worker.id).where(Worker.channel == channel, Worker.channel_user_id == user_id)
    )).scalar_one()


async def store(db: Store, events: list[Inbound]) -> int:
    """Commit the events; return how many were new (a redelivered event is not stored twice)."""
    new = 0
    async with db.write() as session:
        for event in events:
            worker_id = await worker_for(session, event.channel, event.user_id)
            result = await session.execute(
                _insert(session, Event)
                .values(channel=event.channel, key=event.key, worker_id=worker_id, inbound=event.to_dict(),
                        status="pending", attempts=0, reply_token_used=False,
                        waiting_note_sent=False)
                .on_conflict_do_nothing(index_elements=["channel", "key"])
            )
            new += result.rowcount or 0
    return new
