"""Logging: matcher's own lines at the configured level, on standard error by default."""
import logging
import re

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# An exception's text can carry an address (smtplib puts refused recipients in its errors): every
# matcher log line and traceback has them replaced, whatever handler a deployment configures.
_ADDRESS = re.compile(r"[\w.+=-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,8}")


class HideAddresses(logging.Filter):
    """Replace email addresses in a record's message and traceback before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        record.msg, record.args = _ADDRESS.sub("[address]", record.getMessage()), ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _ADDRESS.sub("[address]", logging.Formatter().formatException(record.exc_info))
        return True


def init_app(app: Flask) -> None:
    """Set the level of the `matcher` loggers and give them a handler unless logging is set up already."""
    logger = logging.getLogger("matcher")
    logger.setLevel(app.config["MATCHER_LOG_LEVEL"])
    # A deployment (gunicorn --log-config, dictConfig) that configured the root logger keeps its own
    # handlers; they get the address filter too (a logger's filter would not see its children's records).
    if not (logging.getLogger().handlers or any(getattr(h, "matcher_default", False) for h in logger.handlers)):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        handler.matcher_default = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    for each in [*logging.getLogger().handlers, *logger.handlers]:
        if not any(isinstance(f, HideAddresses) for f in each.filters):
            each.addFilter(HideAddresses())
