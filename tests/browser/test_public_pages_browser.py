"""Every public page in a real Chromium, phone and desktop, English and French: axe-core finds no serious
or critical WCAG 2.x A/AA violation, nothing is fetched from another host, nothing scrolls sideways, and the
home page's main action is on the first screen of a phone (issue 16). Screenshots go to
screenshots/public-<language>-<width>px-<page>.png."""
from urllib.parse import urlsplit

import pytest

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.intake import service as intake
from matcher.intake.models import NOT_ASKED, RequestStatus
from matcher.intake.notices import confirm_url, link_token, status_url
from matcher.links import external_url
from matcher.mailrelay.models import Party
from matcher.pairing import service as pairings
from matcher.pairing import volunteers
from matcher.pairing.introductions import feedback_url, volunteer_page_url
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


@pytest.fixture
def token_pages(app, live_server, make_request, make_volunteer, make_coordinator, language):
    """Every page reached only by a link token, as the app's own link functions make them for this walk.

    The people store the walk's language, as they would have chosen it on their form: the volunteer's and
    the feedback pages speak the stored language whatever the browser says.
    """
    app.config["MATCHER_BASE_URL"] = live_server.url  # the links the app mails point at the live server
    locale = language
    coordinator = make_coordinator(email="walk-coord@example.org")
    volunteer = make_volunteer(locale=locale, capacity=3, pseudonym="Sam")
    live = _paired(make_request(locale=locale, pseudonym="Robin", region="CA"), volunteer, coordinator)
    pairings.volunteer_confirms(live)
    past = _paired(make_request(locale=locale, pseudonym="Alex", region="CA"), volunteer, coordinator)
    pairings.volunteer_confirms(past)
    pairings.end_pairing(past, "planned", coordinator, ask_feedback=False)
    introduced = _paired(make_request(locale=locale, pseudonym="Jo", region="CA"), volunteer, coordinator)
    revoked_volunteer = make_volunteer(locale=locale)
    old_volunteer_link = volunteer_page_url(revoked_volunteer)
    volunteers.issue_new_link(revoked_volunteer)
    reissued = make_request(locale=locale, region="CA")
    old_status_link = status_url(reissued)
    intake.issue_status_link(reissued)
    return {
        "urls": {
            "status-waiting": status_url(make_request(locale=locale, days_waiting=9, region="CA")),
            "status-paired": status_url(live.request),
            "status-ended": status_url(past.request),
            "status-screening": status_url(make_request(locale=locale, region="CA", consented_at=None,
                                                        safety_answer=NOT_ASKED)),
            "status-link-replaced": old_status_link,
            "confirm-address": confirm_url(make_request(locale=locale, status=RequestStatus.UNCONFIRMED,
                                                        region="AU")),
            "volunteer-page": volunteer_page_url(volunteer),
            "volunteer-introduction": external_url("pairing.volunteer_pairing", token=volunteers.link_token(volunteer),
                                                   pairing_id=introduced.id),
            "volunteer-link-replaced": old_volunteer_link,
            "feedback-requester": feedback_url(past, Party.REQUESTER),
            "feedback-volunteer": feedback_url(past, Party.VOLUNTEER),
        },
        "withdrawing": status_url(make_request(locale=locale, region="CA")),
    }


def _paired(support_request, volunteer, coordinator):
    """Introduce a request to the volunteer, as a coordinator's approval does."""
    pairing = pairings.create_pairing(support_request, volunteer, coordinator, 80.0, ["walk"], utcnow())
    db.session.commit()
    return pairing


def submit(page, form: str) -> None:
    """Press the submit button of the form the selector finds, and wait for the page that follows."""
    with page.expect_navigation():
        page.click(f"{form} button[type=submit], {form} input[type=submit]")


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_reached_by_a_link_is_accessible_and_stays_on_this_host(page, live_server, token_pages,
                                                                             language, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(f"/?lang={language}")
    problems = []
    urls = token_pages["urls"]
    for name, url in urls.items():
        response = page.goto(url)
        assert response is not None and response.status in (200, 410), (name, response and response.status)
        problems += check(page, live_server, name, language, viewport)
    page.goto(urls["volunteer-page"])
    assert "Robin" in page.inner_text("main") and "Alex" in page.inner_text("main")  # current and past pairings
    page.fill("#capacity", "2")
    submit(page, "form[action$='/capacity']")
    problems += check(page, live_server, "volunteer-page-saved", language, viewport)
    page.goto(urls["volunteer-introduction"])
    submit(page, "form[action$='/confirm']")
    problems += check(page, live_server, "volunteer-introduction-answered", language, viewport)
    page.goto(urls["confirm-address"])
    submit(page, "main")
    problems += check(page, live_server, "confirm-address-done", language, viewport)
    page.goto(urls["status-waiting"])
    submit(page, f"main form[action='{urlsplit(urls['status-waiting']).path}']")  # the preferences form
    problems += check(page, live_server, "status-saved", language, viewport)
    page.goto(urls["status-screening"])
    submit(page, "form[action$='/screening']")  # nothing ticked: every question says what is missing
    problems += check(page, live_server, "status-screening-errors", language, viewport)
    page.goto(urls["feedback-requester"])
    submit(page, "main form")  # nothing answered
    problems += check(page, live_server, "feedback-unanswered", language, viewport)
    page.check("input[name=helpfulness][value='4']")
    page.check("input[name=would_recommend][value=yes]")
    submit(page, "main form")
    problems += check(page, live_server, "feedback-sent", language, viewport)
    page.goto(token_pages["withdrawing"])
    page.check("#confirm-withdraw")
    submit(page, "#withdraw")
    problems += check(page, live_server, "withdrawn", language, viewport)
    outside = outside_requests(page, live_server)
    assert not outside, f"requests left the host: {outside}"
    assert not problems, "\n".join(problems)


@pytest.fixture
def limited_server(make_app, app):
    """A second live server whose public forms allow one sending a minute, to meet their 429 pages."""
    from tests.browser.conftest import LiveServer

    limited_app = make_app(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, MATCHER_INTAKE_RATE_LIMIT="1 per minute")
    with LiveServer(limited_app) as server:
        limited_app.config["MATCHER_BASE_URL"] = server.url
        yield server
    with limited_app.app_context():
        db.session.remove()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_public_forms_too_many_requests_page_is_kind_and_accessible(browser, limited_server, language,
                                                                          viewport):
    context = browser.new_context(base_url=limited_server.url, viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.requested_urls = []
    page.on("request", lambda request: page.requested_urls.append(request.url))
    page.goto(f"/?lang={language}")
    problems = []
    for name, path, form in (("request-limited", "/request", "main form"),
                             ("volunteer-apply-limited", "/volunteer/apply", "main form"),
                             ("link-sent-limited", "/status/not-a-real-token", "main form[action='/link/new']")):
        for _ in range(2):  # the second sending is over the limit
            page.goto(path)
            if "link/new" in form:
                page.fill("#email", "someone@example.org")
            submit(page, form)
        assert page.locator("[role=alert]").first.is_visible(), name
        problems += check(page, limited_server, name, language, viewport)
    outside = outside_requests(page, limited_server)
    context.close()
    assert not outside, f"requests left the host: {outside}"
    assert not problems, "\n".join(problems)
