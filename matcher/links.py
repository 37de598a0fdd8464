"""Signed, expiring links for people who have no password."""
from datetime import timedelta
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


def sign(purpose: str, value: str) -> str:
    """Return a token carrying `value` for one purpose."""
    return _serializer(purpose).dumps(value)


def unsign(purpose: str, token: str, max_age: timedelta) -> str:
    """Return the value inside a token, or raise LinkError."""
    try:
        return _serializer(purpose).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired as error:
        raise LinkError(expired=True) from error
    except BadSignature as error:
        raise LinkError(expired=False) from error


def external_url(endpoint: str, **values) -> str:
    """Build an absolute URL on the configured public base URL, inside a request or not."""
    base = urlsplit(current_app.config["MATCHER_BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/", url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)
