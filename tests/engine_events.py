"""A context manager that hears every statement and commit an engine sends, for tests that count them."""
from sqlalchemy import event


class EngineListener:
    """Listen to `before_cursor_execute` and `commit` on an engine while the block runs; subclasses say what to keep."""

    def __init__(self, engine):
        self.engine = engine

    def _statement(self, connection, cursor, statement, *args):
        """Hear one statement (override)."""

    def _commit(self, connection):
        """Hear one commit (override)."""

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._statement)
        event.listen(self.engine, "commit", self._commit)
        return self

    def __exit__(self, *_exc_info):
        event.remove(self.engine, "before_cursor_execute", self._statement)
        event.remove(self.engine, "commit", self._commit)
