"""Delivery passes for a long-running process (the SMTP listener): coalesced, over one kept connection.

Each stored message asks for a pass. A pass already waiting to start (it waits GATHER_SECONDS
before choosing its rows) will see that message too, so asking again adds nothing; a pass under
way may have chosen its rows already, so one more is queued behind it. Messages committed close
together therefore go out in one pass, and every pass uses the same kept-open SMTP connection
(`transport.SmtpTransport(keep_open=True)`). Alerts do not wait here: every adapter sends them on
its own connection (`ingest.send_alerts_now`) before it acknowledges.
"""
import logging
import threading
import time

from flask import current_app

from matcher.mailrelay.outbound.outbox import deliver_due
from matcher.mailrelay.outbound.transport import transport_for

log = logging.getLogger(__name__)
# Rows one pass tries; a pass that tried this many runs again at once (more may be due).
PASS_LIMIT = 50
# A pass waits this long before choosing its rows, so messages stored close together share it
# (relayed copies leave this much later; alerts do not wait: they have their own path).
GATHER_SECONDS = 0.02
# Seconds between two looks for mail late to arrive (`outbox._tell_late`) from the listener's passes.
TELL_LATE_EVERY = 60.0
# Passes run back to back at most this many times, so the scheduler's sender can share the work.
PASS_REPEATS = 20


class DeliveryPasses:
    """Coalesce delivery requests into passes that run on one thread over one kept connection."""

    def __init__(self):
        self._lock = threading.Lock()
        self._waiting = False
        self._transport = None
        self._told_at = -TELL_LATE_EVERY
        self.passes_run = 0

    def wanted(self) -> bool:
        """Ask for a pass; return True if the caller must start one (none is waiting to start)."""
        with self._lock:
            if self._waiting:
                return False
            self._waiting = True
            return True

    def run(self) -> None:
        """Run the pass asked for, most urgent first (call in an app context, on one thread at a time)."""
        time.sleep(GATHER_SECONDS)  # messages stored meanwhile join this pass instead of asking for their own
        with self._lock:
            self._waiting = False  # mail committed from now on may be missed by this pass: ask again
        if self._transport is None:
            self._transport = transport_for(current_app, keep_open=True)
        self.passes_run += 1
        # The late-mail report is a query of its own: once a minute is soon enough for a report
        # about mail two hours late (the scheduler's sender makes it too).
        tell_late, self._told_at = time.monotonic() - self._told_at > TELL_LATE_EVERY, time.monotonic()
        try:
            for _ in range(PASS_REPEATS):  # a pass takes the most urgent rows first
                report = deliver_due(transport=self._transport, limit=PASS_LIMIT, tell_late=tell_late)
                if report.sent + report.retried + report.failed < PASS_LIMIT:
                    break
        except Exception:  # the scheduler's sender retries whatever is left
            log.exception("in-listener delivery pass failed")

    def close(self) -> None:
        """Close the kept connection (when the process stops)."""
        if self._transport is not None:
            self._transport.close()
