"""The sending side alone: CPU, statements and SMTP connections per delivered message, beside bare smtplib.

Run as `python bench/delivery.py [--messages 300] [--rounds 3] [--database URL] [--relaxed]` from the
repository root (default: a fresh SQLite file; give a PostgreSQL URL of a throwaway database to measure
there; `--relaxed` turns that database's optional durability trade-off on).
It runs against whatever checkout it sits in, so copying it into an older checkout measures "before".

One aiosmtpd sink in this process counts the connections opened to it. Each round queues the same
kind of message (a relayed copy's size, 2-3 KB) and, interleaved, runs:

1. **bare**: smtplib `sendmail` of the very same stored bytes over one connection (the floor of sending);
2. **one pass**: `deliver_due()` over N queued messages;
3. **arrivals**: the listener's sending after each stored message when messages arrive one at a time
   (the worst case for coalescing): queue one, then run the listener's pass (`DeliveryPasses.run`
   over its kept connection, the 20 ms gathering wait set to 0 here; before it, two `deliver_due`
   calls with a new transport each);
4. **burst**: N messages stored at once, then the listener's sending: one coalesced pass now; before,
   one pass per stored message (the first sends them all, the others find nothing).

CPU is the sending thread's own (`time.thread_time`): the sink, a lease heartbeat and the database
server are not counted. Statements are those the sending thread sent (an engine event). Medians of
the rounds are printed. Exits 1 if a message was not delivered exactly once.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as `python bench/delivery.py`: this checkout first
from bench.common import HOST, app_environment, free_port, run_flask

BODY = ("Thank you for writing back so quickly. The evenings are still the hardest part, but the walk "
        "helped, and so did knowing someone else has been through this.\n\n") * 8


class CountingSink:
    """aiosmtpd handler counting connections and the markers of what it receives."""

    def __init__(self):
        """Start with nothing received."""
        self.connections = 0
        self.subjects: Counter = Counter()

    async def handle_DATA(self, server, session, envelope):
        """Keep the subject only: enough to check exactly once, cheap for the sink."""
        raw = envelope.original_content
        start = raw.find(b"Subject: ") + 9
        self.subjects[raw[start:raw.find(b"\r\n", start)].decode()] += 1
        return "250 OK"


def running_sink():
    """Start the sink (its own thread); return (handler, port, controller)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class Counting(SMTP):
        def connection_made(self, transport):
            self.event_handler.connections += 1
            super().connection_made(transport)

    class CountingController(Controller):
        def factory(self):
            return Counting(self.handler, **self.SMTP_kwargs)

    handler, port = CountingSink(), free_port()
    controller = CountingController(handler, hostname=HOST, port=port)
    controller.start()
    handler.connections = 0  # the controller's own check that it listens
    return handler, port, controller


def build_app(database_url: str, sink_port: int, relaxed: bool = False):
    """Migrate the database with `flask db upgrade` and return the app, mail going to the sink."""
    trade_off = {}
    if relaxed:  # the optional durability trade-off of this database (docs/operations.md, "Durability")
        postgres = database_url.startswith("postgresql")
        key = "MATCHER_POSTGRES_SYNCHRONOUS_COMMIT_OFF" if postgres else "MATCHER_SQLITE_SYNCHRONOUS_NORMAL"
        trade_off[key] = "true"
    environment = app_environment(database_url, MAIL_SERVER=HOST, MAIL_PORT=str(sink_port), **trade_off)
    run_flask(environment, "db", "upgrade")
    os.environ.update(environment)
    from matcher import create_app

    return create_app()


class Counted:
    """Thread CPU, wall time and statements of the calling thread, for one measured step."""

    def __init__(self, engine):
        """Count on `engine`, for the thread that makes this object."""
        self.engine, self.thread = engine, threading.current_thread()
        self.statements = 0
        self.cpu = self.wall = 0.0

    def _statement(self, *_args):
        if threading.current_thread() is self.thread:
            self.statements += 1

    def __enter__(self):
        from sqlalchemy import event

        event.listen(self.engine, "before_cursor_execute", self._statement)
        self._cpu, self._wall = time.thread_time(), time.perf_counter()
        return self

    def __exit__(self, *_exc_info):
        from sqlalchemy import event

        self.cpu += time.thread_time() - self._cpu
        self.wall += time.perf_counter() - self._wall
        event.remove(self.engine, "before_cursor_execute", self._statement)


def queue(label: str, first: int, count: int) -> list[str]:
    """Queue `count` messages (committed) and return their subjects."""
    from matcher.extensions import db
    from matcher.mailrelay.outbound.compose import OutgoingMail
    from matcher.mailrelay.outbound.outbox import queue_mail

    subjects = [f"{label}-{number:05d}" for number in range(first, first + count)]
    for subject in subjects:
        queue_mail(OutgoingMail("Sam (Peer supporter)", "support+abc@relay.example", "asha@example.com",
                                subject, BODY + subject), kind="relay")
    db.session.commit()
    return subjects


def listener_sender():
    """Return the listener's per-message sending step, as this checkout's listener does it."""
    try:
        from matcher.mailrelay.outbound import passes
    except ImportError:  # before: a pass per stored message, a new transport per deliver_due
        from matcher.mailrelay.outbound.outbox import deliver_due

        def old_pass():
            deliver_due(most_urgent_only=True)
            deliver_due(limit=50)

        return old_pass, lambda: None, False
    passes.GATHER_SECONDS = 0  # the wait is a sleep, not work; leaving it out keeps wall times comparable
    kept = passes.DeliveryPasses()
    return (lambda: kept.wanted() and kept.run()), kept.close, True


def run_bare(port: int, subjects: list[str], measured: Counted) -> None:
    """Send the stored bytes of these messages with plain smtplib over one connection."""
    import smtplib

    from sqlalchemy import select

    from matcher.extensions import db
    from matcher.mailrelay.models import OutboxMessage
    from matcher.mailrelay.outbound.envelope import envelope_for

    rows = db.session.execute(select(OutboxMessage.envelope_from, OutboxMessage.id, OutboxMessage.created_at,
                                     OutboxMessage.recipient, OutboxMessage.raw)
                              .where(OutboxMessage.subject.in_(subjects))).all()
    db.session.query(OutboxMessage).filter(OutboxMessage.subject.in_(subjects)).delete()  # not for the outbox
    db.session.commit()
    with measured, smtplib.SMTP(HOST, port) as connection:
        for envelope_from, outbox_id, created_at, recipient, raw in rows:
            connection.sendmail(envelope_for(envelope_from, outbox_id, created_at), [recipient], raw)


def one_round(number: int, count: int, port: int, sink: CountingSink, engine) -> dict[str, tuple]:
    """Run the four scenarios once; return {scenario: (cpu ms/msg, wall ms/msg, statements/msg, connections)}."""
    from matcher.mailrelay.outbound.outbox import deliver_due

    results = {}
    for scenario in ("bare", "one pass", "arrivals", "burst"):
        label = f"r{number}-{scenario.replace(' ', '')}"
        connections_before = sink.connections
        measured = Counted(engine)
        if scenario == "bare":
            run_bare(port, queue(label, 0, count), measured)
        elif scenario == "one pass":
            queue(label, 0, count)
            with measured:
                deliver_due(limit=count)
        elif scenario == "arrivals":
            step, close, _ = listener_sender()
            for index in range(count):
                queue(label, index, 1)
                with measured:
                    step()
            close()
        else:
            step, close, coalesced = listener_sender()
            queue(label, 0, count)
            with measured:
                for _ in range(1 if coalesced else count):
                    step()
            close()
        results[scenario] = (measured.cpu * 1000 / count, measured.wall * 1000 / count, measured.statements / count,
                             sink.connections - connections_before)
    return results


def main(argv: list[str] | None = None) -> int:
    """Measure the rounds and print the medians; return 1 if a message was lost or doubled."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database", help="a throwaway database URL (default: a fresh SQLite file)")
    parser.add_argument("--relaxed", action="store_true", help="turn the database's durability trade-off on")
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="matcher-bench-delivery-"))
    url = args.database or f"sqlite:///{folder / 'bench.sqlite'}"
    sink, port, controller = running_sink()
    app = build_app(url, port, args.relaxed)
    kind = url.split(":")[0] + (" relaxed" if args.relaxed else "")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; {args.messages} messages "
          f"a scenario, {args.rounds} rounds, {kind}; checkout {Path(__file__).resolve().parents[1]}")
    rounds = []
    with app.app_context():
        from matcher.extensions import db

        for number in range(args.rounds):
            rounds.append(one_round(number, args.messages, port, sink, db.engine))
    controller.stop()
    print(f"{'scenario':<10}{'CPU ms/msg':>12}{'wall ms/msg':>13}{'statements/msg':>16}{'connections':>13}"
          f"{'CPU x bare':>12}")
    bare_cpu = statistics.median(r["bare"][0] for r in rounds)
    for scenario in rounds[0]:
        cpu, wall, statements, connections = (statistics.median(r[scenario][i] for r in rounds) for i in range(4))
        print(f"{scenario:<10}{cpu:12.2f}{wall:13.2f}{statements:16.2f}{connections:13.0f}{cpu / bare_cpu:12.1f}")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")
    twice = [subject for subject, copies in sink.subjects.items() if copies != 1]
    expected = 4 * args.messages * args.rounds
    print(f"exactly once: {len(sink.subjects) - len(twice)} of {expected}; more than once: {len(twice)}")
    return 0 if len(sink.subjects) == expected and not twice else 1


if __name__ == "__main__":
    sys.exit(main())
