"""Every state a person can reach has a way on: a model-based test over requests, volunteers and pairings.

Hypothesis applies requester, volunteer and coordinator actions and every scheduled job in
random orders, with the clock moving on in random steps, against the real services and the
real database (SQLite, or PostgreSQL when MATCHER_TEST_POSTGRES is set). After every step the
invariants below must hold; every job must run without error; no inbound message may be
left unprocessed and no outbox row may fail.
"""
import os
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from matcher.care.jobs import JOBS, run_job
from matcher.care.retention import ERASED
from matcher.columns import utcnow
from matcher.console.models import Coordinator, CoordinatorRole
from matcher.extensions import db
from matcher.intake import service as intake
from matcher.intake.models import OPEN_STATUSES, RequestStatus, SupportRequest
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus, Party
from matcher.mailrelay.review import ReviewError, discard, release, return_to_sender
from matcher.mailrelay.service import address_for
from matcher.pairing import manual, service
from matcher.pairing import volunteers as roster
from matcher.pairing.models import LIVE_PAIRING_STATUSES, Pairing, Proposal, ProposalStatus, Volunteer, VolunteerStatus
from matcher.privacy.service import erase_requester, erase_volunteer
from matcher.safeguarding import service as escalations
from matcher.safeguarding.models import Escalation, EscalationStatus
from tests.conftest import write_mail

# Enough to reach every state in CI in well under a minute per database; raise locally to look harder.
STATES = settings(max_examples=int(os.environ.get("MATCHER_STATES_EXAMPLES", "10")),
                  stateful_step_count=40, deadline=None, derandomize=False,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
REFUSALS = (service.PairingError, roster.VolunteerError, ValueError)
UNWELL = ("no", "no", "no", "unwell")


def _empty_database() -> None:
    db.session.rollback()
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def _all(model, *where):
    return list(db.session.scalars(select(model).where(*where).order_by(model.id)))


class Lives(RuleBasedStateMachine):
    """The product, walked by everyone at once."""

    def __init__(self):
        super().__init__()
        _empty_database()
        self.now = utcnow()
        self.pauses_checked_on = None
        self.count = 0
        self.admin = Coordinator(email="admin@example.org", password_hash="-", role=CoordinatorRole.ADMIN)
        db.session.add(self.admin)
        db.session.commit()

    def _next(self) -> int:
        self.count += 1
        return self.count

    def _pick(self, data, rows):
        return data.draw(st.sampled_from(rows)) if rows else None

    # --- requesters -------------------------------------------------------------

    @initialize()
    def a_pair_is_writing(self):
        """Start with an active pairing and another person waiting, so every later state is in reach."""
        self.volunteer_joins(ready=True)
        self.someone_asks(safety="no", confirms=True)
        self.coordinator_pairs_the_batch()
        for pairing in _all(Pairing):
            service.volunteer_confirms(pairing, now=self.now)
        self.someone_asks(safety="no", confirms=True)

    @rule(safety=st.sampled_from(UNWELL), confirms=st.booleans())
    def someone_asks(self, safety, confirms):
        """A person fills in the form, and perhaps confirms."""
        n = self._next()
        answers = intake.RequestAnswers(pseudonym=f"Req{n}", email=f"req{n}@example.com", role="mother",
                                        stage="early", language="en", region="GB", timezone="Europe/London",
                                        safety=safety, experiences=("postpartum_psychosis",))
        request = intake.submit_request(answers, now=self.now)
        if confirms:
            intake.confirm_request(request, now=self.now)

    @rule()
    def someone_is_imported(self):
        """A row moves over from the old spreadsheet."""
        n = self._next()
        intake.import_waiting_list([{"name": f"Imp{n} Fictional", "email": f"imp{n}@example.net",
                                     "pseudonym": f"Imp{n}", "role": "mother", "stage": "early",
                                     "experiences": [], "language": "en", "timezone": "Europe/London",
                                     "requested_on": self.now - timedelta(days=90)}])

    @rule(data=st.data(), safety=st.sampled_from(UNWELL))
    def imported_person_answers(self, data, safety):
        """Someone moved from the spreadsheet gives consent and the safety answer."""
        request = self._pick(data, [r for r in _all(SupportRequest, SupportRequest.status.in_(OPEN_STATUSES))
                                    if r.needs_screening])
        if request is not None:
            intake.record_screening(request, safety, now=self.now)

    @rule(data=st.data())
    def unconfirmed_person_confirms(self, data):
        """A person clicks the confirmation link."""
        request = self._pick(data, _all(SupportRequest, SupportRequest.status == RequestStatus.UNCONFIRMED))
        if request is not None:
            intake.confirm_request(request, now=self.now)

    @rule(data=st.data())
    def someone_withdraws(self, data):
        """A person withdraws from their status page, whatever state they are in."""
        request = self._pick(data, _all(SupportRequest, SupportRequest.status.in_(OPEN_STATUSES)))
        if request is not None:
            intake.withdraw_request(request, now=self.now)

    @rule(data=st.data())
    def someone_is_erased(self, data):
        """An admin erases a requester."""
        request = self._pick(data, _all(SupportRequest, SupportRequest.pseudonym != ERASED))
        if request is not None:
            erase_requester(request, "person_asked", self.admin)

    # --- volunteers -------------------------------------------------------------

    @rule(ready=st.booleans())
    def volunteer_joins(self, ready):
        """A volunteer is added; some have no background check recorded yet (as after an import)."""
        n = self._next()
        today = self.now.date()
        roster.create_volunteer({
            "name": f"Vol{n} Fictional", "email": f"vol{n}@example.org", "pseudonym": f"Vol{n}", "role": "mother",
            "stages": ["early"], "experiences": ["postpartum_psychosis"], "languages": ["en"],
            "timezone": "Europe/London", "capacity": 2, "trained_on": today - timedelta(days=100),
            "checks_expire_on": today + timedelta(days=500) if ready else None,
        }, by=self.admin)

    @rule(data=st.data(), days=st.integers(0, 20))
    def volunteer_pauses(self, data, days):
        """A volunteer pauses from their own page."""
        volunteer = self._pick(data, _all(Volunteer, Volunteer.status == VolunteerStatus.ACTIVE))
        if volunteer is not None:
            roster.pause_self(volunteer, max(self.now.date(), utcnow().date()) + timedelta(days=days))

    @rule(data=st.data())
    def paused_volunteer_comes_back(self, data):
        """A paused volunteer always has a way back: their own page, or a coordinator renewing the check."""
        volunteer = self._pick(data, _all(Volunteer, Volunteer.status == VolunteerStatus.PAUSED))
        if volunteer is None:
            return
        if roster.readiness_problem(volunteer) is None:
            roster.resume_self(volunteer)
        else:
            roster.update_volunteer(volunteer, {"checks_expire_on": utcnow().date() + timedelta(days=365)},
                                    by=self.admin)
            roster.set_status(volunteer, VolunteerStatus.ACTIVE, by=self.admin)
        assert volunteer.status == VolunteerStatus.ACTIVE

    @rule(data=st.data(), capacity=st.integers(0, 3))
    def volunteer_changes_capacity(self, data, capacity):
        """A volunteer changes how many people they can support, perhaps to none."""
        volunteer = self._pick(data, _all(Volunteer, Volunteer.status.in_(roster.SELF_SERVICE_STATUSES)))
        if volunteer is not None:
            roster.change_capacity_self(volunteer, capacity)

    @rule(data=st.data(), erase=st.booleans())
    def volunteer_leaves(self, data, erase):
        """A volunteer retires, or is erased once their pairings are handed over."""
        volunteer = self._pick(data, _all(Volunteer, Volunteer.status != VolunteerStatus.RETIRED))
        if volunteer is None:
            return
        for pairing in [p for p in volunteer.pairings if p.is_live]:
            service.end_pairing(pairing, "volunteer_stepped_back", self.admin, now=self.now)
        if erase:
            erase_volunteer(volunteer, "person_asked", self.admin)
        else:
            roster.set_status(volunteer, VolunteerStatus.RETIRED, by=self.admin)

    # --- coordinators -----------------------------------------------------------

    @rule()
    def coordinator_proposes(self):
        """A coordinator runs a batch; every unmatched request comes with its reason."""
        run = service.run_proposals(by=self.admin, now=self.now)
        assert set(run.reasons) == {r.id for r in run.unmatched} and all(run.reasons.values())

    @rule()
    def coordinator_pairs_the_batch(self):
        """A coordinator runs a batch and approves every proposal in it."""
        for proposal in service.run_proposals(by=self.admin, now=self.now).proposals:
            try:
                service.approve_proposal(proposal, self.admin, now=self.now)
            except service.PairingError:
                db.session.rollback()

    @rule(data=st.data(), approve=st.booleans())
    def coordinator_decides(self, data, approve):
        """A coordinator approves or rejects an open proposal; a refusal is a sentence, never a crash."""
        proposal = self._pick(data, _all(Proposal, Proposal.status == ProposalStatus.OPEN))
        if proposal is None:
            return
        try:
            if approve:
                service.approve_proposal(proposal, self.admin, now=self.now)
            else:
                service.reject_proposal(proposal, self.admin, now=self.now)
        except service.PairingError:
            db.session.rollback()

    @rule(data=st.data())
    def coordinator_pairs_by_hand(self, data):
        """An admin pairs any waiting request with any volunteer, confirming every override."""
        request = self._pick(data, _all(SupportRequest, SupportRequest.status == RequestStatus.WAITING))
        volunteer = self._pick(data, _all(Volunteer))
        if request is None or volunteer is None:
            return
        try:
            manual.pair_by_hand(request, volunteer, self.admin, confirmed=True, note="model test", now=self.now)
        except service.PairingError:
            db.session.rollback()

    @rule(data=st.data())
    def coordinator_lifts_a_hold(self, data):
        """A held request always has a way on: lifting the hold puts it back in the queue, in its place."""
        request = self._pick(data, _all(SupportRequest, SupportRequest.risk_hold.is_(True),
                                        SupportRequest.status.in_(OPEN_STATUSES)))
        if request is None:
            return
        intake.clear_risk_hold(request, "spoke_with_person", self.admin)
        if request.status == RequestStatus.WAITING and not request.needs_screening:
            _, waiting = service.compute_batch(self.now)
            assert request.id in waiting

    @rule(data=st.data(), reason=st.sampled_from(["planned", "no_contact", "safeguarding", "other"]))
    def coordinator_ends_a_pairing(self, data, reason):
        """A coordinator ends a live pairing."""
        pairing = self._pick(data, _all(Pairing, Pairing.status.in_(LIVE_PAIRING_STATUSES)))
        if pairing is not None:
            service.end_pairing(pairing, reason, self.admin, now=self.now)

    @rule(data=st.data())
    def coordinator_repairs(self, data):
        """A coordinator returns an ended request to the waiting list."""
        request = self._pick(data, _all(SupportRequest, SupportRequest.status == RequestStatus.ENDED,
                                        SupportRequest.pseudonym != ERASED))
        if request is not None:
            service.return_for_repairing(request, self.admin)

    @rule(data=st.data(), returned=st.booleans())
    def coordinator_reviews_a_held_message(self, data, returned):
        """A held message always has a way on: released into a live pairing, otherwise discarded."""
        row = self._pick(data, _all(InboundMessage, InboundMessage.state == InboundState.HELD))
        if row is None:
            return
        try:
            if returned:
                return_to_sender(row, self.admin, "Please write this again without the phone number.", now=self.now)
            else:
                release(row, self.admin, now=self.now)
        except ReviewError:
            db.session.rollback()
            discard(row, self.admin, now=self.now)
        assert row.state in (InboundState.DELIVERED, InboundState.RETURNED, InboundState.DISCARDED)

    @rule(data=st.data())
    def coordinator_resolves_an_escalation(self, data):
        """A coordinator acknowledges and resolves an open escalation."""
        escalation = self._pick(data, _all(Escalation, Escalation.status != EscalationStatus.RESOLVED))
        if escalation is not None:
            escalations.acknowledge(escalation, self.admin, now=self.now)
            escalations.resolve(escalation, self.admin, "Spoke to them; all is well.", now=self.now)

    # --- the pair ---------------------------------------------------------------

    @rule(data=st.data(), confirms=st.booleans())
    def volunteer_answers_an_introduction(self, data, confirms):
        """The volunteer confirms or declines an introduction."""
        pairing = self._pick(data, _all(Pairing, Pairing.status == "introduced"))
        if pairing is None:
            return
        if confirms:
            service.volunteer_confirms(pairing, now=self.now)
        else:
            service.volunteer_declines(pairing, now=self.now)

    @rule(data=st.data(), writer=st.sampled_from([Party.REQUESTER, Party.VOLUNTEER]),
          body=st.sampled_from(["Thank you for writing, today was better.", "I feel hopeless and cannot cope.",
                                "Call me on 07700 900123 if you like."]))
    def someone_writes(self, data, writer, body):
        """Either side writes to their masked address, also after the pairing has ended (late mail)."""
        pairing = self._pick(data, _all(Pairing))
        if pairing is None:
            return
        sender = pairing.request.email if writer == Party.REQUESTER else pairing.volunteer.email
        to = address_for(pairing.id, writer)
        if not sender or not to or sender.endswith("@invalid"):
            return
        receive(write_mail(sender, to, body), "pipe", now=self.now)
        latest = db.session.scalar(select(InboundMessage).order_by(InboundMessage.id.desc()))
        assert latest.state != InboundState.RECEIVED, "a message was stored but could not be processed"

    # --- time and jobs ----------------------------------------------------------

    @rule(hours=st.sampled_from([1, 6, 30, 80, 24 * 8]), job=st.sampled_from(sorted(JOBS)))
    def time_passes_and_a_job_runs(self, hours, job):
        """The clock moves on and one scheduled job runs; it must not fail."""
        self.now += timedelta(hours=hours)
        run_job(job, self.now)
        if job == "pauses":
            self.pauses_checked_on = self.now.date()

    @rule(hours=st.sampled_from([1, 30, 24 * 8]))
    def time_passes_and_every_job_runs(self, hours):
        """The clock moves on and every job runs, as the scheduler would."""
        self.now += timedelta(hours=hours)
        for name in sorted(JOBS):
            run_job(name, self.now)
        self.pauses_checked_on = self.now.date()

    # --- invariants -------------------------------------------------------------

    @invariant()
    def no_live_pairing_with_a_party_who_left(self):
        """No live pairing has a withdrawn or erased requester, or a retired volunteer."""
        for pairing in _all(Pairing, Pairing.status.in_(LIVE_PAIRING_STATUSES)):
            assert pairing.request.status == RequestStatus.PAIRED, pairing.id
            assert pairing.request.email and pairing.request.pseudonym != ERASED, pairing.id
            assert pairing.volunteer.status != VolunteerStatus.RETIRED, pairing.id

    @invariant()
    def nothing_gone_or_held_is_proposed(self):
        """No open proposal names a request that is not waiting, on hold or unscreened, nor a retired volunteer."""
        for proposal in _all(Proposal, Proposal.status == ProposalStatus.OPEN):
            request = proposal.request
            assert request.status == RequestStatus.WAITING and request.pseudonym != ERASED, proposal.id
            assert not request.risk_hold and not request.needs_screening, proposal.id
            assert proposal.volunteer.status != VolunteerStatus.RETIRED, proposal.id

    @invariant()
    def every_held_request_and_paused_volunteer_can_move_on(self):
        """A held request can be lifted; a paused volunteer can come back or is told when the pause ends."""
        for request in _all(SupportRequest, SupportRequest.risk_hold.is_(True),
                            SupportRequest.status.in_(OPEN_STATUSES)):
            assert request.email, f"held request {request.id} can no longer be reached"
        checked = self.pauses_checked_on
        for volunteer in _all(Volunteer, Volunteer.status == VolunteerStatus.PAUSED):
            # Once the pause job has run past a pause's end, only a lapsed check may keep a volunteer paused
            # (coordinators were told, and renewing it is the way on); otherwise the job resumed them.
            if checked is not None and volunteer.paused_until is not None and volunteer.paused_until < checked:
                assert roster.readiness_problem(volunteer, checked) is not None, volunteer.id


    @invariant()
    def nothing_is_stuck_in_the_relay(self):
        """No outbox row has failed, and nothing inbound is left unprocessed."""
        assert not _all(OutboxMessage, OutboxMessage.status == OutboxStatus.FAILED)
        assert not _all(InboundMessage, InboundMessage.state == InboundState.RECEIVED)


@pytest.fixture
def quiet_app(app_config):
    """Keep mail local: the model test is about states, and the SMTP sink is covered elsewhere."""
    app_config["MAIL_SERVER"] = None
    return app_config


def test_every_state_has_a_way_on(quiet_app, app):
    """Random walks through every action and job keep every invariant."""
    run_state_machine_as_test(Lives, settings=STATES)
