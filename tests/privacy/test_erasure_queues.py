"""Erasure takes a person out of every queue, proposal and timer; the roster tolerates erased rows."""
import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.intake.models import RequestStatus
from matcher.pairing.models import Proposal, ProposalStatus
from matcher.pairing.roster import check_roster, export_volunteers
from matcher.pairing.service import PairingError, approve_proposal, run_proposals
from matcher.pairing.volunteers import vocabularies
from matcher.privacy.service import erase_requester, erase_volunteer


def test_an_erased_waiting_request_leaves_the_queue_and_its_proposal_cannot_be_approved(
        make_request, make_volunteer, make_coordinator):
    admin = make_coordinator(role="admin")
    waiting = make_request(pseudonym="Asha")
    make_volunteer()
    proposal = run_proposals().proposals[0]
    erase_requester(waiting, "person_asked", admin)
    assert waiting.status == RequestStatus.WITHDRAWN
    assert proposal.status == ProposalStatus.SUPERSEDED
    with pytest.raises(PairingError):
        approve_proposal(proposal, admin)
    again = run_proposals()
    assert again.proposals == [] and again.unmatched == []


def test_an_erased_volunteer_is_never_paired_from_an_older_proposal(make_request, make_volunteer, make_coordinator):
    admin = make_coordinator(role="admin")
    make_request()
    volunteer = make_volunteer()
    proposal = run_proposals().proposals[0]
    erase_volunteer(volunteer, "person_asked", admin)
    with pytest.raises(PairingError):
        approve_proposal(proposal, admin)
    assert db.session.scalar(select(Proposal).where(Proposal.status == ProposalStatus.APPROVED)) is None


def test_the_roster_export_with_an_erased_volunteer_imports_again(app, make_volunteer, make_coordinator):
    admin = make_coordinator(role="admin")
    kept = make_volunteer(pseudonym="Sam", email="sam@example.org")
    gone = make_volunteer(pseudonym="Jo", email="jo@example.org")
    erase_volunteer(gone, "person_asked", admin)
    exported = export_volunteers([kept, gone])
    assert "erased" not in exported
    rows, problems = check_roster(exported, vocabularies())
    assert problems == [] and [row["email"] for row in rows] == ["sam@example.org"]
    older = exported + f"(erased),erased-{gone.id}@invalid,,Jo,mother,early,,en,Europe/London,1,,,retired\n"
    rows, problems = check_roster(older, vocabularies())
    assert problems == [] and len(rows) == 1
