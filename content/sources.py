"""The official sources the answers cite (content/sources.yml)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Mapping, Optional

import yaml

SOURCES_FILE = Path(__file__).with_name("sources.yml")


@dataclass(frozen=True)
class Hours:
    """Weekday opening hours, Asia/Tokyo."""

    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class Source:
    id: str
    name: str
    url: str
    checked: dt.date
    phones: Mapping[str, str] = field(default_factory=dict)
    hours: Optional[Hours] = None

    def phone(self, language: Optional[str]) -> Optional[str]:
        """The line for a worker writing in `language`, if the service has one."""
        return self.phones.get(language or "")


def _hours(raw: Optional[Mapping[str, str]]) -> Optional[Hours]:
    if not raw:
        return None
    return Hours(dt.time.fromisoformat(raw["opens"]), dt.time.fromisoformat(raw["closes"]))


def load(path: Path = SOURCES_FILE) -> Dict[str, Source]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {
        key: Source(
            id=key,
            name=entry["name"],
            url=entry["url"],
            checked=entry["checked"],
            phones={str(k): str(v) for k, v in (entry.get("phones") or {}).items()},
            hours=_hours(entry.get("hours")),
        )
        for key, entry in raw.items()
    }
