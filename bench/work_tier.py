"""Throughput of the processing tier (`relay work`) with 1, 2 and 4 workers on PostgreSQL.

Run as `python bench/work_tier.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/postgres
[--messages 300] [--rounds 3]` from the repository root.

Each round, for each worker count, on a throwaway database (`flask db upgrade`, `flask demo`,
moderation `audit_only`, hourly limit raised): the workers are started and left to go idle (on
LISTEN), their CPU is noted, then N messages from the demo requesters to their masked addresses
are stored in one transaction (as listeners in "workers" mode store them) with one NOTIFY; the
clock runs from that commit until the last message is read. CPU per message is the workers' own
user+system CPU over the run divided by N (PostgreSQL's server CPU is not counted). Worker
counts are interleaved within each round, so a busy machine slows them alike; medians are
reported. Exits 1 if a message is left unread or read into anything but `delivered`.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as `python bench/work_tier.py`: this checkout first
from bench.common import REPO_ROOT, app_environment, flask_command, run_flask, stop
from bench.relay import cpu_seconds

WORKER_COUNTS = (1, 2, 4)


def fresh_database(server: str) -> tuple[str, object]:
    """Create an empty PostgreSQL database; return its URL and the admin engine that drops it."""
    admin = create_engine(make_url(server), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"matcher_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(server).set(database=name).render_as_string(hide_password=False), (admin, name)


def drop_database(handle) -> None:
    """Drop a database made by `fresh_database`."""
    admin, name = handle
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def seed(environment: dict[str, str], folder: Path) -> list[tuple[str, str]]:
    """Create the schema and the demo; return (requester email, masked address) of each pairing."""
    run_flask(environment, "db", "upgrade")
    demo = folder / "demo.json"
    # Demo mode for seeding only (it refuses known passwords otherwise); the workers run without it.
    run_flask(environment | {"FLASK_MATCHER_DEMO": "true"}, "demo", "--json", str(demo))
    return [(p["requester"]["email"], p["requester_writes_to"]) for p in json.loads(demo.read_text())["pairings"]]


def write(number: int, sender: str, recipient: str) -> bytes:
    """Return one ordinary message with a unique Message-ID."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, recipient, f"Note {number}"
    message["Message-ID"] = make_msgid(domain="example.com")
    message.set_content(f"An ordinary day, note {number}. The baby slept a little better.\n")
    return message.as_bytes()


def store_all(environment: dict[str, str], routes: list[tuple[str, str]], count: int) -> float:
    """Store `count` messages in one transaction, as workers-mode listeners would; return the commit time."""
    from matcher import create_app
    from matcher.extensions import db
    from matcher.mailrelay.ingest import WAKE_CHANNEL, dedupe_key
    from matcher.mailrelay.models import InboundMessage

    app = create_app({"SQLALCHEMY_DATABASE_URI": environment["FLASK_SQLALCHEMY_DATABASE_URI"],
                      "SECRET_KEY": environment["FLASK_SECRET_KEY"]})
    with app.app_context():
        for number in range(count):
            sender, recipient = routes[number % len(routes)]
            raw = write(number, sender, recipient)
            message_id = raw.split(b"Message-ID: ", 1)[1].split(b"\n", 1)[0].decode()
            db.session.add(InboundMessage(dedupe_key=dedupe_key(raw, message_id, recipient), adapter="smtp",
                                          recipient=recipient, message_id=message_id, raw=raw, size=len(raw)))
        db.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
        db.session.commit()
        committed = time.monotonic()
        db.session.remove()
        db.engine.dispose()
    return committed


def states(url: str) -> dict[str, int]:
    """Return {state: messages} of the inbound table."""
    engine = create_engine(url, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT state, count(*) FROM inbound_message GROUP BY state")).all()
    engine.dispose()
    return dict(tuple(row) for row in rows)


def wait_idle(workers: list[subprocess.Popen], settle: float = 1.0, timeout: float = 60.0) -> float:
    """Wait until the workers' CPU stops rising (start-up over, waiting on LISTEN); return their CPU."""
    deadline = time.monotonic() + timeout
    before = sum(cpu_seconds(w.pid) for w in workers)
    while time.monotonic() < deadline:
        time.sleep(settle)
        now = sum(cpu_seconds(w.pid) for w in workers)
        if now - before < 0.05 * len(workers):
            return now
        before = now
    raise RuntimeError("the workers never went idle")


def run_once(server: str, workers_count: int, count: int) -> tuple[float, float]:
    """Measure one run; return (messages per second, worker CPU ms per message)."""
    url, handle = fresh_database(server)
    try:
        environment = app_environment(url, MATCHER_DEFAULT_MODERATION="audit_only",
                                      MATCHER_RELAY_HOURLY_LIMIT="1000000", MATCHER_RELAY_PROCESSING="workers",
                                      MATCHER_RELAY_WORK_POLL="30s")
        with tempfile.TemporaryDirectory() as folder:
            routes = seed(environment, Path(folder))
            workers = [subprocess.Popen(flask_command("relay", "work"), cwd=REPO_ROOT, env=environment,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                       for _ in range(workers_count)]
            try:
                cpu_before = wait_idle(workers)
                committed = store_all(environment, routes, count)
                while states(url).get("received", 0):
                    time.sleep(0.05)
                finished = time.monotonic()
                cpu_after = sum(cpu_seconds(w.pid) for w in workers)
            finally:
                for worker in workers:
                    stop(worker)
        final = states(url)
        if final != {"delivered": count}:
            raise SystemExit(f"not every message was read into 'delivered': {final}")
        return count / (finished - committed), (cpu_after - cpu_before) * 1000 / count
    finally:
        drop_database(handle)


def main() -> None:
    """Measure and print one line per worker count: median throughput and CPU per message."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", required=True, help="a PostgreSQL server URL (throwaway databases are made)")
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    results: dict[int, list[tuple[float, float]]] = {n: [] for n in WORKER_COUNTS}
    for round_number in range(options.rounds):
        for workers_count in WORKER_COUNTS:
            results[workers_count].append(run_once(options.postgres, workers_count, options.messages))
            rate, cpu = results[workers_count][-1]
            print(f"round {round_number + 1}: {workers_count} worker(s): {rate:.1f} msg/s, {cpu:.1f} ms CPU/msg",
                  flush=True)
    base = statistics.median(rate for rate, _ in results[1])
    print(f"\n{options.messages} messages, median of {options.rounds} rounds")
    print("| workers | messages/s | vs 1 worker | worker CPU ms/message |")
    print("|---|---|---|---|")
    for workers_count, runs in results.items():
        rate = statistics.median(r for r, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        print(f"| {workers_count} | {rate:.1f} | {rate / base:.2f}x | {cpu:.1f} |")


if __name__ == "__main__":
    main()
