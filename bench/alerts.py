"""How fast a RED alert leaves, through every adapter and after the mail server comes back.

Run as `python bench/alerts.py [--repeats 5]` from the repository root.

One SMTP sink (aiosmtpd, in this process) stands for the organisation's mail server and records
when each message arrives. A fresh SQLite database gets the schema (`flask db upgrade`) and the
demo (`flask demo --json`); each repeat writes a risk disclosure from a demo requester to her
pairing's masked address through:

- pipe: `flask --app matcher relay receive`, a real process as an MTA starts it (its start-up counted);
- smtpd: the SMTP listener (`make_controller`, on loopback), written to with smtplib;
- webhook: a signed POST to `/relay/inbound` through the application's WSGI stack;
- imap: APPEND to a real Dovecot mailbox while the scheduler's IDLE watcher (`imap_idle.watch`) runs.

The figure is receipt (the write began) to the alert's arrival at the sink. The baseline, measured
in the same run through the same adapter, is an ordinary message with no risk in it: receipt to
the adapter's acknowledgement (exit, 250, 200, or the message leaving the IMAP inbox).

Then the mail server refuses (451) while a disclosure and an ordinary notice are queued, and comes
back after REFUSE_FOR seconds; the outbox job runs every MATCHER_JOB_INTERVALS["outbox"] seconds as
the scheduler runs it. The figure is "server back" to the alert's arrival; the baseline is the same
for the ordinary notice, which keeps the ordinary retry schedule (the one alerts had before).
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aiosmtpd.controller import Controller

from bench.common import HOST, app_environment, flask_command, free_port

RISK = "I can't do this any more. I have been planning how to end my life and I have the tablets ready."
ORDINARY = "The baby slept four hours last night and I feel a bit more like myself."
ALERT_TO = "oncall@bench.example.org"
REFUSE_FOR = 8.0


class Sink:
    """An SMTP server that notes when each message arrives, and can refuse for a while."""

    def __init__(self):
        self.arrivals: list[tuple[float, list[str], bytes]] = []
        self.refusing = False
        self.condition = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        if self.refusing:
            return "451 4.3.0 try again later"
        with self.condition:
            self.arrivals.append((time.monotonic(), list(envelope.rcpt_tos), envelope.original_content))
            self.condition.notify_all()
        return "250 OK"

    def wait_for(self, marker: bytes, recipient: str, timeout: float = 120.0) -> float:
        """Return when a message for `recipient` holding `marker` arrived, waiting for it."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while True:
                for at, rcpts, raw in self.arrivals:
                    if recipient in rcpts and marker in raw:
                        return at
                if time.monotonic() > deadline:
                    raise RuntimeError(f"nothing for {recipient} with the marker arrived")
                self.condition.wait(0.5)


def letter(sender: str, to: str, text: str) -> tuple[bytes, str]:
    """Return a message as a mail program writes it, and its Message-ID."""
    message = EmailMessage()
    message["From"], message["To"], message["Delivered-To"] = sender, to, to
    message["Subject"] = "tonight"
    message["Message-ID"] = make_msgid(domain="mail.bench.example.com")
    message.set_content(text)
    return message.as_bytes(), message["Message-ID"]


def alert_marker(app, message_id: str) -> bytes:
    """The alert carries the pairing's console link, not the Message-ID: find it by the inbound row."""
    from sqlalchemy import select

    from matcher.extensions import db
    from matcher.mailrelay.models import InboundMessage

    with app.app_context():
        db.session.remove()
        for _ in range(200):
            pairing_id = db.session.scalar(select(InboundMessage.pairing_id)
                                           .where(InboundMessage.message_id == message_id.strip("<>")))
            if pairing_id is None:
                pairing_id = db.session.scalar(select(InboundMessage.pairing_id)
                                               .where(InboundMessage.message_id == message_id))
            if pairing_id is not None:
                return f"pairing #{pairing_id}".encode()
            db.session.remove()
            time.sleep(0.05)
    raise RuntimeError("the message was never stored")


def build(folder: Path, sink_port: int, imap_settings: dict):
    """Create the schema and the demo; return the app and the demo's pairings."""
    from matcher import create_app

    url = f"sqlite:///{folder / 'bench.db'}"
    settings = {"MAIL_SERVER": HOST, "MAIL_PORT": str(sink_port), "MATCHER_ALERT_ADDRESS": ALERT_TO,
                "MATCHER_DEFAULT_MODERATION": "review_flagged", "MATCHER_RELAY_HOURLY_LIMIT": "1000000"}
    environment = app_environment(url, **settings)
    subprocess.run(flask_command("db", "upgrade"), env=environment, check=True, capture_output=True)
    # Only the seeding runs in demo mode (it makes accounts with known passwords); nothing measured does.
    subprocess.run(flask_command("demo", "--json", str(folder / "demo.json")), check=True, capture_output=True,
                   env=environment | {"FLASK_MATCHER_DEMO": "true"})
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": environment["FLASK_SECRET_KEY"],
              "MAIL_SERVER": HOST, "MAIL_PORT": sink_port, "MATCHER_ALERT_ADDRESS": ALERT_TO,
              "MATCHER_WEBHOOK_SECRET": "bench-hook-secret", "MATCHER_RELAY_HOURLY_LIMIT": 1000000,
              "MATCHER_DEMO": False, "MATCHER_LOG_LEVEL": "ERROR"} | imap_settings
    pairings = json.loads((folder / "demo.json").read_text())["pairings"]
    return create_app(config), environment, pairings


def via_pipe(environment, raw: bytes) -> float:
    """Run `relay receive` on the message; return when it exited."""
    subprocess.run(flask_command("relay", "receive"), input=raw, env=environment, check=True, capture_output=True)
    return time.monotonic()


def via_smtpd(controller, to: str, sender: str, raw: bytes) -> float:
    """Send the message to the listener; return when it answered 250."""
    import smtplib

    with smtplib.SMTP(controller.hostname, controller.port) as client:
        client.sendmail(sender, [to], raw)
    return time.monotonic()


def via_webhook(app, raw: bytes) -> float:
    """POST the message signed; return when the 200 came."""
    from matcher.mailrelay.inbound.webhook import sign_request

    stamp = str(int(time.time()))
    signature = sign_request("bench-hook-secret", stamp, "POST", "/relay/inbound", "", raw)
    answer = app.test_client().post("/relay/inbound", data=raw, headers={
        "X-Matcher-Timestamp": stamp, "X-Matcher-Signature": signature, "Content-Type": "message/rfc822"})
    if answer.status_code != 200:
        raise RuntimeError(f"webhook answered {answer.status_code}")
    return time.monotonic()


def via_imap(account, raw: bytes) -> float:
    """APPEND the message; return when it had left the inbox (stored and filed)."""
    account.deliver(raw)
    with account.connect() as client:
        while True:
            client.select_folder("INBOX", readonly=True)
            if not client.search(["NOT", "DELETED"]):
                return time.monotonic()
            time.sleep(0.02)


def measure_adapters(app, environment, pairings, sink, account, repeats: int) -> dict:
    """Return {adapter: (alert seconds, ordinary acknowledgement seconds)} lists."""
    from matcher.mailrelay.inbound import imap_idle
    from matcher.mailrelay.inbound.smtpd import make_controller, stop_controller

    controller = make_controller(app, HOST, free_port())
    controller.start()
    stop = threading.Event()
    watcher = threading.Thread(target=imap_idle.watch, args=(app, stop), daemon=True)
    watcher.start()
    while not imap_idle.idling.is_set():
        time.sleep(0.05)
    senders = {
        "pipe": lambda to, sender, raw: via_pipe(environment, raw),
        "smtpd": lambda to, sender, raw: via_smtpd(controller, to, sender, raw),
        "webhook": lambda to, sender, raw: via_webhook(app, raw),
        "imap": lambda to, sender, raw: via_imap(account, raw),
    }
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in senders}
    try:
        for repeat in range(repeats):
            for name, send in senders.items():
                pairing = pairings[repeat % len(pairings)]
                sender, to = pairing["requester"]["email"], pairing["requester_writes_to"]
                raw, _ = letter(sender, to, f"{ORDINARY} ({name} {repeat})")
                began = time.monotonic()
                results[name][1].append(send(to, sender, raw) - began)
                raw, message_id = letter(sender, to, f"{RISK} ({name} {repeat})")
                began = time.monotonic()
                send(to, sender, raw)
                marker = alert_marker(app, message_id)
                results[name][0].append(sink.wait_for(marker, ALERT_TO, timeout=60) - began)
                sink.arrivals.clear()
    finally:
        stop.set()
        stop_controller(controller)
    return results


def measure_server_back(app, pairings, sink) -> tuple[float, float]:
    """Refuse, queue a disclosure and an ordinary notice, come back; return (alert, ordinary) seconds after."""
    from matcher.care.jobs import run_job
    from matcher.columns import utcnow
    from matcher.extensions import db
    from matcher.mailrelay.ingest import receive
    from matcher.mailrelay.outbound.outbox import queue_template

    pairing = pairings[0]
    interval = app.config["MATCHER_JOB_INTERVALS"]["outbox"]
    sink.refusing = True
    with app.app_context():
        raw, message_id = letter(pairing["requester"]["email"], pairing["requester_writes_to"], f"{RISK} (back)")
        receive(raw, "pipe")  # the pipe's own attempt is refused too
        queue_template("held_contact_details", "ordinary@bench.example.org", kind="held_notice", pseudonym="Bench")
        db.session.commit()
        run_job("outbox", utcnow())  # refused: the alert and the notice are both waiting now
        marker = alert_marker(app, message_id)
        comes_back = time.monotonic() + REFUSE_FOR
        threading.Timer(REFUSE_FOR, lambda: setattr(sink, "refusing", False)).start()
        deadline = comes_back + 120
        alert_at = ordinary_at = None
        while time.monotonic() < deadline and (alert_at is None or ordinary_at is None):
            run_job("outbox", utcnow())
            db.session.remove()
            alert_at = alert_at or _arrived(sink, marker, ALERT_TO)
            ordinary_at = ordinary_at or _arrived(sink, b"Bench", "ordinary@bench.example.org")
            time.sleep(interval)
    if alert_at is None:
        raise RuntimeError("the alert never left after the server came back")
    return alert_at - comes_back, (ordinary_at - comes_back) if ordinary_at else float("inf")


def _arrived(sink: Sink, marker: bytes, recipient: str) -> float | None:
    with sink.condition:
        return next((at for at, rcpts, raw in sink.arrivals if recipient in rcpts and marker in raw), None)


def main() -> int:
    """Measure and print the figures beside their baselines."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeats", type=int, default=5)
    arguments = parser.parse_args()
    from tests.mailrelay.dovecot import remove_dovecot, start_dovecot

    sink = Sink()
    sink_port = free_port()
    smtp = Controller(sink, hostname=HOST, port=sink_port)
    smtp.start()
    dovecot = start_dovecot()
    try:
        account = dovecot.add_account()
        with tempfile.TemporaryDirectory(prefix="matcher-bench-alerts-") as folder:
            app, environment, pairings = build(Path(folder), sink_port, account.settings())
            adapters = measure_adapters(app, environment, pairings, sink, account, arguments.repeats)
            alert_back, ordinary_back = measure_server_back(app, pairings, sink)
    finally:
        remove_dovecot(dovecot)
        smtp.stop()
    print(f"{'adapter':8} {'alert after receipt: median / max':36} {'baseline: ordinary acknowledged: median / max'}")
    worst = 0.0
    for name, (alerts, acks) in adapters.items():
        worst = max(worst, *alerts)
        print(f"{name:8} {statistics.median(alerts):6.2f} s / {max(alerts):6.2f} s{'':18} "
              f"{statistics.median(acks):6.2f} s / {max(acks):6.2f} s")
    print(f"server back after {REFUSE_FOR:g} s of 451: alert left {alert_back:.1f} s after; "
          f"baseline (ordinary mail, the old schedule): {ordinary_back:.1f} s after")
    met = worst < 5 and alert_back < 30
    print(f"targets (alert within 5 s of receipt, within 30 s of the server's return): {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
