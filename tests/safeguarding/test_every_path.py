"""Every path to an alert: whatever part of a message holds the disclosure, whatever becomes of it."""
import textwrap
from email import message_from_bytes, policy
from email.utils import make_msgid

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.pairing.service import end_pairing
from matcher.safeguarding.models import Escalation, Tier

PLAN = "I have been planning how to end my life"
TABLETS = "Sorry, I have the tablets ready and I'm going to take them all tonight"
PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"})


@pytest.fixture
def pairing(make_pairing):
    return make_pairing(*PEOPLE, moderation="audit_only")


def _receive(runner, raw):
    result = runner.invoke(args=["relay", "receive"], input=raw)
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id.desc())).first()


def _red_escalations(row):
    return db.session.scalars(select(Escalation).where(Escalation.inbound_id == row.id,
                                                       Escalation.tier == Tier.RED)).all()


def _alerted(smtp_sink, pairing_id):
    return [m for m in smtp_sink.to("oncall@example.org") if f"pairing #{pairing_id}" in m["Subject"]]


def _with_attachment(raw: bytes, content: bytes, filename: str) -> bytes:
    message = message_from_bytes(raw, policy=policy.default)
    message.add_attachment(content, maintype="text", subtype="plain", filename=filename)
    return message.as_bytes()


@pytest.mark.parametrize("where", ["subject", "postscript", "forwarded", "attachment"])
def test_a_disclosure_anywhere_the_sender_wrote_it_alerts(runner, pairing, mail_writer, smtp_sink, where):
    pairing, to, _ = pairing
    body, subject = "Thanks for your message, I'll write more at the weekend.\n\nAsha", "Hello"
    if where == "subject":
        subject = PLAN
    elif where == "postscript":
        body += f"\n\n--\nAsha\nPS {TABLETS}"
    elif where == "forwarded":
        body += ("\n\n---------- Forwarded message ---------\nFrom: Asha <asha.other@example.net>\n"
                 f"Date: Fri, 20 Nov 2026 23:10\nSubject: note to self\nTo: asha.other@example.net\n\n{TABLETS}\n")
    raw = mail_writer("asha@example.com", to, body, subject=subject)
    if where == "attachment":
        raw = _with_attachment(raw, f"{TABLETS}\n".encode(), "tonight.txt")
    row = _receive(runner, raw)
    assert [e.pairing_id for e in _red_escalations(row)] == [pairing.id]
    assert _alerted(smtp_sink, pairing.id)
    # Delivery still uses the anonymised text: what was cut for the reader stays cut.
    if where in ("postscript", "attachment"):
        deliver_due()
        [copy] = [m for m in smtp_sink.to("sam@example.org") if "weekend" in m.as_string()]
        assert "tablets" not in copy.get_body(preferencelist=("plain",)).get_content()


def test_a_reply_that_quotes_an_earlier_disclosure_raises_nothing_new(runner, pairing, mail_writer, smtp_sink):
    pairing, requester_to, volunteer_to = pairing
    first_id = make_msgid(domain="mail.example.com")
    first = _receive(runner, mail_writer("asha@example.com", requester_to, f"{PLAN}. {TABLETS}.",
                                         subject=PLAN, message_id=first_id))
    assert _red_escalations(first)
    quoted = "\n".join("> " + line for line in textwrap.wrap(f"{PLAN}. {TABLETS}.", 38))
    reply = (f"Asha, thank you for telling me. I'm here and a coordinator will be in touch.\n\n"
             f"On Sat, 21 Nov 2026, Asha wrote:\n{quoted}\n")
    second = _receive(runner, mail_writer("sam@example.org", volunteer_to, reply, subject=f"Re: {PLAN}",
                                          in_reply_to=first_id))
    assert _red_escalations(second) == []
    assert not any(flag["tier"] == "red" for flag in second.flags)


def test_her_other_address_is_quarantined_and_still_alerts_red(runner, pairing, mail_writer, smtp_sink):
    pairing, to, _ = pairing
    row = _receive(runner, mail_writer("asha.other@example.net", to, f"{PLAN}. {TABLETS}."))
    assert row.state == InboundState.QUARANTINED and row.pairing_id == pairing.id
    kinds = {e.kind: e.tier for e in db.session.scalars(select(Escalation).where(Escalation.inbound_id == row.id))}
    assert kinds == {"stranger": Tier.AMBER, "risk_red": Tier.RED}
    assert _alerted(smtp_sink, pairing.id)
    deliver_due()
    assert not any("tablets" in m.as_string() for m in smtp_sink.to("sam@example.org"))
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "crisis_reply")) is None


def test_a_stranger_with_nothing_alarming_is_only_amber_as_before(runner, pairing, mail_writer, smtp_sink):
    pairing, to, _ = pairing
    row = _receive(runner, mail_writer("someone@example.net", to, "Is this the right address for Sam?"))
    assert row.state == InboundState.QUARANTINED
    assert [e.kind for e in db.session.scalars(select(Escalation).where(Escalation.inbound_id == row.id))] == [
        "stranger"]
    assert _alerted(smtp_sink, pairing.id) == []


def test_after_the_pairing_ended_a_disclosure_is_kept_and_alerts_red(
        runner, pairing, mail_writer, smtp_sink, make_coordinator):
    pairing, to, _ = pairing
    end_pairing(pairing, "planned", make_coordinator(email="ender@example.org"))
    row = _receive(runner, mail_writer("asha@example.com", to, f"I know we finished. {TABLETS}."))
    assert row.state == InboundState.QUARANTINED
    [red] = _red_escalations(row)
    assert red.pairing_id == pairing.id
    assert _alerted(smtp_sink, pairing.id)


def test_the_crisis_reply_says_only_what_is_true(runner, pairing, mail_writer, smtp_sink):
    _, to, _ = pairing
    _receive(runner, mail_writer("asha@example.com", to, f"{PLAN}. {TABLETS}."))
    [crisis] = smtp_sink.to("asha@example.com")
    text = " ".join(crisis.get_body(preferencelist=("plain",)).get_content().split())
    assert "has seen your message" not in text
    assert "We have asked a coordinator to read your message" in text and "nobody may have read it yet" in text


def test_a_red_message_released_from_hold_reaches_the_volunteer_with_the_banner(
        runner, make_pairing, mail_writer, smtp_sink, make_coordinator):
    from matcher.mailrelay.review import release

    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    row = _receive(runner, mail_writer("asha@example.com", to, f"{PLAN}. {TABLETS}."))
    assert row.state == InboundState.HELD
    release(row, make_coordinator(email="reviewer@example.org"))
    deliver_due()
    [copy] = [m for m in smtp_sink.to("sam@example.org") if "tablets" in m.as_string()]
    assert "Note from the coordinators" in copy.get_body(preferencelist=("plain",)).get_content()
    assert "Note from the coordinators" in copy.get_body(preferencelist=("html",)).get_content()


def test_her_own_words_sent_again_as_new_text_are_read_again(runner, pairing, mail_writer, smtp_sink):
    pairing, to, volunteer_to = pairing
    first = _receive(runner, mail_writer("asha@example.com", to, f"{TABLETS}."))
    assert _red_escalations(first)
    # The volunteer's unmarked (Outlook-style) quote of it is history; her own words typed again are not.
    outlook = f"I'm so glad you told me.\n\nFrom: Asha\nSent: Saturday\n\n{TABLETS}.\n"
    assert _red_escalations(_receive(runner, mail_writer("sam@example.org", volunteer_to, outlook))) == []
    again = _receive(runner, mail_writer("asha@example.com", to, f"Nobody answered.\n{TABLETS}."))
    assert [e.pairing_id for e in _red_escalations(again)] == [pairing.id]
    quoting_herself = _receive(runner, mail_writer("asha@example.com", to, f"Sorry, ignore this:\n> {TABLETS}."))
    assert _red_escalations(quoting_herself) == []
