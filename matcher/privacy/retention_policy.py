"""The retention policy in words, built from configuration so the page never drifts (pure).

The words are translated by the caller's `gettext`/`ngettext` (Flask-Babel's on the
public page); without them they stay in English.
"""
from datetime import timedelta


def _english(words: str, **values) -> str:
    return words % values if values else words


def _english_plural(singular: str, plural: str, num: int, **values) -> str:
    return (singular if num == 1 else plural) % {"num": num, **values}


def _days(period: timedelta, ngettext) -> str:
    days = period.days
    if days % 365 == 0 and days >= 365:
        return ngettext("%(num)d year", "%(num)d years", days // 365)
    return ngettext("%(num)d day", "%(num)d days", days)


def retention_policy(config, gettext=_english, ngettext=_english_plural) -> list[dict]:
    """Return each kind of data with how long it is kept and why."""
    _ = gettext

    def span(key: str) -> str:
        return _days(config[key], ngettext)

    return [
        {"what": _("Messages between a person and their supporter, and the original emails"),
         "how_long": _("%(period)s after the pairing ends", period=span("MATCHER_RETAIN_MESSAGES_AFTER_END")),
         "why": _("So coordinators can follow up anything that comes up as support ends.")},
        {"what": _("Emails that reached no pairing (sent to our general address, returned, or unreadable)"),
         "how_long": _("%(period)s after they arrive, once a coordinator has dealt with them",
                       period=span("MATCHER_RETAIN_UNROUTED_MAIL")),
         "why": _("So coordinators can answer them or follow them up.")},
        {"what": _("A request: name, email address, health details, hopes"),
         "how_long": _("%(period)s after support ends or the request is withdrawn; %(unconfirmed)s if the email "
                       "address is never confirmed", period=span("MATCHER_RETAIN_REQUESTS_AFTER_END"),
                       unconfirmed=span("MATCHER_RETAIN_UNCONFIRMED")),
         "why": _("So a person who comes back can be helped quickly; after that only anonymous counts remain.")},
        {"what": _("The audit record of what coordinators did (no message text)"),
         "how_long": span("MATCHER_RETAIN_AUDIT"),
         "why": _("Safeguarding decisions must be accountable long after the support ends.")},
        {"what": _("Anything an open safeguarding escalation needs"),
         "how_long": _("until the escalation is resolved, then as above"),
         "why": _("To keep someone safe, a coordinator may need it even after erasure or withdrawal.")},
    ]
