"""`relay work`: the processing tier, reading stored inbound mail that listeners only stored.

With MATCHER_RELAY_PROCESSING = "workers", listeners store, NOTIFY and acknowledge; any number of
workers (on any machine, against one PostgreSQL) claim stored rows with FOR UPDATE SKIP LOCKED
(`ingest.claim_next`) under a fenced lease, read them, and send the alerts and crisis replies a
message raised straight after its outcome commits, before taking the next one: wherever risk is
read, its alert leaves first. An idle worker sleeps on LISTEN (PostgreSQL) or polls (SQLite) for
MATCHER_RELAY_WORK_POLL, so a new message is read within milliseconds of being stored.
"""
import logging
import select as selector
from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import update

from matcher.columns import utcnow
from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay.ingest import WAKE_CHANNEL, LeaseLost, claim_next, process_claimed, send_alerts_now
from matcher.mailrelay.models import InboundMessage
from matcher.mailrelay.reading.budget import Stopping

log = logging.getLogger(__name__)


def work_once(limit: int = 500, now: datetime | None = None, stopping=lambda: False) -> int:
    """Read stored messages until none is free (or `limit`); return how many this worker finished."""
    done = 0
    for _ in range(limit):
        if stopping():
            break
        claimed = claim_next(now)
        if claimed is None:
            break
        done += _read(*claimed, now=now, stopping=stopping)
        send_alerts_now()  # the alert a message raised goes before the next message is read
    return done


def _read(inbound_id: int, token: str, now: datetime | None, stopping) -> bool:
    """Process one claimed message; on any failure leave it stored for a later claim."""
    try:
        process_claimed(inbound_id, token, now or utcnow(), stopping)
        return True
    except LeaseLost:
        log.warning("inbound message %s: lease lost while reading; another worker's outcome stands", inbound_id)
    except Stopping:
        db.session.rollback()
    except Exception as error:  # the raw message is safe; another claim retries it
        db.session.rollback()
        log.warning("inbound message %s stored but not yet processed (%s)", inbound_id, type(error).__name__)
        log.debug("inbound message %s: why processing failed", inbound_id, exc_info=True)
        db.session.execute(update(InboundMessage)
                           .where(InboundMessage.id == inbound_id, InboundMessage.lease_token == token)
                           .values(last_error=f"{type(error).__name__}: {error}"[:2000]))
        db.session.commit()
    return False


class Wakeup:
    """Wait for listeners' NOTIFY on PostgreSQL; a plain sleep on SQLite."""

    def __init__(self):
        self._connection = None
        if is_postgres(db.engine):
            # Its own connection, detached from the pool, in autocommit: LISTEN lasts for the worker's life.
            pooled = db.engine.raw_connection()
            connection: Any = pooled.driver_connection  # psycopg's Connection
            pooled.detach()
            connection.autocommit = True
            connection.execute(f"LISTEN {WAKE_CHANNEL}")
            self._connection = connection

    def wait(self, seconds: float) -> None:
        """Return when a message may be waiting, or after `seconds`."""
        if self._connection is None:
            selector.select([], [], [], seconds)
            return
        for _notice in self._connection.notifies(timeout=seconds, stop_after=1):
            break
        # Several listeners may have stored at once: drain the rest; one pass reads them all.
        for _notice in self._connection.notifies(timeout=0):
            pass

    def close(self) -> None:
        """Drop the LISTEN connection."""
        if self._connection is not None:
            self._connection.close()


def work_forever(stopping=lambda: False) -> None:
    """Read stored mail as it arrives until `stopping()` says the process is shutting down."""
    wakeup = Wakeup()
    poll = current_app.config["MATCHER_RELAY_WORK_POLL"].total_seconds()
    try:
        while not stopping():
            if work_once(stopping=stopping) == 0:
                wakeup.wait(poll)
    finally:
        wakeup.close()
