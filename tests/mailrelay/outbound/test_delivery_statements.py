"""Claiming and recording deliveries takes few statements: a batch claim, then one fenced UPDATE a message.

Counted on the engine, for the sending thread only (a lease heartbeat has its own connection).
Runs on SQLite and, with MATCHER_TEST_POSTGRES set, on PostgreSQL.
"""
import math
import threading
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound import claims
from matcher.mailrelay.outbound.compose import OutgoingMail
from matcher.mailrelay.outbound.outbox import CLAIM_BATCH, deliver_due, queue_mail
from tests.engine_events import EngineListener

MESSAGES = 45


class Counted(EngineListener):
    """Count the statements and commits the current thread sends to the database."""

    def __init__(self, engine):
        super().__init__(engine)
        self.thread = threading.current_thread()
        self.statements: list[str] = []
        self.commits = 0

    def _statement(self, _connection, _cursor, statement, *_args):
        if threading.current_thread() is self.thread:
            self.statements.append(statement)

    def _commit(self, _connection):
        if threading.current_thread() is self.thread:
            self.commits += 1



def test_delivering_takes_one_statement_a_message_and_one_claim_a_batch(app, smtp_sink):
    for number in range(MESSAGES):
        queue_mail(OutgoingMail("Peer Support", "support@relay.example", f"p{number}@example.com",
                                f"Message {number}", f"Body {number}"), kind="test")
    db.session.commit()
    with Counted(db.engine) as counted:
        report = deliver_due()
    assert report.sent == MESSAGES
    smtp_sink.wait_for(MESSAGES)
    claims_made = math.ceil(MESSAGES / CLAIM_BATCH)
    # The look for due mail, the claims, one fenced UPDATE a message, the look for mail late to arrive.
    assert len(counted.statements) == 1 + claims_made + MESSAGES + 1, counted.statements
    assert sum("UPDATE outbox_message" in s for s in counted.statements) == claims_made + MESSAGES
    assert counted.commits == 1 + claims_made + MESSAGES  # the look's commit ends a read and writes nothing
    statuses = db.session.scalars(select(OutboxMessage.status)).all()
    assert set(statuses) == {OutboxStatus.SENT}


def test_a_pass_with_nothing_due_reads_once_and_claims_nothing(app, smtp_sink):
    with Counted(db.engine) as counted:
        report = deliver_due(most_urgent_only=True)
    assert report.sent == 0
    assert len(counted.statements) == 1 and counted.statements[0].lstrip().startswith("SELECT")
    assert counted.commits == 1
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_recorded_outcome_needs_the_claimants_lease_token(app, smtp_sink):
    queue_mail(OutgoingMail("Peer Support", "support@relay.example", "p@example.com", "Hello", "Body"), kind="test")
    db.session.commit()
    [first] = claims.claim_due(utcnow(), 5, "first-token", timedelta(seconds=1))
    [second] = claims.claim_due(utcnow() + timedelta(minutes=1), 5, "second-token", timedelta(seconds=1))
    assert first.id == second.id  # the first lease had run out, so a second sender took the row
    assert not claims.record_sent(first.id, "first-token", OutboxStatus.SENT, utcnow())
    assert db.session.get(OutboxMessage, first.id).status == OutboxStatus.SENDING
    assert claims.record_sent(second.id, "second-token", OutboxStatus.SENT, utcnow())
    db.session.expire_all()
    row = db.session.get(OutboxMessage, first.id)
    assert (row.status, row.attempts, row.lease_token) == (OutboxStatus.SENT, 2, None)
