"""Japan time, where the users work: the one place that turns stored UTC into local time.

Japan has no daylight saving, so local time is a fixed +09:00. Times are stored
in UTC (mailgate.models.base); pages, the CSV export, the chart's days and the
quote line of a reply show them here, and date filters (calendar days) are
turned back into UTC ranges here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

JST = timezone(timedelta(hours=9), "JST")
FORMAT = "%Y/%m/%d %H:%M"  # 2026/11/27 04:22, as Japanese offices write it


def to_local(value: datetime) -> datetime:
    return value.astimezone(JST)


def format_local(value: datetime | str | None) -> str:
    """ "2026/11/27 04:22" in Japan time; "" for none. A string is ISO 8601 (as kept in JSON)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return to_local(value).strftime(FORMAT)


def local_date(value: datetime) -> date:
    """The calendar day in Japan of a moment."""
    return to_local(value).date()


def today() -> date:
    return datetime.now(JST).date()


def day_start(day: date) -> datetime:
    """00:00 in Japan of `day`, as an aware UTC datetime."""
    return datetime.combine(day, time(0), JST).astimezone(UTC)


def parse_date(value: str | None) -> date | None:
    """A YYYY-MM-DD date filter; None if empty or not a date."""
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
