"""A risk disclosure through the real relay: alert, crisis reply, escalation, hold or banner."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.safeguarding.escalations import working_hours
from matcher.safeguarding.models import Escalation, Tier
from matcher.safeguarding.worktime import due_in_working_hours, end_of_working_day

RISK = "I can't do this any more. I have been planning how to end my life and I have the tablets ready."
PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com", "region": "US"},
          {"pseudonym": "Sam", "email": "sam@example.org"})


def _receive(runner, raw):
    result = runner.invoke(args=["relay", "receive"], input=raw)
    assert result.exit_code == 0, result.output
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


@pytest.mark.parametrize("moderation,expected", [("review_flagged", InboundState.HELD),
                                                 ("audit_only", InboundState.DELIVERED)])
def test_red_message_alerts_at_once_replies_with_crisis_numbers_and_escalates(
        runner, make_pairing, mail_writer, smtp_sink, moderation, expected):
    pairing, to, _ = make_pairing(*PEOPLE, moderation=moderation)
    row = _receive(runner, mail_writer("asha@example.com", to, RISK))
    # `relay receive` sent the alert and the crisis reply before it exited: no scheduler needed.
    smtp_sink.wait_for(2, timeout=5)
    [alert] = smtp_sink.to("oncall@example.org")
    assert "[RED]" in alert["Subject"] and f"pairing #{pairing.id}" in alert["Subject"]
    alert_text = _text(alert)
    assert f"/console/pairings/{pairing.id}/thread" in alert_text and "rules version" in alert_text.lower()
    for private in ("tablets", "end my life", "asha@example.com", "Asha"):
        assert private not in alert.as_string()
    [crisis] = smtp_sink.to("asha@example.com")
    assert "988" in _text(crisis) and "911" in _text(crisis)
    assert row.state == expected
    escalation = db.session.scalar(select(Escalation))
    assert escalation.tier == Tier.RED and escalation.pairing_id == pairing.id
    assert escalation.flags and escalation.flags[0]["rules_version"]


def test_volunteers_copy_carries_a_banner_under_audit_only(runner, make_pairing, mail_writer, smtp_sink):
    _, to, _ = make_pairing(*PEOPLE, moderation="audit_only")
    _receive(runner, mail_writer("asha@example.com", to, RISK))
    deliver_due()
    smtp_sink.wait_for(5)
    relayed = smtp_sink.to("sam@example.org")[-1]
    assert "Note from the coordinators" in _text(relayed) and "tablets" in _text(relayed)


def test_the_banner_gives_the_emergency_number_of_the_requesters_region(runner, make_pairing, mail_writer,
                                                                         smtp_sink):
    requester, volunteer = PEOPLE
    _, to, _ = make_pairing(requester | {"region": "AU"}, volunteer, moderation="audit_only")
    _receive(runner, mail_writer("asha@example.com", to, RISK))
    deliver_due()
    smtp_sink.wait_for(5)
    banner = _text(smtp_sink.to("sam@example.org")[-1])
    assert "call 000" in banner and "999" not in banner and "911" not in banner


def test_idiom_is_not_risk(runner, make_pairing, mail_writer, smtp_sink):
    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    row = _receive(runner, mail_writer("asha@example.com", to,
                                       "This sleep deprivation is killing me, and I could kill for a coffee!"))
    assert row.state == InboundState.DELIVERED and row.flags == []
    assert db.session.scalar(select(Escalation)) is None


def test_amber_is_held_under_review_flagged_and_due_by_the_end_of_the_working_day(
        runner, make_pairing, mail_writer):
    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    row = _receive(runner, mail_writer("asha@example.com", to,
                                       "I stopped taking my medication last week. I feel hopeless."))
    assert row.state == InboundState.HELD
    escalation = db.session.scalar(select(Escalation))
    assert escalation.tier == Tier.AMBER
    assert escalation.due_at == due_in_working_hours(escalation.created_at, working_hours())
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert")) is None


def test_volunteer_medication_advice_is_held_whatever_the_moderation(runner, make_pairing, mail_writer):
    _, _, volunteer_to = make_pairing(*PEOPLE, moderation="audit_only")
    row = _receive(runner, mail_writer("sam@example.org", volunteer_to,
                                       "Honestly, you should stop taking the lithium, I did."))
    assert row.state == InboundState.HELD
    assert any(flag["tier"] == "boundary" for flag in row.flags)


def test_volunteer_concern_address_opens_an_escalation_and_reaches_nobody_else(runner, make_pairing, mail_writer):
    from matcher.mailrelay.outbound.relaying import concern_address

    pairing, _, _ = make_pairing(*PEOPLE, moderation="audit_only")
    concern = concern_address(pairing.id)
    intro = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "sam@example.org"))
    assert concern.encode() in intro.raw
    row = _receive(runner, mail_writer("sam@example.org", concern, "Asha sounded very low today."))
    assert row.state == InboundState.FOR_COORDINATORS
    escalation = db.session.scalar(select(Escalation))
    assert escalation.kind == "volunteer_concern" and escalation.pairing_id == pairing.id
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay")) is None


def test_concern_address_refuses_anyone_but_the_volunteer(runner, make_pairing, mail_writer):
    from matcher.mailrelay.outbound.relaying import concern_address

    pairing, _, _ = make_pairing(*PEOPLE)
    row = _receive(runner, mail_writer("asha@example.com", concern_address(pairing.id), "hello"))
    assert row.state == InboundState.QUARANTINED


def test_a_flag_never_ends_support(runner, make_pairing, mail_writer):
    pairing, to, _ = make_pairing(*PEOPLE)
    _receive(runner, mail_writer("asha@example.com", to, RISK))
    assert pairing.is_live


def test_working_day_rolls_over_the_weekend():
    friday_evening = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
    monday_five = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    assert end_of_working_day(friday_evening, "Europe/London") == monday_five
    tuesday_morning = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    assert end_of_working_day(tuesday_morning, "Europe/London") == tuesday_morning.replace(hour=17)
    summer = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)
    assert end_of_working_day(summer, "Europe/London") == summer.replace(hour=16)  # 17:00 BST
    assert end_of_working_day(summer, "Europe/London") - summer < timedelta(hours=7)


# ----- the learned reader beside the rules --------------------------------------------------------

FRENCH_RISK = "Je veux mourir. J'ai gardé tous mes médicaments et ce soir je vais tous les prendre."


def test_a_disclosure_the_rules_cannot_read_alerts_through_the_learned_reader(
        runner, make_pairing, mail_writer, smtp_sink, client, signed_in):
    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    row = _receive(runner, mail_writer("asha@example.com", to, FRENCH_RISK))
    assert row.state == InboundState.HELD
    [flag] = [f for f in row.flags if f["code"] == "model_red"]
    assert flag["model"]["score"] >= flag["model"]["threshold"] and len(flag["model"]["neighbours"]) == 3
    smtp_sink.wait_for(2, timeout=5)
    [alert] = smtp_sink.to("oncall@example.org")
    alert_text = _text(alert)
    assert "learned reader scored" in alert_text and "closest labelled examples" in alert_text
    # The alert shows fictional training examples, never the message's own words or the sender.
    assert "J'ai gardé tous mes médicaments" not in alert_text and "Asha" not in alert.as_string()
    escalation = db.session.scalar(select(Escalation))
    assert escalation.tier == Tier.RED
    page = client.get(f"/console/escalations/{escalation.id}").get_data(as_text=True)
    assert "Closest labelled training messages" in page and f"Score {flag['model']['score']:.2f}" in page


def test_a_partners_third_person_report_is_red(runner, make_pairing, mail_writer, smtp_sink):
    _, to, _ = make_pairing(*PEOPLE, moderation="audit_only")
    row = _receive(runner, mail_writer("asha@example.com", to,
                                       "I'm writing about my wife. She hasnt slept in 4 days and says the telly is "
                                       "sending her messages about the baby."))
    assert "red" in {f["tier"] for f in row.flags}
    smtp_sink.wait_for(1, timeout=5)
    assert smtp_sink.to("oncall@example.org")


def test_volunteer_signposting_a_crisis_line_is_not_held_as_a_contact_offer(runner, make_pairing, mail_writer):
    _, _, volunteer_to = make_pairing(*PEOPLE, moderation="review_flagged")
    row = _receive(runner, mail_writer("sam@example.org", volunteer_to,
                                       "If tonight feels too much, you can call or text Samaritans on 116 123, "
                                       "day or night."))
    assert not any(reason.startswith("contact details") for reason in row.reasons), row.reasons
    assert row.state == InboundState.DELIVERED, (row.reasons, row.flags)
