"""A coordinator picks any volunteer by hand, sees the rules broken in words, and confirms."""
from sqlalchemy import select

from matcher.console.models import AuditEvent
from matcher.extensions import db
from matcher.pairing.models import Pairing, PairingStatus


def _pair(client, request_id, volunteer_id, **form):
    return client.post(f"/console/requests/{request_id}/pair", data={"volunteer_id": volunteer_id} | form,
                       follow_redirects=True).get_data(as_text=True)


def test_a_fitting_volunteer_is_paired_by_hand_at_once(client, signed_in, make_request, make_volunteer):
    waiting = make_request(pseudonym="Asha")
    sam = make_volunteer(pseudonym="Sam")
    page = client.get(f"/console/requests/{waiting.id}/pair?volunteer_id={sam.id}").get_data(as_text=True)
    assert "breaks none of the pairing rules" in page
    _pair(client, waiting.id, sam.id)
    pairing = db.session.scalar(select(Pairing))
    assert pairing.volunteer_id == sam.id and pairing.status == PairingStatus.INTRODUCED
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pairing.paired_by_hand"))
    assert audit.detail["overridden"] == [] and audit.coordinator_id == signed_in.id


def test_soft_rules_are_named_and_overridden_only_when_confirmed_with_a_reason(
        client, signed_in, make_request, make_volunteer):
    waiting = make_request(pseudonym="Asha", stage="acute", language="cy")
    sam = make_volunteer(pseudonym="Sam", stages=["beyond"], capacity=1)
    page = client.get(f"/console/requests/{waiting.id}/pair?volunteer_id={sam.id}").get_data(as_text=True)
    assert "does not support the acute stage" in page and "language (cy)" in page
    assert "tick the box" in _pair(client, waiting.id, sam.id)
    assert "Say briefly why" in _pair(client, waiting.id, sam.id, confirm="yes")
    assert db.session.scalar(select(Pairing)) is None
    _pair(client, waiting.id, sam.id, confirm="yes", note="Sam speaks Welsh at home; the roster is out of date")
    pairing = db.session.scalar(select(Pairing))
    assert any(r.startswith("Overridden: Volunteer does not support the acute") for r in pairing.reasons)
    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "pairing.paired_by_hand"))
    assert audit.detail["overridden"] == ["stage", "language"]


def test_a_rule_that_protects_people_needs_an_admin(client, make_coordinator, sign_in, make_request, make_volunteer):
    waiting = make_request(pseudonym="Asha")
    unchecked = make_volunteer(pseudonym="Sam", checks_expire_on=None)
    sign_in(make_coordinator())
    page = _pair(client, waiting.id, unchecked.id, confirm="yes", note="trusted")
    assert "Only an admin can override" in page and "No background check" in page
    assert db.session.scalar(select(Pairing)) is None
    client.post("/console/logout")
    sign_in(make_coordinator(email="admin@example.org", role="admin"))
    _pair(client, waiting.id, unchecked.id, confirm="yes", note="Check seen on paper; the date is being entered")
    assert db.session.scalar(select(Pairing)).volunteer_id == unchecked.id


def test_a_held_request_is_paired_by_hand_only_by_an_admin(client, make_coordinator, sign_in, make_request,
                                                            make_volunteer):
    held = make_request(risk_hold=True)
    sam = make_volunteer()
    sign_in(make_coordinator())
    assert "Request is on risk hold" in _pair(client, held.id, sam.id, confirm="yes", note="fine")
    assert db.session.scalar(select(Pairing)) is None


def test_a_paused_volunteer_cannot_be_paired_even_by_an_admin(client, make_coordinator, sign_in, make_request,
                                                               make_volunteer):
    from matcher.pairing.models import VolunteerStatus

    waiting = make_request()
    resting = make_volunteer(status=VolunteerStatus.PAUSED)
    sign_in(make_coordinator(role="admin"))
    assert "activate or resume them" in _pair(client, waiting.id, resting.id, confirm="yes", note="x")
    assert db.session.scalar(select(Pairing)) is None


def test_the_reason_for_pairing_by_hand_is_encrypted_shown_and_erased_with_the_pairing(
        app, client, signed_in, make_request, make_volunteer):
    from cryptography.fernet import Fernet
    from sqlalchemy import text

    from matcher.care.retention import erase_pairing_messages

    app.config["MATCHER_ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    waiting = make_request(pseudonym="Asha", stage="acute")
    sam = make_volunteer(pseudonym="Sam", stages=["beyond"])
    words = "Sam knew Asha's sister Priya at the Riverside clinic"
    _pair(client, waiting.id, sam.id, confirm="yes", note=words)
    pairing = db.session.scalar(select(Pairing))
    stored = db.session.execute(text("SELECT reasons, hand_note FROM pairing")).one()
    assert "Priya" not in str(stored.reasons) and "Priya" not in stored.hand_note
    page = client.get(f"/console/pairings/{pairing.id}").get_data(as_text=True)
    assert "sister Priya at the Riverside clinic" in page
    erase_pairing_messages([pairing.id])
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).hand_note is None
