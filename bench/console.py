"""Time the coordinator console on a production-sized database, beside a page that reads no data.

Run as `python bench/console.py [--pairings 100000] [--messages 1000000] [--db sqlite|postgresql]`
from the repository root (`--help` for the rest). PostgreSQL, the production database, is the default.

1. A throwaway database (PostgreSQL `matcher_bench_<random>` on 127.0.0.1:5432, or a SQLite temp file)
   is migrated with Flask-Migrate and bulk-loaded (COPY on PostgreSQL, Core executemany on SQLite)
   with two years of seeded, realistic history, then vacuumed and analysed.
2. The real app runs under gunicorn (2 sync workers). A coordinator signs in over HTTP (password,
   then TOTP code, CSRF on), and each page is requested sequentially after a warm-up:
   the dashboard, the thread of a typical active pairing, the thread of the busiest pairing,
   and the baseline GET /privacy (Jinja, no database query).
3. Pages over the target are then replayed in-process with every SQL statement timed; the slowest
   statements are run again under EXPLAIN ANALYZE, and a profile shows where the rest went.

gunicorn and the database are removed on exit, also after an error or Ctrl-C (unless --keep).
"""
from __future__ import annotations

import argparse
import bisect
import cProfile
import hashlib
import http.client
import io
import json
import os
import pstats
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as `python bench/console.py`: this checkout first
from bench.common import HOST, REPO_ROOT, app_environment, free_port, stop

POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
SEED = 20250303
BATCH = 10_000
TARGET_P95_MS = 100.0
PASSWORD = "correct horse battery staple"
BENCH_EMAIL = "bench@example.org"
DIAGNOSIS_EMAIL = "diagnosis@example.org"
STARTUP_TIMEOUT_SECONDS = 60.0
HISTORY_DAYS = 730
SUPPORT_DAYS = 84
RETAIN_TEXT_DAYS = 90       # MATCHER_RETAIN_MESSAGES_AFTER_END
RETAIN_REQUEST_DAYS = 365   # MATCHER_RETAIN_REQUESTS_AFTER_END
ERASED = "(erased)"
STAFF = 12

PARAGRAPHS = [
    ("Thank you for your message. We had a slow morning, then a walk to the park; the baby slept most of the way "
    "and I managed a coffee on the bench. Some days still feel long, but I noticed I laughed twice today."),
    ("I went back to the perinatal team on Tuesday and they were kind. They are keeping the medication the same "
    "for now. I was nervous beforehand, so it helped to remember what you said about writing questions down."),
    ("It was lovely to read your news. I remember that stage well: the tiredness makes everything louder. "
    "Be gentle with yourself this week, and let the washing wait. You are doing far better than you think."),
    ("My partner has been doing the night feeds so I can sleep, and it is making a real difference. "
    "I am still scared it will come back, though. Did you worry about that too, and what helped?"),
    ("We had family over at the weekend and it was a lot. I needed to go upstairs for a bit, which I used to feel "
    "guilty about. Now I think it was the right thing. Thank you for saying it is allowed."),
    ("Just a short one today: the health visitor came and everything is fine. I wanted to tell someone who "
    "would understand why that matters so much. I hope your week is going well."),
]
SUBJECTS = ["Re: Hello", "This week", "Re: This week", "A better day", "Re: Appointments", "Checking in",
            "Re: Checking in", "Sleep", "Re: Sleep", "Weekend"]
AUDIT_ACTIONS = {
    "console.login": 30, "pairing.approved": 6, "pairing.proposed": 8, "pairing.volunteer_confirmed": 6,
    "pairing.ended": 6, "message.released": 5, "message.raw_viewed": 1, "message.discarded": 1,
    "request.submitted": 8, "request.confirmed": 7, "escalation.opened": 2, "volunteer.updated": 3,
    "retention.applied": 1, "pairing.moderation_changed": 1, "feedback.received": 3,
}
FLAG_KINDS = [("amber", "Low mood described", "hopeless"), ("boundary", "Contact details", "my number is"),
              ("amber", "Medication worries", "stopped taking"), ("red", "Thoughts of self-harm", "end it all")]


# --- numbers -------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Return the share-th percentile (0..1) of values by linear interpolation."""
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def token(*parts: object) -> str:
    """Return a stable 24-character hex token for the given parts."""
    return hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()


# --- the synthetic world (seeded, pure) ----------------------------------------------------------

@dataclass
class PairingPlan:
    """One pairing's life, decided before any row is written."""

    id: int
    volunteer_id: int
    status: str
    created_at: datetime
    confirmed_at: datetime | None
    ended_at: datetime | None
    moderation: str
    messages: int = 0
    first_sender: str = "requester"
    last_message_at: datetime | None = None

    @property
    def live(self) -> bool:
        """Say whether the pairing is introduced or active."""
        return self.status in ("introduced", "active")

    def keeps_text(self, now: datetime) -> bool:
        """Say whether retention would still keep this pairing's message text."""
        return self.ended_at is None or self.ended_at >= now - timedelta(days=RETAIN_TEXT_DAYS)


class MessagePlan(NamedTuple):
    """One inbound message: when, from whom, in what state; its id comes from its place in time."""

    pairing_id: int
    received_at: datetime
    sender: str
    state: str
    flagged: bool


@dataclass
class World:
    """Everything the loader writes, with the few facts the benchmark needs afterwards."""

    now: datetime
    pairings: list[PairingPlan]
    volunteers: int
    extra_requests: list[tuple[str, datetime]]
    messages: list[MessagePlan] = field(default_factory=list)
    outbox_ids: dict[int, int] = field(default_factory=dict)


def plan_pairings(rng: random.Random, count: int, volunteers: int, now: datetime) -> list[PairingPlan]:
    """Spread pairings over two years: ~3% active now, ~2% declined, the rest ended."""
    start = now - timedelta(days=HISTORY_DAYS)
    span = (HISTORY_DAYS - 1) * 86400
    recent = [i for i in range(count) if (i + 1) / count * span > span - SUPPORT_DAYS * 86400]
    active = set(rng.sample(recent, min(len(recent), round(count * 0.03))))
    plans = []
    for i in range(count):
        created = start + timedelta(seconds=(i + rng.random()) / count * span)
        age_days = (now - created).total_seconds() / 86400
        status = "active" if i in active else "ended"
        if status == "active" and age_days < 3 and rng.random() < 0.5:
            status = "introduced"
        elif status == "ended" and rng.random() < 0.02:
            status = "declined"
        confirmed = None if status in ("introduced", "declined") else created + timedelta(hours=rng.uniform(2, 60))
        ended = _ended_at(rng, status, created, age_days, now)
        moderation = rng.choices(["review_flagged", "review_all", "audit_only"], [85, 10, 5])[0]
        plans.append(PairingPlan(i + 1, rng.randrange(volunteers) + 1, status, created,
                                 min(confirmed, now) if confirmed else None, ended, moderation))
    return plans


def _ended_at(rng: random.Random, status: str, created: datetime, age_days: float, now: datetime) -> datetime | None:
    """Return when an ended or declined pairing ended: about twelve weeks in, sooner for some."""
    if status in ("active", "introduced"):
        return None
    if status == "declined":
        return created + timedelta(hours=rng.uniform(24, 72))
    days = rng.uniform(SUPPORT_DAYS - 14, SUPPORT_DAYS + 14) if rng.random() < 0.7 else rng.uniform(3, SUPPORT_DAYS)
    return min(created + timedelta(days=min(days, age_days * rng.uniform(0.3, 0.98))), now - timedelta(hours=1))


def allot_messages(rng: random.Random, plans: list[PairingPlan], total: int, now: datetime) -> None:
    """Share `total` messages out, skewed (log-normal) and by how long each pairing ran.

    The largest share goes to the longest-running active pairing, so the busiest thread still has
    its text (the worst case for the thread page).
    """
    writing = [p for p in plans if p.status in ("active", "ended")]
    weights = [rng.lognormvariate(0, 0.9) * max(((p.ended_at or now) - p.created_at).days, 1) for p in writing]
    scale = total / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in rng.choices(range(len(writing)), weights=weights, k=total - sum(counts)):
        counts[index] += 1
    busiest = max(range(len(writing)), key=counts.__getitem__)
    oldest_active = min((i for i, p in enumerate(writing) if p.status == "active"),
                        key=lambda i: writing[i].created_at, default=busiest)
    counts[busiest], counts[oldest_active] = counts[oldest_active], counts[busiest]
    for plan, count in zip(writing, counts, strict=True):
        plan.messages = count
        plan.first_sender = "requester" if rng.random() < 0.6 else "volunteer"


def message_times(rng: random.Random, plan: PairingPlan, now: datetime) -> list[datetime]:
    """Return a pairing's message times, oldest first; an active one last wrote hours to days ago."""
    begin = plan.confirmed_at or plan.created_at
    end = plan.ended_at or now - timedelta(hours=rng.expovariate(1 / 20))
    if end <= begin:
        begin = plan.created_at
    end = min(max(end, begin + timedelta(minutes=5)), now)
    seconds = (end - begin).total_seconds()
    offsets = [*sorted(rng.random() * seconds for _ in range(plan.messages - 1)), seconds]
    return [begin + timedelta(seconds=s) for s in offsets]


def message_state(rng: random.Random) -> tuple[str, bool]:
    """Draw a settled message's state and whether a rule flagged it."""
    roll = rng.random()
    if roll < 0.005:
        return "ignored", False
    if roll < 0.006:
        return "returned", True
    if roll < 0.007:
        return "discarded", True
    if roll < 0.0075:
        return "for_coordinators", True
    return "delivered", roll > 0.98


def plan_messages(rng: random.Random, plans: list[PairingPlan], now: datetime, held: int) -> list[MessagePlan]:
    """Lay out every message in time order (ids follow time), with `held` waiting in live pairings."""
    messages = []
    for plan in plans:
        if not plan.messages:
            continue
        other = "volunteer" if plan.first_sender == "requester" else "requester"
        times = message_times(rng, plan, now)
        for index, at in enumerate(times):
            state, flagged = message_state(rng)
            messages.append(MessagePlan(plan.id, at, other if index % 2 else plan.first_sender, state, flagged))
        plan.last_message_at = times[-1]
    messages.sort(key=lambda m: m.received_at)
    live = {p.id for p in plans if p.status == "active"}
    recent = [i for i, m in enumerate(messages) if m.pairing_id in live and m.received_at > now - timedelta(days=14)]
    for rank, index in enumerate(rng.sample(recent, min(held, len(recent)))):
        state = "quarantined" if rank % 10 == 0 else "held"
        messages[index] = messages[index]._replace(state=state, flagged=True)
    return messages


def plan_world(pairings: int, messages: int, seed: int) -> World:
    """Decide the whole synthetic history."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    volunteers = max(50, round(pairings * 0.03))
    plans = plan_pairings(rng, pairings, volunteers, now)
    allot_messages(rng, plans, messages, now)
    world = World(now, plans, volunteers, _extra_requests(rng, pairings, now))
    world.messages = plan_messages(rng, plans, now, held=max(10, round(pairings * 0.003)))
    by_id = {p.id: p for p in plans}
    next_outbox = 1
    for message_id, message in enumerate(world.messages, start=1):
        if message.state == "delivered" and by_id[message.pairing_id].keeps_text(now):
            world.outbox_ids[message_id] = next_outbox
            next_outbox += 1
    return world


def _extra_requests(rng: random.Random, pairings: int, now: datetime) -> list[tuple[str, datetime]]:
    """Requests with no pairing: waiting (up to ten weeks), unconfirmed, withdrawn."""
    shares = (("waiting", 0.004, 70), ("unconfirmed", 0.001, 20), ("withdrawn", 0.01, HISTORY_DAYS))
    extra = []
    for status, share, days in shares:
        for _ in range(max(5, round(pairings * share))):
            extra.append((status, now - timedelta(days=rng.expovariate(3 / days) % days, hours=rng.uniform(0, 24))))
    return extra


# --- rows ----------------------------------------------------------------------------------------

Rows = tuple[list[str], Iterator[tuple]]


def coordinator_rows(world: World) -> Rows:
    """Staff accounts that appear in the audit trail and escalations (they never sign in here)."""
    from werkzeug.security import generate_password_hash

    password_hash = generate_password_hash(secrets.token_hex(8), method="scrypt")
    columns = ["id", "email", "password_hash", "role", "active", "session_generation", "created_at",
               "last_login_at", "recovery_codes"]
    start = world.now - timedelta(days=HISTORY_DAYS + 30)
    rows = ((i, f"staff{i}@example.org", password_hash, "admin" if i == 1 else "coordinator", True, 0,
             start, world.now - timedelta(hours=i), []) for i in range(1, STAFF + 1))
    return columns, rows


def volunteer_rows(world: World) -> Rows:
    """Volunteers: mostly active, some paused, retired or applying."""
    rng = random.Random(SEED + 1)
    columns = ["id", "public_id", "name", "email", "phone", "pseudonym", "role", "stages", "experiences", "languages",
               "timezone", "capacity", "trained_on", "checks_expire_on", "status", "created_at", "updated_at"]

    def rows() -> Iterator[tuple]:
        for i in range(1, world.volunteers + 1):
            status = rng.choices(["active", "paused", "retired", "applicant"], [75, 10, 12, 3])[0]
            joined = world.now - timedelta(days=rng.uniform(30, HISTORY_DAYS + 400))
            yield (i, token("volunteer", i)[:22], f"Volunteer{i} Fictional", f"volunteer{i}@example.org",
                   f"07700 9{i % 100000:05d}", f"Sam{i}", "mother" if rng.random() < 0.85 else "partner",
                   ["early", "established"], ["postpartum_psychosis"], ["en"], "Europe/London",
                   rng.choice([1, 2, 3]), (joined + timedelta(days=20)).date(),
                   (world.now + timedelta(days=rng.randint(-60, 900))).date(), status, joined, joined)

    return columns, rows()


REQUEST_COLUMNS = ["id", "public_id", "pseudonym", "name", "email", "role", "stage", "experiences", "language",
                   "region", "timezone", "hopes", "care_team", "safety_answer", "risk_hold", "status",
                   "consented_at", "requested_on", "confirmed_at", "paired_at", "front_of_queue", "withdrawn_at",
                   "created_at", "updated_at"]


def request_rows(world: World) -> Rows:
    """One request per pairing (anonymised a year after the end), then waiting, unconfirmed, withdrawn ones."""
    rng = random.Random(SEED + 2)

    def rows() -> Iterator[tuple]:
        for plan in world.pairings:
            asked = plan.created_at - timedelta(days=rng.uniform(3, 40))
            status = "paired" if plan.live else "ended"
            erased = plan.ended_at is not None and plan.ended_at < world.now - timedelta(days=RETAIN_REQUEST_DAYS)
            yield _request_row(rng, plan.id, status, asked, erased, plan.created_at, plan.ended_at or plan.created_at)
        for offset, (status, asked) in enumerate(world.extra_requests, start=1):
            number = len(world.pairings) + offset
            erased = status == "withdrawn" and asked < world.now - timedelta(days=RETAIN_REQUEST_DAYS)
            yield _request_row(rng, number, status, asked, erased, None, asked)

    return REQUEST_COLUMNS, rows()


def _request_row(rng: random.Random, number: int, status: str, asked: datetime, erased: bool,
                 paired: datetime | None, updated: datetime) -> tuple:
    """Build one support_request row."""
    confirmed = None if status == "unconfirmed" else asked + timedelta(minutes=rng.uniform(2, 600))
    return (number, token("request", number)[:22], ERASED if erased else f"Person{number}", None,
            None if erased else f"person{number}@example.com", "mother" if rng.random() < 0.85 else "partner",
            rng.choice(["acute", "early", "established", "beyond"]), [] if erased else ["postpartum_psychosis"],
            "en", "GB", "Europe/London", None if erased else "Someone who has been through it.",
            None if erased else "yes", "no", status == "waiting" and rng.random() < 0.02, status, asked, asked,
            confirmed, paired, False, updated if status == "withdrawn" else None, asked, updated)


def pairing_rows(world: World) -> Rows:
    """Pairings as planned."""
    columns = ["id", "request_id", "volunteer_id", "status", "moderation", "score", "reasons", "approved_by_id",
               "created_at", "confirm_by", "confirmed_at", "planned_end_on", "ended_at", "end_reason",
               "last_message_at"]
    rows = ((p.id, p.id, p.volunteer_id, p.status, p.moderation, 72.5, ["same experience", "same stage"],
             1 + p.id % STAFF, p.created_at, p.created_at + timedelta(hours=72), p.confirmed_at,
             (p.created_at + timedelta(days=SUPPORT_DAYS)).date(), p.ended_at,
             None if p.live else ("planned" if p.status == "ended" else None), p.last_message_at)
            for p in world.pairings)
    return columns, rows


def masked_address_rows(world: World) -> Rows:
    """Two masked addresses per pairing, revoked when it ended."""
    columns = ["id", "token", "pairing_id", "writer", "created_at", "revoked_at"]
    rows = ((2 * p.id - 1 + side, token(p.id, party), p.id, party, p.created_at, p.ended_at)
            for p in world.pairings for side, party in enumerate(("requester", "volunteer")))
    return columns, rows


INBOUND_COLUMNS = ["id", "dedupe_key", "adapter", "recipient", "message_id", "raw", "size", "received_at", "state",
                   "pairing_id", "sender_party", "reasons", "removals", "flags", "subject", "clean_text",
                   "attachments", "outbox_id", "processed_at", "reviewed_by_id", "reviewed_at"]
RAW_TEMPLATE = ("Return-Path: <{sender}>\r\nDelivered-To: {recipient}\r\nFrom: {sender}\r\nTo: {recipient}\r\n"
                "Subject: {subject}\r\nDate: {date}\r\nMessage-ID: {message_id}\r\nMIME-Version: 1.0\r\n"
                "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                "Hi,\r\n\r\n{body}\r\n\r\nBest wishes\r\n")


def inbound_rows(world: World) -> Rows:
    """Every inbound message; text and raw bytes only where retention would still keep them."""
    rng = random.Random(SEED + 3)
    plans = {p.id: p for p in world.pairings}

    def rows() -> Iterator[tuple]:
        for number, message in enumerate(world.messages, start=1):
            plan = plans[message.pairing_id]
            yield _inbound_row(rng, number, message, plan.keeps_text(world.now), world.outbox_ids.get(number))

    return INBOUND_COLUMNS, rows()


def _inbound_row(rng: random.Random, number: int, message: MessagePlan, keep: bool, outbox_id: int | None) -> tuple:
    """Build one inbound_message row."""
    recipient = f"support+{token(message.pairing_id, message.sender)}@relay.example"
    message_id = f"<{number}.{token('mid', number)[:12]}@mail.example.com>"
    flags, reasons, reviewer = [], ["no rule matched"], None
    if message.flagged:
        tier, label, trigger = FLAG_KINDS[number % len(FLAG_KINDS)]
        flags = [{"tier": tier, "label": label, "trigger": trigger, "rules_version": "2025.1"}]
        reasons = [f"{label} ({tier})"]
        reviewer = None if message.state in ("held", "quarantined") else 1 + number % STAFF
    subject = body = raw = None
    size = 900 + number % 400
    if keep:
        subject = SUBJECTS[number % len(SUBJECTS)]
        body = PARAGRAPHS[number % len(PARAGRAPHS)]
        raw = RAW_TEMPLATE.format(sender=f"{message.sender}{message.pairing_id}@mail.example.com",
                                  recipient=recipient, subject=subject, message_id=message_id, body=body,
                                  date=message.received_at.strftime("%a, %d %b %Y %H:%M:%S +0000")).encode()
        size = len(raw)
    processed = message.received_at + timedelta(seconds=1)
    return (number, hashlib.sha256(str(number).encode()).hexdigest(), "smtp", recipient, message_id, raw, size,
            message.received_at, message.state, message.pairing_id, message.sender, reasons, [], flags, subject,
            body, [], outbox_id, processed, reviewer,
            processed + timedelta(minutes=rng.uniform(5, 600)) if reviewer else None)


def outbox_rows(world: World) -> Rows:
    """The relayed copy of every delivered message that still has its text."""
    columns = ["id", "kind", "priority", "envelope_from", "recipient", "subject", "message_id", "raw", "status",
               "attempts", "next_attempt_at", "created_at", "sent_at", "subject_type", "subject_id"]

    def rows() -> Iterator[tuple]:
        for inbound_id, outbox_id in world.outbox_ids.items():
            message = world.messages[inbound_id - 1]
            at = message.received_at + timedelta(seconds=2)
            body = PARAGRAPHS[inbound_id % len(PARAGRAPHS)]
            raw = (f"From: support+{token(message.pairing_id, 'x')}@relay.example\r\nSubject: Re: Hello\r\n"
                   f"Message-ID: <o{outbox_id}@relay.example>\r\n\r\n{body}\r\n").encode()
            yield (outbox_id, "relay", 20, f"bounces+{outbox_id}@relay.example",
                   f"person{message.pairing_id}@example.com", "Re: Hello", f"<o{outbox_id}@relay.example>", raw,
                   "sent", 1, at, at, at + timedelta(seconds=1), "inbound_message", inbound_id)

    return columns, rows()


def escalation_rows(world: World) -> Rows:
    """About 2% of pairings had an escalation; ~50 are open now, spread over the tiers."""
    rng = random.Random(SEED + 4)
    columns = ["id", "kind", "tier", "tier_rank", "status", "summary", "pairing_id", "request_id", "volunteer_id",
               "flags", "actions", "created_at", "due_at", "assigned_to_id", "acknowledged_at", "resolved_at",
               "resolution"]
    count = max(20, round(len(world.pairings) * 0.02))
    active = [p for p in world.pairings if p.status == "active"]
    open_count = min(50, len(active))
    tiers = [("red", 0, 0.1), ("amber", 1, 0.4), ("notice", 2, 0.5)]

    def rows() -> Iterator[tuple]:
        for number in range(1, count + 1):
            is_open = number > count - open_count
            plan = rng.choice(active) if is_open else rng.choice(world.pairings)
            name, rank, _ = rng.choices(tiers, [t[2] for t in tiers])[0]
            latest = min(plan.ended_at or world.now, world.now)
            created = plan.created_at + (latest - plan.created_at) * rng.random()
            status = rng.choice(["open", "acknowledged"]) if is_open else "resolved"
            assigned = 1 + number % STAFF if status != "open" else None
            resolved = None if is_open else created + timedelta(hours=rng.uniform(0.1, 48))
            yield (number, "risk_words", name, rank, status, f"A message in pairing #{plan.id} matched a {name} rule",
                   plan.id, plan.id, plan.volunteer_id, [], [] if is_open else [{"action": "contacted_person"}],
                   created, created + timedelta(hours=8), assigned,
                   created + timedelta(minutes=20) if assigned else None, resolved,
                   None if is_open else "Spoke to the person; they are safe and supported.")

    return columns, rows()


def audit_rows(world: World) -> Rows:
    """Two audit events per pairing, spread evenly over two years."""
    rng = random.Random(SEED + 5)
    columns = ["id", "at", "coordinator_id", "actor", "action", "subject_type", "subject_id", "pairing_id", "detail"]
    count = 2 * len(world.pairings)
    actions, weights = list(AUDIT_ACTIONS), list(AUDIT_ACTIONS.values())
    starts = [p.created_at for p in world.pairings]
    start = world.now - timedelta(days=HISTORY_DAYS)

    def rows() -> Iterator[tuple]:
        for number in range(1, count + 1):
            at = start + timedelta(days=HISTORY_DAYS * (number - rng.random()) / count)
            action = rng.choices(actions, weights)[0]
            staff = 1 + rng.randrange(STAFF)
            pairing = max(1, bisect.bisect(starts, at)) if action.startswith(("pairing", "message")) else None
            subject = ("pairing", pairing) if pairing else ("coordinator", staff)
            yield (number, at, staff, f"staff{staff}@example.org", action, subject[0], subject[1], pairing,
                   {"pairing": pairing} if pairing else {})

    return columns, rows()


TABLES: list[tuple[str, Callable[[World], Rows]]] = [
    ("coordinator", coordinator_rows), ("volunteer", volunteer_rows), ("support_request", request_rows),
    ("pairing", pairing_rows), ("masked_address", masked_address_rows), ("outbox_message", outbox_rows),
    ("inbound_message", inbound_rows), ("escalation", escalation_rows), ("audit_event", audit_rows),
]


# --- the database --------------------------------------------------------------------------------

@contextmanager
def throwaway_database(kind: str, keep: bool) -> Iterator[str]:
    """Create an empty database, yield its SQLAlchemy URL, and drop it afterwards (unless kept)."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="matcher_bench_")
        path = Path(folder) / "matcher.sqlite"
        try:
            yield f"sqlite:///{path}"
        finally:
            if keep:
                print(f"kept {path}")
            else:
                for leftover in Path(folder).iterdir():
                    leftover.unlink()
                os.rmdir(folder)
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"matcher_bench_{secrets.token_hex(4)}"
    admin = create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)
    finally:
        if keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    """Create the schema with the project's Alembic migrations."""
    from flask_migrate import upgrade

    from matcher import create_app
    from matcher.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        upgrade()
        db.engine.dispose()


def json_positions(table: str, columns: list[str]) -> list[int]:
    """Return the positions of a table's JSON columns (plain or encrypted) among `columns`."""
    from sqlalchemy import JSON

    from matcher.crypto import EncryptedJSON
    from matcher.extensions import db

    found = db.metadata.tables[table].columns
    return [i for i, name in enumerate(columns) if isinstance(found[name].type, JSON | EncryptedJSON)]


class PostgresLoader:
    """Writes rows with COPY FROM STDIN; foreign keys are not re-checked (the rows agree by construction)."""

    def __init__(self, url: str):
        import psycopg
        from sqlalchemy.engine import make_url

        address = make_url(url)
        self.connection = psycopg.connect(host=address.host, port=address.port, user=address.username,
                                          dbname=address.database)
        self.connection.execute("SET session_replication_role = replica")

    def load(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        """Copy rows into one table and commit; return how many."""
        positions = json_positions(table, columns)
        count = 0
        with (self.connection.cursor() as cursor,
              cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy):
            for row in rows:
                if positions:
                    row = list(row)  # noqa: PLW2901 - a copy with the JSON columns encoded
                    for position in positions:
                        row[position] = json.dumps(row[position])
                copy.write_row(row)
                count += 1
        self.connection.commit()
        return count

    def finish(self, tables: list[str]) -> None:
        """Move each id sequence past the loaded rows, then VACUUM ANALYZE like autovacuum would."""
        for table in tables:
            self.connection.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        self.connection.commit()
        self.connection.autocommit = True
        self.connection.execute("VACUUM (ANALYZE)")
        self.connection.close()


class SqliteLoader:
    """Writes rows with SQLAlchemy Core executemany, BATCH rows at a time."""

    def __init__(self, url: str):
        from sqlalchemy import create_engine

        self.engine = create_engine(url)

    def load(self, table: str, columns: list[str], rows: Iterable[tuple]) -> int:
        """Insert rows into one table in batches; return how many."""
        from sqlalchemy import insert

        from matcher.extensions import db

        statement = insert(db.metadata.tables[table])
        count = 0
        batch: list[dict] = []
        with self.engine.begin() as connection:
            for row in rows:
                batch.append(dict(zip(columns, row, strict=True)))
                if len(batch) == BATCH:
                    connection.execute(statement, batch)
                    count, batch = count + len(batch), []
            if batch:
                connection.execute(statement, batch)
                count += len(batch)
        return count

    def finish(self, tables: list[str]) -> None:
        """Analyse the tables for the query planner."""
        with self.engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")
        self.engine.dispose()


def load(url: str, world: World) -> float:
    """Bulk-load the world, printing rows and seconds per table; return the total seconds."""
    from matcher.database import import_models

    import_models()
    loader = PostgresLoader(url) if url.startswith("postgresql") else SqliteLoader(url)
    began = time.perf_counter()
    for table, make_rows in TABLES:
        started = time.perf_counter()
        count = loader.load(table, *make_rows(world))
        print(f"  {table:<16} {count:>10,} rows {time.perf_counter() - started:7.1f} s", flush=True)
    started = time.perf_counter()
    loader.finish([table for table, _ in TABLES])
    print(f"  {'VACUUM ANALYZE' if url.startswith('postgresql') else 'ANALYZE':<16} {'':>15} "
          f"{time.perf_counter() - started:7.1f} s")
    return time.perf_counter() - began


def add_coordinator(url: str, email: str) -> str:
    """Create a coordinator through the service (as the CLI does), with TOTP confirmed; return the secret."""
    import pyotp

    from matcher import create_app
    from matcher.columns import utcnow
    from matcher.console.service import create_coordinator
    from matcher.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        coordinator = create_coordinator(email, PASSWORD)
        coordinator.totp_secret = pyotp.random_base32()
        coordinator.totp_confirmed_at = utcnow()
        db.session.commit()
        secret = coordinator.totp_secret
        db.engine.dispose()
    return secret


# --- the server and an HTTP client ---------------------------------------------------------------

def server_environment(url: str) -> dict[str, str]:
    """Return the environment gunicorn runs the app with."""
    return app_environment(url, SESSION_COOKIE_SECURE="false", RATELIMIT_ENABLED="false")


@contextmanager
def gunicorn(url: str, port: int, log: Path) -> Iterator[subprocess.Popen]:
    """Run `gunicorn -w 2 'matcher:create_app()'` until the block ends."""
    command = [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"{HOST}:{port}", "--timeout", "300",
               "--no-control-socket", "matcher:create_app()"]
    with open(log, "wb") as output:
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=server_environment(url), stdout=output,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_until_serving(port, process)
        yield process
    except BaseException:
        print("gunicorn log (last lines):\n" + "\n".join(log.read_text(errors="replace").splitlines()[-20:]))
        raise
    finally:
        stop(process, timeout=15)


def wait_until_serving(port: int, process: subprocess.Popen) -> None:
    """Wait until both workers could answer GET /privacy."""
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up; see its log")
        try:
            if Client(port).get("/privacy").status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


@dataclass(frozen=True)
class Answer:
    """One HTTP response."""

    status: int
    location: str
    body: str
    seconds: float


class Client:
    """A minimal browser: one request per connection (gunicorn sync workers close it), cookies kept."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def get(self, path: str) -> Answer:
        """Send GET."""
        return self.send("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Answer:
        """Send a form POST."""
        return self.send("POST", path, urllib.parse.urlencode(fields).encode())

    def send(self, method: str, path: str, body: bytes | None = None) -> Answer:
        """Send one request and read the whole answer, timing it from connect to the last byte."""
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection(HOST, self.port, timeout=300)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        seconds = time.perf_counter() - started
        self.remember(response.msg.get_all("Set-Cookie") or [])
        return Answer(response.status, response.getheader("Location") or "", data.decode("utf-8", "replace"), seconds)

    def remember(self, headers: list[str]) -> None:
        """Keep cookies the server set, and forget those it cleared."""
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                if morsel.value and morsel["expires"] != "Thu, 01 Jan 1970 00:00:00 GMT":
                    self.cookies[name] = morsel.value
                else:
                    self.cookies.pop(name, None)


def csrf_token(page: str) -> str:
    """Return the CSRF token of the form on a page."""
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not found:
        raise RuntimeError("no csrf_token on the page")
    return found.group(1)


def sign_in(client: Client, email: str, secret: str) -> None:
    """Sign in as a browser would: password form, then the authenticator code, CSRF tokens from each page."""
    import pyotp

    token_value = csrf_token(client.get("/console/login").body)
    answer = client.post("/console/login", {"email": email, "password": PASSWORD, "csrf_token": token_value})
    if answer.status != 302 or not answer.location.endswith("/console/login/code"):
        raise RuntimeError(f"password step failed: {answer.status} {answer.location}")
    token_value = csrf_token(client.get("/console/login/code").body)
    answer = client.post("/console/login/code", {"code": pyotp.TOTP(secret).now(), "csrf_token": token_value})
    if answer.status != 302 or not answer.location.endswith("/console/"):
        raise RuntimeError(f"code step failed: {answer.status} {answer.location}")


# --- measuring -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    """A page to time and a phrase its body must contain."""

    label: str
    path: str
    expect: str


@dataclass
class Timing:
    """Latencies of one page, in milliseconds."""

    page: Page
    samples: list[float] = field(default_factory=list)
    size: int = 0

    def p(self, share: float) -> float:
        """Return a percentile."""
        return percentile(self.samples, share)


def fetch(client: Client, page: Page) -> Answer:
    """GET a page and insist on a 200 that shows what it should."""
    answer = client.get(page.path)
    if answer.status != 200 or page.expect not in answer.body:
        raise RuntimeError(f"{page.path}: HTTP {answer.status} {answer.location} (signed out, or an error page?)")
    return answer


def measure(client: Client, pages: list[Page], warmup: int, requests: int) -> list[Timing]:
    """Warm every page up, then request them in turn, `requests` times each, one at a time."""
    for _ in range(warmup):
        for page in pages:
            fetch(client, page)
    timings = [Timing(page) for page in pages]
    for _ in range(requests):
        for timing in timings:
            answer = fetch(client, timing.page)
            timing.samples.append(answer.seconds * 1000)
            timing.size = len(answer.body)
    return timings


def report(timings: list[Timing]) -> None:
    """Print the latency table, the baseline first."""
    print("\n| page | requests | p50 ms | p95 ms | p99 ms | max ms | p95 vs baseline | HTML KB | "
          f"target p95 < {TARGET_P95_MS:.0f} ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    baseline = timings[-1].p(0.95)
    for timing in [timings[-1], *timings[:-1]]:
        is_baseline = timing is timings[-1]
        verdict = "baseline" if is_baseline else ("met" if timing.p(0.95) < TARGET_P95_MS else "MISSED")
        print(f"| {timing.page.label} | {len(timing.samples)} | {timing.p(0.5):.1f} | {timing.p(0.95):.1f} | "
              f"{timing.p(0.99):.1f} | {max(timing.samples):.1f} | {timing.p(0.95) / baseline:.1f}x | "
              f"{timing.size / 1024:.0f} | {verdict} |")


def dashboard_figures(html: str) -> str:
    """Return the headline figures shown on the dashboard, as one line."""
    figures = re.findall(r"<strong>(\d+)</strong>\s*([a-z ]+)", html)
    return "; ".join(f"{number} {words.strip()}" for number, words in figures)


# --- diagnosis -----------------------------------------------------------------------------------

@dataclass
class Statement:
    """One SQL statement run while serving a page."""

    sql: str
    parameters: object
    seconds: float
    rows: int


@contextmanager
def statement_log(engine) -> Iterator[list[Statement]]:
    """Record every statement the engine runs, with its time, until the block ends."""
    from sqlalchemy import event

    log: list[Statement] = []

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        seconds = time.perf_counter() - conn.info.pop("bench_started")
        log.append(Statement(statement, parameters, seconds, cursor.rowcount))

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)
        event.remove(engine, "after_cursor_execute", after)


def parameter_count(parameters: object) -> int:
    """Return how many values were bound to a statement."""
    return len(parameters) if isinstance(parameters, (dict, list, tuple)) else 0


def short(sql: str, limit: int = 400) -> str:
    """Return a statement on one line, cut to `limit` characters (long IN lists are collapsed)."""
    sql = re.sub(r"(%\(\w+\)s, ){3,}(%\(\w+\)s)", r"%(...)s, \2", " ".join(sql.split()))
    sql = re.sub(r"(\?, ){3,}\?", "?, ..., ?", sql)
    return sql if len(sql) <= limit else sql[:limit] + " ..."


def explain(engine, statement: Statement) -> str:
    """Run one statement again under EXPLAIN ANALYZE (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite)."""
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if engine.dialect.name == "postgresql" else "EXPLAIN QUERY PLAN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement.sql, statement.parameters).all()
    lines = (" | ".join(str(value) for value in row) for row in rows)
    return "\n".join("      " + (line if len(line) < 200 else line[:200] + " ...") for line in lines)


def profile_top(profile: cProfile.Profile, lines: int = 12) -> str:
    """Return the project's functions and templates by cumulative time, then the hottest functions overall."""
    stream = io.StringIO()
    stats = pstats.Stats(profile, stream=stream)
    stats.sort_stats("cumulative").print_stats(f"{REPO_ROOT}/(matcher|templates)/", lines)
    stats.strip_dirs().sort_stats("tottime").print_stats(lines)
    kept = [line.replace(f"{REPO_ROOT}/", "") for line in stream.getvalue().splitlines()
            if re.match(r"\s*(ncalls|[0-9/]+\s+[0-9.]+)", line)]
    return "\n".join("      " + line for line in kept)


def diagnose(url: str, secret: str, pages: list[Page]) -> None:
    """Serve each slow page in-process, time its statements, EXPLAIN the slow ones and profile the rest."""
    import pyotp

    from matcher import create_app
    from matcher.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "SESSION_COOKIE_SECURE": False, "SECRET_KEY": secrets.token_hex(32)})
    client = app.test_client()
    client.post("/console/login", data={"email": DIAGNOSIS_EMAIL, "password": PASSWORD})
    client.post("/console/login/code", data={"code": pyotp.TOTP(secret).now()})
    with app.app_context():
        engine = db.engine
        for page in pages:
            diagnose_page(client, engine, page)
        db.engine.dispose()


def diagnose_page(client, engine, page: Page) -> None:
    """Print one page's statement times, the plans of the slowest, and a profile of the whole request."""
    for _ in range(2):
        client.get(page.path)
    profile = cProfile.Profile()
    with statement_log(engine) as log:
        started = time.perf_counter()
        profile.enable()
        response = client.get(page.path)
        profile.disable()
        total = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"diagnosis could not open {page.path}: {response.status_code}")
    in_sql = sum(s.seconds for s in log)
    print(f"\n## {page.label} ({page.path}), in-process: {total * 1000:.0f} ms, of which {in_sql * 1000:.0f} ms "
          f"waiting on {len(log)} SQL statements (under the profiler, so a little slower than served)")
    for statement in sorted(log, key=lambda s: s.seconds, reverse=True)[:6]:
        rows = statement.rows if statement.rows >= 0 else "?"
        print(f"  {statement.seconds * 1000:8.1f} ms  rows {rows:>7}  bound values "
              f"{parameter_count(statement.parameters):>6}  {short(statement.sql)}")
    repeats = Counter(short(s.sql, 90) for s in log)
    for sql, times in repeats.items():
        if times > 2:
            print(f"  the same statement ran {times} times (a loop, or a lazy load per object): {sql}")
    for statement in sorted(log, key=lambda s: s.seconds, reverse=True)[:2]:
        print(f"\n  plan of: {short(statement.sql, 160)}\n{explain(engine, statement)}")
    print(f"\n  profile: project code by cumulative time, then all functions by own time\n{profile_top(profile)}")


# --- the run -------------------------------------------------------------------------------------

def choose_threads(world: World) -> tuple[PairingPlan, PairingPlan]:
    """Return an active pairing with the median message count of active pairings, and the busiest pairing."""
    active = sorted((p for p in world.pairings if p.status == "active"), key=lambda p: (p.messages, p.id))
    return active[len(active) // 2], max(world.pairings, key=lambda p: p.messages)


def describe(world: World) -> None:
    """Print the shape of the data."""
    statuses: dict[str, int] = {}
    for plan in world.pairings:
        statuses[plan.status] = statuses.get(plan.status, 0) + 1
    states: dict[str, int] = {}
    for message in world.messages:
        states[message.state] = states.get(message.state, 0) + 1
    counts = sorted(p.messages for p in world.pairings if p.messages)
    print(f"pairings {len(world.pairings):,} {statuses}; volunteers {world.volunteers:,}; "
          f"requests {len(world.pairings) + len(world.extra_requests):,}")
    print(f"messages {len(world.messages):,} {states}; per writing pairing median {statistics.median(counts)}, "
          f"p99 {percentile(counts, 0.99):.0f}, max {counts[-1]}; with text kept {len(world.outbox_ids):,} delivered")


def arguments() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairings", type=int, default=100_000)
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--requests", type=int, default=300, help="timed requests per page (default 300)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first (default 10)")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards, for a closer look")
    return parser.parse_args()


def stop_on_signal() -> None:
    """Turn SIGTERM into SystemExit, so the clean-up below runs."""
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))


def forget_shell_settings() -> None:
    """Drop FLASK_* variables of the calling shell (e.g. FLASK_DEBUG), for this process and gunicorn."""
    for name in [name for name in os.environ if name.startswith("FLASK_")]:
        del os.environ[name]


def run(args: argparse.Namespace) -> int:
    """Build, load, serve, measure, and diagnose what missed the target."""
    started = time.perf_counter()
    world = plan_world(args.pairings, args.messages, args.seed)
    print(f"planned the data in {time.perf_counter() - started:.1f} s")
    describe(world)
    with ExitStack() as stack:
        url = stack.enter_context(throwaway_database(args.db, args.keep))
        started = time.perf_counter()
        migrate(url)
        print(f"migrated in {time.perf_counter() - started:.1f} s; loading ({args.db}):")
        print(f"loaded in {load(url, world):.1f} s")
        secret = add_coordinator(url, BENCH_EMAIL)
        diagnosis_secret = add_coordinator(url, DIAGNOSIS_EMAIL)
        typical, busiest = choose_threads(world)
        pages = [
            Page("GET /console/ (dashboard)", "/console/", "<h1>Dashboard</h1>"),
            Page(f"thread, typical active pairing ({typical.messages} messages)",
                 f"/console/pairings/{typical.id}/thread", "messages</h1>"),
            Page(f"thread, busiest pairing ({busiest.messages} messages)",
                 f"/console/pairings/{busiest.id}/thread", "messages</h1>"),
            Page("GET /privacy (baseline: Jinja, no query)", "/privacy", "<h1"),
        ]
        port = free_port()
        log = Path(tempfile.mkstemp(prefix="matcher_bench_gunicorn_", suffix=".log")[1])
        stack.callback(log.unlink)
        stack.enter_context(gunicorn(url, port, log))
        client = Client(port)
        sign_in(client, BENCH_EMAIL, secret)
        print(f"\ndashboard shows: {dashboard_figures(fetch(client, pages[0]).body)}")
        print(f"gunicorn on {HOST}:{port}, 2 workers; {args.warmup} warm-up and {args.requests} timed requests per "
              f"page, one at a time, round-robin; load average {os.getloadavg()[0]:.1f}")
        timings = measure(client, pages, args.warmup, args.requests)
        print(f"load average after: {os.getloadavg()[0]:.1f}")
        report(timings)
        slow = [t.page for t in timings[:-1] if t.p(0.95) >= TARGET_P95_MS]
        if slow:
            diagnose(url, diagnosis_secret, slow)
    return 0


def main() -> int:
    """Run the benchmark and clean up whatever happens."""
    stop_on_signal()
    forget_shell_settings()
    return run(arguments())


if __name__ == "__main__":
    sys.exit(main())
