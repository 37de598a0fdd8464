"""The console speaks in words: actions, statuses and levels named, one date format, right plurals."""
import pathlib
import re
from datetime import timedelta

from matcher.columns import utcnow
from matcher.console.wording import ACTIONS, ago, plural, when
from matcher.extensions import db
from matcher.pairing.service import end_pairing
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier

ONE_FORMAT = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} UTC")
PUBLIC_FOOTER = "not a crisis service"


def _recorded_actions() -> set[str]:
    source = "".join(p.read_text() for p in pathlib.Path("matcher").rglob("*.py"))
    actions = set(re.findall(r'record\(\s*"([a-z_]+\.[a-z_]+)"', source))
    steps = re.findall(r'_audit\(escalation, "([a-z_]+)"', source)
    statuses = {f"volunteer.{status}" for status in ("active", "paused", "retired")}  # record(f"volunteer.{status}")
    return actions | {f"escalation.{step}" for step in steps} | statuses


def test_every_recorded_audit_action_has_words():
    missing = _recorded_actions() - ACTIONS.keys()
    assert not missing


def test_audit_log_names_the_action_links_the_subject_and_shows_no_json(client, signed_in, make_pairing):
    pairing, _, _ = make_pairing()
    end_pairing(pairing, "requester_withdrew", by=signed_in)
    page = client.get("/console/audit").get_data(as_text=True)
    row = next(r for r in page.split("<tr>") if "<td>ended a pairing</td>" in r)
    assert f'href="/console/pairings/{pairing.id}"' in row
    assert "reason: requester withdrew" in row
    assert "{" not in row and "pairing.ended" not in row
    assert ONE_FORMAT.search(row)


def test_dashboard_counts_in_words_with_one_of_a_thing_singular(client, signed_in):
    open_escalation("risk_red", Tier.RED, "risk summary", now=utcnow() - timedelta(hours=2))
    db.session.commit()
    page = client.get("/console/").get_data(as_text=True)
    assert "1 open escalation<" in page and "0 messages held" in page and "0 requests waiting" in page
    assert ">First<" not in page
    assert PUBLIC_FOOTER not in page


def test_a_fresh_escalation_reads_today_not_today_ago(client, signed_in):
    escalation = open_escalation("risk_red", Tier.RED, "risk summary", now=utcnow() - timedelta(hours=2))
    db.session.commit()
    page = client.get(f"/console/escalations/{escalation.id}").get_data(as_text=True)
    assert "today ago" not in page and "(today)" in page
    assert "RED (urgent)" in page
    assert ONE_FORMAT.search(page)


def test_moderation_level_is_shown_in_words(client, signed_in, make_pairing):
    pairing, _, _ = make_pairing(moderation="review_flagged")
    page = client.get(f"/console/pairings/{pairing.id}").get_data(as_text=True)
    assert "flagged messages read before they go" in page and "review_flagged" not in page
    thread = client.get(f"/console/pairings/{pairing.id}/thread").get_data(as_text=True)
    assert ">every message read before it goes<" in thread


def test_console_pages_leave_out_the_public_crisis_footer(client, signed_in):
    for path in ("/console/", "/console/audit", "/console/escalations"):
        assert PUBLIC_FOOTER not in client.get(path).get_data(as_text=True)
    assert PUBLIC_FOOTER in client.get("/").get_data(as_text=True)


def test_words_for_counts_and_ages():
    now = utcnow()
    assert plural(1, "pairing") == "1 pairing" and plural(2, "pairing") == "2 pairings"
    assert ago(now - timedelta(hours=3), now) == "today"
    assert ago(now - timedelta(days=1), now) == "1 day ago"
    assert ago(now - timedelta(days=22), now) == "3 weeks ago"
    assert ONE_FORMAT.fullmatch(when(now))
