"""Dates, times and durations in the worker's locale, on Japan's clock (through Babel/CLDR)."""

from __future__ import annotations

import datetime as dt
from typing import Optional

from babel import dates, numbers

from content.languages import locale

JAPAN = dates.get_timezone("Asia/Tokyo")


def date(value: dt.date, language: Optional[str]) -> str:
    return dates.format_date(value, format="medium", locale=locale(language))


def time(value: dt.time, language: Optional[str]) -> str:
    """A wall-clock time in Japan (office hours are given in Japan time)."""
    return dates.format_time(value, format="short", locale=locale(language))


def moment(value: dt.datetime, language: Optional[str]) -> str:
    """A point in time, shown on Japan's clock whatever the server's time zone."""
    return dates.format_datetime(value, format="medium", tzinfo=JAPAN, locale=locale(language))


def day(value: dt.datetime, language: Optional[str]) -> str:
    """A weekday and date with a time, on Japan's clock, e.g. for "a person will answer from ..."."""
    when = dates.format_skeleton("MMMEd", value, tzinfo=JAPAN, locale=locale(language))
    return f"{when} {dates.format_time(value, 'short', tzinfo=JAPAN, locale=locale(language))}"


def duration(value: dt.timedelta, language: Optional[str]) -> str:
    return dates.format_timedelta(value, threshold=1.5, locale=locale(language))


def number(value: float, language: Optional[str]) -> str:
    return numbers.format_decimal(value, locale=locale(language))
