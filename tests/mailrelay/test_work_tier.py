"""MATCHER_RELAY_PROCESSING = "workers": listeners only store; `relay work` reads and sends alerts first.

Runs on SQLite and, with MATCHER_TEST_POSTGRES set, on PostgreSQL (where an idle worker is woken
by the listener's NOTIFY).
"""
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay import ingest, work
from matcher.mailrelay.inbound.pipe import receive_exit_code
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due
from tests.mailrelay.inbound.test_alerts_before_ack import PEOPLE, RISK


def _rows():
    db.session.commit()
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()


def test_with_workers_the_pipe_only_stores_and_relay_work_reads(app, make_pairing, mail_writer, smtp_sink):
    app.config["MATCHER_RELAY_PROCESSING"] = "workers"
    _, to, _ = make_pairing(*PEOPLE, moderation="audit_only")
    assert receive_exit_code(mail_writer("asha@example.com", to, "Stored, read later."), to) == 0
    [stored] = _rows()
    assert stored.state == InboundState.RECEIVED and stored.processed_at is None
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay")) is None
    runner = app.test_cli_runner()
    result = runner.invoke(args=["relay", "work", "--once"])
    assert result.exit_code == 0 and "read 1 stored" in result.output, result.output
    [read] = _rows()
    assert read.state == InboundState.DELIVERED and read.lease_token is None
    deliver_due()
    assert len(smtp_sink.to("sam@example.org")) == 2  # the introduction, then the relayed copy


def test_relay_send_leaves_reading_to_the_workers(app, make_pairing, mail_writer):
    app.config["MATCHER_RELAY_PROCESSING"] = "workers"
    _, to, _ = make_pairing(*PEOPLE, moderation="audit_only")
    receive_exit_code(mail_writer("asha@example.com", to, "For a worker."), to)
    assert app.test_cli_runner().invoke(args=["relay", "send"]).exit_code == 0
    assert [row.state for row in _rows()] == [InboundState.RECEIVED]


def test_a_worker_sends_the_alert_before_it_reads_the_next_message(app, make_pairing, mail_writer, smtp_sink):
    app.config["MATCHER_RELAY_PROCESSING"] = "workers"
    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    receive_exit_code(mail_writer("asha@example.com", to, RISK), to)
    receive_exit_code(mail_writer("asha@example.com", to, "A second, ordinary note."), to)
    assert smtp_sink.to("oncall@example.org") == [], "the listener cannot alert: it never read the message"
    assert work.work_once() == 2
    alert = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
    assert alert.sent_at is not None
    assert alert.sent_at <= _rows()[1].processed_at, "the second message was read before the alert left"
    assert "[RED]" in smtp_sink.to("oncall@example.org")[0]["Subject"]


def test_an_idle_worker_sends_a_new_messages_alert_within_seconds(app, make_app, make_pairing, mail_writer,
                                                                  smtp_sink):
    app.config["MATCHER_RELAY_PROCESSING"] = "workers"
    # On PostgreSQL the listener's NOTIFY wakes the worker long before its 10 s poll would.
    poll = timedelta(seconds=10) if is_postgres(db.engine) else timedelta(seconds=0.5)
    worker_app = make_app(MATCHER_RELAY_PROCESSING="workers", MATCHER_RELAY_WORK_POLL=poll)
    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    stop = threading.Event()

    def run():
        with worker_app.app_context():
            work.work_forever(stopping=stop.is_set)
            db.session.remove()

    worker = threading.Thread(target=run)
    worker.start()
    try:
        # A running worker has read mail before (its first message loads the readers): warm it up.
        ingest.receive(mail_writer("asha@example.com", to, "A first, ordinary note."), "smtp", to)
        deadline = time.monotonic() + 60
        while _rows()[0].state == InboundState.RECEIVED and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)  # idle again, waiting on LISTEN (PostgreSQL) or its poll (SQLite)
        stored_at = time.monotonic()
        # As a listener stores it (the pipe's own session hooks are for a one-message process).
        ingest.receive(mail_writer("asha@example.com", to, RISK), "smtp", to)
        smtp_sink.wait_for(1, timeout=15)
        waited = time.monotonic() - stored_at
    finally:
        stop.set()
        worker.join(30)
    assert "[RED]" in smtp_sink.to("oncall@example.org")[0]["Subject"]
    print(f"alert at the server {waited:.2f} s after the message was stored")  # docs/operations.md quotes it
    assert waited < 3, f"the alert left {waited:.2f} s after the message was stored"
