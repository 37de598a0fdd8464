"""Console sign-in: strangers redirected, lockout, audit of every action."""
import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from matcher.console.models import AuditEvent, Coordinator
from matcher.extensions import db
from tests.conftest import totp_code

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
    console_rules = [r for r in app.url_map.iter_rules()
                     if r.rule.startswith("/console") and r.endpoint != "console.login"]
    assert console_rules
    for rule in console_rules:
        path = _example_path(rule.rule)
        method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
        response = client.open(path, method=method)
        assert response.status_code in (302, 401), f"{rule.rule} answered {response.status_code}"


def test_coordinator_signs_in_and_sees_waiting_requests_with_wait_time(client, make_coordinator, make_request, sign_in):
    make_request(pseudonym="Willow", days_waiting=21)
    sign_in(make_coordinator())
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


# Lockout (now a pause per account and source address) is covered by tests/security/test_console_lockout.py.


def test_sign_out_is_audited(client, make_coordinator, sign_in):
    sign_in(make_coordinator())
    client.post("/console/logout")
    assert "console.logout" in _actions()
    assert client.get("/console/").status_code == 302


def test_next_parameter_cannot_send_a_coordinator_to_another_site(client, make_coordinator):
    coordinator = make_coordinator()
    client.post("/console/login?next=//evil.example.net/", data={
        "email": "coord@example.org", "password": "correct horse battery"})
    response = client.post("/console/login/code", data={"code": totp_code(coordinator)})
    assert response.headers["Location"] == "/console/"


def test_password_alone_does_not_open_the_console(client, make_coordinator):
    make_coordinator()
    assert _sign_in(client).headers["Location"] == "/console/login/code"
    assert client.get("/console/").status_code == 302


def test_a_code_works_once(client, make_coordinator, sign_in):
    coordinator = make_coordinator()
    sign_in(coordinator)
    client.post("/console/logout")
    _sign_in(client)
    used = pyotp.TOTP(coordinator.totp_secret).at(coordinator.last_totp_step * 30)
    assert client.post("/console/login/code", data={"code": used}).status_code == 401
    assert "console.second_factor_failed" in _actions()


def test_recovery_code_signs_in_once(client, make_coordinator):
    from matcher.console.second_factor import confirm_enrolment, start_enrolment

    coordinator = make_coordinator(totp=False)
    start_enrolment(coordinator)
    codes = confirm_enrolment(coordinator, pyotp.TOTP(coordinator.totp_secret).now())
    _sign_in(client)
    assert client.post("/console/login/code", data={"code": codes[0]}).status_code == 302
    client.post("/console/logout")
    _sign_in(client)
    assert client.post("/console/login/code", data={"code": codes[0]}).status_code == 401


def test_first_sign_in_sets_up_the_authenticator_and_shows_recovery_codes(client, make_coordinator):
    coordinator = make_coordinator(totp=False)
    assert _sign_in(client).headers["Location"] == "/console/second-factor/setup"
    page = client.get("/console/second-factor/setup").get_data(as_text=True)
    assert coordinator.totp_secret in page and "otpauth://" in page
    assert client.get("/console/").status_code == 302
    response = client.post("/console/second-factor/setup", data={"code": pyotp.TOTP(coordinator.totp_secret).now()})
    assert response.get_data(as_text=True).count("<code>") == 10
    assert coordinator.has_second_factor
    assert client.get("/console/").status_code == 200


def test_idle_console_signs_out(app, client, make_coordinator, sign_in):
    sign_in(make_coordinator())
    assert client.get("/console/").status_code == 200
    app.config["MATCHER_CONSOLE_IDLE_TIMEOUT"] = timedelta(seconds=-1)
    response = client.get("/console/")
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    app.config["MATCHER_CONSOLE_IDLE_TIMEOUT"] = timedelta(minutes=30)
    assert client.get("/console/").status_code == 302


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


def test_admin_adds_and_deactivates_a_coordinator(client, make_coordinator, sign_in):
    sign_in(make_coordinator(email="lead@example.org", role="admin"))
    client.post("/console/coordinators",
                data={"email": "new@example.org", "password": "a long first password", "role": "coordinator"})
    added = db.session.scalar(select(Coordinator).where(Coordinator.email == "new@example.org"))
    assert added is not None and not added.has_second_factor
    client.post(f"/console/coordinators/{added.id}/deactivate")
    assert not added.active
    assert {"coordinator.created", "coordinator.deactivated"} <= set(_actions())
    assert client.post("/console/login",
                       data={"email": "new@example.org", "password": "a long first password"}).status_code == 401


def test_a_coordinator_who_is_not_admin_cannot_manage_accounts(client, make_coordinator, sign_in):
    sign_in(make_coordinator())
    assert client.get("/console/coordinators").status_code == 403
