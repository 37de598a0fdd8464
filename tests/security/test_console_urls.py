"""Console URLs: numbers too large to be ids are not found, and redirects stay on this site."""
import re

import pytest
from sqlalchemy import select

from matcher.extensions import db
from tests.conftest import totp_code

# As typed in a URL: just past PostgreSQL's integer, past SQLite's, and far past Python's int() limit.
TOO_LARGE = {"2**31": str(2**31), "2**63": str(2**63), "10**30": str(10**30), "5000 digits": "9" * 5000}
ELSEWHERE = ["https://evil.example.net/", "//evil.example.net/", "/\\evil.example.net/", "\\\\evil.example.net/",
             "/\t/evil.example.net/", "javascript:alert(1)", "https:evil.example.net"]


@pytest.fixture
def admin_browser(make_app, make_coordinator, console_client):
    # Errors answer as a server would (500), rather than raising into the test.
    served = make_app(PROPAGATE_EXCEPTIONS=False)
    coordinator = make_coordinator(email="lead@example.org", role="admin")
    browser = served.test_client()
    browser.post("/console/login", data={"email": coordinator.email, "password": "correct horse battery"})
    browser.post("/console/login/code", data={"code": totp_code(coordinator)})
    assert browser.get("/console/").status_code == 200
    return browser


def _console_paths_with_ids(app, number):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/console") and "<int:" in rule.rule:
            path = re.sub(r"<int:[^>]+>", number, rule.rule)
            path = re.sub(r"<any\(([^,)]+)[^>]*>", r"\1", path)
            method = "POST" if "POST" in rule.methods and "GET" not in rule.methods else "GET"
            yield method, path


@pytest.mark.parametrize("number", TOO_LARGE.values(), ids=TOO_LARGE)
def test_oversized_ids_in_console_urls_are_not_found(app, admin_browser, number):
    answers = {path: admin_browser.open(path, method=method).status_code
               for method, path in _console_paths_with_ids(app, number)}
    assert answers and {path: code for path, code in answers.items() if code != 404} == {}


@pytest.mark.parametrize("query", ["/console/audit?coordinator={}", "/console/audit?pairing={}"])
@pytest.mark.parametrize("number", TOO_LARGE.values(), ids=TOO_LARGE)
def test_oversized_numbers_in_console_queries_are_not_found(admin_browser, query, number):
    assert admin_browser.get(query.format(number)).status_code == 404


@pytest.mark.parametrize("target", ELSEWHERE)
def test_sign_in_never_sends_a_coordinator_to_another_site(client, make_coordinator, target):
    coordinator = make_coordinator()
    client.post("/console/login", query_string={"next": target},
                data={"email": coordinator.email, "password": "correct horse battery"})
    response = client.post("/console/login/code", data={"code": totp_code(coordinator)})
    assert response.headers["Location"] == "/console/"


@pytest.mark.parametrize("target", ELSEWHERE)
def test_review_actions_never_send_a_coordinator_to_another_site(client, signed_in, make_pairing, mail_writer,
                                                                  target):
    from matcher.mailrelay.ingest import receive
    from matcher.mailrelay.models import InboundMessage

    _, to, _ = make_pairing({"email": "asha@example.com"}, moderation="review_all")
    receive(mail_writer("asha@example.com", to, "Hello, thank you for writing."), "pipe")
    held = db.session.scalar(select(InboundMessage))
    response = client.post(f"/console/messages/{held.id}/return", data={"explanation": "", "back": target})
    assert response.headers["Location"] == "/console/held"


def test_review_actions_go_back_to_a_page_on_this_site(client, signed_in, make_pairing, mail_writer):
    from matcher.mailrelay.ingest import receive
    from matcher.mailrelay.models import InboundMessage

    pairing, to, _ = make_pairing({"email": "asha@example.com"}, moderation="review_all")
    receive(mail_writer("asha@example.com", to, "Hello, thank you for writing."), "pipe")
    held = db.session.scalar(select(InboundMessage))
    back = f"/console/pairings/{pairing.id}/thread"
    response = client.post(f"/console/messages/{held.id}/return", data={"explanation": "", "back": back})
    assert response.headers["Location"] == back


@pytest.mark.parametrize("number", TOO_LARGE.values(), ids=TOO_LARGE)
def test_oversized_ids_in_console_forms_are_not_found(admin_browser, number):
    from matcher.columns import utcnow
    from matcher.safeguarding.escalations import open_escalation
    from matcher.safeguarding.models import Tier

    escalation = open_escalation("bounce", Tier.AMBER, "A message we sent came back", now=utcnow())
    db.session.commit()
    response = admin_browser.post(f"/console/escalations/{escalation.id}/assign", data={"coordinator_id": number})
    assert response.status_code == 404
