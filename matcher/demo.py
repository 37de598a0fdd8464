"""`flask --app matcher demo`: seed a working demo, safely more than once."""
import json
from datetime import timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.service import create_coordinator, find_coordinator
from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.mailrelay.models import Party
from matcher.mailrelay.service import address_for
from matcher.pairing.models import LIVE_PAIRING_STATUSES, Pairing, Volunteer, VolunteerStatus
from matcher.pairing.service import create_pairing, return_for_repairing, volunteer_confirms
from matcher.pairing.volunteers import find_volunteer, live_loads

DEMO_COORDINATORS = (
    ("admin@example.org", "demo-admin-password", "admin"),
    ("coordinator@example.org", "demo-coordinator-password", "coordinator"),
)

# (pseudonym, email, role, stage, experiences, days waiting, status, risk_hold)
# (pseudonym, name, email, phone, role, stages, experiences)
DEMO_VOLUNTEERS = (
    ("Sam", "Samira Fictional", "samira.volunteer@example.org", "07700 900101", "mother",
     ["early", "established"], ["postpartum_psychosis", "mbu_admission"]),
    ("Jules", "Julian Fictional", "julian.volunteer@example.org", "07700 900102", "partner",
     ["acute", "early"], ["postpartum_psychosis"]),
    ("Ros", "Rosalind Fictional", "rosalind.volunteer@example.org", "07700 900103", "mother",
     ["established", "beyond"], ["ppd", "anxiety", "birth_trauma"]),
)
# Requests the demo pairs at once: (request email, volunteer email)
DEMO_PAIRS = (
    ("fern.demo@example.com", "samira.volunteer@example.org"),
    ("gus.demo@example.net", "julian.volunteer@example.org"),
)

DEMO_REQUESTS = (
    ("Fern", "fern.demo@example.com", "mother", "early", ["postpartum_psychosis", "mbu_admission"], 40, "waiting",
     False),
    ("Gus", "gus.demo@example.net", "partner", "early", ["postpartum_psychosis"], 35, "waiting", False),
    ("Amara", "amara.demo@example.com", "mother", "early", ["postpartum_psychosis", "mbu_admission"], 21, "waiting",
     False),
    ("Beth", "beth.demo@example.com", "mother", "established", ["ppd", "anxiety"], 9, "waiting", False),
    ("Chidi", "chidi.demo@example.net", "partner", "early", ["postpartum_psychosis"], 30, "waiting", False),
    ("Dana", "dana.demo@example.com", "mother", "acute", ["postpartum_psychosis"], 2, "waiting", True),
    ("Erin", "erin.demo@example.org", "mother", "beyond", ["bipolar", "postpartum_psychosis"], 0, "unconfirmed", False),
)


@click.command("demo")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, writable=True),
              help="Write coordinators and pairings to this file.")
@with_appcontext
def demo_command(json_path: str | None) -> None:
    """Seed coordinators, volunteers, requests and active pairings (idempotent)."""
    # The demo creates an admin with a published password: never on a real database by accident.
    if not (current_app.debug or current_app.config["MATCHER_DEMO"]):
        raise click.ClickException("refusing to seed demo accounts with known passwords outside demo mode: "
                                   "set FLASK_MATCHER_DEMO=true or run `flask --app matcher --debug demo`")
    coordinators = [_ensure_coordinator(*entry) for entry in DEMO_COORDINATORS]
    for entry in DEMO_REQUESTS:
        _ensure_request(*entry)
    for volunteer in DEMO_VOLUNTEERS:
        _ensure_volunteer(*volunteer)
    db.session.commit()
    admin = find_coordinator(DEMO_COORDINATORS[0][0])
    pairings = [_ensure_pairing(request_email, volunteer_email, admin) for request_email, volunteer_email in DEMO_PAIRS]
    summary = {"coordinators": coordinators, "pairings": [_pairing_summary(p) for p in pairings if p is not None]}
    if json_path:
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    click.echo(f"Demo ready: sign in at /console as {coordinators[0]['email']} / {coordinators[0]['password']}")


def _ensure_volunteer(pseudonym, name, email, phone, role, stages, experiences) -> None:
    if find_volunteer(email) is not None:
        return
    today = utcnow().date()
    db.session.add(Volunteer(
        pseudonym=pseudonym, name=name, email=email, phone=phone, role=role, stages=stages,
        experiences=experiences, languages=["en"], timezone="Europe/London", capacity=2,
        status=VolunteerStatus.ACTIVE, trained_on=today - timedelta(days=300),
        checks_expire_on=today + timedelta(days=400),
    ))


def _latest_request(email: str) -> SupportRequest | None:
    return db.session.scalars(select(SupportRequest).where(SupportRequest.email == email)
                              .order_by(SupportRequest.id.desc()).limit(1)).first()


def _ensure_pairing(request_email: str, volunteer_email: str, admin) -> Pairing | None:
    """Return the demo pair's live pairing, making it again from whatever state the demo was left in."""
    volunteer = find_volunteer(volunteer_email)
    support_request = _latest_request(request_email)
    if volunteer is None or support_request is None:  # both seeded just before
        raise LookupError(f"no demo records for {request_email} and {volunteer_email}")
    existing = db.session.scalar(select(Pairing).where(
        Pairing.request_id == support_request.id, Pairing.status.in_(LIVE_PAIRING_STATUSES)))
    if existing is not None:
        return existing
    if support_request.status == RequestStatus.ENDED:
        return_for_repairing(support_request, admin)
    if (reason := _why_not(support_request, volunteer)) is not None:
        click.echo(f"demo: leaving request #{support_request.id} unpaired: {reason}", err=True)
        return None
    pairing = create_pairing(support_request, volunteer, admin, None,
                             ["Paired by the demo: same role, shared experience of postpartum psychosis"], utcnow())
    db.session.commit()
    volunteer_confirms(pairing)
    return pairing


def _why_not(support_request: SupportRequest, volunteer: Volunteer) -> str | None:
    """Say what someone did in the demo that it will not undo, or None when the pair can be made."""
    if support_request.status != RequestStatus.WAITING:
        return f"it is {support_request.status} (the demo does not undo that)"
    if support_request.risk_hold:
        return "it is on risk hold (lift the hold in the console)"
    if volunteer.status != VolunteerStatus.ACTIVE:
        return f"volunteer #{volunteer.id} is {volunteer.status} (the demo does not change that)"
    if live_loads([volunteer.id]).get(volunteer.id, 0) >= volunteer.capacity:
        return f"volunteer #{volunteer.id} has no room"
    return None


def _pairing_summary(pairing: Pairing) -> dict:
    support_request, volunteer = pairing.request, pairing.volunteer
    return {
        "id": pairing.id,
        "status": str(pairing.status),
        "requester": {"email": support_request.email, "name": support_request.name or support_request.pseudonym,
                      "pseudonym": support_request.pseudonym, "role": support_request.role},
        "volunteer": {"email": volunteer.email, "name": volunteer.name, "pseudonym": volunteer.pseudonym,
                      "phone": volunteer.phone, "role": volunteer.role},
        "requester_writes_to": address_for(pairing.id, Party.REQUESTER),
        "volunteer_writes_to": address_for(pairing.id, Party.VOLUNTEER),
    }


def _ensure_coordinator(email: str, password: str, role: str) -> dict:
    if find_coordinator(email) is None:
        create_coordinator(email, password, role)
    return {"email": email, "password": password}


def _ensure_request(pseudonym, email, role, stage, experiences, days, status, risk_hold) -> None:
    # Any request at all for the address, open or ended: one the demo's user ended is theirs to keep.
    if _latest_request(email) is not None:
        return
    requested_on = utcnow() - timedelta(days=days)
    db.session.add(SupportRequest(
        pseudonym=pseudonym, email=email, role=role, stage=stage, experiences=experiences,
        language="en", region="GB", timezone="Europe/London", status=RequestStatus(status),
        risk_hold=risk_hold, safety_answer="unwell" if risk_hold else "no",
        requested_on=requested_on, consented_at=requested_on,
        confirmed_at=requested_on if status == "waiting" else None,
    ))
