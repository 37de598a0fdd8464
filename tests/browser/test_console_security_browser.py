"""Console sign-in security in a real browser: TOTP through the login page, sign-out, setup refused."""
import pytest

from matcher.extensions import db
from tests.conftest import totp_code

pytestmark = pytest.mark.browser


def _password_step(page, coordinator):
    page.goto("/console/login")
    page.fill("#email", coordinator.email)
    page.fill("#password", "correct horse battery")
    with page.expect_navigation():
        page.click("#submit")


def test_coordinator_signs_in_with_totp_on_the_login_page_and_sign_out_ends_the_session(
        page, live_server, make_coordinator):
    coordinator = make_coordinator()
    _password_step(page, coordinator)
    assert page.url.endswith("/console/login/code")
    page.fill("#code", "000000")
    with page.expect_navigation():
        page.click("#submit")
    assert "did not work" in page.inner_text("main")

    db.session.refresh(coordinator)
    page.fill("#code", totp_code(coordinator))
    with page.expect_navigation():
        page.click("#submit")
    assert page.locator("h1").inner_text() == "Dashboard"
    [cookie] = [c for c in page.context.cookies() if c["name"] == "session"]
    assert cookie["httpOnly"] and cookie["secure"]

    with page.expect_navigation():
        page.click("text=Sign out")
    # The cookie the browser held while signed in no longer opens the console.
    page.context.add_cookies([cookie])
    page.goto("/console/")
    assert page.locator("h1").inner_text() == "Coordinator sign in"
    assert [url for url in page.requested_urls if not url.startswith(live_server.url)] == []


def test_setup_page_refuses_an_account_that_already_has_a_second_factor(page, live_server, make_coordinator):
    coordinator = make_coordinator()
    _password_step(page, coordinator)
    assert page.url.endswith("/console/login/code")

    response = page.goto("/console/second-factor/setup")

    assert response.status == 403
    assert page.locator("h1").inner_text() == "Your authenticator is already set up"
    content = page.content()
    assert coordinator.totp_secret not in content and "otpauth://" not in content
    page.goto("/console/")
    assert page.locator("h1").inner_text() == "Coordinator sign in"
