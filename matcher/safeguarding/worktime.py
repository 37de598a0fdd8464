"""When an escalation falls due, in the organisation's working hours and days (pure)."""
import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)
WEEKDAYS = (0, 1, 2, 3, 4)


@dataclass(frozen=True)
class WorkingHours:
    """The organisation's working day: its zone, hours, weekdays and public holidays."""

    zone: str
    start_hour: int = 9
    end_hour: int = 17
    working_days: tuple[int, ...] = WEEKDAYS
    country: str | None = None       # ISO 3166 code for the `holidays` package; None: no holidays
    subdivision: str | None = None   # e.g. "ENG", "SCT", "NIR", "WLS" for GB
    min_window: timedelta = timedelta(hours=2)


@lru_cache(maxsize=64)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    # Imported here: `relay receive` is a new process per message and most never need it.
    import holidays

    try:
        return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year).keys())
    except NotImplementedError:
        # An unknown country or region must never stop a risk escalation being opened: weekdays only.
        log.warning("no public holidays known for %s/%s; counting weekdays only", country, subdivision)
        return frozenset()


def is_working_day(day: date, hours: WorkingHours) -> bool:
    """Say whether the organisation works on this local date."""
    if day.weekday() not in hours.working_days:
        return False
    return hours.country is None or day not in _holidays(hours.country, hours.subdivision, day.year)


def _at(day: date, hour: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(hour), zone)


def _next_working_day(day: date, hours: WorkingHours) -> date:
    day += timedelta(days=1)
    # A year holds at most a few dozen holidays, so this ends within weeks even for odd settings.
    for _ in range(366):
        if is_working_day(day, hours):
            return day
        day += timedelta(days=1)
    raise ValueError("no working day within a year: check the working days and holiday settings")


def due_in_working_hours(now: datetime, hours: WorkingHours) -> datetime:
    """Return the end of today's working day, or of the next one when too little of today is left.

    Something raised at 18:00 on a Friday before a bank holiday Monday is due at
    17:00 on Tuesday; one raised at 16:59 gets the next working day, because the
    minimum window (counted from the start hour, never from before it) is not left
    today. AMBER means "today, in working hours"; RED never waits for these hours.
    """
    zone = ZoneInfo(hours.zone)
    local = now.astimezone(zone)
    day = local.date()
    if is_working_day(day, hours):
        begins = max(local, _at(day, hours.start_hour, zone))
        if _at(day, hours.end_hour, zone) - begins >= hours.min_window:
            return _at(day, hours.end_hour, zone).astimezone(now.tzinfo)
    return _at(_next_working_day(day, hours), hours.end_hour, zone).astimezone(now.tzinfo)


def end_of_working_day(now: datetime, zone: str, start_hour: int = 9, end_hour: int = 17,
                       working_days: tuple[int, ...] = WEEKDAYS) -> datetime:
    """Return the end of the current working day (weekdays only, no holidays, no minimum window)."""
    hours = WorkingHours(zone, start_hour, end_hour, working_days, min_window=timedelta(0))
    local = now.astimezone(ZoneInfo(zone))
    if is_working_day(local.date(), hours) and local.time() >= time(end_hour):
        return _at(_next_working_day(local.date(), hours), end_hour, ZoneInfo(zone)).astimezone(now.tzinfo)
    return due_in_working_hours(now, hours)
