"""Line breaks and control characters are refused at every input, and never break a record already stored."""
import io

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.intake.models import SupportRequest
from matcher.intake.waitlist import check_waiting_list
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.pairing import service
from matcher.pairing.models import Volunteer
from matcher.pairing.roster import check_roster
from matcher.pairing.volunteers import vocabularies

BAD = ["Robin\r\nBcc: attacker@example.net", "Robin\nX", "Rob\x00in", "Rob\x1bin", "Rob\u2028in", "Rob\u202ein"]

APPLICATION = {
    "name": "Jo Fictional", "pseudonym": "Jo", "email": "jo@example.org", "phone": "07700 900111",
    "role": "mother", "experiences": ["postpartum_psychosis"], "stages": ["early"], "languages": ["en"],
    "timezone": "Europe/London",
}


@pytest.mark.parametrize("value", BAD)
def test_request_form_refuses_control_characters_in_the_name_and_says_which_field(client, valid_form, value):
    response = client.post("/request", data=valid_form | {"pseudonym": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="pseudonym-error"' in page
    assert "The name we call you cannot contain line breaks or control characters." in page
    assert db.session.scalars(select(SupportRequest)).all() == []


def test_request_form_keeps_line_breaks_in_hopes_but_refuses_other_control_characters(client, valid_form):
    assert client.post("/request", data=valid_form | {"hopes": "Line one\r\nLine two"}).status_code == 302
    response = client.post("/request", data=valid_form | {"email": "other@example.com", "hopes": "a\x00b"})
    assert response.status_code == 422 and 'id="hopes-error"' in response.get_data(as_text=True)


@pytest.mark.parametrize("field", ["name", "pseudonym", "phone"])
def test_volunteer_application_refuses_control_characters(client, field):
    response = client.post("/volunteer/apply", data=APPLICATION | {field: "Jo\r\nBcc: attacker@example.net"})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert db.session.scalars(select(Volunteer)).all() == []


def test_console_volunteer_form_refuses_control_characters(client, signed_in):
    response = client.post("/console/volunteers/new", data=APPLICATION | {"pseudonym": "Jo\x07", "capacity": "1"})
    page = response.get_data(as_text=True)
    assert 'id="pseudonym-error"' in page and "line breaks or control characters" in page
    assert db.session.scalars(select(Volunteer)).all() == []


def _csv(header, row):
    buffer = io.StringIO()
    import csv

    csv.writer(buffer).writerows([header, row])
    return buffer.getvalue()


def test_roster_import_names_the_column_with_a_control_character(app):
    header = ["name", "email", "phone", "pseudonym", "role", "stages", "experiences", "languages", "timezone",
              "capacity", "trained_on"]
    row = ["Jo Fictional", "jo@example.org", "07700 900111", "Jo\nBcc: attacker@example.net", "mother", "early",
           "", "en", "Europe/London", "1", ""]
    _, problems = check_roster(_csv(header, row), vocabularies())
    assert [str(p) for p in problems] == ["row 1 (line 3): pseudonym contains a line break or control character"]


def test_waiting_list_import_names_the_column_with_a_control_character(app):
    header = ["name", "email", "pseudonym", "role", "stage", "experiences", "language", "timezone", "requested_on"]
    row = ["Robin\x00", "robin@example.com", "Robin", "mother", "early", "", "en", "Europe/London", "2026-01-05"]
    _, problems = check_waiting_list(_csv(header, row), vocabularies())
    assert [p.message for p in problems] == ["name contains a line break or control character"]


def test_a_stored_name_with_a_line_break_does_not_stop_approval_or_inject_headers(
        make_request, make_volunteer, make_coordinator, smtp_sink):
    # Records stored before inputs were checked, or by some other path.
    make_request(pseudonym="Robin\r\nBcc: attacker@example.net", email="robin@example.com")
    make_volunteer(pseudonym="Sam\nBcc: attacker@example.net\u2028X", email="sam@example.org")
    pairing = service.approve_proposal(service.run_proposals().proposals[0], make_coordinator())
    assert pairing.id
    assert deliver_due().sent == 2
    smtp_sink.wait_for(2)
    for envelope in smtp_sink.received:
        assert "attacker@example.net" not in envelope["rcpt_tos"]
    for message in smtp_sink.messages():
        assert message["Bcc"] is None
        assert "\n" not in str(message["From"]) and "\n" not in str(message["Subject"])
