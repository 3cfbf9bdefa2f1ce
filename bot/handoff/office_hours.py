"""When counselors answer (Asia/Tokyo): is it open now, and when does it next open?"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Optional
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.store.database import Store
from bot.store.models import OfficeHours

JAPAN = ZoneInfo("Asia/Tokyo")
MIDNIGHT = dt.time(23, 59)
# Until a coordinator sets them: weekdays 9:00-17:00.
DEFAULT = {day: (dt.time(9), dt.time(17)) for day in range(5)}


@dataclass(frozen=True)
class Schedule:
    days: dict[int, tuple[dt.time, dt.time]]  # weekday (0 = Monday) -> opens, closes

    def is_open(self, moment: dt.datetime) -> bool:
        local = moment.astimezone(JAPAN)
        hours = self.days.get(local.weekday())
        if hours is None:
            return False
        opens, closes = hours
        if closes == MIDNIGHT:  # "23:59" means open until midnight
            return local.time() >= opens
        return opens <= local.time() < closes

    def next_opening(self, moment: dt.datetime) -> Optional[dt.datetime]:
        local = moment.astimezone(JAPAN)
        for ahead in range(8):
            day = local.date() + dt.timedelta(days=ahead)
            hours = self.days.get(day.weekday())
            if hours is None:
                continue
            opening = dt.datetime.combine(day, hours[0], JAPAN)
            if opening > local:
                return opening
        return None

    def hours_of(self, moment: dt.datetime) -> Optional[tuple[dt.time, dt.time]]:
        """Opening and closing time of the next day that opens (for "we answer from 9:00 to 17:00")."""
        opening = self.next_opening(moment)
        return self.days[opening.weekday()] if opening else None


async def load(store: Store) -> Schedule:
    async with store.read() as session:
        rows = (await session.execute(select(OfficeHours))).scalars().all()
    if not rows:
        return Schedule(DEFAULT)
    return Schedule({
        row.weekday: (dt.time.fromisoformat(row.opens), dt.time.fromisoformat(row.closes))
        for row in rows if row.opens and row.closes
    })
