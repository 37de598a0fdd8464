"""Every public page in a real Chromium, phone and desktop, English and French: axe-core finds no serious
or critical WCAG 2.x A/AA violation, nothing is fetched from another host, nothing scrolls sideways, and the
home page's main action is on the first screen of a phone (issue 16). Screenshots go to
screenshots/public-<language>-<width>px-<page>.png."""
import pytest

from matcher.intake.models import RequestStatus
from matcher.intake.notices import link_token
from tests.browser.checks import VIEWPORTS, outside_requests, page_problems, screenshot_name

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "fr_CA")
STATIC_PAGES = {
    "home": "/", "request": "/request", "sent": "/request/sent", "safety": "/request/safety?region=CA",
    "guidelines": "/guidelines", "privacy": "/privacy", "accessibility": "/accessibility",
    "link-gone": "/status/not-a-real-token", "not-found": "/no/such/page", "volunteer-apply": "/volunteer/apply",
}


def check(page, live_server, name: str, language: str, viewport: str) -> list[str]:
    """Check the page now shown; return what is wrong with it, and save its screenshot."""
    problems = page_problems(page, screenshot_name("public", language, viewport, name), viewport)
    expected = "fr-CA" if language == "fr_CA" else "en"
    if page.get_attribute("html", "lang") != expected:
        problems.append(f"{name} ({language}, {viewport}): html lang is not {expected}")
    return problems


@pytest.fixture
def people(make_request):
    """A person waiting, one not yet confirmed, and their links."""
    waiting = make_request(days_waiting=9, region="CA")
    unconfirmed = make_request(status=RequestStatus.UNCONFIRMED, region="AU")
    return {"status": f"/status/{link_token(waiting, 'status')}",
            "confirm": f"/confirm/{link_token(unconfirmed, 'confirm')}"}


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_page_is_accessible_and_stays_on_this_host(page, live_server, people, language, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"/?lang={language}")  # the choice is remembered in a cookie from here on
    problems = []
    for name, path in {**STATIC_PAGES, **people}.items():
        page.goto(path)
        problems += check(page, live_server, name, language, viewport)
    page.goto("/request")
    page.click("button[type=submit], input[type=submit]")  # every error shown at once
    problems += check(page, live_server, "request-errors", language, viewport)
    page.goto(people["status"])
    page.click("#withdraw button[type=submit]")  # without the tick box
    problems += check(page, live_server, "withdraw-unticked", language, viewport)
    page.goto("/status/not-a-real-token")
    page.fill("#email", "someone@example.org")
    page.click("main form button[type=submit], main form input[type=submit]")
    problems += check(page, live_server, "link-sent", language, viewport)
    outside = outside_requests(page, live_server)
    assert not outside, f"requests left the host: {outside}"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_pages_main_action_is_on_a_phones_first_screen(page, language):
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"/?lang={language}")
    button = page.locator("main a.button").first
    box = button.bounding_box()
    assert box and box["y"] + box["height"] <= VIEWPORTS["phone"]["height"], box
    button.click()
    assert page.url.endswith("/request")


def test_crisis_numbers_are_tap_to_call_in_the_footer(page):
    page.goto("/request/safety?region=NZ")
    hrefs = page.eval_on_selector_all("footer a[href^='tel:']", "links => links.map(a => a.href)")
    assert hrefs == ["tel:111", "tel:1737"]
