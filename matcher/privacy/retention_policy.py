"""The retention policy in words, built from configuration so the page never drifts (pure)."""
from datetime import timedelta


def _days(period: timedelta) -> str:
    days = period.days
    if days % 365 == 0 and days >= 365:
        years = days // 365
        return f"{years} year{'s' if years > 1 else ''}"
    return f"{days} days"


def retention_policy(config) -> list[dict]:
    """Return each kind of data with how long it is kept and why."""
    return [
        {"what": "Messages between a person and their supporter, and the original emails",
         "how_long": f"{_days(config['MATCHER_RETAIN_MESSAGES_AFTER_END'])} after the pairing ends",
         "why": "So coordinators can follow up anything that comes up as support ends."},
        {"what": "A request: name, email address, health details, hopes",
         "how_long": f"{_days(config['MATCHER_RETAIN_REQUESTS_AFTER_END'])} after support ends or the request is "
                     "withdrawn; "
                     f"{_days(config['MATCHER_RETAIN_UNCONFIRMED'])} if the email address is never confirmed",
         "why": "So a person who comes back can be helped quickly; after that only anonymous counts remain."},
        {"what": "The audit record of what coordinators did (no message text)",
         "how_long": _days(config["MATCHER_RETAIN_AUDIT"]),
         "why": "Safeguarding decisions must be accountable long after the support ends."},
        {"what": "Anything an open safeguarding escalation needs",
         "how_long": "until the escalation is resolved, then as above",
         "why": "To keep someone safe, a coordinator may need it even after erasure or withdrawal."},
    ]
