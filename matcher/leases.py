"""Short leases kept alive while work runs, so a dead worker's rows are taken over in seconds.

A worker claims a row (an inbound message to read, an outbox message to send) by setting its
`lease_until`. While the work goes on, a `Heartbeat` thread pushes the lease forward on its own
database connection, a third of a lease at a time; when the process dies the beats stop and the row
is free again one lease later. The beat only moves a lease it set itself (`lease_until` still equal
to the value it last wrote), so it never revives a row the worker has finished or another has
taken. It stops after `max_hold`, so a step that never returns still loses its lease and counts an
attempt.
"""
import logging
import threading
import time
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.exc import SQLAlchemyError

from matcher.extensions import db

log = logging.getLogger(__name__)


class Heartbeat:
    """Renew one row's lease from a background thread for the life of a `with` block."""

    def __init__(self, model, row_id: int, leased_until: datetime | None, lease: timedelta, max_hold: timedelta):
        self._table = model.__table__
        self._row_id = row_id
        self._until = leased_until
        self._step = lease / 3
        self._max_hold = max_hold.total_seconds()
        self._engine = db.engine  # captured here: the thread has no application context
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name=f"lease-{self._table.name}-{row_id}", daemon=True)

    def __enter__(self) -> "Heartbeat":
        if self._until is not None:  # no lease to keep (a row claimed without one) means no beat
            self._thread.start()
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        self._stop.set()
        if exc_type is not None:
            # The worker's failed transaction may hold the very row the beat is waiting to update:
            # end it first (every caller rolls back after an error anyway), or the join would wait forever.
            db.session.rollback()
        if self._thread.is_alive():
            self._thread.join()

    def _beat(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(self._step.total_seconds()):
            if time.monotonic() - started > self._max_hold or not self._renew():
                return

    def _renew(self) -> bool:
        """Move the lease forward by one step; return False once the row is no longer ours."""
        if self._until is None:
            return False
        renewed = self._until + self._step
        try:
            with self._engine.begin() as connection:
                if connection.dialect.name == "postgresql":  # a beat never waits longer than a step
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(self._step.total_seconds() * 1000)}")
                table = self._table
                moved = connection.execute(
                    update(table).where(table.c.id == self._row_id, table.c.lease_until == self._until)
                    .values(lease_until=renewed)
                ).rowcount
        except SQLAlchemyError:  # a busy database: the lease still has two steps left, try at the next beat
            log.debug("lease of %s %s not renewed this time", self._table.name, self._row_id, exc_info=True)
            return True
        if moved != 1:
            return False
        self._until = renewed
        return True
