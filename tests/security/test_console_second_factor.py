"""The second factor cannot be skipped, read again, or guessed without limit."""
import pyotp
import pytest
from sqlalchemy import select

from matcher.console.models import AuditEvent, Coordinator
from matcher.extensions import db
from tests.security.conftest import PASSWORD, replay

SETUP = "/console/second-factor/setup"


def _actions():
    db.session.expire_all()
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def _password_only(served, coordinator, **environ):
    browser = served.test_client()
    browser.environ_base.update(environ)
    response = browser.post("/console/login", data={"email": coordinator.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser, response


def _fresh(coordinator):
    db.session.expire_all()
    return db.session.get(Coordinator, coordinator.id)


def test_password_alone_cannot_read_an_enrolled_secret(served, make_coordinator):
    coordinator = make_coordinator()
    browser, response = _password_only(served, coordinator)
    assert response.headers["Location"] == "/console/login/code"

    page = browser.get(SETUP)

    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert coordinator.totp_secret not in text and "otpauth://" not in text
    assert "already set up" in text


def test_password_alone_cannot_sign_in_by_enrolling_the_known_secret_again(served, make_coordinator):
    coordinator = make_coordinator()
    secret, recovery_before = coordinator.totp_secret, list(coordinator.recovery_codes)
    browser, _ = _password_only(served, coordinator)

    response = browser.post(SETUP, data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 403
    assert browser.get("/console/").status_code == 302
    after = _fresh(coordinator)
    assert after.totp_secret == secret and after.recovery_codes == recovery_before
    assert "console.second_factor_enrolled" not in _actions() and "console.login" not in _actions()


def test_signed_in_coordinator_cannot_read_their_secret_again(console_client, make_coordinator):
    coordinator = make_coordinator()
    page = console_client(coordinator).get(SETUP)
    assert page.status_code == 403
    assert coordinator.totp_secret not in page.get_data(as_text=True)


def test_enrolment_cannot_be_confirmed_twice(app, make_coordinator):
    from matcher.console.second_factor import confirm_enrolment

    coordinator = make_coordinator()
    assert confirm_enrolment(coordinator, pyotp.TOTP(coordinator.totp_secret).now()) is None


def test_admin_resets_a_second_factor_and_the_owner_is_signed_out_and_enrols_again(
        served, console_client, make_coordinator):
    owner = make_coordinator(email="worker@example.org")
    theirs = console_client(owner).get_cookie("session").value
    lead = make_coordinator(email="lead@example.org", role="admin")
    admin = console_client(lead)

    assert admin.post(f"/console/coordinators/{owner.id}/reset-second-factor").status_code == 302

    assert replay(served, theirs).get("/console/").status_code == 302
    after = _fresh(owner)
    assert not after.has_second_factor and after.recovery_codes == []
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "coordinator.second_factor_reset"))
    assert event.actor == lead.email and event.subject_id == owner.id
    browser, response = _password_only(served, after)
    assert response.headers["Location"] == SETUP
    page = browser.get(SETUP).get_data(as_text=True)
    secret = _fresh(owner).totp_secret
    assert secret in page
    assert browser.post(SETUP, data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True).count("<code>") == 10
    assert browser.get("/console/").status_code == 200


def test_a_coordinator_who_is_not_admin_cannot_reset_a_second_factor(console_client, make_coordinator):
    other = make_coordinator(email="other@example.org")
    browser = console_client(make_coordinator())
    assert browser.post(f"/console/coordinators/{other.id}/reset-second-factor").status_code == 403
    assert _fresh(other).has_second_factor


def test_an_admin_cannot_reset_their_own_second_factor(console_client, make_coordinator):
    lead = make_coordinator(email="lead@example.org", role="admin")
    browser = console_client(lead)
    browser.post(f"/console/coordinators/{lead.id}/reset-second-factor")
    assert _fresh(lead).has_second_factor


# --- guessing codes -------------------------------------------------------------------------

ENTRY_POINTS = {
    "login code": ("/console/login/code", True, "000000"),
    "recovery code": ("/console/login/code", True, "abc123-def456"),
    "setup": (SETUP, False, "000000"),
}


def _right_code(coordinator):
    return pyotp.TOTP(_fresh(coordinator).totp_secret).now()


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_code_guessing_is_rate_limited(make_app, make_coordinator, entry):
    path, enrolled, guess = ENTRY_POINTS[entry]
    coordinator = make_coordinator(totp=enrolled)
    limited = make_app(RATELIMIT_ENABLED=True, MATCHER_LOGIN_RATE_LIMIT="10 per minute",
                       MATCHER_LOGIN_MAX_FAILURES=1000)
    browser, _ = _password_only(limited, coordinator)
    browser.get(path)
    codes = [browser.post(path, data={"code": guess}).status_code for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_wrong_codes_are_counted_and_pause_even_the_right_code(served, make_coordinator, entry):
    path, enrolled, guess = ENTRY_POINTS[entry]
    coordinator = make_coordinator(totp=enrolled)
    browser, _ = _password_only(served, coordinator)
    browser.get(path)
    for _ in range(5):
        assert browser.post(path, data={"code": guess}).status_code == 401
    assert _actions().count("console.second_factor_failed") == 5

    response = browser.post(path, data={"code": _right_code(coordinator)})

    assert response.status_code == 429 and "Too many wrong codes" in response.get_data(as_text=True)
    assert browser.get("/console/").status_code == 302


def test_code_pause_holds_for_the_account_from_any_address(served, make_coordinator):
    coordinator = make_coordinator()
    for number in range(5):
        browser, _ = _password_only(served, coordinator, REMOTE_ADDR=f"203.0.113.{number + 1}")
        assert browser.post("/console/login/code", data={"code": "000000"}).status_code == 401
    browser, _ = _password_only(served, coordinator, REMOTE_ADDR="198.51.100.7")
    assert browser.post("/console/login/code", data={"code": _right_code(coordinator)}).status_code == 429
