"""A gunicorn logger class whose access and error lines carry no link tokens.

Run gunicorn with `--logger-class matcher.gunicorn_logger.RedactingLogger`; it
works with any `--access-logformat`, because it redacts the formatted line.
"""
from gunicorn import glogging  # type: ignore[import-untyped]  # gunicorn ships no types, and has no stub package

from matcher.accesslog import install


class RedactingLogger(glogging.Logger):
    """gunicorn's logger, with matcher's redacting filter on the access and error logs."""

    def setup(self, cfg) -> None:
        """Set gunicorn's handlers up as usual, then add the filter."""
        super().setup(cfg)
        install(self.access_log)
        install(self.error_log)
