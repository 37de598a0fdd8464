"""The SMTP listener keeps answering while one message is slow, stops promptly, and listens on
loopback only unless told otherwise (issue 11, relay: High item 5, Low)."""
import signal
import smtplib
import socket
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState
from tests.conftest import _free_port
from tests.mailrelay.test_crash import ROOT, _environment

REQUESTER, VOLUNTEER = "asha@example.com", "sam@example.org"
# A long letter (ordinary prose, nothing hostile): seconds of reading on any code.
LONG_LETTER = "We went to the park on Tuesday and the baby slept well, then I made tea.\n" * 4_000


@pytest.fixture
def pairing(make_pairing):
    return make_pairing({"email": REQUESTER}, {"email": VOLUNTEER}, moderation="audit_only")


def _listener_env(app, app_config):
    return _environment(app_config) | {
        "FLASK_MATCHER_RELAY_ADDRESS": app.config["MATCHER_RELAY_ADDRESS"],
        "FLASK_MATCHER_ALERT_ADDRESS": app.config["MATCHER_ALERT_ADDRESS"],
        "FLASK_MATCHER_RELAY_READ_TEXT_CHARS": "1000000",
    }


def _start_listener(env, port):
    listener = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "matcher", "relay", "smtpd", "--host", "127.0.0.1",
         "--port", str(port)], env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert listener.poll() is None, listener.stderr.read().decode(errors="replace")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return listener
        except OSError:
            time.sleep(0.1)
    listener.kill()
    raise AssertionError("the listener did not start")


def _send(port, sender, recipient, raw):
    with smtplib.SMTP("127.0.0.1", port, timeout=60) as client:
        # smtplib sends bytes as given, and SMTP lines end in CRLF.
        return client.sendmail(sender, [recipient], raw.replace(b"\n", b"\r\n"))


def test_listener_answers_a_second_client_while_one_message_is_slow_and_stops_on_sigterm(
        app, app_config, pairing, mail_writer):
    _, requester_writes_to, volunteer_writes_to = pairing
    port = _free_port()
    listener = _start_listener(_listener_env(app, app_config), port)
    try:
        answers = []

        def send_slowly():
            try:
                answers.append(_send(port, REQUESTER, requester_writes_to,
                                     mail_writer(REQUESTER, requester_writes_to, LONG_LETTER)))
            except smtplib.SMTPException as error:
                answers.append(error)

        slow = threading.Thread(target=send_slowly, daemon=True)
        slow.start()
        time.sleep(1.5)  # the long letter is being read now
        started = time.monotonic()
        assert _send(port, VOLUNTEER, volunteer_writes_to,
                     mail_writer(VOLUNTEER, volunteer_writes_to, "Thinking of you today.")) == {}
        assert time.monotonic() - started < 3.0
        assert slow.is_alive()  # the first client is still waiting for its 250

        stopping = time.monotonic()
        listener.send_signal(signal.SIGTERM)
        listener.wait(timeout=10)
        assert time.monotonic() - stopping < 5.0
        slow.join(timeout=10)
        # The slow client never got its 250 (its server retries), but the message is stored raw
        # and left for the next pass to read.
        assert [type(answer) for answer in answers] == [smtplib.SMTPServerDisconnected]
        db.session.expire_all()
        states = db.session.scalars(select(InboundMessage.state).order_by(InboundMessage.id)).all()
        assert sorted(states) == sorted([InboundState.RECEIVED, InboundState.DELIVERED])
    finally:
        if listener.poll() is None:
            listener.kill()
            listener.wait()
        listener.stdout.close()
        listener.stderr.close()


def test_listener_refuses_a_public_address_unless_allowed(app_config):
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "matcher", "relay", "smtpd", "--host", "0.0.0.0", "--port", "1"],  # noqa: S104 - the bind under test is refused
        env=_environment(app_config), cwd=ROOT, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "refusing to listen on 0.0.0.0" in lines[0] and "--allow-public-bind" in lines[0]
