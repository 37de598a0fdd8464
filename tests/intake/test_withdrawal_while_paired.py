"""Withdrawing while paired ends the pairing kindly and leaves the relay working."""
from datetime import timedelta

from sqlalchemy import select

from matcher.care.jobs import run_job
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.intake.service import withdraw_request
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState, MaskedAddress, OutboxMessage, OutboxStatus
from matcher.pairing.models import PairingStatus


def test_withdrawal_while_paired_tells_the_volunteer_and_late_mail_is_quarantined(make_pairing, mail_writer):
    pairing, _, volunteer_to = make_pairing({"pseudonym": "Asha", "email": "asha@example.com"},
                                            {"pseudonym": "Sam", "email": "sam@example.org"})
    withdraw_request(pairing.request)
    assert pairing.status == PairingStatus.ENDED and pairing.end_reason == "requester_withdrew"
    assert all(a.revoked_at is not None for a in db.session.scalars(
        select(MaskedAddress).where(MaskedAddress.pairing_id == pairing.id)))
    goodbye = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.recipient == "sam@example.org", OutboxMessage.kind == "ending"))
    assert goodbye is not None and b"Asha" in goodbye.raw
    receive(mail_writer("sam@example.org", volunteer_to, "Hello Asha, how was today?"), "pipe")
    late = db.session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()))
    assert late.state == InboundState.QUARANTINED
    # Every outbox pass afterwards runs clean, and nothing is left failing.
    for minutes in (1, 10, 60):
        run_job("outbox", utcnow() + timedelta(minutes=minutes))
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.FAILED)) is None
