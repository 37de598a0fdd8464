"""Database wiring: model registry and SQLite connection settings."""
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def import_models() -> None:
    """Import every feature's models so the metadata is complete."""
    import matcher.care.models
    import matcher.console.models
    import matcher.intake.models
    import matcher.mailrelay.models
    import matcher.pairing.models
    import matcher.safeguarding.models  # noqa: F401 - registers its models (ruff counts the six imports as one name)


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
