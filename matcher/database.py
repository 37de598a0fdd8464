"""Database wiring: model registry and SQLite connection settings."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def import_models() -> None:
    """Import every feature's models so the metadata is complete."""
    import matcher.care.models  # noqa: F401
    import matcher.console.models  # noqa: F401
    import matcher.intake.models  # noqa: F401
    import matcher.mailrelay.models  # noqa: F401
    import matcher.pairing.models  # noqa: F401
    import matcher.safeguarding.models  # noqa: F401


def init_app(app: Flask) -> None:
    """Turn on WAL and foreign keys for SQLite connections."""
    from matcher.extensions import db

    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def is_postgres(engine: Engine) -> bool:
    """Say whether the engine talks to PostgreSQL."""
    return engine.dialect.name == "postgresql"
