"""Hand one message to the relay through a real adapter: the pipe, SMTP, IMAP or the webhook."""
import smtplib
import time

from matcher.mailrelay.inbound.smtpd import make_controller, stop_controller
from matcher.mailrelay.inbound.webhook import sign_request

ADAPTERS = ("pipe", "smtpd", "imap", "webhook")
WEBHOOK_SECRET = "hook-secret-for-adapter-tests"


def send_through(adapter: str, app, request, raw: bytes, recipient: str) -> None:
    """Deliver `raw` for `recipient` the way `adapter` receives mail; fail the test if it is refused."""
    {"pipe": _pipe, "smtpd": _smtpd, "imap": _imap, "webhook": _webhook}[adapter](app, request, raw, recipient)


def _pipe(app, request, raw, recipient):
    result = app.test_cli_runner().invoke(args=["relay", "receive", "--recipient", recipient], input=raw)
    assert result.exit_code == 0, result.output


def _smtpd(app, request, raw, recipient):
    from tests.conftest import _free_port

    controller = make_controller(app, "127.0.0.1", _free_port())
    controller.start()
    try:
        with smtplib.SMTP(controller.hostname, controller.port) as client:
            # On the wire lines end in CRLF: smtplib leaves a bytes message's bare LFs alone.
            crlf = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
            assert client.sendmail("writer@example.com", [recipient], crlf) == {}
    finally:
        stop_controller(controller)


def _imap(app, request, raw, recipient):
    from matcher.mailrelay.inbound.imap import poll_once

    account = request.getfixturevalue("imap_account")
    app.config.update(account.settings())
    crlf = raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")  # as IMAP stores it
    account.deliver(b"Delivered-To: " + recipient.encode() + b"\r\n" + crlf)
    assert poll_once(app).stored == 1


def _webhook(app, request, raw, recipient):
    app.config["MATCHER_WEBHOOK_SECRET"] = WEBHOOK_SECRET
    timestamp = str(int(time.time()))
    query = "recipient=" + recipient.replace("+", "%2B").replace("@", "%40")
    response = app.test_client().post(
        f"/relay/inbound?{query}", data=raw,
        headers={"X-Matcher-Timestamp": timestamp, "Content-Type": "message/rfc822",
                 "X-Matcher-Signature": sign_request(WEBHOOK_SECRET, timestamp, "POST", "/relay/inbound", query, raw)})
    assert response.status_code == 200, response.get_data(as_text=True)
