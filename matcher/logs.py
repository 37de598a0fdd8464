"""Logging: matcher's own lines at the configured level, on standard error by default."""
import logging

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def init_app(app: Flask) -> None:
    """Set the level of the `matcher` loggers and give them a handler unless logging is set up already."""
    logger = logging.getLogger("matcher")
    logger.setLevel(app.config["MATCHER_LOG_LEVEL"])
    # A deployment (gunicorn --log-config, dictConfig) that configured the root logger keeps its own.
    if logging.getLogger().handlers or any(getattr(h, "matcher_default", False) for h in logger.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(FORMAT))
    handler.matcher_default = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
