"""Every adapter sends a RED alert before it acknowledges the message; IMAP reads at once by IDLE."""
import smtplib
import threading
import time

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.inbound import imap_idle
from matcher.mailrelay.inbound.imap import poll_once
from matcher.mailrelay.inbound.smtpd import make_controller, stop_controller
from matcher.mailrelay.models import InboundMessage
from tests.conftest import _free_port
from tests.mailrelay.inbound.test_adapters import _post

RISK = "I can't do this any more. I have been planning how to end my life and I have the tablets ready."
PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"})


@pytest.fixture
def red_mail(make_pairing, mail_writer):
    _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    return to, mail_writer("asha@example.com", to, RISK)


def test_webhook_sends_the_alert_before_it_answers_200(make_app, red_mail, smtp_sink):
    app = make_app(MATCHER_WEBHOOK_SECRET="hook-secret")
    _, raw = red_mail
    with app.app_context():
        response = _post(app.test_client(), raw)
    assert response.status_code == 200
    # Already there when the provider hears "stored": no scheduler pass was needed.
    [alert] = smtp_sink.to("oncall@example.org")
    assert "[RED]" in alert["Subject"]


def test_smtp_listener_sends_the_alert_before_its_250(make_app, red_mail, smtp_sink):
    # Even with the listener's own delivery pass turned off, alerts go before the 250.
    app = make_app(MATCHER_SMTPD_SENDS=False)
    controller = make_controller(app, "127.0.0.1", _free_port())
    controller.start()
    try:
        to, raw = red_mail
        with smtplib.SMTP(controller.hostname, controller.port) as client:
            assert client.sendmail("asha@example.com", [to], raw) == {}
        assert [m["Subject"] for m in smtp_sink.to("oncall@example.org")] != []
        assert smtp_sink.to("sam@example.org") == []  # ordinary mail still waits for a delivery pass
    finally:
        stop_controller(controller)


def test_imap_sends_the_alert_before_moving_the_message_out_of_the_inbox(
        make_app, red_mail, smtp_sink, imap_account):
    _, raw = red_mail
    imap_account.deliver(raw)
    poll_once(make_app(**imap_account.settings()))
    assert smtp_sink.to("oncall@example.org") and imap_account.messages("INBOX") == []


def test_imap_idle_reads_new_mail_and_alerts_within_seconds(make_app, red_mail, smtp_sink, imap_account):
    app = make_app(**imap_account.settings())
    stop = threading.Event()
    watcher = threading.Thread(target=imap_idle.watch, args=(app, stop), daemon=True)
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while not imap_idle.idling.is_set():
            assert time.monotonic() < deadline, "the watcher never entered IDLE"
            time.sleep(0.05)
        _, raw = red_mail
        delivered = time.monotonic()
        imap_account.deliver(raw)
        smtp_sink.wait_for(1, timeout=5)
        assert time.monotonic() - delivered < 5  # a 60-second poll made this 47 to 53 seconds
        assert smtp_sink.to("oncall@example.org")
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive() and not imap_idle.idling.is_set()
    db.session.commit()
    assert db.session.scalar(select(InboundMessage.adapter)) == "imap"


def test_while_idling_the_interval_poll_stands_aside_and_polls_again_once_idle_ends(make_app, imap_account):
    from matcher.care.jobs import poll_inbox
    from matcher.columns import utcnow

    app = make_app(**imap_account.settings())
    imap_account.deliver(b"From: a@example.com\r\nTo: support+x@relay.example\r\n\r\nhi\r\n")
    imap_idle.idling.set()  # what a live watcher says
    try:
        with app.app_context():
            poll_inbox(utcnow())
        assert len(imap_account.messages("INBOX")) == 1
    finally:
        imap_idle.idling.clear()
    with app.app_context():
        poll_inbox(utcnow())
    assert imap_account.messages("INBOX") == []


def test_the_scheduler_starts_the_idle_watcher_only_when_a_mailbox_is_configured(make_app, imap_account):
    from matcher.care.jobs import start_imap_idle

    assert not start_imap_idle(make_app(MATCHER_IMAP_HOST=None)).is_set()
    assert not imap_idle.idling.is_set()
    stop = start_imap_idle(make_app(**imap_account.settings()))
    try:
        deadline = time.monotonic() + 10
        while not imap_idle.idling.is_set():
            assert time.monotonic() < deadline, "the scheduler's watcher never entered IDLE"
            time.sleep(0.05)
    finally:
        stop.set()
    deadline = time.monotonic() + 10
    while imap_idle.idling.is_set():
        assert time.monotonic() < deadline, "the watcher did not stop"
        time.sleep(0.05)
