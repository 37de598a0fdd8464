"""Console sign-in: strangers redirected, lockout, audit of every action."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent, Coordinator
from matcher.extensions import db

CONSOLE_PAGES = ["/console/", "/console/requests/1"]


def _sign_in(client, email="coord@example.org", password="correct horse battery"):
    return client.post("/console/login", data={"email": email, "password": password})


def _actions():
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_stranger_is_sent_to_the_sign_in_page(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/console/login" in response.headers["Location"]


def _example_path(rule):
    rule = re.sub(r"<int:[^>]+>", "1", rule)
    rule = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", rule)
    return re.sub(r"<[^>]+>", "x", rule)


def test_every_console_route_requires_sign_in(app, client):
    console_rules = [r for r in app.url_map.iter_rules() if r.rule.startswith("/console") and r.endpoint != "console.login"]
    assert console_rules
    for rule in console_rules:
        path = _example_path(rule.rule)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(path, method=method)
        assert response.status_code in (302, 401), f"{rule.rule} answered {response.status_code}"


def test_coordinator_signs_in_and_sees_waiting_requests_with_wait_time(client, make_coordinator, make_request):
    make_coordinator()
    make_request(pseudonym="Willow", days_waiting=21)
    response = _sign_in(client)
    assert response.status_code == 302
    page = client.get("/console/").get_data(as_text=True)
    assert "Willow" in page
    assert "3 weeks" in page
    assert "console.login" in _actions()


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, make_coordinator):
    make_coordinator()
    wrong = _sign_in(client, password="wrong password here")
    unknown = _sign_in(client, email="nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_data(as_text=True).count("did not match") == 1
    assert unknown.get_data(as_text=True).count("did not match") == 1


def test_account_locks_after_repeated_failures_even_for_the_right_password(client, make_coordinator):
    make_coordinator()
    for _ in range(5):
        _sign_in(client, password="wrong password here")
    assert _sign_in(client).status_code == 401
    coordinator = db.session.scalar(select(Coordinator))
    assert coordinator.locked_until > utcnow()
    assert "console.login_refused_locked" in _actions()


def test_lock_expires(client, make_coordinator):
    coordinator = make_coordinator()
    coordinator.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _sign_in(client).status_code == 302


def test_sign_out_is_audited(client, make_coordinator):
    make_coordinator()
    _sign_in(client)
    client.post("/console/logout")
    assert "console.logout" in _actions()
    assert client.get("/console/").status_code == 302


def test_next_parameter_cannot_send_a_coordinator_to_another_site(client, make_coordinator):
    make_coordinator()
    response = client.post("/console/login?next=//evil.example.net/", data={
        "email": "coord@example.org", "password": "correct horse battery"})
    assert response.headers["Location"] == "/console/"


def test_passwords_are_stored_hashed(make_coordinator):
    coordinator = make_coordinator()
    assert "correct horse" not in coordinator.password_hash
    assert coordinator.password_hash.startswith("scrypt:")


def test_coordinators_create_command(runner):
    result = runner.invoke(args=["coordinators", "create", "lead@example.org", "--role", "admin"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    coordinator = db.session.scalar(select(Coordinator))
    assert coordinator.is_admin
    assert "coordinator.created" in _actions()


def test_coordinators_create_refuses_a_short_password(runner):
    result = runner.invoke(args=["coordinators", "create", "lead@example.org"], input="short\nshort\n")
    assert result.exit_code == 1
    assert "at least 12 characters" in result.output
