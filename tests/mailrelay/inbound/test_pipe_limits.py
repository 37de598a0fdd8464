"""`relay receive` as the MTA runs it, in its own process: bounded memory, quick 75s, one line each."""
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState
from tests.mailrelay.adapters import ADAPTERS, send_through

ROOT = Path(__file__).resolve().parents[3]
REQUESTER = {"pseudonym": "Asha", "email": "asha.private@example.com"}
VOLUNTEER = {"pseudonym": "Sam", "email": "sam.private@example.org"}
# Address space for the whole pipe process: Python, Flask, SQLAlchemy and a 10 MB message.
MEMORY_LIMIT = 400 * 1024 * 1024


def _environment(app_config, **extra):
    env = dict(os.environ)
    env.update({
        "FLASK_SQLALCHEMY_DATABASE_URI": app_config["SQLALCHEMY_DATABASE_URI"],
        "FLASK_SECRET_KEY": app_config["SECRET_KEY"],
        "FLASK_MAIL_SERVER": app_config["MAIL_SERVER"],
        "FLASK_MAIL_PORT": str(app_config["MAIL_PORT"]),
        "FLASK_MATCHER_BASE_URL": app_config["MATCHER_BASE_URL"],
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    })
    env.update(extra)
    return env


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def _pipe(app_config, raw, recipient, memory_limited=False, timeout=120, **extra):
    """Run `flask --app matcher relay receive` as Postfix would; return the finished process."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "matcher", "relay", "receive", "--recipient", recipient],
        input=raw, capture_output=True, env=_environment(app_config, **extra), cwd=ROOT, timeout=timeout,
        preexec_fn=_limit_memory if memory_limited else None, check=False,
    )
    result.seconds = time.monotonic() - started
    return result


def _big_message(mail_writer, sender, to, encoding):
    body = "".join(f"Line {n} of a very long letter, written over many nights.\n" for n in range(180_000))
    raw = mail_writer(sender, to, "placeholder", subject="A long letter")
    head, _, _ = raw.partition(b"\n\n")
    head = b"\n".join(line for line in head.split(b"\n") if not line.lower().startswith(b"content-transfer"))
    if encoding == "quoted-printable":
        import quopri
        encoded = quopri.encodestring(body.replace("nights", "nights=\u00e9").encode())
    else:
        encoded = body.encode()
    raw = head + f"\nContent-Transfer-Encoding: {encoding}\n\n".encode() + encoded
    assert len(raw) > 10 * 1024 * 1024
    return raw


@pytest.mark.parametrize("encoding", ["8bit", "quoted-printable"])
def test_a_ten_megabyte_body_is_held_for_coordinators_within_a_memory_limit(app_config, make_pairing,
                                                                              mail_writer, encoding):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    db.session.remove()
    raw = _big_message(mail_writer, REQUESTER["email"], requester_to, encoding)
    result = _pipe(app_config, raw, requester_to, memory_limited=True)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    [row] = db.session.scalars(select(InboundMessage)).all()
    assert row.state in (InboundState.HELD, InboundState.QUARANTINED)
    assert any("long" in reason for reason in row.reasons), row.reasons


class _TableLock:
    """Another process's transaction holding the inbound table (PostgreSQL) or the write lock (SQLite)."""

    def __init__(self, url):
        self.engine = create_engine(url)
        self.connection = self.engine.connect()
        if self.engine.dialect.name == "postgresql":
            self.connection.begin()
            self.connection.execute(text("LOCK TABLE inbound_message IN ACCESS EXCLUSIVE MODE"))
        else:
            self.connection.exec_driver_sql("BEGIN EXCLUSIVE")

    def release(self):
        self.connection.rollback()
        self.connection.close()
        self.engine.dispose()


def test_a_locked_table_gets_one_line_and_75_within_seconds_and_the_retry_is_stored(app_config, make_pairing,
                                                                                   mail_writer):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    db.session.remove()
    raw = mail_writer(REQUESTER["email"], requester_to, "Are you there tonight?")
    lock = _TableLock(app_config["SQLALCHEMY_DATABASE_URI"])
    try:
        locked = _pipe(app_config, raw, requester_to, timeout=60)
    finally:
        lock.release()
    assert locked.returncode == 75
    assert locked.seconds < 20, f"the pipe waited {locked.seconds:.1f} s for the lock"
    [line] = locked.stderr.decode().strip().splitlines()
    assert "locked" in line and "retry" in line and "Traceback" not in line
    retried = _pipe(app_config, raw, requester_to)
    assert retried.returncode == 0, retried.stderr.decode(errors="replace")
    [row] = db.session.scalars(select(InboundMessage)).all()
    assert row.state == InboundState.DELIVERED


def test_the_pipe_keeps_the_detail_of_a_75_for_the_debug_log(app_config, make_pairing, mail_writer):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    db.session.remove()
    raw = mail_writer(REQUESTER["email"], requester_to, "Hello")
    lock = _TableLock(app_config["SQLALCHEMY_DATABASE_URI"])
    try:
        verbose = _pipe(app_config, raw, requester_to, timeout=60, FLASK_MATCHER_LOG_LEVEL="DEBUG")
    finally:
        lock.release()
    assert verbose.returncode == 75
    assert b'File "' in verbose.stderr and b"ingest.py" in verbose.stderr
    token = requester_to.split("+")[1].split("@")[0].encode()
    assert b"asha.private" not in verbose.stderr and token not in verbose.stderr


@pytest.mark.parametrize("adapter", ADAPTERS)
def test_a_text_part_cut_before_decoding_is_kept_for_coordinators_not_delivered_short(
        adapter, app, request, make_pairing, mail_writer, smtp_sink):
    from matcher.mailrelay.outbound.outbox import deliver_due

    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    app.config["MATCHER_RELAY_MAX_TEXT_PART_BYTES"] = 4_000
    body = "".join(f"Evening {n}: the baby slept, and I wrote to you.\n" for n in range(2_000))
    send_through(adapter, app, request, mail_writer(REQUESTER["email"], requester_to, body), requester_to)
    deliver_due()
    db.session.expire_all()
    [row] = db.session.scalars(select(InboundMessage)).all()
    assert row.state == InboundState.QUARANTINED
    assert "characters the relay reads" in row.reasons[0]
    assert "Evening 0:" in row.clean_text and "Evening 1999:" not in row.clean_text
    relayed = [m for m in smtp_sink.to(VOLUNTEER["email"]) if "Evening" in m.as_string()]
    assert relayed == []
