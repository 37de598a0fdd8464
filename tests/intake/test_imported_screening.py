"""Imported waiting-list rows are asked for consent and the safety question before they can be paired."""
import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.intake.models import SupportRequest
from matcher.mailrelay.models import OutboxMessage
from matcher.pairing.models import Volunteer
from matcher.pairing.service import PairingError, create_pairing, run_proposals
from matcher.safeguarding.models import Escalation

CONSENT = {"consent_health": "y", "consent_reading": "y", "consent_guidelines": "y"}


@pytest.fixture
def imported(runner, tmp_path, make_volunteer):
    path = tmp_path / "waiting.csv"
    path.write_text("name,email,pseudonym,role,stage,experiences,language,timezone,requested_on\n"
                    "Ann Fictional,ann@example.com,Ann,mother,early,postpartum_psychosis,en,Europe/London,2024-03-01\n")
    result = runner.invoke(args=["requests", "import", str(path)])
    assert result.exit_code == 0, result.output
    make_volunteer()
    return db.session.scalar(select(SupportRequest))


def _status_path(support_request):
    mail = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "ann@example.com"))
    assert mail.kind == "screening"
    return re.search(rb"http://matcher\.test(/status/[\w.=-]+)", mail.raw.replace(b"=\r\n", b"")).group(1).decode()


def test_an_imported_request_is_asked_first_and_not_paired_until_it_answers(client, imported):
    assert imported.needs_screening
    run = run_proposals()
    assert run.proposals == []
    with pytest.raises(PairingError):
        create_pairing(imported, db.session.scalars(select(Volunteer)).one(), None, None, [], imported.requested_on)
    page = client.get(_status_path(imported)).get_data(as_text=True)
    assert "Two questions before we can pair you" in page
    client.post(_status_path(imported) + "/screening", data={"safety": "no"} | CONSENT)
    assert not imported.needs_screening
    assert [p.request_id for p in run_proposals().proposals] == [imported.id]


def test_consent_is_required_and_a_yes_to_the_safety_question_holds_and_alerts(client, imported):
    path = _status_path(imported)
    refused = client.post(path + "/screening", data={"safety": "no"})
    assert refused.status_code == 422 and imported.needs_screening
    response = client.post(path + "/screening", data={"safety": "harm"} | CONSENT)
    assert response.headers["Location"].startswith("/request/safety")
    assert imported.risk_hold and db.session.scalar(select(Escalation)).request_id == imported.id
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert")) is not None
