"""Time zones in words people read: the city and the offset from UTC (pure but for Babel's city names)."""
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import get_timezone_location


def city(zone: str, locale: str) -> str:
    """Return the city a zone is named for, in the reader's language ("Toronto", "St. John’s")."""
    if zone == "UTC":
        return "UTC"
    try:
        return get_timezone_location(zone, locale=locale, return_city=True)
    except (LookupError, ValueError):
        return zone.rsplit("/", 1)[-1].replace("_", " ")


def offset_minutes(zone: str, now: datetime) -> int:
    """Return the zone's offset from UTC at `now`, in minutes."""
    offset = now.astimezone(ZoneInfo(zone)).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


def zone_words(zone: str, now: datetime, locale: str, gettext, ngettext) -> str:
    """Describe a zone as "Toronto (5 hours behind UTC)" at `now`, in the reader's language."""
    minutes = offset_minutes(zone, now)
    name = city(zone, locale)
    if zone == "UTC":
        return gettext("UTC (Coordinated Universal Time)")
    if minutes == 0:
        return gettext("%(city)s (same time as UTC)", city=name)
    hours, rest = divmod(abs(minutes), 60)
    amount = (ngettext("%(num)d hour", "%(num)d hours", hours) if not rest
              else gettext("%(hours)d h %(minutes)02d", hours=hours, minutes=rest))
    if minutes > 0:
        return gettext("%(city)s (%(amount)s ahead of UTC)", city=name, amount=amount)
    return gettext("%(city)s (%(amount)s behind UTC)", city=name, amount=amount)
