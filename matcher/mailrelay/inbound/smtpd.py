"""Inbound SMTP with aiosmtpd: 550 for unknown addresses, 250 only after the commit.

The event loop never waits on the database or on reading a message: recipient checks, reading
and sending each run on their own worker threads, so one slow message (or one slow client) holds
up neither other clients' RCPT and DATA answers nor alerts. On SIGTERM the listener stops
accepting, tells readers to stop between steps, and exits within a few seconds; a message cut
off is stored already and is read again by the next pass (its lease runs out, its attempt counts).
"""
import asyncio
import ipaddress
import logging
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from aiosmtpd.controller import Controller
from flask import Flask

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.ingest import UnknownAddress, receive, send_alerts_now
from matcher.mailrelay.outbound.passes import DeliveryPasses
from matcher.mailrelay.routing import route_for

log = logging.getLogger(__name__)
# Messages read at once; more clients than this wait for a reader, not for the event loop.
READERS = 4
# Seconds a route found at RCPT is reused for the message's DATA; older, it is looked up again.
ROUTE_REUSE_SECONDS = 5.0
# Seconds a stopping listener gives a reader to reach its next step before the process exits.
STOP_GRACE = 2.0


class PublicBindRefused(ValueError):
    """The listener was asked to listen beyond loopback without being allowed to."""


def check_bind(host: str, allowed: bool) -> None:
    """Refuse a non-loopback address unless explicitly allowed: the listener sits behind the MX."""
    if allowed or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise PublicBindRefused(
            f"refusing to listen on {host}: relay smtpd belongs on loopback behind your MX "
            "(use --allow-public-bind or MATCHER_SMTPD_ALLOW_PUBLIC_BIND to override)")


class RelayHandler:
    """aiosmtpd handler: database work runs on worker threads, each in the app context."""

    def __init__(self, app: Flask):
        self.app = app
        self.stopping = threading.Event()
        self.lookups = ThreadPoolExecutor(max_workers=2, thread_name_prefix="relay-rcpt")
        self.readers = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="relay-read")
        self.sender = ThreadPoolExecutor(max_workers=1, thread_name_prefix="relay-send")
        self.passes = DeliveryPasses()
        self._busy = 0
        self._busy_lock = threading.Lock()

    @property
    def busy(self) -> int:
        """Return how many worker calls are running now."""
        return self._busy

    def _counted(self, function, *args):
        """Run `function` in an app context, counted as busy, so stopping waits for it."""
        with self._busy_lock:
            self._busy += 1
        try:
            with self.app.app_context():
                try:
                    return function(*args)
                finally:
                    db.session.remove()
        finally:
            with self._busy_lock:
                self._busy -= 1

    async def _in_app(self, executor, function, *args):
        return await asyncio.get_running_loop().run_in_executor(executor, self._counted, function, *args)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept only addresses we issued; say nothing about any pairing."""
        try:
            route = await self._in_app(self.lookups, route_for, address, utcnow())
        except Exception:  # the sender's server will retry
            log.exception("could not check a recipient")
            return "451 4.3.0 Temporary failure, please try again later"
        if route is None:
            return "550 5.1.1 No such recipient"
        envelope.rcpt_tos.append(address)
        # Kept for DATA, which reuses a bounce's or the bare mailbox's; a masked address is looked up
        # again there (ingest.receive), as its pairing may end between RCPT and DATA.
        routes = getattr(envelope, "matcher_routes", None) or {}
        routes[address] = (route, time.monotonic())
        envelope.matcher_routes = routes
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Store the message for each recipient, then answer 250."""
        raw = envelope.original_content or envelope.content
        try:
            for recipient in envelope.rcpt_tos:
                await self._in_app(self.readers, receive, raw, "smtp", recipient, None, self.stopping.is_set,
                                   _fresh_route(envelope, recipient))
        except UnknownAddress:
            return "550 5.1.1 No such recipient"
        except Exception:  # nothing was acknowledged, so the sender retries
            log.exception("could not store an inbound message")
            return "451 4.3.0 Temporary failure, please try again later"
        # Alerts leave before the 250, as the pipe sends them before it exits; each attempt is
        # bounded by MAIL_TIMEOUT, and a failure leaves them to the alert path's retries. On a reader
        # thread, not the sending one, so they never queue behind an ordinary delivery pass.
        await self._in_app(self.readers, send_alerts_now)
        self._send_soon()
        return "250 Message stored"

    def _send_soon(self) -> None:
        """Queue a delivery pass, alerts first, so relayed copies leave at once (coalesced: passes.py).

        The scheduler's sender still runs; this only removes the wait for its next pass.
        """
        if self.app.config["MATCHER_SMTPD_SENDS"] and not self.stopping.is_set() and self.passes.wanted():
            # Counted as busy like reading, so stopping waits for a pass under way.
            asyncio.get_running_loop().run_in_executor(self.sender, self._counted, self.passes.run)


def _fresh_route(envelope, recipient: str):
    """Return the route RCPT found for `recipient` if it is recent enough to act on, else None."""
    route, found_at = (getattr(envelope, "matcher_routes", None) or {}).get(recipient, (None, 0.0))
    # A pairing ended between RCPT and DATA must not relay: an old lookup is made again.
    return route if time.monotonic() - found_at < ROUTE_REUSE_SECONDS else None


def stop_controller(controller: Controller, grace: float = STOP_GRACE) -> bool:
    """Stop listening, ask readers to stop; return True if all work ended within `grace` seconds."""
    handler = controller.handler
    handler.stopping.set()
    controller.stop()
    for executor in (handler.lookups, handler.readers, handler.sender):
        executor.shutdown(wait=False, cancel_futures=True)
    deadline = time.monotonic() + grace
    while handler.busy and time.monotonic() < deadline:
        time.sleep(0.05)
    if not handler.busy:
        handler.passes.close()
    return not handler.busy


def make_controller(app: Flask, host: str, port: int) -> Controller:
    """Build (not start) the SMTP listener for `app`; stop it with `stop_controller`."""
    limit = app.config["MATCHER_RELAY_MAX_MESSAGE_BYTES"]
    return Controller(RelayHandler(app), hostname=host, port=port, data_size_limit=limit,
                      decode_data=False, ready_timeout=10)


def serve(app: Flask, host: str, port: int) -> None:
    """Run the listener until SIGTERM or Ctrl-C; exit within a few seconds of either."""
    controller = make_controller(app, host, port)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    controller.start()
    log.info("relay SMTP listener on %s:%s", host, port)
    try:
        stop.wait()
    finally:
        if not stop_controller(controller):
            # A reader is inside one long step. Its message is committed raw and its lease will
            # run out, so leaving now loses nothing; waiting could take as long as the step.
            log.warning("relay SMTP listener stopping with a message still being read; it will be read again")
            logging.shutdown()
            os._exit(0)
