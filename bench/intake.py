"""Load-test the request form under gunicorn: its throughput beside a minimal Flask route, then a sustained run.

Run as `python bench/intake.py [--seconds 60] [--rate 50]` (from any folder; `--help` for the rest).

1. Throughput: one closed-loop load generator (CONCURRENCY client threads, each sending its
   next POST as soon as the last one is answered) against two gunicorn servers started with
   the same settings (`-w 2`, sync workers unless `--worker-class gthread`): the minimal app in
   bench/minimal_app.py (one route returning "ok", sent the same form bytes) and a valid
   POST /request on a fresh SQLite database. The windows alternate, minimal, form, minimal,
   form..., so a burst of load from elsewhere on the machine hits both. Besides requests a
   second it prints the server's CPU milliseconds per request, which depend far less on what
   else the machine is doing.
2. Sustained: open loop, RATE submissions a second for SECONDS seconds, each from a distinct
   address, on another fresh database. Sends are scheduled at fixed intervals and latency is
   counted from the scheduled time, so a slow server cannot slow the load down or hide its
   queue. Afterwards the SQLite file is read with sqlite3: every submission must have left
   exactly one confirmation in outbox_message.

CSRF stays on: each client thread GETs /request once, keeps the session cookie and the
csrf_token, and sends them with its POSTs. The per-IP rate limit is switched off
(FLASK_RATELIMIT_ENABLED=false) because all load comes from one loopback address. No mail
is sent: MAIL_SERVER stays unset and MATCHER_DEMO false, so confirmations stay in the outbox.
Exits 1 when a check fails.
"""
from __future__ import annotations

import argparse
import http.client
import itertools
import math
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as `python bench/intake.py`: this checkout first
from bench.common import HOST, REPO_ROOT, free_port, log_tail, run_flask, stop
from bench.common import app_environment as matcher_environment

WORKERS = 2
INTAKE_APP = "matcher:create_app()"
MINIMAL_APP = "bench.minimal_app:app"
SENT_LOCATION = "/request/sent"
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
FORM_FIELDS = [
    ("pseudonym", "Robin"), ("role", "mother"), ("stage", "early"),
    ("experiences", "postpartum_psychosis"), ("experiences", "mbu_admission"),
    ("language", "en"), ("region", "GB"), ("timezone", "Europe/London"),
    ("hopes", "Someone to talk to about going home."), ("care_team", "yes"), ("safety", "no"),
    ("consent_health", "y"), ("consent_reading", "y"), ("consent_guidelines", "y"),
]
LATE_SEND_SECONDS = 0.010
FELL_BEHIND_SECONDS = 0.100
REQUEST_TIMEOUT_SECONDS = 30.0
STARTUP_TIMEOUT_SECONDS = 30.0


# --- the load generator ---------------------------------------------------------------------

@dataclass
class Answer:
    """One response: status, Location header and body, or the error that replaced them."""

    status: int = 0
    location: str = ""
    body: bytes = b""
    error: str = ""


class Client:
    """One HTTP connection (kept alive when the server allows) with its own cookies."""

    def __init__(self, port: int):
        """Prepare a connection to the server on this loopback port (opened on first use)."""
        self.connection = http.client.HTTPConnection(HOST, port, timeout=REQUEST_TIMEOUT_SECONDS)
        self.cookies: dict[str, str] = {}
        self.csrf_token = ""

    def send(self, method: str, path: str, body: bytes | None = None) -> Answer:
        """Send one request and read the whole response; never raise on network errors."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            self.connection.request(method, path, body, headers)
            response = self.connection.getresponse()
            payload = response.read()
        except (http.client.HTTPException, OSError) as error:
            self.connection.close()
            return Answer(error=type(error).__name__)
        self.remember_cookies(response)
        return Answer(response.status, response.getheader("Location", ""), payload)

    def remember_cookies(self, response: http.client.HTTPResponse) -> None:
        """Keep every cookie the server set (name and value only)."""
        for header in response.msg.get_all("Set-Cookie") or ():
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value.strip()

    def open_form(self) -> None:
        """GET the request form, as a browser would, to get a session and its CSRF token."""
        answer = self.send("GET", "/request")
        found = CSRF_INPUT.search(answer.body.decode("utf-8", "replace"))
        if answer.status != 200 or not found:
            raise RuntimeError(f"GET /request gave {answer.status or answer.error}, no csrf_token")
        self.csrf_token = found.group(1)

    def close(self) -> None:
        """Close the connection."""
        self.connection.close()


def intake_body(email: str, csrf_token: str) -> bytes:
    """Encode a valid request form for this address."""
    return urlencode([*FORM_FIELDS, ("email", email), ("csrf_token", csrf_token)]).encode()


def is_submitted(answer: Answer) -> bool:
    """Say whether the form was accepted: a 302 to the 'look for our email' page."""
    return answer.status == 302 and answer.location.endswith(SENT_LOCATION)


def is_ok_text(answer: Answer) -> bool:
    """Say whether the minimal route answered 200 "ok"."""
    return answer.status == 200 and answer.body == b"ok"


def outcome(answer: Answer) -> str:
    """Name what went wrong in words a table can hold."""
    return answer.error or f"HTTP {answer.status} {answer.location}".strip()


# --- CPU accounting: who used the two cores ------------------------------------------------

@dataclass(frozen=True)
class CpuReading:
    """CPU ticks used so far by the whole machine, the server's processes and this load generator."""

    machine_busy: int
    machine_total: int
    server: int
    generator: int


@dataclass(frozen=True)
class CpuShares:
    """Shares of all cores used between two readings."""

    server: float
    generator: float
    other: float

    def __str__(self) -> str:
        """Say who used the cores, in one line."""
        return (f"CPU of {os.cpu_count()} cores: server {self.server:.0%}, load generator {self.generator:.0%}, "
                f"other processes {self.other:.0%}")


def machine_ticks() -> tuple[int, int]:
    """Return (busy, total) CPU ticks of the whole machine from /proc/stat; (0, 0) elsewhere."""
    try:
        counters = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = counters[3] + (counters[4] if len(counters) > 4 else 0)
    return sum(counters) - idle, sum(counters)


def process_stat(pid: int | str) -> list[str]:
    """Return the fields of /proc/PID/stat after the command name; [] if it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return []
    return text.rsplit(")", 1)[1].split()


def process_ticks(pid: int | str) -> int:
    """Return user plus system ticks of one process; 0 if it is gone."""
    fields = process_stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0


def children_of(parent_pid: int) -> list[str]:
    """Return the pids whose parent is `parent_pid` (gunicorn's workers)."""
    pids = [entry.name for entry in Path("/proc").iterdir() if entry.name.isdigit()]
    return [pid for pid in pids if (fields := process_stat(pid)) and fields[1] == str(parent_pid)]


def read_cpu(server_pid: int) -> CpuReading:
    """Read the machine's, the server's (master and workers) and this process's CPU ticks."""
    busy, total = machine_ticks()
    server = process_ticks(server_pid) + sum(process_ticks(pid) for pid in children_of(server_pid))
    return CpuReading(busy, total, server, process_ticks(os.getpid()))


def cpu_shares(before: CpuReading, after: CpuReading) -> CpuShares:
    """Split the machine's busy time between two readings into server, generator and the rest."""
    total = after.machine_total - before.machine_total
    if total <= 0:
        return CpuShares(0.0, 0.0, 0.0)
    server = (after.server - before.server) / total
    generator = (after.generator - before.generator) / total
    busy = (after.machine_busy - before.machine_busy) / total
    return CpuShares(server, generator, max(0.0, busy - server - generator))


def cpu_ms_per_request(cpu: CpuShares, seconds: float, requests: int) -> float:
    """Turn the server's share of all cores over a period into CPU milliseconds per request."""
    return cpu.server * (os.cpu_count() or 1) * seconds * 1000 / requests if requests else float("nan")


# --- closed loop: throughput ------------------------------------------------------------------

@dataclass
class Window:
    """What one closed-loop window measured."""

    label: str
    completed: int = 0
    failures: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    cpu: CpuShares = CpuShares(0.0, 0.0, 0.0)

    @property
    def per_second(self) -> float:
        """Return completed requests a second."""
        return self.completed / self.seconds if self.seconds else 0.0

    @property
    def server_cpu_ms(self) -> float:
        """Return the server's CPU milliseconds per request (all workers together)."""
        return cpu_ms_per_request(self.cpu, self.seconds, self.completed)


def combined(label: str, windows: list[Window]) -> Window:
    """Add several windows of one app together, CPU shares weighted by time."""
    seconds = sum(w.seconds for w in windows)
    failures = sum((w.failures for w in windows), Counter())

    def weighted(part: str) -> float:
        """Average one CPU share over the windows, by their length."""
        return sum(getattr(w.cpu, part) * w.seconds for w in windows) / seconds if seconds else 0.0

    return Window(label, sum(w.completed for w in windows), failures, seconds,
                  CpuShares(weighted("server"), weighted("generator"), weighted("other")))


@dataclass(frozen=True)
class Target:
    """One app under test: how to reach it, what to send and what a good answer is."""

    label: str
    server: Server
    path: str
    needs_form: bool
    is_good: Callable[[Answer], bool]

    def body(self, client: Client, email: str) -> bytes:
        """Encode the form this target receives (the baseline gets the same bytes, minus a real token)."""
        return intake_body(email, client.csrf_token if self.needs_form else "not-checked")


def closed_loop(target: Target, concurrency: int, seconds: float, tag: str) -> Window:
    """Keep `concurrency` requests in flight for `seconds` and count what came back."""
    clients = [Client(target.server.port) for _ in range(concurrency)]
    if target.needs_form:
        for client in clients:
            client.open_form()
    start_line = threading.Barrier(concurrency + 1)
    tallies: list[tuple[int, Counter, float]] = []

    def run(thread_number: int, client: Client) -> None:
        """Send from one client and keep its tally."""
        tallies.append(send_until(target, client, seconds, f"{tag}-{thread_number}", start_line))

    threads = [threading.Thread(target=run, args=(n, c), daemon=True) for n, c in enumerate(clients)]
    for thread in threads:
        thread.start()
    cpu_before = read_cpu(target.server.pid)
    start_line.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    cpu = cpu_shares(cpu_before, read_cpu(target.server.pid))
    for client in clients:
        client.close()
    return Window(target.label, sum(t[0] for t in tallies), sum((t[1] for t in tallies), Counter()),
                  max(t[2] for t in tallies) - started, cpu)


def send_until(target: Target, client: Client, seconds: float, tag: str,
               start_line: threading.Barrier) -> tuple[int, Counter, float]:
    """From the common start, send back to back for `seconds`; return (sent, failures, finished at)."""
    sent, failures = 0, Counter()
    start_line.wait()
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        answer = client.send("POST", target.path, target.body(client, f"{tag}-{sent}@example.com"))
        sent += 1
        if not target.is_good(answer):
            failures[outcome(answer)] += 1
    return sent, failures, time.perf_counter()


# --- open loop: the sustained run -------------------------------------------------------------

@dataclass
class Sample:
    """One scheduled submission: when it was due, sent and answered, and how."""

    email: str
    due: float
    sent: float = 0.0
    done: float = 0.0
    answer: Answer = field(default_factory=Answer)


def open_loop(port: int, rate: float, seconds: float, threads: int) -> list[Sample]:
    """Send rate * seconds submissions at fixed intervals from a pool of threads."""
    total = round(rate * seconds)
    clients = [Client(port) for _ in range(threads)]
    for client in clients:
        client.open_form()
    start = time.perf_counter() + 0.2
    samples = [Sample(f"sustained-{i:06d}@example.com", start + i / rate) for i in range(total)]
    next_index = itertools.count()

    def run(client: Client) -> None:
        """Take the next scheduled submission, wait for its time, send it; repeat."""
        while (i := next(next_index)) < total:
            sample = samples[i]
            pause = sample.due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            sample.sent = time.perf_counter()
            sample.answer = client.send("POST", "/request", intake_body(sample.email, client.csrf_token))
            sample.done = time.perf_counter()

    workers = [threading.Thread(target=run, args=(client,), daemon=True) for client in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for client in clients:
        client.close()
    return samples


def percentile(sorted_values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(len(sorted_values) * share))
    return sorted_values[rank - 1]


def confirmation_recipients(database: Path) -> list[str]:
    """Read the recipients of every confirmation in the outbox, straight from the SQLite file."""
    connection = sqlite3.connect(database)
    try:
        rows = connection.execute("SELECT recipient FROM outbox_message WHERE kind = 'confirmation'").fetchall()
    finally:
        connection.close()
    return [recipient for (recipient,) in rows]


# --- serving the apps -------------------------------------------------------------------------

@dataclass(frozen=True)
class Server:
    """A running gunicorn: its port and the master's pid."""

    port: int
    pid: int


def app_environment(database: Path) -> dict[str, str]:
    """Return the environment that configures the app: this database, no mail, no rate limit."""
    return matcher_environment(
        f"sqlite:///{database}",
        # All load comes from one loopback address: the per-IP limit would refuse it.
        RATELIMIT_ENABLED="false",
        SESSION_COOKIE_SECURE="false",
        # No SMTP server, even if instance/config.py names one.
        MAIL_SERVER="null",
    )


def create_schema(environment: dict[str, str]) -> None:
    """Run `flask --app matcher db upgrade` on the configured database."""
    run_flask(environment, "db", "upgrade")


def gunicorn_command(app_spec: str, port: int, args: argparse.Namespace) -> list[str]:
    """Build the gunicorn command line shared by both apps."""
    threads = ["--threads", str(args.worker_threads)] if args.worker_class == "gthread" else []
    return [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-k", args.worker_class, *threads,
            "-b", f"{HOST}:{port}", "--chdir", str(REPO_ROOT), app_spec]


@contextmanager
def serving(app_spec: str, environment: dict[str, str], args: argparse.Namespace, log_path: Path):
    """Run gunicorn for one app, yield it once it answers, and always stop it."""
    port = free_port()
    with open(log_path, "ab") as log:
        process = subprocess.Popen(gunicorn_command(app_spec, port, args), cwd=REPO_ROOT,
                                   env=environment, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_until_answering(process, port, log_path)
        yield Server(port, process.pid)
    finally:
        stop(process)


def wait_until_answering(process: subprocess.Popen, port: int, log_path: Path) -> None:
    """Poll GET / until the server answers with any HTTP response."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{log_tail(log_path)}")
        client = Client(port)
        answered = client.send("GET", "/").status > 0
        client.close()
        if answered:
            return
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer on port {port}:\n{log_tail(log_path)}")


def server_errors(log_path: Path) -> dict[str, int]:
    """Count tracebacks, locked-database errors and worker timeouts in a gunicorn log."""
    text = log_path.read_text(errors="replace")
    return {"tracebacks": text.count("Traceback"), "database is locked": text.count("database is locked"),
            "worker timeouts": text.count("WORKER TIMEOUT")}


# --- the two parts and their report -----------------------------------------------------------

class Checks:
    """Named pass/fail results, printed as they are made."""

    def __init__(self):
        """Start with no failures."""
        self.failed: list[str] = []

    def check(self, name: str, passed: bool, detail: str) -> None:
        """Record and print one check."""
        print(f"  [{'PASS' if passed else 'FAIL'}] {name}: {detail}")
        if not passed:
            self.failed.append(name)


def measure_throughput(args: argparse.Namespace, folder: Path, checks: Checks) -> None:
    """Measure the minimal route and the request form with the same load, alternating, and print both."""
    window_seconds = args.compare_seconds / args.rounds
    print(f"\n1. Throughput: closed loop, concurrency {args.concurrency} (client threads, one connection each), "
          f"{args.compare_seconds:g} s per app as {args.rounds} alternating windows of {window_seconds:g} s; "
          f"{server_description(args)}")
    environment = app_environment(folder / "throughput.sqlite")
    create_schema(environment)
    log_path = folder / "gunicorn-throughput.log"
    with ExitStack() as running:
        minimal_environment = app_environment(folder / "unused.sqlite")
        minimal_server = running.enter_context(serving(MINIMAL_APP, minimal_environment, args, log_path))
        form_server = running.enter_context(serving(INTAKE_APP, environment, args, log_path))
        targets = [Target("minimal Flask route, POST /", minimal_server, "/", False, is_ok_text),
                   Target("request form, POST /request", form_server, "/request", True, is_submitted)]
        for target in targets:
            closed_loop(target, args.concurrency, 1.0, "warmup")
        windows: dict[str, list[Window]] = {t.label: [] for t in targets}
        for round_number in range(1, args.rounds + 1):
            for target in targets:
                window = closed_loop(target, args.concurrency, window_seconds, f"rps{round_number}")
                windows[target.label].append(window)
                print(f"  round {round_number}  {window.label:<30} {window.per_second:8.1f} req/s   {window.cpu}")
    report_throughput([combined(label, parts) for label, parts in windows.items()], log_path, checks)


def report_throughput(results: list[Window], log_path: Path, checks: Checks) -> None:
    """Print the two figures side by side with their ratio, and check every answer was right."""
    minimal, form = results
    print(f"  {'':9}{'':<30} {'req/s':>8}  {'requests':>8}  {'seconds':>7}  {'server CPU ms/req':>17}")
    for result in results:
        print(f"  {'total':<9}{result.label:<30} {result.per_second:8.1f}  {result.completed:8d}  {result.seconds:7.2f}"
              f"  {result.server_cpu_ms:17.2f}   {result.cpu}")
    ratio = minimal.per_second / form.per_second if form.per_second else float("inf")
    cpu_ratio = form.server_cpu_ms / minimal.server_cpu_ms if minimal.server_cpu_ms else float("inf")
    print(f"  {'ratio':<9}{'minimal route / request form':<30} {ratio:8.1f} x"
          f"{'':29}{cpu_ratio:7.1f} x (form / minimal)")
    print(f"  server log: {server_errors(log_path)}")
    for result in results:
        checks.check(f"every answer as expected ({result.label})", not result.failures,
                     ", ".join(f"{n} x {what}" for what, n in result.failures.items())
                     or f"{result.completed} of {result.completed}")


def sustained_run(args: argparse.Namespace, folder: Path, checks: Checks) -> None:
    """Send submissions at a fixed rate, then check every one reached the outbox."""
    print(f"\n2. Sustained: open loop, {args.rate:g} submissions/s for {args.seconds:g} s "
          f"from {args.threads} client threads, "
          f"each address distinct; {server_description(args)}; fresh SQLite database")
    database = folder / "sustained.sqlite"
    environment = app_environment(database)
    create_schema(environment)
    log_path = folder / "gunicorn-sustained.log"
    with serving(INTAKE_APP, environment, args, log_path) as server:
        cpu_before = read_cpu(server.pid)
        samples = open_loop(server.port, args.rate, args.seconds, args.threads)
        cpu = cpu_shares(cpu_before, read_cpu(server.pid))
    seconds = max(s.done for s in samples) - min(s.due for s in samples)
    print(f"  {cpu}; server CPU {cpu_ms_per_request(cpu, seconds, len(samples)):.2f} ms per submission")
    report_sustained(samples, database, log_path, checks)


def report_sustained(samples: list[Sample], database: Path, log_path: Path, checks: Checks) -> None:
    """Print the sustained run's schedule and latency, then make its checks."""
    print_schedule_and_latency(samples)
    print(f"  server log: {server_errors(log_path)}")
    check_sustained(samples, confirmation_recipients(database), checks)


def print_schedule_and_latency(samples: list[Sample]) -> None:
    """Print the rate achieved, how many sends went late, and latency percentiles."""
    late = [s.sent - s.due for s in samples if s.sent - s.due > LATE_SEND_SECONDS]
    elapsed = max(s.done for s in samples) - min(s.due for s in samples)
    print(f"  achieved {len(samples) / elapsed:.1f} submissions/s ({len(samples)} in {elapsed:.1f} s); "
          f"{len(late)} sent more than {LATE_SEND_SECONDS * 1000:.0f} ms after their scheduled time"
          + (f" (worst {max(late) * 1000:.0f} ms)" if late else ""))
    kept_up = max((s.sent - s.due for s in samples), default=0.0) <= FELL_BEHIND_SECONDS
    print(f"  kept to the schedule (no send more than {FELL_BEHIND_SECONDS * 1000:.0f} ms late): "
          + ("yes" if kept_up else "NO: the server fell behind, all client threads were waiting, sends went late"))
    from_due = sorted(s.done - s.due for s in samples)
    from_send = sorted(s.done - s.sent for s in samples)
    for name, values in (("latency from scheduled time", from_due), ("latency from actual send", from_send)):
        figures = "  ".join(f"{label} {percentile(values, share) * 1000:6.1f} ms"
                            for label, share in (("p50", 0.50), ("p95", 0.95), ("p99", 0.99), ("max", 1.0)))
        print(f"  {name:<28} {figures}")


def check_sustained(samples: list[Sample], recipients: list[str], checks: Checks) -> None:
    """Check every submission was accepted and left exactly one confirmation in the outbox."""
    failures = Counter(outcome(s.answer) for s in samples if not is_submitted(s.answer))
    same_addresses = sorted(recipients) == sorted(s.email for s in samples)
    checks.check("submissions sent", len(samples) > 0, f"{len(samples)}")
    checks.check("non-302 responses and errors", not failures,
                 f"{sum(failures.values())}" + (f" ({dict(failures)})" if failures else ""))
    checks.check("confirmation rows in outbox_message == submissions", len(recipients) == len(samples),
                 f"{len(recipients)} rows for {len(samples)} submissions")
    checks.check("one confirmation for each submitted address", same_addresses,
                 "yes" if same_addresses else "the recipients differ from the addresses sent")


def server_description(args: argparse.Namespace) -> str:
    """Say how gunicorn was run."""
    threads = f" --threads {args.worker_threads}" if args.worker_class == "gthread" else ""
    return f"gunicorn -w {WORKERS} -k {args.worker_class}{threads}"


def parse_arguments(argv: list[str] | None = None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the sustained run (60)")
    parser.add_argument("--rate", type=float, default=50, help="submissions a second in the sustained run (50)")
    parser.add_argument("--threads", type=int, default=16, help="client threads in the sustained run (16)")
    parser.add_argument("--compare-seconds", type=float, default=10, help="seconds of throughput load per app (10)")
    parser.add_argument("--rounds", type=int, default=5, help="alternating windows per app (5)")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads in the throughput windows (4)")
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"),
                        help="gunicorn worker class (sync)")
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker (4)")
    parser.add_argument("--skip-throughput", action="store_true", help="run only the sustained part")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (databases, gunicorn logs)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run both parts in a temporary folder; return 1 if any check failed."""
    args = parse_arguments(argv)
    folder = Path(tempfile.mkdtemp(prefix="matcher-bench-intake-"))
    checks = Checks()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; temporary folder {folder}")
    print("per-IP rate limit OFF (FLASK_RATELIMIT_ENABLED=false): all load comes from one loopback address, "
          "which the limit would refuse after 5 a minute; CSRF ON; no mail sent (confirmations stay in the outbox)")
    finished = False
    try:
        if not args.skip_throughput:
            measure_throughput(args, folder, checks)
        sustained_run(args, folder, checks)
        finished = True
    finally:
        if args.keep or checks.failed or not finished:
            print(f"\nkept {folder} (databases and gunicorn logs)")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'FAILED: ' + ', '.join(checks.failed) if checks.failed else 'all checks passed'}")
    return 1 if checks.failed else 0


if __name__ == "__main__":
    sys.exit(main())
