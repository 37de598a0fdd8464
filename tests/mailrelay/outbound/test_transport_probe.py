"""An attacker's probe of the kept SMTP connection: no envelope state of one message reaches the next.

A real aiosmtpd server on loopback whose answers are scripted: a refused RCPT, a 4xx after DATA,
RSET answered 421 or with an error, an RSET answered too late. After each, the next message on the
transport must reach exactly its own recipient, once.
"""
import asyncio
import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from matcher.mailrelay.models import OutboxStatus
from matcher.mailrelay.outbound.transport import PermanentFailure, SmtpServer, SmtpTransport, TemporaryFailure

FROM = "relay+bounce@example.net"


class Scripted:
    """Keeps (recipients, subject) of every message accepted; answers as a test scripts it."""

    def __init__(self):
        self.accepted: list[tuple[list[str], bytes]] = []
        self.refuse_rcpt: set[str] = set()
        self.fail_data_for: set[str] = set()  # recipients whose end of DATA is answered 451
        self.rset_answers: list[str] = []      # answers to the next RSETs, in order
        self.rset_delay = 0.0                  # seconds the next RSET's answer waits
        self.slow_rcpt: dict[str, float] = {}  # recipient -> seconds its first RCPT answer waits
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.slow_rcpt:
            await asyncio.sleep(self.slow_rcpt.pop(address))
        if address in self.refuse_rcpt:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if set(envelope.rcpt_tos) & self.fail_data_for:
            return "451 4.3.0 try later"
        with self.lock:
            self.accepted.append((list(envelope.rcpt_tos), envelope.original_content))
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):
        if self.rset_delay:
            delay, self.rset_delay = self.rset_delay, 0.0
            await asyncio.sleep(delay)
        return self.rset_answers.pop(0) if self.rset_answers else "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scripted():
    handler = Scripted()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), enable_SMTPUTF8=False)
    controller.start()
    yield handler, SmtpServer("127.0.0.1", controller.port, timeout=1.0)
    controller.stop()


def _raw(subject: str) -> bytes:
    return f"From: {FROM}\r\nTo: x@example.org\r\nSubject: {subject}\r\n\r\nWords for {subject}.\r\n".encode()


def _sent_to(handler) -> list[tuple[list[str], str]]:
    return [(recipients, raw.split(b"Subject: ")[1].split(b"\r\n")[0].decode()) for recipients, raw in handler.accepted]


def test_a_refused_recipient_does_not_join_the_next_message(scripted):
    handler, server = scripted
    handler.refuse_rcpt.add("gone@example.org")
    with SmtpTransport(server) as transport:
        with pytest.raises(PermanentFailure):
            transport.send(FROM, "gone@example.org", _raw("first"))
        assert transport.send(FROM, "kept@example.org", _raw("second")) == OutboxStatus.SENT
        assert transport.connections_opened == 1
    assert _sent_to(handler) == [(["kept@example.org"], "second")]


def test_a_4xx_after_data_leaves_no_recipient_for_the_next_message(scripted):
    handler, server = scripted
    handler.fail_data_for.add("busy@example.org")
    with SmtpTransport(server) as transport:
        with pytest.raises(TemporaryFailure):
            transport.send(FROM, "busy@example.org", _raw("first"))
        assert transport.send(FROM, "kept@example.org", _raw("second")) == OutboxStatus.SENT
    assert _sent_to(handler) == [(["kept@example.org"], "second")]


@pytest.mark.parametrize("answer", ["421 4.3.2 closing", "500 5.5.1 no"])
def test_rset_answered_with_an_error_sends_the_next_message_once_on_a_new_connection(scripted, answer):
    handler, server = scripted
    with SmtpTransport(server) as transport:
        transport.send(FROM, "a@example.org", _raw("first"))
        handler.rset_answers.append(answer)
        assert transport.send(FROM, "b@example.org", _raw("second")) == OutboxStatus.SENT
        assert transport.connections_opened == 2
    assert _sent_to(handler) == [(["a@example.org"], "first"), (["b@example.org"], "second")]


def test_an_rset_answered_too_late_after_a_refusal_does_not_put_replies_out_of_step(scripted):
    handler, server = scripted
    handler.refuse_rcpt.add("gone@example.org")
    with SmtpTransport(server) as transport:
        handler.rset_delay = 1.5  # past the transport's 1 s timeout: its answer arrives after we stop waiting
        with pytest.raises(PermanentFailure):
            transport.send(FROM, "gone@example.org", _raw("first"))
        for subject in ("second", "third"):
            assert transport.send(FROM, f"{subject}@example.org", _raw(subject)) == OutboxStatus.SENT
    assert _sent_to(handler) == [(["second@example.org"], "second"), (["third@example.org"], "third")]


def test_a_timeout_at_rcpt_on_a_kept_connection_sends_that_message_once_to_its_own_recipient(scripted):
    handler, server = scripted
    with SmtpTransport(server) as transport:
        transport.send(FROM, "a@example.org", _raw("first"))
        handler.slow_rcpt["b@example.org"] = 1.5  # past the 1 s timeout, then answered on a dead connection
        assert transport.send(FROM, "b@example.org", _raw("second")) == OutboxStatus.SENT
        assert transport.send(FROM, "c@example.org", _raw("third")) == OutboxStatus.SENT
    assert _sent_to(handler) == [(["a@example.org"], "first"), (["b@example.org"], "second"),
                                 (["c@example.org"], "third")]


def test_an_address_outside_ascii_to_a_server_without_smtputf8_is_refused_for_good_and_the_next_goes(scripted):
    handler, server = scripted
    with SmtpTransport(server) as transport:
        with pytest.raises(PermanentFailure):
            transport.send(FROM, "zoë@example.org", _raw("first"))
        assert transport.send(FROM, "kept@example.org", _raw("second")) == OutboxStatus.SENT
        assert transport.connections_opened == 1
    assert _sent_to(handler) == [(["kept@example.org"], "second")]
