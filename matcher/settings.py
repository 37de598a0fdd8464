"""Every setting's declared type, and the check that reads them all at start-up (pure).

Values arrive from `matcher/config.py`, `instance/config.py`, `FLASK_*` variables
(which Flask parses as JSON where it can, so `90` arrives as an int and `90d` as a
string) and the test configuration. `apply_settings` turns each into its declared
type or names the key and what it expected, so a bad value stops the app at start-up
instead of breaking a job at three in the morning.
"""
import re
import zoneinfo
from collections.abc import Callable, Mapping, MutableMapping
from datetime import timedelta
from typing import Any

import isodate

PUBLISHED_SECRET_KEY = "dev-only-change-me"  # noqa: S105 - the default that is refused, not a secret
MIN_SECRET_KEY_LENGTH = 32

# "90d", "15m", "1h30m", "2w": a number and a unit, repeated; anchored, no nesting.
_SHORT_DURATION = re.compile(r"(?:\d+(?:\.\d+)?[wdhms])+")
_SHORT_PART = re.compile(r"(\d+(?:\.\d+)?)([wdhms])")
_UNIT_SECONDS = {"w": 604800, "d": 86400, "h": 3600, "m": 60, "s": 1}
_TRUE_WORDS = {"true", "yes", "on", "1"}
_FALSE_WORDS = {"false", "no", "off", "0"}


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the key."""


def duration(value: Any) -> timedelta:
    """Read a time span: a timedelta, "90d"/"15m"/"1h30m", or ISO 8601 ("P90D", "PT15M")."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError("a time span with a unit, like \"90d\", \"15m\" or ISO 8601 \"P90D\" "
                         "(a bare number is refused: days or seconds?)")
    text = value.strip().lower()
    if _SHORT_DURATION.fullmatch(text):
        return timedelta(seconds=sum(float(n) * _UNIT_SECONDS[u] for n, u in _SHORT_PART.findall(text)))
    try:
        parsed = isodate.parse_duration(value.strip().upper())
    except (isodate.ISO8601Error, ValueError):
        raise ValueError(f"a time span like \"90d\", \"15m\" or ISO 8601 \"P90D\", not {value!r}") from None
    if not isinstance(parsed, timedelta):
        raise ValueError("a time span in weeks, days, hours, minutes or seconds (months and years vary in length)")
    return parsed


def flag(value: Any) -> bool:
    """Read true/false, also from "yes"/"no", "on"/"off", "1"/"0"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE_WORDS | _FALSE_WORDS:
        return value.strip().lower() in _TRUE_WORDS
    raise ValueError(f"true or false, not {value!r}")


def integer(value: Any) -> int:
    """Read a whole number."""
    if isinstance(value, bool):
        raise ValueError(f"a whole number, not {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError(f"a whole number, not {value!r}")


def number(value: Any) -> float:
    """Read a number."""
    if isinstance(value, bool):
        raise ValueError(f"a number, not {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise ValueError(f"a number, not {value!r}") from None


def text(value: Any) -> str:
    """Read a non-empty string."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"some text, not {value!r}")
    return value


def optional(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Allow None (and an empty string, meaning unset) beside `kind`."""
    def read(value: Any) -> Any:
        return None if value is None or value == "" else kind(value)
    return read


def address(value: Any) -> str:
    """Read an email address (the shape only; nothing is looked up)."""
    value = text(value)
    local, _, domain = value.rpartition("@")
    if not local or "." not in domain or any(c.isspace() for c in value):
        raise ValueError(f"an email address like support@relay.example, not {value!r}")
    return value


def url(value: Any) -> str:
    """Read an absolute http(s) address."""
    value = text(value)
    if not re.match(r"https?://[^/\s]+", value):
        raise ValueError(f"an address starting http:// or https://, not {value!r}")
    return value.rstrip("/")


def smtp_url(value: Any) -> str:
    """Read an SMTP server address: smtp://, smtps:// or smtp+starttls://, with a host."""
    value = text(value)
    if not re.match(r"(?:smtps?|smtp\+starttls)://(?:[^@/\s]+@)?[^@/:\s]+(?::\d+)?/?$", value):
        raise ValueError(f"an address like smtp://host:25 or smtps://user:password@host:465, not {value!r}")
    return value


def timezone(value: Any) -> str:
    """Read an IANA time zone name such as Europe/London."""
    value = text(value)
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"a time zone name like Europe/London, not {value!r}") from None
    return value


def country_code(value: Any) -> str:
    """Read an ISO 3166 country code such as GB (the `holidays` package is not loaded to check it)."""
    value = text(value).strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError(f"a two-letter country code like GB, not {value!r}")
    return value


def choice(*allowed: str) -> Callable[[Any], str]:
    """Read one of the allowed words."""
    def read(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"one of {', '.join(allowed)}, not {value!r}")
        return value
    return read


def mapping(value: Any) -> dict:
    """Read a mapping (a dict in Python, an object in JSON)."""
    if not isinstance(value, Mapping):
        raise ValueError(f"a mapping (a JSON object), not {value!r}")
    return dict(value)


def text_list(value: Any) -> list[str]:
    """Read a list of strings."""
    if isinstance(value, str) or not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"a list of strings, not {value!r}")
    return list(value)


def seconds_list(value: Any) -> tuple[int, ...]:
    """Read a non-empty list of whole numbers of seconds."""
    if isinstance(value, str) or not isinstance(value, list | tuple) or not value:
        raise ValueError(f"a list of whole numbers of seconds, not {value!r}")
    return tuple(integer(v) for v in value)


def positive(kind: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Require `kind` to read above zero."""
    def read(value: Any) -> Any:
        parsed = kind(value)
        if parsed <= (timedelta(0) if isinstance(parsed, timedelta) else 0):
            raise ValueError(f"more than zero, not {value!r}")
        return parsed
    return read


def log_level(value: Any) -> str:
    """Read a logging level name."""
    level = text(value).upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError(f"DEBUG, INFO, WARNING, ERROR or CRITICAL, not {value!r}")
    return level


def accent_colour(value: Any) -> str:
    """Read a #rrggbb colour that white text on it can be read against (WCAG 4.5:1)."""
    colour = text(value).lower()
    if not re.fullmatch(r"#[0-9a-f]{6}", colour):
        raise ValueError(f"a colour written #rrggbb, not {value!r}")
    ratio = 1.05 / (_luminance(colour) + 0.05)
    if ratio < 4.5:
        raise ValueError(f"a darker colour: white text on {colour} has contrast {ratio:.1f}:1, under 4.5:1")
    return colour


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


_span = positive(duration)
_count = positive(integer)


def _zero_or_more(value: Any) -> int:
    parsed = integer(value)
    if parsed < 0:
        raise ValueError(f"a whole number, 0 or more, not {value!r}")
    return parsed

# The declared type of every key in matcher/config.py (a test keeps the two in step).
SETTINGS: dict[str, Callable[[Any], Any]] = {
    "SECRET_KEY": text,
    "SESSION_COOKIE_SECURE": flag,
    "SESSION_COOKIE_HTTPONLY": flag,
    "SESSION_COOKIE_SAMESITE": choice("Lax", "Strict"),
    "PERMANENT_SESSION_LIFETIME": _span,
    "MAX_CONTENT_LENGTH": _count,
    "SQLALCHEMY_DATABASE_URI": optional(text),
    "SQLALCHEMY_ENGINE_OPTIONS": mapping,
    "MAIL_SERVER": optional(text),
    "MAIL_PORT": _count,
    "MAIL_USE_TLS": flag,
    "MAIL_USE_SSL": flag,
    "MAIL_USERNAME": optional(text),
    "MAIL_PASSWORD": optional(text),
    "MAIL_DEFAULT_SENDER": text,
    "MAIL_TIMEOUT": _count,
    "MAIL_SUPPRESS_SEND": flag,
    "RATELIMIT_STORAGE_URI": text,
    "RATELIMIT_HEADERS_ENABLED": flag,
    "MATCHER_INTAKE_RATE_LIMIT": text,
    "MATCHER_LOGIN_RATE_LIMIT": text,
    "MATCHER_LOG_LEVEL": log_level,
    "MATCHER_ORGANISATION": text,
    "MATCHER_ORGANISATION_DESCRIPTION": text,
    "MATCHER_ORGANISATION_CONTACT": address,
    "MATCHER_ORGANISATION_LOGO": optional(text),
    "MATCHER_ORGANISATION_ACCENT": accent_colour,
    "MATCHER_ORGANISATION_REGION": optional(text),
    "MATCHER_BASE_URL": url,
    "MATCHER_RELAY_ADDRESS": address,
    "MATCHER_ALERT_ADDRESS": address,
    "MATCHER_COORDINATOR_ADDRESS": address,
    "MATCHER_DEFAULT_MODERATION": choice("review_all", "review_flagged", "audit_only"),
    "MATCHER_AUTHSERV_ID": optional(text),
    "MATCHER_DEMO": flag,
    "MATCHER_CHECK_DELIVERABILITY": flag,
    "MATCHER_DEFAULT_REGION": text,
    "MATCHER_CONFIRM_LINK_MAX_AGE": _span,
    "MATCHER_STATUS_LINK_MAX_AGE": _span,
    "MATCHER_SUPPORT_WEEKS": _count,
    "MATCHER_LOGIN_MAX_FAILURES": _count,
    "MATCHER_LOGIN_LOCKOUT": _span,
    "MATCHER_OUTBOX_RETRY_DELAYS": seconds_list,
    "MATCHER_OUTBOX_LEASE": _span,
    "MATCHER_OUTBOX_LATE_AFTER": _span,
    "MATCHER_SMTP_KEEP_IDLE": _span,
    "MATCHER_SMTP_MESSAGES_PER_CONNECTION": _count,
    "MATCHER_SQLITE_SYNCHRONOUS_NORMAL": flag,
    "MATCHER_POSTGRES_SYNCHRONOUS_COMMIT_OFF": flag,
    "MATCHER_ROLES": mapping,
    "MATCHER_STAGES": mapping,
    "MATCHER_EXPERIENCES": mapping,
    "MATCHER_LANGUAGES": mapping,
    "MATCHER_REGIONS": mapping,
    "MATCHER_TIMEZONES": text_list,
    "MATCHER_CRISIS_RESOURCES": mapping,
    "MATCHER_PAIRING_WEIGHTS": mapping,
    "MATCHER_PAIRING_MIN_SCORE": number,
    "MATCHER_CONFIRM_WITHIN": _span,
    "MATCHER_VOLUNTEER_LINK_MAX_AGE": _span,
    "MATCHER_END_REASONS": mapping,
    "MATCHER_RELAY_HOURLY_LIMIT": _count,
    "MATCHER_RELAY_MAX_MESSAGE_BYTES": _count,
    "MATCHER_RELAY_PROCESS_LEASE": _span,
    "MATCHER_RELAY_PROCESSING": choice("inline", "workers"),
    "MATCHER_RELAY_WORK_POLL": _span,
    "MATCHER_RELAY_PIPE_LOCK_TIMEOUT": _span,
    "MATCHER_RELAY_PIPE_STATEMENT_TIMEOUT": _span,
    "MATCHER_RELAY_PROCESS_BUDGET": _span,
    "MATCHER_RELAY_MAX_ATTEMPTS": _count,
    "MATCHER_RELAY_READ_TEXT_CHARS": _count,
    "MATCHER_RELAY_MAX_TEXT_PART_BYTES": _count,
    "MATCHER_SMTPD_ALLOW_PUBLIC_BIND": flag,
    "MATCHER_WEBHOOK_SECRET": optional(text),
    "MATCHER_WEBHOOK_MAX_SKEW": _span,
    "MATCHER_IMAP_HOST": optional(text),
    "MATCHER_IMAP_PORT": _count,
    "MATCHER_IMAP_SSL": flag,
    "MATCHER_IMAP_STARTTLS": flag,
    "MATCHER_IMAP_USERNAME": optional(text),
    "MATCHER_IMAP_PASSWORD": optional(text),
    "MATCHER_IMAP_OAUTH2_TOKEN": optional(text),
    "MATCHER_IMAP_FOLDER": text,
    "MATCHER_IMAP_PROCESSED_FOLDER": text,
    "MATCHER_IMAP_UNKNOWN_FOLDER": text,
    "MATCHER_IMAP_TIMEOUT": _count,
    "MATCHER_SMTPD_SENDS": flag,
    "MATCHER_REQUIRE_TOTP": flag,
    "MATCHER_CONSOLE_IDLE_TIMEOUT": _span,
    "MATCHER_CONSOLE_ABSOLUTE_TIMEOUT": _span,
    "MATCHER_LOGIN_BACKOFF": _span,
    "MATCHER_LOGIN_FORGET_AFTER": _span,
    "MATCHER_TIMEZONE": timezone,
    "MATCHER_WORKING_DAY_START": integer,
    "MATCHER_WORKING_DAY_END": integer,
    "MATCHER_HOLIDAY_COUNTRY": optional(country_code),
    "MATCHER_HOLIDAY_SUBDIVISION": optional(text),
    "MATCHER_MIN_WORKING_WINDOW": duration,
    "MATCHER_ESCALATION_ACTIONS": mapping,
    "MATCHER_REPLY_EXPECTED_WITHIN": _span,
    "MATCHER_HOLD_CLEAR_REASONS": mapping,
    "MATCHER_FIRST_REPLY_REMIND_AFTER": _span,
    "MATCHER_FIRST_REPLY_ESCALATE_AFTER": _span,
    "MATCHER_SILENCE_AFTER": _span,
    "MATCHER_REPLY_REMIND_AFTER": _span,
    "MATCHER_REPLY_ESCALATE_AFTER": _span,
    "MATCHER_ENDING_NOTICE": _span,
    "MATCHER_CHECKS_WARN_BEFORE": _span,
    "MATCHER_DIGEST_HOUR": integer,
    "MATCHER_JOB_INTERVALS": mapping,
    "MATCHER_RETAIN_MESSAGES_AFTER_END": _span,
    "MATCHER_RETAIN_UNROUTED_MAIL": _span,
    "MATCHER_RETAIN_REQUESTS_AFTER_END": _span,
    "MATCHER_RETAIN_AUDIT": _span,
    "MATCHER_RETAIN_UNCONFIRMED": _span,
    "MATCHER_ENCRYPTION_KEYS": text_list,
    "MATCHER_REPORT_MIN_COUNT": _count,
    "MATCHER_REPORT_ROUNDING_BASE": _count,
    # Public-side security (issue 11)
    "MATCHER_CONFIRMATION_MAIL_EVERY": _span,
    "MATCHER_TRUSTED_PROXIES": _zero_or_more,
    # Alert paths (issue 12)
    "MATCHER_ALERT_RETRY_EVERY": _span,
    "MATCHER_ALERT_FALLBACK_AFTER": _span,
    "MATCHER_ALERT_FALLBACK_SMTP": optional(smtp_url),
    "MATCHER_ALERT_WEBHOOK_URL": optional(url),
    "MATCHER_RED_REALERT_EVERY": _span,
    "MATCHER_ALERT_SECOND_ADDRESS": optional(address),
}


def apply_settings(config: MutableMapping[str, Any]) -> None:
    """Replace every declared setting present in `config` by its typed value, or raise ConfigError."""
    problems = []
    for key, read in SETTINGS.items():
        if key not in config:
            continue
        try:
            config[key] = read(config[key])
        except ValueError as error:
            problems.append(f"{key}: expected {error}")
    problems += _secret_key_problems(config)
    if problems:
        raise ConfigError("matcher cannot start: " + "; ".join(problems))


def relaxed(config: Mapping[str, Any]) -> bool:
    """Say whether this is a debug, demo or test run, where the published key is allowed."""
    return any(bool(config.get(key)) for key in ("DEBUG", "TESTING", "MATCHER_DEMO"))


def _secret_key_problems(config: Mapping[str, Any]) -> list[str]:
    if relaxed(config):
        return []
    key = config.get("SECRET_KEY") or ""
    if key == PUBLISHED_SECRET_KEY:
        return [("SECRET_KEY: expected your own random value, not the published default "
                "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')")]
    if len(key) < MIN_SECRET_KEY_LENGTH:
        return [(f"SECRET_KEY: expected at least {MIN_SECRET_KEY_LENGTH} characters "
                "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(48))')")]
    return []
