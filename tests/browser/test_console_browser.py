"""A coordinator works the highest escalation and releases a held message, in a real browser."""
import pytest
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Escalation, EscalationStatus, Tier
from tests.conftest import totp_code

pytestmark = pytest.mark.browser
RISK = "I keep thinking about how to end my life. I have been looking up how many tablets it would take."


def test_coordinator_signs_in_with_totp_acknowledges_the_red_escalation_and_releases_the_message(
        page, live_server, make_coordinator, make_pairing, mail_writer, smtp_sink):
    coordinator = make_coordinator()
    _pairing, to, _ = make_pairing({"pseudonym": "Asha", "email": "asha@example.com"},
                                  {"pseudonym": "Sam", "email": "sam@example.org"}, moderation="review_flagged")
    open_escalation("bounce", Tier.AMBER, "An older, less urgent matter", now=utcnow().replace(year=2025))
    db.session.commit()
    receive(mail_writer("asha@example.com", to, RISK), "pipe")
    held = db.session.scalar(select(InboundMessage))
    assert held.state == InboundState.HELD
    red = db.session.scalar(select(Escalation).where(Escalation.tier == Tier.RED))
    smtp_sink.clear()

    page.goto("/console/")
    page.fill("#email", coordinator.email)
    page.fill("#password", "correct horse battery")
    with page.expect_navigation():
        page.click("#submit")
    page.fill("#code", totp_code(coordinator))
    with page.expect_navigation():
        page.click("#submit")
    assert page.locator("h1").inner_text() == "Dashboard"

    first_row = page.locator("table.queue tbody tr").first
    assert "RED" in first_row.inner_text()
    with page.expect_navigation():
        first_row.locator("a").click()
    assert page.url.endswith(f"/console/escalations/{red.id}")
    with page.expect_navigation():
        page.click("#acknowledge")
    db.session.expire_all()
    assert db.session.get(Escalation, red.id).status == EscalationStatus.ACKNOWLEDGED

    with page.expect_navigation():
        page.click("text=read the messages")
    with page.expect_navigation():
        page.click(f"form[action='/console/messages/{held.id}/release'] button")
    assert "Released" in page.inner_text("main")
    smtp_sink.wait_for(1)
    # The in-process sender also sends what was still queued (the introductions).
    [delivered] = [m for m in smtp_sink.to("sam@example.org")
                   if "tablets" in m.get_body(preferencelist=("plain",)).get_content()]
    assert "asha@example.com" not in delivered.as_string()
    assert [url for url in page.requested_urls if not url.startswith(live_server.url)] == []
