"""Two senders at once (two processes' worth of connections): every message goes out exactly once.

On PostgreSQL the senders claim rows with SELECT ... FOR UPDATE SKIP LOCKED; on
SQLite the conditional claim alone serialises them. Both must hold.
"""
import re
import threading

from matcher.extensions import db
from matcher.mailrelay.outbound.compose import OutgoingMail
from matcher.mailrelay.outbound.outbox import deliver_due, queue_mail

MESSAGES = 200


def test_two_senders_deliver_every_message_exactly_once(app, make_app, smtp_sink):
    for number in range(MESSAGES):
        queue_mail(OutgoingMail("Peer Support", "support@relay.example", f"p{number}@example.com",
                                f"Message {number}", f"Body {number}"), kind="test")
    db.session.commit()
    senders = [make_app(), make_app()]
    reports, errors = [], []

    def run(sender_app):
        with sender_app.app_context():
            try:
                while (report := deliver_due(limit=25)).sent:
                    reports.append(report.sent)
            except Exception as error:  # noqa: BLE001 - reported below, with the test's failure
                errors.append(error)

    threads = [threading.Thread(target=run, args=(sender,)) for sender in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    smtp_sink.wait_for(MESSAGES)
    subjects = [re.search(rb"(?m)^Subject: (Message \d+)", e["raw"]).group(1) for e in smtp_sink.received]
    assert len(subjects) == MESSAGES and len(set(subjects)) == MESSAGES
    assert sum(reports) == MESSAGES
