"""Fenced leases: a worker whose lease ran out mid-work never commits over the worker that took over.

Each claim carries a lease token; the outcome's final UPDATE matches it, so of two readers of one
message only the holder's outcome (one copy, one Message-ID) stands. Runs on SQLite and, with
MATCHER_TEST_POSTGRES set, on PostgreSQL.
"""
import re
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay import actions, ingest
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound import claims, outbox
from matcher.mailrelay.outbound.compose import OutgoingMail
from tests.mailrelay.inbound.test_pipe_limits import REQUESTER, VOLUNTEER

SHORT = {"MATCHER_RELAY_PROCESS_LEASE": timedelta(seconds=1), "MATCHER_OUTBOX_LEASE": timedelta(seconds=1),
         # The reader's heartbeat stops after three budgets: a reader stalled this long loses its lease.
         "MATCHER_RELAY_PROCESS_BUDGET": timedelta(seconds=0.5)}


def _in_thread(app, work, results):
    def run():
        with app.app_context():
            results.append(work())
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_until(condition, timeout=30.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _lease_ran_out(model, row_id):
    db.session.commit()  # a fresh snapshot each look
    row = db.session.get(model, row_id, populate_existing=True)
    return row.lease_until is not None and row.lease_until < utcnow()


def _copies(smtp_sink, marker: bytes):
    """Return {Message-ID: copies} of the relayed message carrying `marker`."""
    copies: dict[bytes, int] = {}
    for envelope in smtp_sink.received:
        if marker in envelope["raw"]:
            message_id = re.search(rb"(?im)^Message-ID:\s*(\S+)", envelope["raw"]).group(1)
            copies[message_id] = copies.get(message_id, 0) + 1
    return copies


def test_a_reader_whose_lease_ran_out_mid_reading_commits_nothing(app, make_app, make_pairing, mail_writer,
                                                                  smtp_sink, monkeypatch):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    stalled_app = make_app(**SHORT)
    raw = mail_writer(REQUESTER["email"], requester_to, "Read twice? marker F1F.", subject="Fenced")
    row, _ = ingest.store_raw(raw, "smtp", requester_to, None, utcnow())
    original, taken_over, calls = actions.handle, threading.Event(), []

    def stalling_handle(*args, **kwargs):
        calls.append(threading.current_thread().name)
        if len(calls) == 1:  # the first reader stalls until a second has taken the message and finished
            taken_over.wait(30)
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "handle", stalling_handle)
    results: list[bool] = []
    stalled = _in_thread(stalled_app, lambda: ingest.process_safely(row.id), results)
    _wait_until(lambda: calls and _lease_ran_out(InboundMessage, row.id))
    assert ingest.resume_pending() == 1, "the expired lease was not taken over"
    taken_over.set()
    stalled.join(30)
    assert results == [False], "the stalled reader claimed success"
    while outbox.deliver_due().sent:
        pass
    db.session.expire_all()
    assert db.session.get(InboundMessage, row.id).state == InboundState.DELIVERED
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay")).all()) == 1
    smtp_sink.wait_for(3, timeout=10)  # the two introductions and the one copy
    time.sleep(0.5)
    assert list(_copies(smtp_sink, b"F1F").values()) == [1], "one delivery, one Message-ID"


def _queue_one(marker: str) -> int:
    mail = OutgoingMail(sender_name="Matcher", sender_address="support@relay.example", recipient="sam@example.org",
                        subject="Fenced send",
                        text=f"Hello, marker {marker}.")
    row = outbox.queue_mail(mail, kind="relay")
    db.session.commit()
    return row.id


def test_a_sender_whose_lease_ran_out_before_sending_leaves_the_message_to_the_new_holder(
        app, make_app, smtp_sink, monkeypatch):
    row_id = _queue_one("S1S")
    stalled_app = make_app(**SHORT)
    original, taken_over = claims.claim_due, threading.Event()

    def stalling_claim(*args, **kwargs):
        claimed = original(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():
            taken_over.wait(30)  # stalled between its claim and its send, with no heartbeat yet
        return claimed

    monkeypatch.setattr(claims, "claim_due", stalling_claim)
    results: list = []
    stalled = _in_thread(stalled_app, lambda: outbox.deliver_due(limit=1), results)
    _wait_until(lambda: _lease_ran_out(OutboxMessage, row_id))
    assert outbox.deliver_due(limit=1).sent == 1
    taken_over.set()
    stalled.join(30)
    assert results[0].sent == 0
    smtp_sink.wait_for(1, timeout=10)
    time.sleep(0.5)
    assert list(_copies(smtp_sink, b"S1S").values()) == [1], "one delivery, one Message-ID"
    db.session.expire_all()
    assert db.session.get(OutboxMessage, row_id).status == OutboxStatus.SENT


def test_a_sender_whose_lease_ran_out_mid_send_does_not_overwrite_the_new_holders_result(
        app, make_app, smtp_sink, monkeypatch):
    row_id = _queue_one("S2S")
    stalled_app = make_app(**SHORT)
    monkeypatch.setattr(outbox, "SEND_MAX_HOLD", timedelta(seconds=0.5))  # the beat gives up on a stuck send
    smtp_sink.delay_seconds = 4
    results: list = []
    stalled = _in_thread(stalled_app, lambda: outbox.deliver_due(limit=1), results)
    _wait_until(lambda: _lease_ran_out(OutboxMessage, row_id))
    taker = outbox.deliver_due(limit=1)
    stalled.join(30)
    assert (results[0].sent, taker.sent) == (0, 1), "only the lease holder records the send"
    db.session.expire_all()
    row = db.session.get(OutboxMessage, row_id)
    assert (row.status, row.attempts, row.lease_token) == (OutboxStatus.SENT, 2, None)
    # The stalled copy was already in the server's hands: the same Message-ID twice, shown once by
    # mail clients (the at-least-once boundary in docs/operations.md), never a second Message-ID.
    assert len(_copies(smtp_sink, b"S2S")) == 1
