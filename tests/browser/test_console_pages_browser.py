"""Every console page in a real Chromium, phone and desktop, with realistic data: a coordinator signs in
with password and TOTP through the login pages, and on each page axe-core finds no serious or critical
WCAG 2.x A/AA violation, nothing scrolls sideways and nothing is fetched from another host (issue 16).
Screenshots go to screenshots/console-en-<width>px-<page>.png."""
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from matcher.care.models import Feedback
from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus
from matcher.pairing import service
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Escalation, Tier
from tests.browser.checks import VIEWPORTS, outside_requests, page_problems, screenshot_name
from tests.conftest import totp_code

pytestmark = pytest.mark.browser
RISK = "I keep thinking about how to end my life. I have been looking up how many tablets it would take."
PASSWORD = "correct horse battery"


@pytest.fixture
def console_data(make_coordinator, make_request, make_volunteer, make_pairing, mail_writer, smtp_sink):
    """A busy console: people waiting, volunteers, a pairing with an undelivered message, a held RED message."""
    coordinator = make_coordinator(role="admin")
    waiting = [make_request(days_waiting=days, stage=stage, language=language, region=region)
               for days, stage, language, region in ((40, "early", "en", "GB"), (12, "established", "fr", "CA"),
                                                     (3, "early", "en", "AU"))]
    make_volunteer(languages=["en", "fr"], capacity=3)
    make_volunteer(checks_expire_on=utcnow().date() + timedelta(days=10))
    pairing, to_volunteer, _ = make_pairing({"pseudonym": "Asha", "email": "asha@example.com"},
                                            {"pseudonym": "Sam", "email": "sam@example.org"},
                                            moderation="review_flagged")
    receive(mail_writer("asha@example.com", to_volunteer, "Thank you for writing. Today was a better day."), "pipe")
    delivered = db.session.scalar(select(InboundMessage).where(InboundMessage.state == InboundState.DELIVERED))
    copy = db.session.get(OutboxMessage, delivered.outbox_id)
    copy.status, copy.attempts, copy.last_error = OutboxStatus.FAILED, 5, "550 5.1.1 mailbox unavailable"
    receive(mail_writer("asha@example.com", to_volunteer, RISK), "pipe")
    held = db.session.scalar(select(InboundMessage).where(InboundMessage.state == InboundState.HELD))
    red = db.session.scalar(select(Escalation).where(Escalation.tier == Tier.RED))
    assert red is not None and any(flag.get("model") for flag in held.flags), "the learned reader raised no RED"
    open_escalation("bounce", Tier.AMBER, "An older, less urgent matter", now=utcnow() - timedelta(days=3))
    ended, _, _ = make_pairing()
    service.end_pairing(ended, "planned", coordinator, ask_feedback=False)
    db.session.add(Feedback(pairing_id=ended.id, party="requester", helpfulness=4, would_recommend="yes",
                            comment="It helped to talk to someone who had been there."))
    db.session.commit()
    smtp_sink.clear()
    return {"coordinator": coordinator, "request": waiting[0], "pairing": pairing, "held": held, "red": red,
            "volunteer": pairing.volunteer}


def console_pages(data) -> dict[str, str]:
    """Name and path of every console page a signed-in admin coordinator can open."""
    pairing, held, request_id = data["pairing"].id, data["held"].id, data["request"].id
    return {
        "dashboard": "/console/", "waiting": "/console/waiting", "request": f"/console/requests/{request_id}",
        "new-link-confirm": f"/console/requests/{request_id}/link/confirm",
        "proposals": "/console/proposals", "pair-by-hand": f"/console/requests/{request_id}/pair",
        "pairings": "/console/pairings", "pairing": f"/console/pairings/{pairing}",
        "thread": f"/console/pairings/{pairing}/thread", "held": "/console/held",
        "discard-confirm": f"/console/messages/{held}/discard/confirm",
        "escalations": "/console/escalations", "escalation": f"/console/escalations/{data['red'].id}",
        "audit": "/console/audit", "rules": "/console/rules", "volunteers": "/console/volunteers",
        "volunteer": f"/console/volunteers/{data['volunteer'].id}", "volunteer-new": "/console/volunteers/new",
        "feedback": "/console/feedback", "reports": "/console/reports", "retention": "/console/retention",
        "coordinators": "/console/coordinators", "password": "/console/account/password",
        "mailbox": "/dev/mailbox", "not-found": "/console/escalations/999999",
    }


def console_check(page, name: str, viewport: str) -> list[str]:
    """Check the console page now shown (the console is in English only) and save its screenshot."""
    return page_problems(page, screenshot_name("console", "en", viewport, name), viewport)


def sign_in(page, coordinator, viewport: str) -> list[str]:
    """Sign in through the login pages, checking each; return the problems found."""
    page.goto("/console/login")
    problems = console_check(page, "login", viewport)
    page.fill("#email", coordinator.email)
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.click("#submit")
    if coordinator.totp_secret is None:
        return problems
    problems += console_check(page, "login-code", viewport)
    db.session.refresh(coordinator)
    enter_code(page, totp_code(coordinator))
    assert page.locator("h1").inner_text() == "Dashboard"
    return problems


def enrol(page, viewport: str) -> list[str]:
    """Set up the authenticator from the key on the page (a wrong code first), checking each page shown."""
    enter_code(page, "000000")
    assert "did not match" in page.inner_text("main")
    problems = console_check(page, "second-factor-wrong-code", viewport)
    enter_code(page, pyotp.TOTP(page.inner_text("#totp-secret")).now())
    assert page.locator("h1").inner_text() != "Set up a second factor"
    problems += console_check(page, "recovery-codes", viewport)
    page.goto("/console/second-factor/setup")  # refused now: the key is never shown again
    problems += console_check(page, "second-factor-enrolled", viewport)
    return problems


def enter_code(page, code: str) -> None:
    """Type a code into the page's code box and send it."""
    page.fill("#code", code)
    with page.expect_navigation():
        page.click("#submit")


def after_a_click(page, path: str, selector: str, name: str, viewport: str) -> list[str]:
    """Open the path, click what the selector finds, and check the page that follows."""
    page.goto(path)
    with page.expect_navigation():
        page.click(selector)
    return console_check(page, name, viewport)


def new_tab(browser, live_server, viewport: str):
    """A fresh context and page at the viewport that records every URL it requests."""
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS[viewport])
    tab = context.new_page()
    tab.requested_urls = []
    tab.on("request", lambda request: tab.requested_urls.append(request.url))
    return context, tab


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_every_console_page_is_accessible_and_stays_on_this_host(browser, live_server, console_data,
                                                                 make_coordinator, viewport):
    context, page = new_tab(browser, live_server, viewport)
    problems = sign_in(page, console_data["coordinator"], viewport)
    for name, path in console_pages(console_data).items():
        page.goto(path)
        problems += console_check(page, name, viewport)
    page.goto(f"/console/pairings/{console_data['pairing'].id}")
    page.select_option("#reason", "planned")
    with page.expect_navigation():
        page.click("main form #submit")
    assert "RED" in page.inner_text("main")  # the warning about the open escalation
    problems += console_check(page, "end-confirm", viewport)
    problems += after_a_click(page, "/console/proposals", "text=Propose pairings now", "proposed", viewport)
    assert page.locator("main h2[id^='proposal-']").count() >= 1  # a batch of proposals to approve or reject
    problems += after_a_click(page, f"/console/pairings/{console_data['pairing'].id}/thread",
                              "text=Show the original message >> nth=0", "original-message", viewport)
    assert "Message-ID" in page.inner_text("main")
    page.goto("/dev/mailbox")
    with page.expect_navigation():
        page.locator("main a[href^='/dev/mailbox/']").first.click()
    problems += console_check(page, "mailbox-message", viewport)
    outside = outside_requests(page, live_server)
    context.close()

    context, page = new_tab(browser, live_server, viewport)  # a new coordinator is asked to set up TOTP
    problems += sign_in(page, make_coordinator(email="new-coord@example.org", totp=False), viewport)
    assert page.url.endswith("/console/second-factor/setup")
    problems += console_check(page, "second-factor-setup", viewport)
    problems += enrol(page, viewport)
    outside += outside_requests(page, live_server)
    context.close()
    assert not outside, f"requests left the host: {outside}"
    assert not problems, "\n".join(problems)
