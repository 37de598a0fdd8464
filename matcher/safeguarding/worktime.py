"""When an escalation falls due, in the organisation's working hours (pure)."""
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo


def end_of_working_day(now: datetime, zone: str, start_hour: int = 9, end_hour: int = 17,
                       working_days: tuple[int, ...] = (0, 1, 2, 3, 4)) -> datetime:
    """Return the end of the current working day, or of the next one if today's has ended.

    Something raised at 18:00 on a Friday is due at 17:00 on Monday: AMBER
    means "today, in working hours", and RED never waits for these hours.
    """
    local = now.astimezone(ZoneInfo(zone))
    day = local.date()
    if local.weekday() in working_days and local.time() < time(end_hour):
        return datetime.combine(day, time(end_hour), ZoneInfo(zone)).astimezone(now.tzinfo)
    day += timedelta(days=1)
    while day.weekday() not in working_days:
        day += timedelta(days=1)
    return datetime.combine(day, time(end_hour), ZoneInfo(zone)).astimezone(now.tzinfo)
