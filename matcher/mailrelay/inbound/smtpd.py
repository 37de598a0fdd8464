"""Inbound SMTP with aiosmtpd: 550 for unknown addresses, 250 only after the commit."""
import asyncio
import logging
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from flask import Flask

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive
from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.mailrelay.routing import route_for

log = logging.getLogger(__name__)


class RelayHandler:
    """aiosmtpd handler: database work runs on one worker thread, in the app context."""

    def __init__(self, app: Flask):
        self.app = app
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relay-db")

    async def _in_app(self, function, *args):
        def run():
            with self.app.app_context():
                try:
                    return function(*args)
                finally:
                    db.session.remove()

        return await asyncio.get_running_loop().run_in_executor(self.worker, run)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept only addresses we issued; say nothing about any pairing."""
        try:
            known = await self._in_app(lambda: route_for(address, utcnow()) is not None)
        except Exception:  # the sender's server will retry
            log.exception("could not check a recipient")
            return "451 4.3.0 Temporary failure, please try again later"
        if not known:
            return "550 5.1.1 No such recipient"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Store the message for each recipient, then answer 250."""
        raw = envelope.original_content or envelope.content
        try:
            for recipient in envelope.rcpt_tos:
                await self._in_app(receive, raw, "smtp", recipient)
        except UnknownAddress:
            return "550 5.1.1 No such recipient"
        except Exception:  # nothing was acknowledged, so the sender retries
            log.exception("could not store an inbound message")
            return "451 4.3.0 Temporary failure, please try again later"
        self._send_soon()
        return "250 Message stored"

    def _send_soon(self) -> None:
        """Queue a delivery pass behind the stored message, so relayed copies leave at once.

        The scheduler's sender still runs; this only removes the wait for its next pass.
        """
        if self.app.config["MATCHER_SMTPD_SENDS"]:
            asyncio.get_running_loop().run_in_executor(self.worker, self._deliver)

    def _deliver(self) -> None:
        with self.app.app_context():
            try:
                deliver_due(limit=50)
            except Exception:  # the scheduler's sender retries whatever is left
                log.exception("in-listener delivery pass failed")
            finally:
                db.session.remove()


def stop_controller(controller: Controller) -> None:
    """Stop listening, then let the database worker finish what it was doing."""
    controller.stop()
    controller.handler.worker.shutdown(wait=True)


def make_controller(app: Flask, host: str, port: int) -> Controller:
    """Build (not start) the SMTP listener for `app`; stop it with `stop_controller`."""
    limit = app.config["MATCHER_RELAY_MAX_MESSAGE_BYTES"]
    return Controller(RelayHandler(app), hostname=host, port=port, data_size_limit=limit,
                      decode_data=False, ready_timeout=10)


def serve(app: Flask, host: str, port: int) -> None:
    """Run the listener until SIGTERM or Ctrl-C."""
    controller = make_controller(app, host, port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller.start()
    log.info("relay SMTP listener on %s:%s", host, port)
    try:
        stop.wait()
    finally:
        stop_controller(controller)

