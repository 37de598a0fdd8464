"""Every unmatched request comes with the rule that blocks it, in the JSON, on the page and at import."""
import json
from datetime import timedelta

from matcher.columns import utcnow
from matcher.pairing.rulebreaks import rule_breaks
from matcher.pairing.scoring import RequestProfile, VolunteerProfile, hard_rule_failures


def _roster(tmp_path, checks: str):
    trained = (utcnow().date() - timedelta(days=100)).isoformat()
    path = tmp_path / "roster.csv"
    path.write_text(
        "name,email,phone,pseudonym,role,stages,experiences,languages,timezone,capacity,trained_on,checks_expire_on\n"
        f"Kit Fictional,kit@example.org,,Kit,partner,early,,en,Europe/London,2,{trained},{checks}\n"
        f"Lee Fictional,lee@example.org,,Lee,partner,early,,en,Europe/London,2,{trained},{checks}\n")
    return path


def test_import_without_check_dates_warns_and_propose_names_the_missing_checks(runner, make_request, tmp_path):
    imported = runner.invoke(args=["volunteers", "import", str(_roster(tmp_path, ""))])
    assert imported.exit_code == 0, imported.output
    assert "2 of 2 volunteers have no background check recorded" in imported.output
    partner = make_request(role="partner", email="pat@example.com")
    out = tmp_path / "run.json"
    result = runner.invoke(args=["pairing", "propose", "--json", str(out)])
    document = json.loads(out.read_text())
    assert document["unmatched"] == ["pat@example.com"]
    assert document["unmatched_reasons"] == [
        {"requester_email": "pat@example.com", "reason": "no partner volunteer with a recorded background check"}]
    assert f"request #{partner.id}: no partner volunteer with a recorded background check" in result.output
    assert "pat@example.com" not in result.output


def test_the_proposals_page_says_why_each_waiting_request_has_no_proposal(client, signed_in, make_request,
                                                                          make_volunteer):
    make_request(pseudonym="Asha", stage="acute")
    make_volunteer(stages=["acute"], capacity=1)
    make_volunteer(stages=["acute"], capacity=0)
    make_volunteer(stages=["early"], capacity=0)
    client.post("/console/proposals/run")
    page = client.get("/console/proposals").get_data(as_text=True)
    # Asha is proposed to the one with room; nothing else waits.
    assert "Waiting with no proposal" not in page
    make_request(pseudonym="Bea", stage="acute", days_waiting=0)
    page = client.get("/console/proposals").get_data(as_text=True)
    assert "Bea" in page and "no mother volunteer for the acute stage" in page


def test_rule_codes_and_words_stay_in_step():
    today = utcnow().date()
    request = RequestProfile(1, "mother", "acute", frozenset(), "cy", "Europe/London", utcnow(), risk_hold=True,
                             excluded_volunteer_ids=frozenset({2}))
    volunteer = VolunteerProfile(2, "partner", frozenset({"early"}), frozenset(), frozenset({"en"}),
                                 "Europe/London", 1, 1, "paused", None, today - timedelta(days=1),
                                 paused_until=today)
    breaks = rule_breaks(request, volunteer, today)
    assert [b.words for b in breaks] == hard_rule_failures(request, volunteer, today)
    assert {b.code for b in breaks if b.protective} == {"risk_hold", "not_active", "untrained", "check_expired"}
