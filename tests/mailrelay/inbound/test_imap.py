"""`relay poll` against a real Dovecot: store, file away, dedupe after a crash, retry later."""
import logging
from email import policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import pytest
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mailrelay.inbound import imap
from matcher.mailrelay.inbound.imap import MailboxUnavailable, PollReport, poll_once
from matcher.mailrelay.models import InboundMessage, OutboxMessage, Party
from matcher.mailrelay.outbound.addresses import mint_token
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.mailrelay.service import address_for
from matcher.pairing import service

BODY = "Thank you for writing. The baby slept four hours last night and I feel a bit more like myself."


@pytest.fixture
def app_config(app_config, imap_account):
    """Every app in this module polls the test account with its password."""
    return app_config | imap_account.settings()


@pytest.fixture
def pairing(make_request, make_volunteer, make_coordinator, smtp_sink):
    """A live pairing whose introductions have already gone out."""
    make_request(pseudonym="Asha", email="asha.private@example.com")
    make_volunteer(pseudonym="Sam", email="sam.private@example.org")
    live = service.approve_proposal(service.run_proposals().proposals[0], make_coordinator())
    service.volunteer_confirms(live)
    deliver_due()
    smtp_sink.wait_for(2)
    smtp_sink.clear()
    return live


def letter(to: str, sender: str = "Asha <asha.private@example.com>", body: str = BODY) -> bytes:
    """Return a message as a person's mail program would send it to the relay mailbox."""
    message = EmailMessage()
    message["Delivered-To"] = to
    message["From"] = sender
    message["To"] = to
    message["Subject"] = "Last night"
    message["Date"] = formatdate()
    message["Message-ID"] = make_msgid(domain="mail.example.com")
    message.set_content(body)
    return message.as_bytes(policy=policy.SMTP)  # CRLF, as IMAP stores it


def requester_writes_to(pairing) -> str:
    """Return the masked address the requester writes to, which reaches the volunteer."""
    return address_for(pairing.id, Party.REQUESTER)


def stored_count() -> int:
    """Count inbound messages, as the database holds them now."""
    db.session.commit()  # end the test's read snapshot so the poller's commits show
    return db.session.scalar(select(func.count(InboundMessage.id)))


def poll(runner) -> str:
    """Run `relay poll` and return what it printed."""
    result = runner.invoke(args=["relay", "poll"])
    assert result.exit_code == 0, result.output
    return result.output


def send(runner) -> None:
    """Run `relay send`."""
    result = runner.invoke(args=["relay", "send"])
    assert result.exit_code == 0, result.output


def test_message_for_a_pairing_is_stored_filed_in_processed_and_relayed(
        runner, pairing, imap_account, smtp_sink, caplog):
    raw = letter(requester_writes_to(pairing))
    imap_account.deliver(raw)
    caplog.set_level(logging.DEBUG, logger="matcher.mailrelay.inbound.imap")

    assert "stored 1, unknown address 0, left for retry 0" in poll(runner)
    assert imap_account.messages("INBOX") == []
    assert imap_account.messages("Processed") == [raw]
    assert stored_count() == 1

    send(runner)
    smtp_sink.wait_for(1)
    [relayed] = smtp_sink.to("sam.private@example.org")
    assert "baby slept four hours" in relayed.get_body(preferencelist=("plain",)).get_content()
    assert "asha.private" not in relayed.as_string()
    loud = [r.getMessage() for r in caplog.records if r.name == imap.__name__ and r.levelno > logging.DEBUG]
    assert loud and not any("@" in line or "baby" in line for line in loud)


def test_message_for_an_unknown_token_is_kept_in_unknown_address_and_nothing_is_delivered(
        runner, pairing, imap_account, smtp_sink):
    raw = letter(f"support+{mint_token()}@relay.example")
    imap_account.deliver(raw)

    assert "stored 0, unknown address 1, left for retry 0" in poll(runner)
    assert imap_account.messages("INBOX") == []
    assert imap_account.messages("Unknown address") == [raw]
    assert stored_count() == 0
    send(runner)
    assert smtp_sink.received == []


def test_crash_after_storing_before_moving_is_deduplicated_and_delivered_once(
        runner, pairing, imap_account, smtp_sink, monkeypatch):
    raw = letter(requester_writes_to(pairing))
    imap_account.deliver(raw)
    queued_before = db.session.scalar(select(func.count(OutboxMessage.id)))
    real_move = imap.move_message
    attempts = []

    def connection_lost_once(client, uid, folder):
        attempts.append(uid)
        if len(attempts) == 1:
            raise ConnectionResetError("connection lost after the commit")
        real_move(client, uid, folder)

    monkeypatch.setattr(imap, "move_message", connection_lost_once)

    assert "stored 1" in poll(runner)
    assert imap_account.messages("INBOX") == [raw]
    assert stored_count() == 1
    send(runner)
    smtp_sink.wait_for(1)

    assert "stored 1, unknown address 0, left for retry 0" in poll(runner)
    assert imap_account.messages("INBOX") == []
    assert imap_account.messages("Processed") == [raw]
    assert stored_count() == 1
    send(runner)
    assert len(smtp_sink.to("sam.private@example.org")) == 1
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == queued_before + 1


def test_database_unavailable_leaves_messages_in_the_inbox_for_the_next_pass(
        app, pairing, imap_account, make_app, tmp_path, caplog):
    letters = [letter(requester_writes_to(pairing), body=f"{BODY} ({n})") for n in range(4)]
    for raw in letters:
        imap_account.deliver(raw)
    # A directory is no SQLite database: every query fails as if the server were down.
    no_database = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}")

    report = poll_once(no_database)

    assert report == PollReport(stored=0, unknown=0, retry=4)
    assert imap_account.messages("INBOX") == letters
    assert imap_account.messages("Processed") == []
    failures = [r for r in caplog.records if r.name == "matcher.mailrelay.inbound.imap" and r.levelno == logging.ERROR]
    assert len(failures) == imap.FAILURES_BEFORE_STOPPING
    assert "OperationalError" in failures[0].getMessage()

    assert poll_once(app) == PollReport(stored=4, unknown=0, retry=0)
    assert stored_count() == 4


def test_xoauth2_login_uses_the_token_not_the_password(
        pairing, imap_account, make_app, dovecot):
    raw = letter(requester_writes_to(pairing))
    imap_account.deliver(raw)
    # The test Dovecot accepts the token only through XOAUTH2, and the password only through LOGIN.
    with_token = make_app(MATCHER_IMAP_OAUTH2_TOKEN=imap_account.token, MATCHER_IMAP_PASSWORD="not it")

    assert poll_once(with_token) == PollReport(stored=1, unknown=0, retry=0)
    assert imap_account.messages("Processed") == [raw]
    assert f"user=<{imap_account.username}>, method=XOAUTH2" in dovecot.log()


def test_refused_xoauth2_token_raises_and_leaves_the_mail_untouched(imap_account, make_app):
    raw = letter(f"support+{mint_token()}@relay.example")
    imap_account.deliver(raw)
    # The password as a bearer token: a server that fell back to password checking would let it in.
    wrong_token = make_app(MATCHER_IMAP_OAUTH2_TOKEN=imap_account.password)

    with pytest.raises(MailboxUnavailable, match="AUTHENTICATIONFAILED"):
        poll_once(wrong_token)
    assert imap_account.messages("INBOX") == [raw]


def test_server_without_move_gets_copy_delete_and_expunge(pairing, make_app, dovecot_without_move):
    account = dovecot_without_move.add_account()
    with account.connect() as client:
        assert not client.has_capability("MOVE")
    raw = letter(requester_writes_to(pairing))
    account.deliver(raw)

    assert poll_once(make_app(**account.settings())) == PollReport(stored=1, unknown=0, retry=0)
    assert account.messages("INBOX") == []
    assert account.messages("Processed") == [raw]


def test_message_over_the_size_limit_stays_in_the_inbox_unread(pairing, imap_account, make_app):
    raw = letter(requester_writes_to(pairing), body=BODY * 100)
    imap_account.deliver(raw)

    report = poll_once(make_app(MATCHER_RELAY_MAX_MESSAGE_BYTES=len(raw) // 2))

    assert report == PollReport(stored=0, unknown=0, retry=0, too_large=1)
    assert imap_account.messages("INBOX") == [raw]
    assert stored_count() == 0


def test_poll_without_an_imap_host_does_nothing_and_says_so(imap_account, make_app, caplog):
    imap_account.deliver(letter(f"support+{mint_token()}@relay.example"))
    unset = make_app(MATCHER_IMAP_HOST=None)

    result = unset.test_cli_runner().invoke(args=["relay", "poll"])

    assert result.exit_code == 0 and "stored 0, unknown address 0, left for retry 0" in result.output
    assert "MATCHER_IMAP_HOST is not set" in caplog.text
    assert imap_account.folders() == ["INBOX"]
