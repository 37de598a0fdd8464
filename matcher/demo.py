"""`flask --app matcher demo`: seed a working demo, safely more than once."""
import json
from datetime import timedelta

import click
from flask.cli import with_appcontext

from matcher.columns import utcnow
from matcher.console.service import create_coordinator, find_coordinator
from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.intake.service import find_open_request

DEMO_COORDINATORS = (
    ("admin@example.org", "demo-admin-password", "admin"),
    ("coordinator@example.org", "demo-coordinator-password", "coordinator"),
)

# (pseudonym, email, role, stage, experiences, days waiting, status, risk_hold)
DEMO_REQUESTS = (
    ("Amara", "amara.demo@example.com", "mother", "early", ["postpartum_psychosis", "mbu_admission"], 21, "waiting", False),
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
    """Seed coordinators and requests for a working demo (idempotent)."""
    coordinators = [_ensure_coordinator(*entry) for entry in DEMO_COORDINATORS]
    for entry in DEMO_REQUESTS:
        _ensure_request(*entry)
    db.session.commit()
    summary = {"coordinators": coordinators, "pairings": []}
    if json_path:
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(summary, handle, indent=2)
    click.echo(f"Demo ready: sign in at /console as {coordinators[0]['email']} / {coordinators[0]['password']}")


def _ensure_coordinator(email: str, password: str, role: str) -> dict:
    if find_coordinator(email) is None:
        create_coordinator(email, password, role)
    return {"email": email, "password": password}


def _ensure_request(pseudonym, email, role, stage, experiences, days, status, risk_hold) -> None:
    if find_open_request(email) is not None:
        return
    requested_on = utcnow() - timedelta(days=days)
    db.session.add(SupportRequest(
        pseudonym=pseudonym, email=email, role=role, stage=stage, experiences=experiences,
        language="en", region="GB", timezone="Europe/London", status=RequestStatus(status),
        risk_hold=risk_hold, safety_answer="unwell" if risk_hold else "no",
        requested_on=requested_on, consented_at=requested_on,
        confirmed_at=requested_on if status == "waiting" else None,
    ))
