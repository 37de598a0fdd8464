"""A person uses the request form in a real browser, with the keyboard alone."""
import re

import pytest

pytestmark = pytest.mark.browser


def tab_to(page, selector, limit=120):
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"could not reach {selector} with the Tab key")


def fill_request_form(page, email, safety_arrows=0):
    """Fill the whole form using only the keyboard."""
    tab_to(page, "#pseudonym")
    page.keyboard.type("Robin")
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#role-0")
    page.keyboard.press("Space")
    tab_to(page, "#stage-0")
    page.keyboard.press("ArrowDown")  # "early"
    tab_to(page, "#experiences-0")
    page.keyboard.press("Space")
    tab_to(page, "#hopes")
    page.keyboard.type("Someone who has been in a mother and baby unit.")
    tab_to(page, "#care_team-0")
    page.keyboard.press("Space")
    tab_to(page, "#safety-0")
    page.keyboard.press("Space")
    for _ in range(safety_arrows):
        page.keyboard.press("ArrowDown")
    for box in ("#consent_health", "#consent_reading", "#consent_guidelines"):
        tab_to(page, box)
        page.keyboard.press("Space")
    submit_with_enter(page)


def submit_with_enter(page):
    """Press Enter on the submit button and wait for the next page."""
    tab_to(page, "#submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def only_own_host(page, live_server):
    return [url for url in page.requested_urls if not url.startswith(live_server.url)]


def test_person_fixes_a_bad_email_confirms_by_mail_and_sees_waiting(page, live_server, smtp_sink):
    page.goto("/")
    tab_to(page, "a.button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/request")
    fill_request_form(page, "robin@@example")

    error = page.locator("#email-error")
    assert error.is_visible()
    assert "name@example.com" in error.inner_text()
    assert "email-error" in page.locator("#email").get_attribute("aria-describedby")
    assert page.locator("#pseudonym").input_value() == "Robin"

    tab_to(page, "#email")
    page.keyboard.press("Control+A")
    page.keyboard.type("robin@example.com")
    for box in ("#consent_health", "#consent_reading", "#consent_guidelines"):
        if not page.locator(box).is_checked():
            tab_to(page, box)
            page.keyboard.press("Space")
    submit_with_enter(page)
    page.wait_for_url("**/request/sent")
    assert "Check your email" in page.inner_text("h1")

    smtp_sink.wait_for(1)
    [message] = smtp_sink.to("robin@example.com")
    body = message.get_body(preferencelist=("plain",)).get_content()
    confirm_link = re.search(r"(http://127\.0\.0\.1:\d+/confirm/\S+)", body).group(1)
    page.goto(confirm_link)
    assert "Confirm your request" in page.inner_text("h1")
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "You’re on the waiting list" in page.inner_text("main")
    assert only_own_host(page, live_server) == []


def test_safety_screen_shows_crisis_numbers_at_once(page, live_server, smtp_sink):
    page.goto("/request")
    fill_request_form(page, "sky@example.com", safety_arrows=1)
    page.wait_for_url("**/request/safety**")
    text = page.inner_text("main")
    for number in ("999", "116 123"):
        assert number in text
    assert page.locator("[role=alert]").is_visible()
    smtp_sink.wait_for(2)
    assert smtp_sink.received[0]["rcpt_tos"] == ["oncall@example.org"]


def test_form_fits_a_phone_screen(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    phone.goto("/request")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
