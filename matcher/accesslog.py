"""Keep secrets that travel in URLs out of the logs: link tokens and masked addresses.

Status, confirmation, volunteer and feedback links carry their signed token as a
path segment, and the webhook carries a masked address in `?recipient=`; anyone
who reads an access log could otherwise use them. A filter on the loggers that
write request lines (werkzeug's, gunicorn's through `matcher.gunicorn_logger`, and
the application's own, which names the path of an exception) rewrites each
record with those parts replaced by "[redacted]".
"""
import logging
import re

from flask import Flask

REDACTED = "[redacted]"
LINK_ROUTES = ("confirm", "status", "volunteer", "feedback")
# Each pattern is a literal followed by one character class run, so it runs in linear time.
_LINK_SEGMENT = re.compile(r"/(" + "|".join(LINK_ROUTES) + r")/(?!apply\b)[^/\s?#\"']+")
# Any itsdangerous token (payload.timestamp.signature) in a path, whatever the route.
_TOKEN_SEGMENT = re.compile(r"/\.?[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{4,8}\.[A-Za-z0-9_-]{20,}(?=[/\s?#\"']|$)")
_RECIPIENT = re.compile(r"([?&]recipient=)[^&\s#\"']+")
_MASKED = re.compile(r"\+[0-9a-f]{16,}(@|%40)", re.IGNORECASE)
LOGGERS = ("werkzeug", "gunicorn.access", "gunicorn.error")


def redact(text: str) -> str:
    """Return `text` with link tokens, webhook recipients and masked-address tokens replaced."""
    text = _LINK_SEGMENT.sub(lambda m: f"/{m.group(1)}/{REDACTED}", text)
    text = _TOKEN_SEGMENT.sub(f"/{REDACTED}", text)
    text = _RECIPIENT.sub(lambda m: m.group(1) + REDACTED, text)
    return _MASKED.sub(lambda m: f"+{REDACTED}{m.group(1)}", text)


class RedactingFilter(logging.Filter):
    """Rewrite a record's message with secrets in URLs redacted; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = RedactingFilter()


def install(logger: logging.Logger) -> None:
    """Add the redacting filter to one logger, once."""
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)


def init_app(app: Flask) -> None:
    """Redact request lines in werkzeug's, gunicorn's and the application's loggers (idempotent)."""
    for name in LOGGERS:
        install(logging.getLogger(name))
    install(app.logger)
