"""Console passwords: no common ones, a change page for the owner, an audited admin reset."""
import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from matcher.console.models import AuditEvent, Coordinator
from matcher.extensions import db
from tests.security.conftest import PASSWORD, replay

NEW_PASSWORD = "lantern meadow quietly"
CHANGE = "/console/account/password"


def _fresh(coordinator):
    db.session.expire_all()
    return db.session.get(Coordinator, coordinator.id)


def _actions():
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("password", ["password1234", "Password123!", "qwertyuiopasdf", "lead@example.org1"])
def test_common_or_guessable_password_is_refused_for_a_new_account(runner, password):
    result = runner.invoke(args=["coordinators", "create", "lead@example.org"], input=f"{password}\n{password}\n")
    assert result.exit_code == 1
    assert "too easy to guess" in result.output
    assert db.session.scalar(select(Coordinator)) is None


def test_admin_cannot_give_a_new_coordinator_a_common_password(console_client, make_coordinator):
    admin = console_client(make_coordinator(email="lead@example.org", role="admin"))
    page = admin.post("/console/coordinators", data={"email": "new@example.org", "password": "password1234",
                                                     "role": "coordinator"})
    assert "too easy to guess" in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(Coordinator).where(Coordinator.email == "new@example.org")) is None


def test_coordinator_changes_their_password_and_their_other_sessions_end(served, console_client, make_coordinator):
    coordinator = make_coordinator()
    laptop = console_client(coordinator)
    phone_cookie = console_client(coordinator).get_cookie("session").value

    response = laptop.post(CHANGE, data={"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert response.status_code == 302
    assert laptop.get("/console/").status_code == 200
    assert replay(served, phone_cookie).get("/console/").status_code == 302
    assert check_password_hash(_fresh(coordinator).password_hash, NEW_PASSWORD)
    assert "console.password_changed" in _actions()
    fresh = served.test_client()
    assert fresh.post("/console/login", data={"email": coordinator.email, "password": PASSWORD}).status_code == 401
    # The new password leads on to the code (a third full sign-in would need a third TOTP step).
    response = fresh.post("/console/login", data={"email": coordinator.email, "password": NEW_PASSWORD})
    assert response.headers["Location"] == "/console/login/code"


def test_password_change_needs_the_current_password(console_client, make_coordinator):
    coordinator = make_coordinator()
    browser = console_client(coordinator)
    response = browser.post(CHANGE, data={"current": "not my password", "new": NEW_PASSWORD,
                                          "confirm": NEW_PASSWORD})
    assert response.status_code == 401
    assert check_password_hash(_fresh(coordinator).password_hash, PASSWORD)
    assert "console.password_change_failed" in _actions()


def test_password_change_refuses_a_common_password(console_client, make_coordinator):
    coordinator = make_coordinator()
    response = console_client(coordinator).post(CHANGE, data={
        "current": PASSWORD, "new": "password1234", "confirm": "password1234"})
    assert "too easy to guess" in response.get_data(as_text=True)
    assert check_password_hash(_fresh(coordinator).password_hash, PASSWORD)


def test_admin_resets_a_password_and_the_owner_is_signed_out(served, console_client, make_coordinator):
    owner = make_coordinator(email="worker@example.org")
    theirs = console_client(owner).get_cookie("session").value
    lead = make_coordinator(email="lead@example.org", role="admin")

    response = console_client(lead).post(f"/console/coordinators/{owner.id}/password",
                                         data={"password": NEW_PASSWORD})

    assert response.status_code == 302
    assert replay(served, theirs).get("/console/").status_code == 302
    assert check_password_hash(_fresh(owner).password_hash, NEW_PASSWORD)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "coordinator.password_reset"))
    assert event.actor == lead.email and event.subject_id == owner.id
    assert NEW_PASSWORD not in str(event.detail)


def test_a_coordinator_who_is_not_admin_cannot_reset_a_password(console_client, make_coordinator):
    other = make_coordinator(email="other@example.org")
    browser = console_client(make_coordinator())
    response = browser.post(f"/console/coordinators/{other.id}/password", data={"password": NEW_PASSWORD})
    assert response.status_code == 403
    assert check_password_hash(_fresh(other).password_hash, PASSWORD)
