"""Claiming outbox rows for one sender and recording what became of them, in few statements (Core).

`claim_due` takes a batch of due rows in one UPDATE ... RETURNING, most urgent first, all under one
fresh lease token; on PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED, so senders
running at once take disjoint batches without waiting for each other (on SQLite the one statement
runs under the database's single write lock). `BatchLease` keeps the batch's lease alive from a
thread and says when the sender may trust it without asking the database again. `record_sent`
writes a delivered row's outcome in one UPDATE that matches the lease token, and commits only if
it matched: a sender whose lease ran out never overwrites the result of the sender that took over.
"""
import functools
import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, func, or_, select, update
from sqlalchemy.exc import SQLAlchemyError

from matcher.columns import utcnow
from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay.models import OutboxMessage, OutboxStatus, Priority
from matcher.mailrelay.outbound.envelope import envelope_for

log = logging.getLogger(__name__)
OUTBOX = cast(Table, OutboxMessage.__table__)  # typed as a FromClause; a Table at run time


@dataclass(frozen=True)
class Claimed:
    """One claimed row: what sending it needs, as the claim returned it."""

    id: int
    kind: str
    priority: int
    envelope_from: str
    recipient: str
    raw: bytes
    next_attempt_at: datetime
    lease_until: datetime


def _due():
    c = OUTBOX.c
    now = bindparam("now", type_=c.next_attempt_at.type)
    return or_(and_(c.status == OutboxStatus.PENDING, c.next_attempt_at <= now),
               and_(c.status == OutboxStatus.SENDING, c.lease_until < now))


# The statements are built once (per variant) and take their values as parameters: building the
# expressions again for every pass cost more CPU than running them.
@functools.cache
def _newest_statement(most_urgent_only: bool):
    query = select(func.max(OUTBOX.c.id)).where(_due())
    return query.where(OUTBOX.c.priority <= Priority.ALERT) if most_urgent_only else query


@functools.cache
def _claim_statement(most_urgent_only: bool, postgres: bool):
    c = OUTBOX.c
    candidates = (select(c.id)
                  .where(_due(), c.id <= bindparam("newest"), c.id.not_in(bindparam("skip", expanding=True)))
                  .order_by(c.priority, c.next_attempt_at, c.id).limit(bindparam("size")))
    if most_urgent_only:
        candidates = candidates.where(c.priority <= Priority.ALERT)
    chosen = candidates.cte("chosen")
    if postgres:
        # Materialised, so the locking subquery runs once: inlined into the UPDATE, PostgreSQL may
        # run it again per row and claim more than `size` rows.
        chosen = candidates.with_for_update(skip_locked=True).cte("chosen").prefix_with("MATERIALIZED")
    return (update(OUTBOX).where(c.id.in_(select(chosen.c.id)), _due())
            .values(status=OutboxStatus.SENDING, lease_until=bindparam("b_lease_until", type_=c.lease_until.type),
                    lease_token=bindparam("token"), attempts=c.attempts + 1)
            .returning(c.id, c.kind, c.priority, c.envelope_from, c.recipient, c.raw, c.next_attempt_at,
                       c.lease_until, c.created_at))


@functools.cache
def _sent_statement():
    c = OUTBOX.c
    return (update(OUTBOX).where(c.id == bindparam("b_id"), c.lease_token == bindparam("token"))
            .values(status=bindparam("b_status", type_=c.status.type),
                    sent_at=bindparam("b_sent_at", type_=c.sent_at.type),
                    lease_until=None, last_error=None, lease_token=None))


def newest_due(now: datetime, most_urgent_only: bool = False) -> int | None:
    """Return the id of the newest due row, or None when nothing is due (a read: no write lock taken).

    A pass sends only what was due when it began, up to this id.
    """
    newest = db.session.scalar(_newest_statement(most_urgent_only), {"now": now})
    db.session.commit()  # ends the read (PostgreSQL would hold the transaction open); writes nothing
    return newest


def claim_due(now: datetime, size: int, token: str, lease: timedelta, most_urgent_only: bool = False,
              skip: frozenset[int] = frozenset(), newest: int | None = None) -> list[Claimed]:
    """Claim up to `size` due rows under `token` in one statement and commit; most urgent first.

    Rows in `skip` (already tried in this pass) and rows newer than `newest` are left for the next pass.
    """
    statement = _claim_statement(most_urgent_only, is_postgres(db.engine))
    claimed = db.session.execute(statement, {
        "now": now, "size": size, "token": token, "b_lease_until": now + lease, "skip": list(skip),
        "newest": newest if newest is not None else 2**31 - 1}).all()
    db.session.commit()
    # RETURNING keeps no order; send in the order the candidates were chosen.
    return sorted((_claimed(row) for row in claimed), key=lambda row: (row.priority, row.next_attempt_at, row.id))


def _claimed(row) -> Claimed:
    """Return what sending a claimed row needs, with its envelope sender resolved (a bounce address made now)."""
    return Claimed(row.id, row.kind, row.priority, envelope_for(row.envelope_from, row.id, row.created_at),
                   row.recipient, row.raw, row.next_attempt_at, row.lease_until)


def holds(message_id: int, token: str) -> bool:
    """Return True if this sender's lease token is still on the row."""
    held = db.session.scalar(select(OUTBOX.c.id).where(OUTBOX.c.id == message_id, OUTBOX.c.lease_token == token))
    db.session.commit()
    return held is not None


def record_sent(message_id: int, token: str, status: OutboxStatus, now: datetime) -> bool:
    """Record a delivery in one fenced UPDATE and commit; False (rolled back) if the lease was lost."""
    held = db.session.execute(_sent_statement(), {"b_id": message_id, "token": token, "b_status": status,
                                                  "b_sent_at": now}
                              ).rowcount  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult
    return _settle(message_id, held)


def fenced_commit(message_id: int, token: str) -> bool:
    """Commit the session's outcome for a row only if this sender still holds its lease; else roll back."""
    db.session.flush()
    held = db.session.execute(
        update(OUTBOX).where(OUTBOX.c.id == message_id, OUTBOX.c.lease_token == token).values(lease_token=None)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult; typed as Result
    return _settle(message_id, held)


def _settle(message_id: int, held: int) -> bool:
    if held != 1:
        db.session.rollback()
        log.warning("outbox message %s: lease lost while sending; the other sender's result stands", message_id)
        return False
    db.session.commit()
    return True


class BatchLease:
    """Renew a claimed batch's lease from a background thread for the life of a `with` block.

    Each beat moves the lease of the batch's rows that still carry the token and the lease it last
    wrote, a third of a lease ahead. If a beat comes too late (the lease ran out before it, so another
    sender may have taken a row) or `max_hold` has passed, the beats stop and `trusted()` turns False
    for good: from then on the sender asks the database before each send (`holds`).
    """

    def __init__(self, token: str, leased_until: datetime, lease: timedelta, max_hold: timedelta):
        self._token = token
        self.until = leased_until
        self._step = lease / 3
        self._max_hold = max_hold.total_seconds()
        self._lapsed = False
        self._engine = db.engine  # captured here: the thread has no application context
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="lease-outbox-batch", daemon=True)

    def trusted(self) -> bool:
        """Say whether no other sender can have taken a row of the batch (a step of lease still left)."""
        return not self._lapsed and utcnow() < self.until - self._step

    def __enter__(self) -> "BatchLease":
        self._thread.start()
        return self

    def __exit__(self, exc_type, *exc_info) -> None:
        self._stop.set()
        if exc_type is not None:
            db.session.rollback()  # a failed transaction may hold a row the beat waits for (leases.py)
        self._thread.join()

    def _beat(self) -> None:
        started = time.monotonic()
        while not self._stop.wait(self._step.total_seconds()):
            if time.monotonic() - started > self._max_hold or not self._renew():
                self._lapsed = True
                return

    def _renew(self) -> bool:
        """Move the batch's lease forward one step; return False once it may have been lost or is done."""
        if utcnow() >= self.until:
            return False
        renewed = self.until + self._step
        c = OUTBOX.c
        try:
            with self._engine.begin() as connection:
                if connection.dialect.name == "postgresql":  # a beat never waits longer than a step
                    connection.exec_driver_sql(f"SET LOCAL lock_timeout = {int(self._step.total_seconds() * 1000)}")
                moved = connection.execute(
                    update(OUTBOX).where(c.lease_token == self._token, c.lease_until == self.until,
                                         c.status == OutboxStatus.SENDING).values(lease_until=renewed)
                ).rowcount
        except SQLAlchemyError:  # a busy database: the lease still has two steps left, try at the next beat
            log.debug("outbox batch lease not renewed this time", exc_info=True)
            return True
        if moved == 0:  # every row of the batch has its outcome
            return False
        self.until = renewed
        return True
