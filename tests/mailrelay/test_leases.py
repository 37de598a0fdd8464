"""Short leases with heartbeats: a worker at work keeps its message, a dead one loses it in seconds."""
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay import actions, ingest
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound import claims, outbox
from tests.mailrelay.inbound.test_pipe_limits import REQUESTER, ROOT, VOLUNTEER, _environment


def _in_thread(app, work):
    def run():
        with app.app_context():
            work()
            db.session.remove()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_worker_still_reading_keeps_its_message_past_the_lease(app, make_app, make_pairing, mail_writer,
                                                                monkeypatch):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    worker_app = make_app(MATCHER_RELAY_PROCESS_LEASE=timedelta(seconds=1))
    row, _ = ingest.store_raw(mail_writer(REQUESTER["email"], requester_to, "Slow to read"), "pipe", requester_to,
                              None, utcnow())
    original = actions.handle

    def slow_handle(*args, **kwargs):
        time.sleep(3)  # three leases: only the heartbeat keeps the message this worker's
        return original(*args, **kwargs)

    monkeypatch.setattr(actions, "handle", slow_handle)
    worker = _in_thread(worker_app, lambda: ingest.process(row.id))
    time.sleep(2)
    taken_by_another = ingest._claim(row.id, utcnow())
    worker.join()
    assert not taken_by_another, "a second worker took a message the first was still reading"
    db.session.expire_all()
    assert db.session.get(InboundMessage, row.id).state == InboundState.DELIVERED
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay")).all()) == 1


def test_a_sender_waiting_on_a_slow_server_keeps_its_message_past_the_lease(app, make_app, make_pairing,
                                                                           smtp_sink):
    make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    sender_app = make_app(MATCHER_OUTBOX_LEASE=timedelta(seconds=1))
    smtp_sink.delay_seconds = 3
    sender = _in_thread(sender_app, lambda: outbox.deliver_due(limit=1))
    time.sleep(2)
    [sending] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENDING)).all()
    taken_by_another = claims.claim_due(utcnow(), 10, "another-sender", timedelta(seconds=1))
    sender.join()
    assert sending.id not in [row.id for row in taken_by_another], \
        "a second sender took a message the first was still sending"


def _pipe_killed_while_reading(app_config, mail_writer, requester_to, number):
    """Start the pipe on a message that takes a while to read and kill it once it has claimed it."""
    html = "<p>" + "A long evening, written down slowly. " * 40_000 + "</p>"
    raw = mail_writer(REQUESTER["email"], requester_to, "x", subject=f"Evening {number}")
    raw = raw.split(b"\n\n", 1)[0].replace(b"text/plain", b"text/html") + b"\n\n" + html.encode()
    pipe = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "matcher", "relay", "receive", "--recipient", requester_to],
        stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env=_environment(app_config), cwd=ROOT)
    pipe.stdin.write(raw)
    pipe.stdin.close()
    while pipe.poll() is None:
        db.session.commit()  # a fresh snapshot each look
        claimed = db.session.scalar(select(InboundMessage).where(
            InboundMessage.processed_at.is_(None), InboundMessage.lease_until.is_not(None)))
        if claimed is not None:
            pipe.send_signal(signal.SIGKILL)
            pipe.wait()
            return claimed.id
        time.sleep(0.01)
    return None


def test_a_message_whose_reader_died_is_taken_over_within_seconds(app, app_config, make_pairing, mail_writer):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    db.session.remove()
    orphan = next(filter(None, (_pipe_killed_while_reading(app_config, mail_writer, requester_to, n)
                                for n in range(5))), None)
    assert orphan is not None, "the pipe never got killed mid-reading"
    killed_at = time.monotonic()
    while True:
        looked_at = time.monotonic()
        if ingest.resume_pending(utcnow()) or looked_at - killed_at > 60:
            break
        time.sleep(0.5)
    waited = looked_at - killed_at  # when the look that took it over began: reading it takes a while too
    db.session.expire_all()
    assert db.session.get(InboundMessage, orphan).state != InboundState.RECEIVED
    assert waited <= app.config["MATCHER_RELAY_PROCESS_LEASE"].total_seconds() + 3, f"taken over after {waited:.0f} s"


def test_a_worker_that_fails_mid_reading_leaves_the_message_for_a_retry_without_hanging(
        app, make_pairing, mail_writer, monkeypatch):
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    app.config["MATCHER_RELAY_PROCESS_LEASE"] = timedelta(seconds=0.6)
    row, _ = ingest.store_raw(mail_writer(REQUESTER["email"], requester_to, "Half read"), "pipe", requester_to,
                              None, utcnow())

    def failing_handle(stored, *args, **kwargs):
        stored.subject = "half done"
        db.session.flush()  # the worker's transaction now holds the row the heartbeat renews
        time.sleep(1)
        raise RuntimeError("reading failed")

    monkeypatch.setattr(actions, "handle", failing_handle)
    worker = _in_thread(app, lambda: ingest.process_safely(row.id))
    worker.join(timeout=30)
    assert not worker.is_alive(), "the worker hung after an error"
    db.session.expire_all()
    left = db.session.get(InboundMessage, row.id)
    assert left.state == InboundState.RECEIVED and "RuntimeError" in left.last_error
