"""Load-test the mail relay end to end: SMTP in, outbox out, beside a bare forwarder measured in the same run.

Run as `python bench/relay.py [--messages 100] [--rounds 5]` from the repository root (`--help` for the rest).

Both systems run side by side for the whole run and take the load in interleaved chunks (bare,
matcher, then matcher, bare, ...), so a machine shared with other work loads both alike; the
report gives medians over the chunks and CPU ms per message (from /proc) beside the throughput
ratio, as issue 15 asks.

One SMTP sink (aiosmtpd, in this process) receives everything and records when each message
arrives. The same client load (N messages over CLIENTS parallel smtplib connections) goes to:

1. a bare forwarder: an aiosmtpd server in its own process whose handler parses and writes each
   message again (`email.policy.default`, as the relay must read and rebuild it) and relays it at
   once with smtplib to the sink (one kept-open connection per forwarding thread, no database),
   and answers 250 only after the sink took it;
2. matcher: `flask --app matcher relay smtpd` (the real CLI, in its own process) on a fresh SQLite
   database made with `flask db upgrade` and `flask demo --json`, with moderation `audit_only`
   (set before seeding, so the demo pairings get it) and the per-party hourly limit raised to a
   million; a second process runs `deliver_due()` in a loop (sleeping IDLE_POLL_SECONDS only when
   a pass sent nothing) through Flask-Mail's SMTP settings to the sink.

Each message goes from a demo requester's real address to that pairing's masked address and
carries a unique marker in its subject, body and Message-ID. Only sink messages whose text
carries a marker are counted: the introductions and any other system mail are not.
Throughput is from the first send to the last arrival at the sink; latency is from the 250
the client got to the arrival of the relayed copy. Afterwards every marker must have arrived
exactly once. Exits 1 when a correctness check fails (the targets are reported, not enforced).
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import logging
import math
import os
import re
import shutil
import signal
import smtplib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as `python bench/relay.py`: this checkout first
from bench.common import HOST, REPO_ROOT, flask_command, free_port, log_tail, run_flask, stop
from bench.common import app_environment as matcher_environment

log = logging.getLogger(__name__)
CLIENTS = 4
FORWARD_THREADS = 4
IDLE_POLL_SECONDS = 0.05
MAX_ATTEMPTS = 5
RETRY_PAUSE_SECONDS = 1.0
SMTP_TIMEOUT_SECONDS = 60.0
STARTUP_TIMEOUT_SECONDS = 30.0
QUIET_SECONDS = 30.0
THROUGHPUT_TARGET = 0.25
LATENCY_TARGET_SECONDS = 1.0
LISTENER_CPU_TARGET_MS = 8.0
SENDER_TOTALS = "sender totals:"
TITLES = {"bare": "bare forwarder", "matcher": "matcher relay"}
MARKER = re.compile(r"relaybench-(?:bare|matcher)-\d+")
BODY = """Hello,

Thank you for your last email. We went for a walk by the river this morning and the ducks
were out in force. The little one watched them for ages and we stopped for a hot chocolate
on the way home.

I have been trying the idea you mentioned about writing down three good things each evening.
Some days it is only a cup of tea and a bit of sunshine, but it does help.

My sister is visiting at the weekend, so I am tidying the kitchen and planning a simple lunch.
I will let you know how it goes.

Reference for our records: {marker}

Best wishes
"""


# --- what the clients send ------------------------------------------------------------------

@dataclass(frozen=True)
class Outgoing:
    """One message to send: its marker, envelope and bytes."""

    marker: str
    sender: str
    recipient: str
    raw: bytes


def write_message(marker: str, sender: str, recipient: str) -> Outgoing:
    """Write an ordinary plain-text message carrying `marker` in subject, body and Message-ID."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = f"A good week ({marker})"
    message["Message-ID"] = make_msgid(idstring=marker, domain="mail.example.com")
    message["Date"] = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
    message.set_content(BODY.format(marker=marker))
    return Outgoing(marker, sender, recipient, message.as_bytes(policy=policy.SMTP))


def write_load(label: str, count: int, routes: list[tuple[str, str]], first: int = 0) -> list[Outgoing]:
    """Write `count` messages for one chunk, numbered from `first`, spread over the routes in turn."""
    return [write_message(f"relaybench-{label}-{i:05d}", *routes[i % len(routes)]) for i in range(first, first + count)]


# --- the client load ------------------------------------------------------------------------

@dataclass
class Load:
    """What the clients saw: when they started, when each marker got its 250, what was refused."""

    started: float = 0.0
    accepted_at: dict[str, float] = field(default_factory=dict)
    transaction_seconds: list[float] = field(default_factory=list)
    refusals: Counter = field(default_factory=Counter)
    gave_up: list[str] = field(default_factory=list)


def send_load(port: int, messages: list[Outgoing], clients: int) -> Load:
    """Send every message over `clients` parallel SMTP connections; retry 4xx answers like an MTA."""
    load = Load()
    next_index = itertools.count()
    start_line = threading.Barrier(clients + 1)
    threads = [threading.Thread(target=client_worker, args=(port, messages, next_index, load, start_line), daemon=True)
               for _ in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    load.started = time.perf_counter()
    for thread in threads:
        thread.join()
    return load


def client_worker(port: int, messages: list[Outgoing], next_index, load: Load, start_line: threading.Barrier) -> None:
    """Take the next unsent message and send it until none are left; keep one connection open."""
    connection: smtplib.SMTP | None = None
    start_line.wait()
    while (index := next(next_index)) < len(messages):
        connection = send_one(port, connection, messages[index], load)
    if connection is not None:
        close_quietly(connection)


def send_one(port: int, connection: smtplib.SMTP | None, message: Outgoing, load: Load) -> smtplib.SMTP | None:
    """Send one message, retrying temporary refusals; return the connection to reuse (or None)."""
    for attempt in range(1, MAX_ATTEMPTS + 1):
        began = time.perf_counter()
        try:
            connection = connection or smtplib.SMTP(HOST, port, timeout=SMTP_TIMEOUT_SECONDS)
            connection.sendmail(message.sender, [message.recipient], message.raw)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            load.refusals[f"RCPT {code} {reply.decode(errors='replace')}"] += 1
            permanent = code >= 500
        except smtplib.SMTPResponseException as error:
            load.refusals[f"{code_stage(error)} {error.smtp_code} {decode(error.smtp_error)}"] += 1
            permanent = error.smtp_code >= 500
            if error.smtp_code == 421:
                close_quietly(connection)
                connection = None
        except (smtplib.SMTPException, OSError) as error:
            load.refusals[f"connection {type(error).__name__}: {error}"] += 1
            close_quietly(connection)
            connection, permanent = None, False
        else:
            accepted = time.perf_counter()
            load.accepted_at[message.marker] = accepted
            load.transaction_seconds.append(accepted - began)
            return connection
        if permanent or attempt == MAX_ATTEMPTS:
            break
        time.sleep(RETRY_PAUSE_SECONDS)
    load.gave_up.append(message.marker)
    return connection


def code_stage(error: smtplib.SMTPResponseException) -> str:
    """Name the SMTP command an error answered."""
    return {smtplib.SMTPSenderRefused: "MAIL", smtplib.SMTPDataError: "DATA"}.get(type(error), "SMTP")


def decode(reply: bytes | str) -> str:
    """Return an SMTP reply as text."""
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def close_quietly(connection: smtplib.SMTP | None) -> None:
    """Say QUIT and close, ignoring a connection that is already gone."""
    if connection is None:
        return
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        connection.close()


# --- the sink -------------------------------------------------------------------------------

class Sink:
    """aiosmtpd handler keeping (arrival time, raw bytes) of everything it receives."""

    def __init__(self):
        """Start with nothing received."""
        self.arrivals: list[tuple[float, bytes]] = []
        self.scanned = 0
        self.marker_arrivals: dict[str, list[float]] = {}
        self.unmarked = 0
        self.connections = 0  # SMTP connections opened to the sink

    async def handle_DATA(self, server, session, envelope):
        """Record the arrival time and bytes; nothing else, to keep the sink cheap."""
        self.arrivals.append((time.perf_counter(), envelope.original_content or envelope.content))
        return "250 OK"

    def scan(self) -> None:
        """Find the markers in messages received since the last scan."""
        arrived = len(self.arrivals)
        for arrival_time, raw in self.arrivals[self.scanned:arrived]:
            markers = markers_in(raw)
            self.unmarked += not markers
            for marker in markers:
                self.marker_arrivals.setdefault(marker, []).append(arrival_time)
        self.scanned = arrived

    def count_with_prefix(self, prefix: str) -> int:
        """Return how many distinct markers of one phase have arrived."""
        return sum(1 for marker in self.marker_arrivals if marker.startswith(prefix))


def markers_in(raw: bytes) -> set[str]:
    """Return the markers in the text parts of a message (decoded, so any transfer encoding works)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    found: set[str] = set()
    for part in message.walk():
        if part.get_content_maintype() == "text":
            found.update(MARKER.findall(part.get_content()))
    return found


@contextmanager
def running_sink():
    """Run the sink on a free loopback port; yield (sink, port); always stop it."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import SMTP

    class CountingSMTP(SMTP):
        def connection_made(self, transport):
            self.event_handler.connections += 1
            super().connection_made(transport)

    class CountingController(Controller):
        def factory(self):
            return CountingSMTP(self.handler, **self.SMTP_kwargs)

    sink, port = Sink(), free_port()
    controller = CountingController(sink, hostname=HOST, port=port, server_kwargs={"decode_data": False})
    controller.start()
    sink.connections = 0  # the controller's own check that it listens
    try:
        yield sink, port
    finally:
        controller.stop()


def wait_for_markers(sink: Sink, markers: set[str], arrivals_before: int) -> None:
    """Wait until every marker of a chunk arrived, or nothing arrived for QUIET_SECONDS.

    Messages are parsed only once enough of them are in, so the parsing does not take CPU
    from the system under test while it is still delivering.
    """
    last_progress, last_count = time.monotonic(), -1
    while True:
        count = len(sink.arrivals)
        if count - arrivals_before >= len(markers):
            sink.scan()
            if markers <= sink.marker_arrivals.keys():
                return
        if count != last_count:
            last_progress, last_count = time.monotonic(), count
        elif time.monotonic() - last_progress > QUIET_SECONDS:
            sink.scan()
            print(f"  gave up waiting: {len(markers & sink.marker_arrivals.keys())} of {len(markers)} arrived, "
                  f"nothing new for {QUIET_SECONDS:g} s")
            return
        time.sleep(0.1)


def wait_until_quiet(sink: Sink, seconds: float) -> int:
    """Wait until the sink received nothing for `seconds`; return how many messages it has."""
    count, since = len(sink.arrivals), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.1)
        if len(sink.arrivals) != count:
            count, since = len(sink.arrivals), time.monotonic()
    return count


# --- processes ------------------------------------------------------------------------------

@contextmanager
def background(command: list[str], environment: dict[str, str], log_path: Path):
    """Run a command with output to `log_path`; yield the process; always stop it."""
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield process
    finally:
        stop(process)


def wait_for_smtp(process: subprocess.Popen, port: int, log_path: Path) -> None:
    """Wait until an SMTP server answers NOOP on `port`, or fail if its process exits."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[2:]} exited with {process.returncode}:\n{log_tail(log_path)}")
        try:
            with smtplib.SMTP(HOST, port, timeout=2) as probe:
                probe.noop()
            return
        except (smtplib.SMTPException, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered SMTP on port {port}:\n{log_tail(log_path)}")


def cpu_seconds(pid: int) -> float:
    """Return user plus system CPU seconds used so far by one process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def log_findings(log_path: Path) -> Counter:
    """Count the error-looking lines of a log (tracebacks, locked database, failures), by text."""
    pattern = re.compile(r"Traceback|Error|error|locked|failed|failure|\b451 4\.|could not", re.ASCII)
    text = log_path.read_text(errors="replace") if log_path.exists() else ""
    return Counter(line.strip()[:200] for line in text.splitlines()
                   if pattern.search(line) and not line.startswith(SENDER_TOTALS))


# --- phase results --------------------------------------------------------------------------

@dataclass
class Phase:
    """One system under test, measured: the client load, the arrivals and what its logs said."""

    label: str
    messages: int
    load: Load
    arrivals: dict[str, list[float]]
    cpu_by_process: dict[str, float]
    connections: int = 0
    log_findings: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    @property
    def last_arrival(self) -> float:
        """Return when the last relayed copy arrived (first copy of each marker)."""
        return max((times[0] for times in self.arrivals.values()), default=self.load.started)

    @property
    def seconds(self) -> float:
        """Return first send to last arrival."""
        return self.last_arrival - self.load.started

    @property
    def per_second(self) -> float:
        """Return relayed copies delivered a second, first send to last arrival."""
        return len(self.arrivals) / self.seconds if self.seconds > 0 else 0.0

    @property
    def accepted_per_second(self) -> float:
        """Return messages accepted (250) a second, first send to last 250."""
        seconds = self.last_acceptance - self.load.started
        return len(self.load.accepted_at) / seconds if seconds > 0 else 0.0

    @property
    def last_acceptance(self) -> float:
        """Return when the clients got their last 250."""
        return max(self.load.accepted_at.values(), default=self.load.started)

    def delivered_during_load(self) -> int:
        """Return how many copies arrived before the last 250 was given."""
        return sum(1 for times in self.arrivals.values() if times[0] <= self.last_acceptance)

    def latencies(self) -> list[float]:
        """Return, sorted, the seconds from each 250 to the first arrival of its copy."""
        return sorted(times[0] - self.load.accepted_at[marker] for marker, times in self.arrivals.items()
                      if marker in self.load.accepted_at)


def phase_arrivals(sink: Sink, prefix: str) -> dict[str, list[float]]:
    """Return the arrival times of each marker of one phase."""
    sink.scan()
    return {marker: times for marker, times in sink.marker_arrivals.items() if marker.startswith(prefix)}


def run_phase(label: str, port: int, messages: list[Outgoing], sink: Sink, pids: dict[str, int]) -> Phase:
    """Send the load to `port`, wait for the copies at the sink, and collect the figures."""
    cpu_before, arrivals_before = {name: cpu_seconds(pid) for name, pid in pids.items()}, len(sink.arrivals)
    cpu_before["bench (clients, sink)"] = time.process_time()
    connections_before = sink.connections
    load = send_load(port, messages, CLIENTS)
    wait_for_markers(sink, set(load.accepted_at), arrivals_before)
    cpu_used = {name: cpu_seconds(pid) - cpu_before[name] for name, pid in pids.items()}
    cpu_used["bench (clients, sink)"] = time.process_time() - cpu_before["bench (clients, sink)"]
    arrivals = {marker: times for marker, times in phase_arrivals(sink, f"relaybench-{label}-").items()
                if marker in load.accepted_at}
    return Phase(label, len(messages), load, arrivals, cpu_used, connections=sink.connections - connections_before)


# --- 1. the bare forwarder ------------------------------------------------------------------

class Forwarder:
    """aiosmtpd handler relaying each message to the sink with smtplib before answering 250."""

    def __init__(self, sink_port: int):
        """Forward to the sink on `sink_port` from a few threads, each with its own connection."""
        self.sink_port = sink_port
        self.pool = ThreadPoolExecutor(max_workers=FORWARD_THREADS, thread_name_prefix="forward")
        self.local = threading.local()

    def forward(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        """Send one message on this thread's kept-open connection (reopened after an error)."""
        connection = getattr(self.local, "connection", None)
        try:
            if connection is None:
                connection = self.local.connection = smtplib.SMTP(HOST, self.sink_port, timeout=SMTP_TIMEOUT_SECONDS)
            connection.sendmail(mail_from, rcpt_tos, raw)
        except (smtplib.SMTPException, OSError):
            self.local.connection = None
            raise

    async def handle_DATA(self, server, session, envelope):
        """Forward, then answer: 250 once the sink has it, 451 if it could not be reached."""
        # Parsed and written again, as the relay must (issue 15: the baseline does the same reading).
        raw = BytesParser(policy=policy.default).parsebytes(envelope.original_content or envelope.content).as_bytes()
        try:
            await asyncio.get_running_loop().run_in_executor(
                self.pool, self.forward, envelope.mail_from, list(envelope.rcpt_tos), raw)
        except (smtplib.SMTPException, OSError) as error:
            log.warning("could not forward: %s", error)
            return "451 4.4.1 Could not forward, try again later"
        return "250 Forwarded"


def serve_forwarder(port: int, sink_port: int) -> int:
    """Run the bare forwarder until SIGTERM (in its own process)."""
    from aiosmtpd.controller import Controller

    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    controller = Controller(Forwarder(sink_port), hostname=HOST, port=port, server_kwargs={"decode_data": False})
    controller.start()
    try:
        stopping.wait()
    finally:
        controller.stop()
    return 0


@contextmanager
def running_forwarder(sink_port: int, folder: Path):
    """Run the bare forwarder in its own process; yield (port, pid, log path)."""
    port, log_path = free_port(), folder / "forwarder.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--serve", "forwarder",
               "--port", str(port), "--sink-port", str(sink_port)]
    with background(command, dict(os.environ), log_path) as forwarder:
        wait_for_smtp(forwarder, port, log_path)
        yield port, {"forwarder": forwarder.pid}, log_path


BARE_ROUTES = [(f"sender{n}@example.com", f"reader{n}@example.org") for n in range(2)]


# --- 2. matcher -----------------------------------------------------------------------------

def app_environment(database: Path, sink_port: int) -> dict[str, str]:
    """Return the environment configuring matcher: this database, mail to the sink, nothing held."""
    return matcher_environment(
        f"sqlite:///{database}",
        # Read when a pairing is created, so it must be set before `demo` seeds the pairings.
        MATCHER_DEFAULT_MODERATION="audit_only",
        MATCHER_RELAY_HOURLY_LIMIT="1000000",
        MAIL_SERVER=HOST,
        MAIL_PORT=str(sink_port),
    )


def seed_database(environment: dict[str, str], folder: Path) -> list[tuple[str, str]]:
    """Create the schema and the demo; return (requester email, requester_writes_to) of each pairing."""
    import json

    run_flask(environment, "db", "upgrade")
    demo_path = folder / "demo.json"
    # The demo refuses to seed accounts with known passwords outside demo mode; only this command has it.
    run_flask(environment | {"FLASK_MATCHER_DEMO": "true"}, "demo", "--json", str(demo_path))
    pairings = json.loads(demo_path.read_text())["pairings"]
    return [(p["requester"]["email"], p["requester_writes_to"]) for p in pairings]


def run_sender_loop() -> int:
    """Deliver due outbox mail in a loop until SIGTERM (in its own process); print totals at the end."""
    sys.path.insert(0, str(REPO_ROOT))
    from matcher import create_app
    from matcher.extensions import db
    from matcher.mailrelay.outbound.outbox import deliver_due

    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    totals, busy = Counter(), Counter()
    with create_app().app_context(), ExitStack() as kept:
        try:  # one kept-open SMTP connection for every pass, as `relay send` has
            from matcher.mailrelay.outbound.outbox import one_connection

            kept.enter_context(one_connection())
        except ImportError:  # an older checkout: a new connection per pass
            pass
        while not stopping.is_set():
            if not sender_pass(deliver_due, db.session.rollback, totals, busy):
                stopping.wait(IDLE_POLL_SECONDS)
    print(f"{SENDER_TOTALS} {dict(totals)}; passes that sent: {busy['wall']:.1f} s wall = {busy['cpu']:.1f} s on a CPU "
          f"+ {busy['run queue']:.1f} s waiting for a CPU + {busy['wall'] - busy['cpu'] - busy['run queue']:.1f} s "
          f"blocked (SQLite lock, disk, SMTP)", flush=True)
    return 0


def sender_pass(deliver, rollback, totals: Counter, busy: Counter) -> bool:
    """Run one outbox pass, adding its counts to `totals` and its timings to `busy`; return whether it sent."""
    started, (cpu_before, queued_before) = time.perf_counter(), thread_schedstat()
    try:
        report = deliver()
    except Exception:  # count it, say it, and go on like a scheduler would
        log.exception("sender pass failed")
        rollback()
        totals["passes that raised"] += 1
        return False
    totals.update(sent=report.sent, retried=report.retried, failed=report.failed)
    if not (report.sent or report.retried or report.failed):
        return False
    cpu_after, queued_after = thread_schedstat()
    busy.update({"wall": time.perf_counter() - started, "cpu": cpu_after - cpu_before,
                 "run queue": queued_after - queued_before})
    return True


def thread_schedstat() -> tuple[float, float]:
    """Return (seconds on a CPU, seconds runnable but waiting for one) of this thread; zeros off Linux."""
    try:
        on_cpu, waiting, _ = Path("/proc/thread-self/schedstat").read_text().split()
    except (OSError, ValueError):
        return 0.0, 0.0
    return int(on_cpu) / 1e9, int(waiting) / 1e9


def database_counts(database: Path) -> list[str]:
    """Read inbound states and outbox statuses straight from the SQLite file."""
    connection = sqlite3.connect(database)
    try:
        inbound = connection.execute("SELECT state, count(*), sum(last_error IS NOT NULL) FROM inbound_message "
                                     "GROUP BY state").fetchall()
        outbox = connection.execute("SELECT kind, status, count(*) FROM outbox_message "
                                    "GROUP BY kind, status").fetchall()
    finally:
        connection.close()
    return ([f"inbound_message: {state} {count}" + (f" ({errors} with last_error)" if errors else "")
             for state, count, errors in inbound]
            + [f"outbox_message: {kind} {status} {count}" for kind, status, count in outbox])


@contextmanager
def running_matcher(sink: Sink, sink_port: int, folder: Path):
    """Seed matcher, start its SMTP listener and sender, drain the introductions; yield (port, pids, routes)."""
    database = folder / "matcher.sqlite"
    environment = app_environment(database, sink_port)
    routes = seed_database(environment, folder)
    port = free_port()
    smtpd_log, sender_log = folder / "smtpd.log", folder / "sender.log"
    sender_command = [sys.executable, str(Path(__file__).resolve()), "--serve", "sender"]
    arrivals_before = len(sink.arrivals)
    with ExitStack() as running:
        smtpd = running.enter_context(background(flask_command("relay", "smtpd", "--host", HOST, "--port", str(port)),
                                                 environment, smtpd_log))
        sender = running.enter_context(background(sender_command, environment, sender_log))
        wait_for_smtp(smtpd, port, smtpd_log)
        system_mail = wait_until_quiet(sink, 2.0) - arrivals_before
        print(f"  matcher's sender running; {system_mail} system messages (introductions) at the sink before the load")
        yield port, {"relay smtpd": smtpd.pid, "sender loop": sender.pid}, routes
    print(f"  matcher logs: {dict((log_findings(smtpd_log) + log_findings(sender_log)).most_common(8))}")
    for note in database_counts(database) + [line for line in log_tail(sender_log, 5).splitlines()
                                             if line.startswith(SENDER_TOTALS)]:
        print(f"    {note}")


# --- the report -----------------------------------------------------------------------------

def percentile(sorted_values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    return sorted_values[max(1, math.ceil(len(sorted_values) * share)) - 1]


def milliseconds(values: list[float]) -> str:
    """Format p50, p95 and max of sorted seconds as milliseconds."""
    if not values:
        return "no values"
    return (f"p50 {percentile(values, 0.50) * 1000:7.1f} ms  p95 {percentile(values, 0.95) * 1000:7.1f} ms  "
            f"max {values[-1] * 1000:7.1f} ms")


def print_phase(phase: Phase) -> None:
    """Print one phase's throughput, latencies, refusals and log findings."""
    load = phase.load
    print(f"  {TITLES[phase.label]}: {len(phase.arrivals)} of {phase.messages} relayed copies at the sink in "
          f"{phase.seconds:.2f} s -> {phase.per_second:.1f} msg/s end to end; accepted {len(load.accepted_at)} at "
          f"{phase.accepted_per_second:.1f} msg/s")
    per_message = ", ".join(f"{name} {seconds * 1000 / max(1, phase.messages):.1f}"
                            for name, seconds in phase.cpu_by_process.items())
    print(f"    CPU ms per message, by process: {per_message}")
    print(f"    SMTP connections opened to the sink: {phase.connections}")
    last_accept = phase.last_acceptance
    during = phase.delivered_during_load()
    print(f"    delivered while the clients were sending: {during} in {last_accept - load.started:.2f} s; "
          f"after the last 250: {len(phase.arrivals) - during} in {max(0.0, phase.last_arrival - last_accept):.2f} s")
    print(f"    client sendmail() call to its 250:      {milliseconds(sorted(load.transaction_seconds))}")
    print(f"    250 to arrival at the sink:              {milliseconds(phase.latencies())}")
    for refusal, count in load.refusals.most_common():
        print(f"    refused {count} x: {refusal}")
    if load.gave_up:
        print(f"    client gave up on {len(load.gave_up)} messages after {MAX_ATTEMPTS} attempts")
    for line, count in phase.log_findings.most_common(8):
        print(f"    log {count} x: {line}")
    for note in phase.notes:
        print(f"    {note}")


def cpu_ms(phase: Phase, process: str) -> float:
    """Return one process's CPU milliseconds per message in one chunk."""
    return phase.cpu_by_process.get(process, 0.0) * 1000 / max(1, phase.messages)


def print_comparison(bare: list[Phase], matcher: list[Phase]) -> None:
    """Print the medians over the interleaved chunks: throughput, ratio, CPU per message, targets."""
    median = statistics.median
    ratios = [m.per_second / b.per_second for b, m in zip(bare, matcher, strict=True) if b.per_second]
    ratio = median(ratios) if ratios else float("nan")
    listener = median(cpu_ms(phase, "relay smtpd") for phase in matcher)
    p95 = median(percentile(phase.latencies(), 0.95) for phase in matcher)
    print(f"\n  medians over {len(matcher)} interleaved chunks of {matcher[0].messages} messages")
    print(f"  {'':<16}{'msg/s end to end':>18}{'accepted msg/s':>16}{'250 to sink p95':>17}  CPU ms per message")
    for phases in (bare, matcher):
        processes = [name for name in phases[0].cpu_by_process if not name.startswith("bench")]
        cpu = ", ".join(f"{name} {median(cpu_ms(phase, name) for phase in phases):.1f}" for name in processes)
        print(f"  {TITLES[phases[0].label]:<16}{median(p.per_second for p in phases):18.1f}"
              f"{median(p.accepted_per_second for p in phases):16.1f}"
              f"{median(percentile(p.latencies(), 0.95) for p in phases) * 1000:14.1f} ms  {cpu}")
    print(f"  ratio matcher / bare (median of the chunks' ratios): {ratio:.3f}; chunks: "
          + ", ".join(f"{r:.3f}" for r in ratios))
    targets = ((f"matcher >= {THROUGHPUT_TARGET:g} x the bare forwarder's throughput", ratio >= THROUGHPUT_TARGET,
                f"{ratio:.3f} x"),
               (f"listener CPU <= {LISTENER_CPU_TARGET_MS:g} ms per message", listener <= LISTENER_CPU_TARGET_MS,
                f"{listener:.1f} ms"),
               (f"matcher 250-to-delivery p95 < {LATENCY_TARGET_SECONDS:g} s", p95 < LATENCY_TARGET_SECONDS,
                f"{p95 * 1000:.0f} ms"))
    for name, met, measured in targets:
        print(f"  target {'MET' if met else 'NOT MET'}: {name} ({measured})")


def check_exactly_once(label: str, sent: int, sink: Sink, accepted: int) -> bool:
    """Print, for one system over all chunks, how many markers arrived once, twice or never; True if all once."""
    expected = {f"relaybench-{label}-{i:05d}" for i in range(sent)}
    arrivals = phase_arrivals(sink, f"relaybench-{label}-")
    copies = Counter({marker: len(times) for marker, times in arrivals.items()})
    missing = sorted(expected - copies.keys())
    duplicated = sorted(marker for marker, count in copies.items() if count > 1)
    once = sum(1 for count in copies.values() if count == 1)
    passed = not missing and not duplicated and once == len(expected)
    print(f"  [{'PASS' if passed else 'FAIL'}] {TITLES[label]}: sent {len(expected)}, "
          f"accepted {accepted}, arrived exactly once {once}, "
          f"more than once {len(duplicated)}, never {len(missing)}"
          + (f" (first missing: {', '.join(missing[:5])})" if missing else "")
          + (f" (first duplicated: {', '.join(duplicated[:5])})" if duplicated else ""))
    return passed


# --- the run --------------------------------------------------------------------------------

def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line (the --serve modes are how this script starts its own helpers)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--messages", type=int, default=100, help="messages per chunk and system (100)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved chunks per system (5)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (database, logs)")
    parser.add_argument("--serve", choices=("forwarder", "sender"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--sink-port", type=int, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit, so the helpers are stopped on the way out."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def main(argv: list[str] | None = None) -> int:
    """Measure the bare forwarder and matcher in interleaved chunks; return 1 if a message was lost or doubled."""
    args = parse_arguments(argv)
    if args.serve == "forwarder":
        return serve_forwarder(args.port, args.sink_port)
    if args.serve == "sender":
        return run_sender_loop()
    exit_on_sigterm()
    folder = Path(tempfile.mkdtemp(prefix="matcher-bench-relay-"))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
          f"{os.getloadavg()[0]:.1f} at start; {args.rounds} rounds of {args.messages} messages per system over "
          f"{CLIENTS} SMTP connections, interleaved; temporary folder {folder}")
    passed = False
    phases: dict[str, list[Phase]] = {"bare": [], "matcher": []}
    try:
        with running_sink() as (sink, sink_port), ExitStack() as running:
            bare_port, bare_pids, _ = running.enter_context(running_forwarder(sink_port, folder))
            matcher_port, matcher_pids, routes = running.enter_context(running_matcher(sink, sink_port, folder))
            systems = {"bare": (bare_port, bare_pids, BARE_ROUTES), "matcher": (matcher_port, matcher_pids, routes)}
            for round_number in range(args.rounds):
                # Alternate which goes first, so neither always meets a machine the other just warmed or loaded.
                order = ("bare", "matcher") if round_number % 2 == 0 else ("matcher", "bare")
                for label in order:
                    port, pids, label_routes = systems[label]
                    messages = write_load(label, args.messages, label_routes, round_number * args.messages)
                    print(f"\nround {round_number + 1}: {TITLES[label]}")
                    phase = run_phase(label, port, messages, sink, pids)
                    print_phase(phase)
                    phases[label].append(phase)
            print(f"  messages at the sink without a marker (introductions, system mail): {sink.unmarked}")
            print(f"\nside by side (load average {os.getloadavg()[0]:.1f} at the end)")
            print_comparison(phases["bare"], phases["matcher"])
            print("\nexactly once at the sink")
            sent = args.rounds * args.messages
            checks = [check_exactly_once(label, sent, sink, sum(len(p.load.accepted_at) for p in phases[label]))
                      for label in ("bare", "matcher")]  # both printed, whatever the first says
            passed = all(checks)
    finally:
        if args.keep or not passed:
            print(f"\nkept {folder} (database and logs)")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
