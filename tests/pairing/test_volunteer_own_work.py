"""A volunteer's signed page shows their own work; a volunteer added in the console is sent their link."""
import email
import re

from sqlalchemy import select

from matcher import links
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage
from matcher.pairing.models import VolunteerStatus
from matcher.pairing.service import end_pairing


def _page(volunteer):
    return f"/volunteer/{links.sign('volunteer', volunteer.public_id)}"


def test_volunteer_page_lists_current_and_past_pairings_guidelines_and_coordinators(
        client, make_pairing, make_request, make_coordinator, app):
    past, _, _ = make_pairing({"pseudonym": "Willow"}, {"pseudonym": "Sam", "email": "sam@example.org"})
    end_pairing(past, "planned", by=make_coordinator())
    volunteer = past.volunteer
    from matcher.pairing.models import Pairing, PairingStatus

    current = Pairing(request=make_request(pseudonym="Rowan"), volunteer=volunteer, status=PairingStatus.ACTIVE,
                      reasons=[])
    db.session.add(current)
    db.session.commit()
    page = client.get(_page(volunteer)).get_data(as_text=True)
    now_section = page[page.index('id="now"'):page.index('id="past"')]
    past_section = page[page.index('id="past"'):page.index('id="guide-h"')]
    assert "Rowan" in now_section and "Willow" not in now_section
    assert "Willow" in past_section and "Planned end of support" in past_section
    assert re.search(r"<td>\d{1,2} [A-Z][a-z]{2} \d{4}</td>", past_section)
    assert 'id="guide-h">Guidelines' in page and "/guidelines" in page
    assert f"mailto:{app.config['MATCHER_COORDINATOR_ADDRESS']}" in page
    assert "sam@example.org" not in page


def _welcome_url():
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_link"))
    parsed = email.message_from_bytes(message.raw)
    body = "".join(part.get_payload(decode=True).decode() for part in parsed.walk()
                   if part.get_content_type() == "text/plain")
    return message, re.search(r"http://matcher\.test(/volunteer/\S+)", body).group(1)


def test_volunteer_added_in_the_console_is_sent_their_link_when_made_active(client, signed_in, make_volunteer):
    volunteer = make_volunteer(status=VolunteerStatus.APPLICANT, pseudonym="Kit", email="kit@example.org")
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_link")) is None
    client.post(f"/console/volunteers/{volunteer.id}/status", data={"status": "active"})
    assert volunteer.status == VolunteerStatus.ACTIVE
    message, path = _welcome_url()
    assert message.recipient == "kit@example.org"
    assert "Hello Kit" in client.get(path).get_data(as_text=True)
    client.post(f"/console/volunteers/{volunteer.id}/status", data={"status": "paused"})
    client.post(f"/console/volunteers/{volunteer.id}/status", data={"status": "active"})
    # Coming back from a pause is not a new start: no second welcome.
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "volunteer_link")).all()) == 1
