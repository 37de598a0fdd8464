"""Signed, expiring links for people who have no password."""
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer


class LinkError(Exception):
    """A link that is forged, for another purpose, or too old."""

    def __init__(self, expired: bool):
        super().__init__("link expired" if expired else "link invalid")
        self.expired = expired


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"matcher.{purpose}")


def sign(purpose: str, value: str | list) -> str:
    """Return a token carrying `value` for one purpose."""
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, max_age: timedelta) -> Any:
    """Return the value inside a token, or raise LinkError."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise LinkError(expired=True) from error
    except BadSignature as error:
        raise LinkError(expired=False) from error


def sign_person(purpose: str, public_id: str, version: int) -> str:
    """Return a token for one person's link, carrying their current link version."""
    return sign(purpose, [public_id, version])


def unsign_person(purpose: str, token: str, max_age: timedelta) -> tuple[str, int]:
    """Return (public_id, link version) from a person's token, or raise LinkError.

    Links mailed before versions existed carry only the public id; they count as
    version 0, the version every person starts with, so they work until revoked.
    """
    value = unsign(purpose, token, max_age)
    if isinstance(value, str):
        return value, 0
    if (isinstance(value, list) and len(value) == 2 and isinstance(value[0], str)
            and isinstance(value[1], int) and not isinstance(value[1], bool)):
        return value[0], value[1]
    raise LinkError(expired=False)


def external_url(endpoint: str, **values) -> str:
    """Build an absolute URL on the configured public base URL, inside a request or not."""
    base = urlsplit(current_app.config["MATCHER_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
