"""Database wiring: model registry, SQLite connection settings, optional durability trade-offs.

The trade-offs (docs/operations.md, "Durability") are off by default. With either on, every
transaction commits without waiting for the disk except those that store someone's words as they
arrive (DURABLE_INSERTS), so a power cut or an operating-system crash can undo the last moments of
work, never a message or a request that was acknowledged.
"""
import logging

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)


def import_models() -> None:
    """Import every feature's models so the metadata is complete."""
    import matcher.care.models
    import matcher.console.models
    import matcher.intake.models
    import matcher.mailrelay.models
    import matcher.pairing.models
    import matcher.safeguarding.models  # noqa: F401 - registers its models (ruff counts the six imports as one name)


# The INSERTs that store someone's words as they arrive: the raw store of inbound mail (every
# adapter) and the request form's intake. Their transactions commit durably even when the optional
# trade-offs below let every other transaction commit without waiting for the disk.
DURABLE_INSERTS = ("INSERT INTO inbound_message", "INSERT INTO support_request")


def init_app(app: Flask) -> None:
    """Turn on WAL and foreign keys for SQLite, and the durability trade-offs the configuration asks for."""
    from matcher.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            if app.config["MATCHER_SQLITE_SYNCHRONOUS_NORMAL"]:
                event.listen(engine, "connect", _sqlite_normal)
                event.listen(engine, "before_cursor_execute", _sqlite_intake_full)
                event.listen(engine, "begin", _sqlite_normal_again)
        elif is_postgres(engine) and app.config["MATCHER_POSTGRES_SYNCHRONOUS_COMMIT_OFF"]:
            event.listen(engine, "connect", _postgres_commit_off)
            event.listen(engine, "before_cursor_execute", _postgres_intake_on)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_normal(dbapi_connection, connection_record) -> None:
    dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _sqlite_intake_full(connection, cursor, statement, parameters, context, executemany) -> None:
    """Before an intake INSERT opens its transaction, make that transaction's commit wait for the disk."""
    if not statement.startswith(DURABLE_INSERTS):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.in_transaction:  # SQLite cannot change it now; the raw store and the form write first
        log.warning("an intake INSERT came after another write in its transaction: it commits as NORMAL")
        return
    cursor.execute("PRAGMA synchronous=FULL")  # before pysqlite's implicit BEGIN for the INSERT
    connection.info["synchronous_full"] = True


def _sqlite_normal_again(connection) -> None:
    if connection.info.pop("synchronous_full", False):
        connection.connection.dbapi_connection.execute("PRAGMA synchronous=NORMAL")


def _postgres_commit_off(dbapi_connection, connection_record) -> None:
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True  # a SET inside a transaction would be undone by the pool's rollback
    dbapi_connection.execute("SET synchronous_commit = off")
    dbapi_connection.autocommit = autocommit


def _postgres_intake_on(connection, cursor, statement, parameters, context, executemany) -> None:
    if statement.startswith(DURABLE_INSERTS):
        cursor.execute("SET LOCAL synchronous_commit = on")  # this transaction only


def is_postgres(engine: Engine) -> bool:
    """Say whether the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"
