"""The MTA pipe (`relay receive`): one message on standard input, answered with a sysexits code.

Every answer comes quickly: on PostgreSQL each of the pipe's transactions gives up on a lock after
MATCHER_RELAY_PIPE_LOCK_TIMEOUT and on a statement after MATCHER_RELAY_PIPE_STATEMENT_TIMEOUT (SQLite
waits at most its busy timeout), so a locked table means exit 75 within seconds, not a pipe the MTA
has to kill. Every 75 prints one line naming the cause; the traceback goes to the log at DEBUG.
"""
import logging
import traceback
from contextlib import contextmanager

import click
from flask import current_app
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive, send_alerts_now

log = logging.getLogger(__name__)

# sysexits.h, as MTAs expect from a pipe transport.
EX_OK, EX_NOUSER, EX_TEMPFAIL = 0, 67, 75


def receive_exit_code(raw: bytes, recipient: str | None) -> int:
    """Receive one piped message and return the exit code the MTA should see."""
    limit = current_app.config["MATCHER_RELAY_MAX_MESSAGE_BYTES"]
    if len(raw) > limit:
        click.echo(f"message larger than {limit} bytes", err=True)
        return EX_NOUSER
    try:
        with _bounded_waits():
            receive(raw, "pipe", recipient)
    except UnknownAddress:
        click.echo("no such masked address", err=True)
        return EX_NOUSER
    except Exception as error:  # noqa: BLE001 - the MTA keeps the message and retries; never a traceback
        # Frames only: a database error's own text can quote the statement's parameters (the mail).
        log.debug("relay receive failed (%s); asking the MTA to retry, at:\n%s", type(error).__name__,
                  "".join(traceback.format_tb(error.__traceback__)))
        db.session.rollback()
        click.echo(f"temporary failure: {_cause(error)}; the MTA will retry", err=True)
        return EX_TEMPFAIL
    send_alerts_now()
    return EX_OK


@contextmanager
def _bounded_waits():
    """On PostgreSQL, make each of the pipe's own transactions give up on a lock or a slow statement.

    The listener is on this thread's session object, not on `db.session` (the registry, whose
    listeners reach every session of the process), and each limit is SET LOCAL: it ends with the
    transaction, so nothing else in the process, and nothing after the block, runs under it.
    """
    if not is_postgres(db.engine):
        yield  # SQLite's busy_timeout (database.py) already bounds the wait for its one write lock
        return
    config = current_app.config
    keys = {"lock_timeout": "MATCHER_RELAY_PIPE_LOCK_TIMEOUT",
            "statement_timeout": "MATCHER_RELAY_PIPE_STATEMENT_TIMEOUT"}
    limits = [(name, int(config[key].total_seconds() * 1000)) for name, key in keys.items()]

    def on_begin(_session, _transaction, connection) -> None:
        for name, milliseconds in limits:
            connection.exec_driver_sql(f"SET LOCAL {name} = {milliseconds}")  # this transaction only

    session = db.session()  # this thread's Session
    event.listen(session, "after_begin", on_begin)
    try:
        yield
    finally:
        event.remove(session, "after_begin", on_begin)


def _cause(error: Exception) -> str:
    """Name why the pipe asks for a retry in a few words, without any value from the message."""
    if not isinstance(error, DBAPIError):
        return type(error).__name__
    orig = error.orig
    name = type(orig).__name__
    if name == "LockNotAvailable" or "database is locked" in str(orig):
        return "the database is locked by another process"
    if name == "QueryCanceled":
        return "a database statement took too long"
    if error.connection_invalidated or name in ("OperationalError", "ConnectionTimeout"):
        return f"the database could not be used ({name})"
    return f"database error ({name})"
