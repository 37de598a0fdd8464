"""Mail through the relay end to end: `relay receive`, decisions, the outbox, real SMTP."""
import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.safeguarding.models import Escalation

REQUESTER = {"pseudonym": "Asha", "name": "Asha Fictional-Surname", "email": "asha.private@example.com"}
VOLUNTEER = {"pseudonym": "Sam", "name": "Samantha Invented", "email": "sam.private@example.org",
             "phone": "07700 900123"}


@pytest.fixture
def pairing(make_pairing):
    return make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")


def _receive(runner, raw, recipient=None):
    args = ["relay", "receive"] + (["--recipient", recipient] if recipient else [])
    return runner.invoke(args=args, input=raw)


def _text(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def _inbound():
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()


def test_reply_reaches_the_other_side_masked_and_threaded(runner, pairing, mail_writer, smtp_sink):
    pairing, requester_writes_to, volunteer_writes_to = pairing
    raw = mail_writer("asha.private@example.com", requester_writes_to,
                      "Hi Sam, the nights are long but I'm managing.\n\nAsha Fictional-Surname\n07700 900456",
                      sender_name="Asha Fictional-Surname")
    result = _receive(runner, raw)
    assert result.exit_code == 0, result.output
    deliver_due()
    smtp_sink.wait_for(3)  # two introductions, then the relayed message
    [_intro, relayed] = smtp_sink.to("sam.private@example.org")
    whole = relayed.as_string()
    assert "the nights are long" in _text(relayed)
    for leaked in ("asha.private", "Fictional-Surname", "900456", "mail.example.com"):
        assert leaked not in whole
    assert "Asha" in relayed["From"] and volunteer_writes_to in relayed["From"]
    assert relayed["Message-ID"].endswith("@relay.example>")


def test_volunteer_reply_threads_under_the_requesters_message(runner, pairing, mail_writer, smtp_sink):
    pairing, requester_writes_to, volunteer_writes_to = pairing
    _receive(runner, mail_writer("asha.private@example.com", requester_writes_to, "First message",
                                 message_id="<first@mail.example.com>"))
    deliver_due()
    smtp_sink.wait_for(3)
    relayed_to_sam = smtp_sink.to("sam.private@example.org")[-1]
    _receive(runner, mail_writer("sam.private@example.org", volunteer_writes_to, "Reply from Sam",
                                 in_reply_to=relayed_to_sam["Message-ID"]))
    deliver_due()
    smtp_sink.wait_for(4)
    reply = smtp_sink.to("asha.private@example.com")[-1]
    assert reply["In-Reply-To"] == "<first@mail.example.com>"
    assert "Sam (Peer supporter)" in reply["From"] and requester_writes_to in reply["From"]


def test_stranger_is_quarantined_and_nothing_is_sent(runner, pairing, mail_writer, smtp_sink):
    pairing, requester_writes_to, _ = pairing
    result = _receive(runner, mail_writer("someone.else@example.net", requester_writes_to, "Who is this?",
                                          sender_name="Asha Fictional-Surname"))
    assert result.exit_code == 0
    [row] = _inbound()
    assert row.state == InboundState.QUARANTINED
    assert db.session.scalar(select(Escalation)).kind == "stranger"
    assert db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "relay")) is None


def test_sender_with_plus_tag_and_capitals_is_still_the_party(runner, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    _receive(runner, mail_writer("Asha.Private+home@Example.com", requester_writes_to, "Hello again"))
    assert _inbound()[0].state == InboundState.DELIVERED


def test_unknown_token_exits_67_and_stores_nothing(runner, pairing, mail_writer):
    result = _receive(runner, mail_writer("asha.private@example.com", "support+" + "0" * 32 + "@relay.example", "hi"))
    assert result.exit_code == 67
    assert _inbound() == []


def test_recipient_option_overrides_headers(runner, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    raw = mail_writer("asha.private@example.com", "undisclosed-recipients:;", "hi")
    assert _receive(runner, raw, recipient=requester_writes_to).exit_code == 0
    assert _receive(runner, raw + b"\n", recipient="support+nobody0000000000000000@relay.example").exit_code == 67


def test_the_same_message_twice_is_delivered_once(runner, pairing, mail_writer, smtp_sink):
    _, requester_writes_to, _ = pairing
    raw = mail_writer("asha.private@example.com", requester_writes_to, "Only once please")
    assert _receive(runner, raw).exit_code == 0
    assert _receive(runner, raw).exit_code == 0
    assert len(_inbound()) == 1
    assert len(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay")).all()) == 1


def test_auto_reply_is_never_passed_on(runner, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    raw = mail_writer("asha.private@example.com", requester_writes_to, "I am away until Monday.",
                      subject="Out of office", extra_headers=[("Auto-Submitted", "auto-replied")])
    _receive(runner, raw)
    assert _inbound()[0].state == InboundState.IGNORED


def test_contact_offer_is_held_and_the_sender_told_kindly(runner, pairing, mail_writer):
    _, requester_writes_to, _ = pairing
    _receive(runner, mail_writer("asha.private@example.com", requester_writes_to, "Text me on 07700 900777 any time!"))
    [row] = _inbound()
    assert row.state == InboundState.HELD
    notice = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "held_notice"))
    assert notice.recipient == "asha.private@example.com"
    assert "900777" not in row.clean_text


def test_review_all_holds_every_message(runner, make_pairing, mail_writer):
    _, requester_writes_to, _ = make_pairing(moderation="review_all")
    _receive(runner, mail_writer("person1@example.com", requester_writes_to, "Just saying hello"))
    assert _inbound()[0].state == InboundState.HELD


def test_late_message_after_the_end_reaches_coordinators_not_the_volunteer(runner, pairing, mail_writer,
                                                                           make_coordinator):
    from matcher.pairing.service import end_pairing

    pairing, requester_writes_to, _ = pairing
    end_pairing(pairing, "planned", make_coordinator())
    result = _receive(runner, mail_writer("asha.private@example.com", requester_writes_to, "One more thing"))
    assert result.exit_code == 0
    assert _inbound()[0].state == InboundState.QUARANTINED
    assert db.session.scalar(select(Escalation)).kind == "late_message"


def test_garbage_on_stdin_is_stored_and_quarantined_never_a_traceback(runner):
    result = _receive(runner, b"\x00\xff not a message at all")
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    [row] = _inbound()
    assert row.state == InboundState.QUARANTINED and row.raw == b"\x00\xff not a message at all"


def test_database_unavailable_exits_75(make_app, mail_writer, tmp_path):
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/none.sqlite")
    result = app.test_cli_runner().invoke(args=["relay", "receive"], input=mail_writer(
        "a@example.com", "support+" + "a" * 32 + "@relay.example", "hi"))
    assert result.exit_code == 75
