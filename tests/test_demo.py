"""`flask --app matcher demo` seeds a working demo, idempotently."""
import json

import pytest
from sqlalchemy import func, select

from matcher.console.models import Coordinator
from matcher.extensions import db
from matcher.intake.models import SupportRequest


@pytest.fixture(autouse=True)
def demo_mode(app_config):
    """The demo only runs in demo mode (tests/security/test_public_demo.py)."""
    app_config["MATCHER_DEMO"] = True


def test_demo_seeds_coordinators_who_can_sign_in(runner, client, tmp_path):
    path = tmp_path / "demo.json"
    result = runner.invoke(args=["demo", "--json", str(path)])
    assert result.exit_code == 0, result.output
    summary = json.loads(path.read_text())
    assert set(summary) >= {"coordinators", "pairings"}
    first = summary["coordinators"][0]
    response = client.post("/console/login", data=first)
    assert response.status_code == 302


def test_demo_twice_adds_nothing(runner):
    runner.invoke(args=["demo"])
    counts = (db.session.scalar(select(func.count(Coordinator.id))),
              db.session.scalar(select(func.count(SupportRequest.id))))
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    again = (db.session.scalar(select(func.count(Coordinator.id))),
             db.session.scalar(select(func.count(SupportRequest.id))))
    assert counts == again
    assert counts[1] >= 4


def test_demo_has_two_active_pairings_with_masked_addresses(runner, tmp_path):
    path = tmp_path / "demo.json"
    runner.invoke(args=["demo"])
    result = runner.invoke(args=["demo", "--json", str(path)])
    assert result.exit_code == 0, result.output
    pairings = json.loads(path.read_text())["pairings"]
    assert len(pairings) >= 2
    for pairing in pairings:
        assert pairing["status"] == "active"
        assert set(pairing["requester"]) == {"email", "name", "pseudonym", "role"}
        assert set(pairing["volunteer"]) == {"email", "name", "pseudonym", "phone", "role"}
        assert pairing["requester_writes_to"].startswith("support+")
        assert pairing["requester_writes_to"] != pairing["volunteer_writes_to"]


def test_demo_converges_after_a_demo_pairing_was_ended_in_the_console(runner, tmp_path):
    from matcher.pairing.models import Pairing
    from matcher.pairing.service import end_pairing

    runner.invoke(args=["demo"])
    first = db.session.scalars(select(Pairing)).first()
    end_pairing(first, "other", "coordinator")
    path = tmp_path / "demo.json"
    result = runner.invoke(args=["demo", "--json", str(path)])
    assert result.exit_code == 0, result.output
    assert [p["status"] for p in json.loads(path.read_text())["pairings"]] == ["active", "active"]
    emails = db.session.scalars(select(SupportRequest.email)).all()
    assert len(emails) == len(set(emails))  # nobody listed twice
    assert runner.invoke(args=["demo"]).exit_code == 0


def test_demo_says_what_it_will_not_touch(runner, tmp_path):
    from matcher.pairing.models import Pairing, VolunteerStatus
    from matcher.pairing.service import end_pairing

    runner.invoke(args=["demo"])
    first = db.session.scalars(select(Pairing)).first()
    end_pairing(first, "other", "coordinator")
    first.volunteer.status = VolunteerStatus.PAUSED
    db.session.commit()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert f"volunteer #{first.volunteer_id} is paused" in result.output
