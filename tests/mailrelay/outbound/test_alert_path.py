"""The alert path: fast retries, timeouts, a second route, and "alert not delivered" when all fail."""
import json
import socket
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.safeguarding.models import Escalation
from tests.conftest import SmtpSink, _free_port, _SinkHandler

RISK = "I can't do this any more. I have been planning how to end my life and I have the tablets ready."
PEOPLE = ({"pseudonym": "Asha", "email": "asha@example.com"}, {"pseudonym": "Sam", "email": "sam@example.org"})
REFUSE = "451 4.3.0 try again later"


@pytest.fixture
def second_sink():
    """A second real SMTP server on loopback: the alerts' fallback route."""
    sink = SmtpSink("127.0.0.1", _free_port())
    controller = Controller(_SinkHandler(sink), hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


class _Receiver(BaseHTTPRequestHandler):
    posts: list
    status = 200

    def do_POST(self):
        self.posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(self.status)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """A fake SMS gateway on loopback that keeps what is POSTed to it."""
    handler = type("Gateway", (_Receiver,), {"posts": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield handler, f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent_server():
    """A TCP server on loopback that accepts connections and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def _red(runner, make_pairing, mail_writer):
    pairing, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
    result = runner.invoke(args=["relay", "receive"], input=mail_writer("asha@example.com", to, RISK))
    assert result.exit_code == 0, result.output
    alert = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
    return pairing, alert


def test_a_refused_alert_is_tried_again_within_seconds_and_leaves_once_the_server_is_back(
        runner, make_pairing, mail_writer, smtp_sink):
    smtp_sink.refuse_with = REFUSE
    _, alert = _red(runner, make_pairing, mail_writer)
    assert alert.status == OutboxStatus.PENDING and "451" in alert.last_error
    # Ordinary mail would wait 60 s; the alert is due again in 5.
    assert alert.next_attempt_at <= utcnow() + timedelta(seconds=5)
    smtp_sink.refuse_with = None
    back = utcnow()
    deliver_due(now=back + timedelta(seconds=5), most_urgent_only=True)
    assert db.session.get(OutboxMessage, alert.id).status == OutboxStatus.SENT
    assert smtp_sink.to("oncall@example.org")


def test_a_server_that_never_answers_does_not_hang_relay_receive(
        app_config, make_app, make_pairing, mail_writer, silent_server):
    app = make_app(MAIL_PORT=silent_server, MAIL_TIMEOUT=1)
    with app.app_context():
        _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
        raw = mail_writer("asha@example.com", to, RISK)
        outcome = {}
        worker = threading.Thread(target=lambda: outcome.update(
            result=app.test_cli_runner().invoke(args=["relay", "receive"], input=raw)), daemon=True)
        started = time.monotonic()
        worker.start()
        worker.join(timeout=20)
        assert not worker.is_alive(), "relay receive hung on an SMTP server that never answers"
        assert time.monotonic() - started < 10
        assert outcome["result"].exit_code == 0
        alert = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "alert"))
        assert alert.status == OutboxStatus.PENDING and "timed out" in alert.last_error.lower()


@pytest.fixture
def with_second_routes(app_config, second_sink, gateway):
    app_config["MATCHER_ALERT_FALLBACK_SMTP"] = f"smtp://{second_sink.host}:{second_sink.port}"
    app_config["MATCHER_ALERT_WEBHOOK_URL"] = gateway[1]
    return app_config


def test_after_the_fallback_time_the_alert_goes_by_the_second_smtp_server(
        with_second_routes, runner, make_pairing, mail_writer, smtp_sink, second_sink, gateway):
    smtp_sink.refuse_with = REFUSE
    pairing, alert = _red(runner, make_pairing, mail_writer)
    deliver_due(now=utcnow() + timedelta(seconds=10), most_urgent_only=True)
    assert not second_sink.received  # not yet: the first route gets its chance first
    deliver_due(now=utcnow() + timedelta(seconds=31), most_urgent_only=True)
    [copy] = second_sink.to("oncall@example.org")
    assert f"pairing #{pairing.id}" in copy["Subject"] and "tablets" not in copy.as_string()
    assert db.session.get(OutboxMessage, alert.id).status == OutboxStatus.SENT
    assert gateway[0].posts == []


def test_the_sms_gateway_is_tried_when_both_smtp_servers_fail(
        with_second_routes, runner, make_pairing, mail_writer, smtp_sink, second_sink, gateway):
    smtp_sink.refuse_with = second_sink.refuse_with = REFUSE
    pairing, alert = _red(runner, make_pairing, mail_writer)
    deliver_due(now=utcnow() + timedelta(seconds=31), most_urgent_only=True)
    [post] = gateway[0].posts
    assert f"pairing #{pairing.id}" in post["text"]
    assert not any(word in json.dumps(post) for word in ("tablets", "Asha", "asha@example.com"))
    assert db.session.get(OutboxMessage, alert.id).status == OutboxStatus.SENT


def test_when_every_route_fails_the_dashboard_says_alert_not_delivered_until_one_works(
        with_second_routes, runner, make_pairing, mail_writer, smtp_sink, second_sink, gateway, client, signed_in):
    smtp_sink.refuse_with = second_sink.refuse_with = REFUSE
    gateway[0].status = 503
    pairing, _ = _red(runner, make_pairing, mail_writer)
    deliver_due(now=utcnow() + timedelta(seconds=31), most_urgent_only=True)
    escalation = db.session.scalar(select(Escalation).where(Escalation.pairing_id == pairing.id,
                                                            Escalation.kind == "risk_red"))
    db.session.refresh(escalation)
    assert escalation.alert_undelivered_at is not None
    assert "alert not delivered" in client.get("/console/").get_data(as_text=True)
    assert "alert not delivered" in client.get(f"/console/escalations/{escalation.id}").get_data(as_text=True)
    # Still tried every few seconds; once the first server is back, the mark goes.
    smtp_sink.refuse_with = None
    deliver_due(now=utcnow() + timedelta(seconds=40), most_urgent_only=True)
    db.session.refresh(escalation)
    assert escalation.alert_undelivered_at is None and smtp_sink.to("oncall@example.org")
    assert "alert not delivered" not in client.get("/console/").get_data(as_text=True)


def test_a_dead_server_costs_one_timeout_per_pass_not_one_per_message(
        make_app, make_pairing, mail_writer, silent_server):
    app = make_app(MAIL_PORT=silent_server, MAIL_TIMEOUT=1)
    with app.app_context():
        _, to, _ = make_pairing(*PEOPLE, moderation="review_flagged")
        raw = mail_writer("asha@example.com", to, RISK)
        started = time.monotonic()
        result = app.test_cli_runner().invoke(args=["relay", "receive"], input=raw)
        assert result.exit_code == 0
        # The alert and the crisis reply both waited, but only one of them for the timeout.
        assert time.monotonic() - started < 1.9
        waiting = db.session.scalars(select(OutboxMessage).where(OutboxMessage.priority == 0)).all()
        assert {row.kind for row in waiting} == {"alert", "crisis_reply"}
        assert all(row.status == OutboxStatus.PENDING for row in waiting)


def test_fast_retries_end_when_ordinary_retries_would_have(runner, make_pairing, mail_writer, smtp_sink):
    smtp_sink.refuse_with = REFUSE
    _, alert = _red(runner, make_pairing, mail_writer)
    # The test configuration retries ordinary mail after 60 s and 300 s: 6 minutes in all.
    deliver_due(now=utcnow() + timedelta(minutes=7), most_urgent_only=True)
    assert db.session.get(OutboxMessage, alert.id).status == OutboxStatus.FAILED


@pytest.mark.parametrize("value", ["http://mail.example.org", "smtp://", "mail.example.org:25"])
def test_a_second_smtp_server_that_is_not_an_smtp_address_stops_start_up(app_config, value):
    from matcher import StartupRefused, create_app

    with pytest.raises(StartupRefused, match="MATCHER_ALERT_FALLBACK_SMTP"):
        create_app(app_config | {"MATCHER_ALERT_FALLBACK_SMTP": value})


def test_second_smtp_server_addresses_are_read_with_their_security_and_login():
    from matcher.mailrelay.outbound.alerting import smtp_server_from_url

    server = smtp_server_from_url("smtps://alerts%40example.org:pa%3Ass@mail.example.org", 7)
    assert (server.host, server.port, server.use_ssl, server.use_tls) == ("mail.example.org", 465, True, False)
    assert (server.username, server.password, server.timeout) == ("alerts@example.org", "pa:ss", 7)
    assert smtp_server_from_url("smtp+starttls://mail.example.org:587", 5).use_tls
