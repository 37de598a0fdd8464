"""The pipe's lock and statement timeouts bound the pipe's own transactions, and nothing else in the process.

On PostgreSQL each of the pipe's transactions starts with SET LOCAL lock_timeout and statement_timeout;
another thread's transaction at the same moment, and this thread's next transaction after the pipe,
keep the server's defaults. On SQLite the one busy timeout (matcher/database.py) bounds every wait.
"""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import text

from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay.inbound import pipe


def _limits() -> tuple[str, ...]:
    """Return the wait limits the current transaction runs under."""
    if is_postgres(db.engine):
        return tuple(db.session.execute(text(f"SHOW {name}")).scalar_one()
                     for name in ("lock_timeout", "statement_timeout"))
    return (str(db.session.execute(text("PRAGMA busy_timeout")).scalar_one()),)


def _elsewhere(app) -> tuple[str, ...]:
    """Return the limits of a transaction another thread of the process runs now."""
    seen: list[tuple[str, ...]] = []

    def look():
        with app.app_context():
            seen.append(_limits())
            db.session.remove()

    thread = threading.Thread(target=look)
    thread.start()
    thread.join(30)
    return seen[0]


@pytest.fixture
def app_config(app_config):
    return app_config | {"MATCHER_RELAY_PIPE_LOCK_TIMEOUT": timedelta(seconds=3),
                         "MATCHER_RELAY_PIPE_STATEMENT_TIMEOUT": timedelta(seconds=7)}


def test_the_pipes_timeouts_hold_inside_its_transactions_only(app, monkeypatch):
    db.session.commit()
    defaults = _limits()
    db.session.commit()
    seen = {}

    def receive(raw, adapter, recipient):
        seen["pipe"] = _limits()
        seen["another thread meanwhile"] = _elsewhere(app)
        db.session.commit()
        seen["the pipe's next transaction"] = _limits()
        db.session.commit()

    monkeypatch.setattr(pipe, "receive", receive)
    assert pipe.receive_exit_code(b"Subject: x\r\n\r\nx\r\n", "someone@relay.example") == pipe.EX_OK
    if is_postgres(db.engine):
        assert seen["pipe"] == seen["the pipe's next transaction"] == ("3s", "7s")
        assert defaults != ("3s", "7s")
    else:
        assert seen["pipe"] == ("5000",)
    assert seen["another thread meanwhile"] == defaults, "another thread inherited the pipe's timeouts"
    assert _limits() == defaults, "the pipe's timeouts outlived it"
    db.session.commit()
