"""Alerts never wait behind inbound reading (issue 11, relay: High, item 3).

`relay send` (and the scheduler's outbox job, which calls the same function) used to finish every
stored inbound message before delivering anything, so a RED alert waited behind however long the
other mail took to read. Now alerts go first, and an alert a resumed message raises goes before
the next message is read.
"""
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay import ingest
from matcher.mailrelay.models import InboundMessage, InboundState, Priority
from matcher.mailrelay.outbound.compose import OutgoingMail
from matcher.mailrelay.outbound.outbox import queue_mail
from tests.mailrelay.test_crash import ROOT, _environment

REQUESTER, VOLUNTEER = "asha@example.com", "sam@example.org"
# Ordinary prose, a few seconds of reading: what a long letter costs, no attack needed.
LONG_LETTER = "We went to the park on Tuesday and the baby slept well, then I made tea. " * 1_400


@pytest.fixture
def pairing(make_pairing):
    return make_pairing({"email": REQUESTER}, {"email": VOLUNTEER}, moderation="audit_only")


def _stored(raw, recipient):
    """Store a message as a crashed listener would leave it: raw bytes, nothing decided."""
    row, _ = ingest.store_raw(raw, "smtp", recipient, None, now=_now())
    return row.id


def _state(inbound_id):
    db.session.expire_all()
    return db.session.scalar(select(InboundMessage.state).where(InboundMessage.id == inbound_id))


def test_relay_send_delivers_alerts_before_and_between_reading_stored_mail(
        app, app_config, pairing, mail_writer, smtp_sink):
    _, requester_writes_to, _ = pairing
    alert_address = app.config["MATCHER_ALERT_ADDRESS"]
    queue_mail(OutgoingMail("Peer Support", app.config["MATCHER_RELAY_ADDRESS"], alert_address,
                            "RED alert waiting", "An alert queued before the run", None),
               kind="alert", priority=Priority.ALERT)
    db.session.commit()
    _stored(mail_writer(REQUESTER, requester_writes_to, "I want to kill myself tonight."), requester_writes_to)
    slow = [_stored(mail_writer(REQUESTER, requester_writes_to, f"Letter {n}.\n\n{LONG_LETTER}"), requester_writes_to)
            for n in range(2)]
    smtp_sink.clear()

    env = _environment(app_config) | {"FLASK_MATCHER_ALERT_ADDRESS": alert_address,
                                      "FLASK_MATCHER_RELAY_ADDRESS": app.config["MATCHER_RELAY_ADDRESS"]}
    sender = subprocess.Popen([sys.executable, "-m", "flask", "--app", "matcher", "relay", "send"],
                              env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while len(smtp_sink.to(alert_address)) < 2 and time.monotonic() < deadline and sender.poll() is None:
            time.sleep(0.05)
        # Both alerts are out while the long letters are still being read.
        assert len(smtp_sink.to(alert_address)) == 2
        assert _state(slow[-1]) == InboundState.RECEIVED
        assert sender.wait(timeout=120) == 0, sender.stderr.read().decode(errors="replace")
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.wait()
        sender.stdout.close()
        sender.stderr.close()
    assert [_state(inbound_id) for inbound_id in slow] == [InboundState.DELIVERED] * 2


def _now():
    from matcher.columns import utcnow

    return utcnow()
