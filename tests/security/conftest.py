"""A second app on the test database, whose requests each get their own app context as in production.

The `app` fixture keeps one app context open for the whole test, so Flask's `g` (where Flask-Login
keeps the loaded user) would outlive a request; an attacker replaying a cookie gets no such help.
"""
import pytest

from matcher.extensions import db
from tests.conftest import totp_code

PASSWORD = "correct horse battery"


@pytest.fixture
def served(make_app, app):
    """The app as a server runs it: a fresh app context, and so a fresh user lookup, per request."""
    return make_app()


@pytest.fixture
def console_client(served):
    """Return a callable giving a new browser-like client of `served`, signed in as a coordinator."""

    def signed_in_client(coordinator, password=PASSWORD, **environ):
        browser = served.test_client()
        browser.environ_base.update(environ)
        assert sign_in_through_pages(browser, coordinator, password).status_code == 302
        return browser

    return signed_in_client


def sign_in_through_pages(browser, coordinator, password=PASSWORD):
    """Post the password, then a fresh TOTP code; return the last response."""
    response = browser.post("/console/login", data={"email": coordinator.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
    # The code step is written by another session: read the last used step afresh.
    db.session.refresh(coordinator)
    return browser.post("/console/login/code", data={"code": totp_code(coordinator)})


def replay(served, cookie_value):
    """Return a fresh client carrying a session cookie captured earlier, as a thief would."""
    thief = served.test_client()
    thief.set_cookie("session", cookie_value)
    return thief
