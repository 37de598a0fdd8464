"""Every public page in a real Chromium, phone and desktop, English and French: axe-core finds no serious
or critical WCAG 2.x A/AA violation, nothing is fetched from another host, nothing scrolls sideways, and the
home page's main action is on the first screen of a phone (issue 16). Screenshots go to screenshots/."""
from pathlib import Path

import axe_playwright_python
import pytest

from matcher.intake.models import RequestStatus
from matcher.intake.notices import link_token

pytestmark = pytest.mark.browser

# The copy of axe-core shipped inside the axe-playwright-python package: nothing is fetched at run time.
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
SCREENSHOTS = Path(__file__).parent / "screenshots"
VIEWPORTS = {"phone": {"width": 360, "height": 640}, "desktop": {"width": 1280, "height": 800}}
LANGUAGES = ("en", "fr_CA")
STATIC_PAGES = {
    "home": "/", "request": "/request", "sent": "/request/sent", "safety": "/request/safety?region=CA",
    "guidelines": "/guidelines", "privacy": "/privacy", "accessibility": "/accessibility",
    "link-gone": "/status/not-a-real-token", "not-found": "/no/such/page", "volunteer-apply": "/volunteer/apply",
}


def axe_violations(page) -> list[dict]:
    """Run axe-core in the page and return its serious and critical violations."""
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("(options) => axe.run(document, options)", AXE_OPTIONS)
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def check(page, live_server, name: str, language: str, viewport: str) -> list[str]:
    """Check the page now shown; return what is wrong with it, and save its screenshot."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{language}-{viewport}-{name}.png"), full_page=True)
    problems = [f"{name} ({language}, {viewport}): axe {v}" for v in axe_violations(page)]
    if page.evaluate("document.documentElement.scrollWidth") > VIEWPORTS[viewport]["width"]:
        problems.append(f"{name} ({language}, {viewport}): scrolls sideways")
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
    outside = [url for url in page.requested_urls if not url.startswith((live_server.url, "data:"))]
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
