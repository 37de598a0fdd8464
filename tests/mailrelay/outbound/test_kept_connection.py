"""One SMTP connection for many messages, and a dropped connection loses and doubles nothing.

Against a real aiosmtpd server on loopback that counts the connections it is opened and can drop
them: after a message's 250 (as a server closing an idle or busy connection does) or in the middle
of a message's DATA, before it has kept it.
"""
import asyncio
import re
import smtplib
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.inbound.smtpd import make_controller, stop_controller
from matcher.mailrelay.models import Priority
from matcher.mailrelay.outbound.compose import OutgoingMail
from matcher.mailrelay.outbound.outbox import deliver_due, one_connection, queue_mail
from matcher.mailrelay.outbound.transport import SmtpServer, SmtpTransport


class CountingServer:
    """aiosmtpd handler keeping every message it accepted and counting the connections opened to it."""

    def __init__(self):
        self.connections = 0
        self.received: list[bytes] = []
        self.recipients: list[str] = []
        self.drop_after_every: int | None = None  # close the connection after every k-th 250
        self.abort_during: set[str] = set()  # subjects whose DATA is cut off, the message not kept
        self.condition = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content
        subject = _subject(raw)
        if subject in self.abort_during:
            self.abort_during.discard(subject)
            server.transport.abort()
            return "421 4.4.2 gone"
        with self.condition:
            self.recipients.extend(envelope.rcpt_tos)
            self.received.append(raw)
            self.condition.notify_all()
        if self.drop_after_every and len(self.received) % self.drop_after_every == 0:
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the 250 below is written
        return "250 OK"

    def subjects(self) -> Counter:
        """Return how often each subject arrived."""
        return Counter(_subject(raw) for raw in self.received)

    def wait_for(self, count: int, timeout: float = 30.0) -> None:
        """Wait until `count` messages have arrived."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while len(self.received) < count:
                assert self.condition.wait(deadline - time.monotonic()), f"{len(self.received)} of {count} arrived"


class _CountingSMTP(SMTP):
    def connection_made(self, transport):
        self.event_handler.connections += 1
        super().connection_made(transport)


class _CountingController(Controller):
    def factory(self):
        return _CountingSMTP(self.handler, **self.SMTP_kwargs)


def _subject(raw: bytes) -> str:
    found = re.search(rb"(?m)^Subject: (.*?)\r?$", raw)
    return found.group(1).decode() if found else ""


@pytest.fixture
def server():
    from tests.conftest import _free_port

    handler = CountingServer()
    controller = _CountingController(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    handler.connections = 0  # the controller's own check that it is listening
    yield handler, controller.port
    controller.stop()


@pytest.fixture
def app_config(app_config, server):
    return app_config | {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": server[1], "MATCHER_RELAY_HOURLY_LIMIT": 1000}


def _queue(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        queue_mail(OutgoingMail("Peer Support", "support@relay.example", f"p{number}@example.com",
                                f"Message {number}", f"Body {number}"), kind="test")
    db.session.commit()


def _expected(count: int) -> Counter:
    return Counter({f"Message {number}": 1 for number in range(count)})


def test_many_messages_over_several_passes_share_one_connection(app, server):
    handler, _ = server
    _queue(30)
    with one_connection():
        assert deliver_due(limit=10).sent == 10
        assert deliver_due().sent == 20
        _queue(5, start=30)
        assert deliver_due().sent == 5
    assert handler.subjects() == _expected(35)
    assert handler.connections == 1


def test_a_connection_the_server_drops_between_messages_is_replaced_and_nothing_is_lost_or_doubled(app, server):
    handler, _ = server
    handler.drop_after_every = 4
    _queue(30)
    with one_connection():
        report = deliver_due()
    assert (report.sent, report.retried, report.failed) == (30, 0, 0)
    assert handler.subjects() == _expected(30), "every message exactly once"
    assert handler.connections == 8  # 4 messages each, then the server hung up


def test_a_connection_cut_mid_message_retries_that_message_later_and_delivers_each_exactly_once(app, server):
    handler, _ = server
    handler.abort_during = {"Message 5", "Message 17"}
    _queue(25)
    with one_connection():
        first = deliver_due()
        assert (first.sent, first.retried) == (23, 2)
        assert "Message 5" not in handler.subjects()
        later = deliver_due(now=utcnow() + timedelta(minutes=2))
    assert later.sent == 2
    assert handler.subjects() == _expected(25), "every message exactly once"
    assert handler.connections == 3  # one cut per aborted message, one more to retry them


def test_a_connection_idle_too_long_or_carrying_its_share_is_replaced(server):
    handler, port = server
    clock = [0.0]
    transport = SmtpTransport(SmtpServer("127.0.0.1", port, timeout=5), keep_open=True, max_idle=30,
                              max_messages=3, clock=lambda: clock[0])
    raw = b"Subject: Message %d\r\n\r\nBody\r\n"
    with transport:
        for number in range(3):
            transport.send("support@relay.example", "p@example.com", raw % number)
        assert transport.connections_opened == 1
        transport.send("support@relay.example", "p@example.com", raw % 3)  # the fourth: a new connection
        clock[0] += 31
        transport.send("support@relay.example", "p@example.com", raw % 4)  # idle 31 s: another
    transport.close()
    assert transport.connections_opened == handler.connections == 3
    assert handler.subjects() == _expected(5)


def test_the_listener_sends_messages_stored_close_together_in_one_pass_over_one_connection(
        app, server, make_pairing, mail_writer):
    handler, _ = server
    make_pairing({"email": "asha@example.com"}, {"email": "sam@example.org"}, moderation="audit_only")
    _, requester_writes_to, _ = make_pairing({"email": "bea@example.com"}, {"email": "kim@example.org"},
                                             moderation="audit_only")
    from tests.conftest import _free_port

    listener = make_controller(app, "127.0.0.1", _free_port())
    listener.start()
    busy = threading.Event()
    # The sending thread is busy (as with a slow server) while ten messages are stored.
    listener.handler.sender.submit(busy.wait, 30)
    try:
        with smtplib.SMTP(listener.hostname, listener.port) as client:
            for number in range(10):
                client.sendmail("bea@example.com", [requester_writes_to],
                                mail_writer("bea@example.com", requester_writes_to, f"Note {number}",
                                            subject=f"Note {number}"))
        assert handler.received == []
        busy.set()
        handler.wait_for(14)  # the four introductions and the ten relayed copies
        passes = listener.handler.passes.passes_run
    finally:
        stop_controller(listener)
    relayed = Counter(subject for subject in handler.subjects().elements() if "Note" in subject)
    assert len(relayed) == 10 and set(relayed.values()) == {1}
    assert (passes, handler.connections) == (1, 1), "one pass over one connection, not one per message"


def test_the_listener_keeps_one_connection_while_four_clients_deliver_at_once(app, server, make_pairing,
                                                                            mail_writer):
    handler, _ = server
    _, requester_writes_to, _ = make_pairing({"email": "bea@example.com"}, {"email": "kim@example.org"},
                                             moderation="audit_only")
    from tests.conftest import _free_port

    listener = make_controller(app, "127.0.0.1", _free_port())
    listener.start()

    def client(first: int) -> None:  # four MTAs delivering at once, ten messages each
        with smtplib.SMTP(listener.hostname, listener.port) as connection:
            for number in range(first, first + 10):
                connection.sendmail("bea@example.com", [requester_writes_to],
                                    mail_writer("bea@example.com", requester_writes_to, f"Note {number}",
                                                subject=f"Note {number}"))

    try:
        clients = [threading.Thread(target=client, args=(first,)) for first in range(0, 40, 10)]
        for thread in clients:
            thread.start()
        for thread in clients:
            thread.join(60)
        handler.wait_for(42)  # the two introductions and the forty relayed copies
        passes = listener.handler.passes.passes_run
    finally:
        stop_controller(listener)
    relayed = Counter(subject for subject in handler.subjects().elements() if "Note" in subject)
    assert len(relayed) == 40 and set(relayed.values()) == {1}
    assert handler.connections == 1, "one kept connection, not one per message"
    assert passes < 40


def test_relay_send_sends_alerts_and_everything_else_over_one_connection(app, runner, server):
    handler, _ = server
    queue_mail(OutgoingMail("Matcher", "support@relay.example", "oncall@example.org", "Message alert", "RED"),
               kind="alert", priority=Priority.ALERT)
    _queue(10)
    result = runner.invoke(args=["relay", "send"])
    assert result.exit_code == 0, result.output
    assert handler.subjects() == _expected(10) + Counter({"Message alert": 1})
    assert handler.connections == 1, "the alerts' pass and the rest share the command's connection"


def test_addresses_with_letters_outside_ascii_are_delivered_and_stop_no_one_elses_mail(app, server):
    # email_validator accepts 'zoë@example.org' and 'p1@exämple.org' on the forms. smtplib raised
    # UnicodeEncodeError for them, which stopped the whole pass there and left the row claimed.
    handler, _ = server
    for address, subject in (("zoë@example.org", "Accented"), ("p1@exämple.org", "Unicode domain")):
        queue_mail(OutgoingMail("Peer Support", "support@relay.example", address, subject, "Body"), kind="test")
    db.session.commit()
    _queue(3)
    with one_connection():
        assert deliver_due().sent == 5
    assert handler.subjects() == _expected(3) + Counter({"Accented": 1, "Unicode domain": 1})
    assert {"zoë@example.org", "p1@xn--exmple-cua.org"} <= set(handler.recipients)
