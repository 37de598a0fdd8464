"""Proposals, approval, introductions, confirmation, decline and ending, end to end."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.intake.models import RequestStatus
from matcher.mailrelay.models import MaskedAddress, OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.pairing import service
from matcher.pairing.models import PairingStatus, ProposalStatus


@pytest.fixture
def coordinator(make_coordinator):
    return make_coordinator()


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_proposal_pairs_like_with_like_and_explains_why(make_request, make_volunteer):
    mother = make_request(role="mother", pseudonym="Asha")
    partner = make_request(role="partner", pseudonym="Ben")
    sam = make_volunteer(role="mother")
    run = service.run_proposals()
    assert [(p.request_id, p.volunteer_id) for p in run.proposals] == [(mother.id, sam.id)]
    assert [r.id for r in run.unmatched] == [partner.id]
    assert any("postpartum psychosis" in reason for reason in run.proposals[0].reasons)


def test_risk_hold_request_is_never_proposed(make_request, make_volunteer):
    make_request(risk_hold=True, safety_answer="harm")
    make_volunteer()
    run = service.run_proposals()
    assert run.proposals == [] and len(run.unmatched) == 1


def test_new_batch_supersedes_open_proposals(make_request, make_volunteer):
    make_request()
    make_volunteer()
    first = service.run_proposals().proposals[0]
    service.run_proposals()
    assert first.status == ProposalStatus.SUPERSEDED
    with pytest.raises(service.PairingError):
        service.approve_proposal(first, None)


def test_approval_mints_two_addresses_and_introduces_both_without_revealing_addresses(
        make_request, make_volunteer, coordinator, smtp_sink):
    asha = make_request(pseudonym="Asha", email="asha.private@example.com", hopes="Talk about sleep")
    make_volunteer(pseudonym="Sam", name="Samantha Fictional", email="sam.private@example.org")
    proposal = service.run_proposals().proposals[0]
    pairing = service.approve_proposal(proposal, coordinator)
    assert pairing.status == PairingStatus.INTRODUCED
    assert asha.status == RequestStatus.PAIRED
    tokens = db.session.scalars(select(MaskedAddress.token).where(MaskedAddress.pairing_id == pairing.id)).all()
    assert len(tokens) == 2 and all(len(t) * 4 >= 128 for t in tokens)

    deliver_due()
    smtp_sink.wait_for(2)
    [to_asha] = smtp_sink.to("asha.private@example.com")
    [to_sam] = smtp_sink.to("sam.private@example.org")
    assert "Sam (Peer supporter)" in to_asha["From"]
    assert re.search(r"support\+[0-9a-z]+@relay\.example", to_asha["From"])
    assert "Asha" in to_sam["From"] and "Talk about sleep" in _text(to_sam)
    for leaked in ("sam.private", "Samantha", "07700"):
        assert leaked not in to_asha.as_string()
    assert "asha.private" not in to_sam.as_string()
    assert to_asha["From"] != to_sam["From"]
    approved = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pairing.approved"))
    assert approved.coordinator_id == coordinator.id


def test_coordinator_can_swap_in_an_alternative(make_request, make_volunteer, coordinator):
    make_request()
    make_volunteer(pseudonym="First")
    second = make_volunteer(pseudonym="Second", experiences=["ppd"])
    proposal = service.run_proposals().proposals[0]
    assert second.id in [a["volunteer_id"] for a in proposal.alternatives]
    pairing = service.approve_proposal(proposal, coordinator, volunteer_id=second.id)
    assert pairing.volunteer_id == second.id


def test_rejected_request_keeps_waiting_with_its_wait_time(make_request, make_volunteer, coordinator):
    asha = make_request(days_waiting=40)
    make_volunteer()
    requested_on = asha.requested_on
    service.reject_proposal(service.run_proposals().proposals[0], coordinator)
    assert asha.status == RequestStatus.WAITING and asha.requested_on == requested_on


def test_database_refuses_a_second_live_pairing_for_one_request(make_request, make_volunteer):
    from sqlalchemy.exc import IntegrityError

    from matcher.pairing.models import Pairing

    asha = make_request()
    one, two = make_volunteer(), make_volunteer()
    db.session.add(Pairing(request_id=asha.id, volunteer_id=one.id, status=PairingStatus.ACTIVE))
    db.session.commit()
    db.session.add(Pairing(request_id=asha.id, volunteer_id=two.id, status=PairingStatus.INTRODUCED))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def _paired(make_request, make_volunteer, coordinator, **request_values):
    make_request(**request_values)
    make_volunteer()
    return service.approve_proposal(service.run_proposals().proposals[0], coordinator)


def test_volunteer_confirmation_makes_the_pairing_active(make_request, make_volunteer, coordinator):
    pairing = _paired(make_request, make_volunteer, coordinator)
    service.volunteer_confirms(pairing)
    assert pairing.status == PairingStatus.ACTIVE and pairing.confirmed_at


def test_decline_sends_the_request_to_the_front_and_tells_a_coordinator(make_request, make_volunteer, coordinator):
    pairing = _paired(make_request, make_volunteer, coordinator, days_waiting=1)
    older = make_request(days_waiting=90)
    service.volunteer_declines(pairing)
    assert pairing.status == PairingStatus.DECLINED
    assert pairing.request.status == RequestStatus.WAITING and pairing.request.front_of_queue
    kinds = [m.kind for m in db.session.scalars(select(OutboxMessage))]
    assert "coordinator_notice" in kinds and "pairing_notice" in kinds
    assert all(a.revoked_at for a in db.session.scalars(select(MaskedAddress)))
    # Served first, and never offered the volunteer who declined.
    pairing.volunteer.capacity = 0
    newcomer = make_volunteer(capacity=1)
    run = service.run_proposals()
    assert [(p.request_id, p.volunteer_id) for p in run.proposals] == [(pairing.request_id, newcomer.id)]
    assert older in run.unmatched
    assert any("front of the queue" in reason for reason in run.proposals[0].reasons)


def test_silence_for_72_hours_counts_as_a_decline(make_request, make_volunteer, coordinator):
    pairing = _paired(make_request, make_volunteer, coordinator)
    assert service.expire_unconfirmed(utcnow() + timedelta(hours=71)) == 0
    assert service.expire_unconfirmed(utcnow() + timedelta(hours=73)) == 1
    assert pairing.status == PairingStatus.DECLINED and pairing.end_reason == "no_answer"


def test_ending_revokes_addresses_tells_both_and_allows_repairing(make_request, make_volunteer, coordinator):
    pairing = _paired(make_request, make_volunteer, coordinator)
    assert pairing.planned_end_on == (pairing.created_at + timedelta(weeks=12)).date()
    service.end_pairing(pairing, "needs_clinical_care", coordinator, note="Referred to perinatal team")
    assert pairing.status == PairingStatus.ENDED and pairing.request.status == RequestStatus.ENDED
    assert all(a.revoked_at for a in db.session.scalars(select(MaskedAddress)))
    assert sum(m.kind == "ending" for m in db.session.scalars(select(OutboxMessage))) == 2
    service.return_for_repairing(pairing.request, coordinator)
    assert pairing.request.status == RequestStatus.WAITING
    run = service.run_proposals()
    assert run.proposals == []  # the only volunteer already supported this person


def test_ending_needs_a_known_reason(make_request, make_volunteer, coordinator):
    pairing = _paired(make_request, make_volunteer, coordinator)
    with pytest.raises(service.PairingError):
        service.end_pairing(pairing, "bored", coordinator)


def test_propose_command_writes_the_documented_json(runner, make_request, make_volunteer, tmp_path):
    make_request(email="asha@example.com")
    make_request(email="ben@example.com", role="partner")
    make_volunteer(email="sam@example.org")
    path = tmp_path / "proposals.json"
    result = runner.invoke(args=["pairing", "propose", "--json", str(path)])
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(path.read_text())
    assert summary["unmatched"] == ["ben@example.com"]
    [proposal] = summary["proposals"]
    assert set(proposal) == {"requester_email", "volunteer_email", "score", "reasons"}
    assert (proposal["requester_email"], proposal["volunteer_email"]) == ("asha@example.com", "sam@example.org")
