"""The one way mail comes in: store the raw bytes first, then decide and act.

Every adapter (pipe, SMTP, IMAP, webhook) calls `receive`. Only the header block is read to
route the message before its raw bytes are committed; deciding runs under a short lease, within
a CPU-time budget, and commits its whole outcome at once, so a crash at any step leaves the
message either untouched (and resumed later) or fully handled, never half-sent. Every claim
counts an attempt: a message that never finishes is quarantined for a coordinator after
MATCHER_RELAY_MAX_ATTEMPTS, never retried forever.

Each claim carries a fresh lease token, and the outcome commits only if the row still carries it
(the fence in `_commit_outcome`): a reader whose lease ran out while it read, and whose message
another worker then took, rolls its outcome back, so one message has one outcome and one copy.
With MATCHER_RELAY_PROCESSING = "workers" the adapters only store (and wake the workers, see
matcher/mailrelay/work.py); "inline" reads at once in the listener, as one SQLite process does.
"""
import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import insert, inspect, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from matcher.columns import utcnow
from matcher.database import is_postgres
from matcher.extensions import db
from matcher.leases import Heartbeat
from matcher.mailrelay import actions
from matcher.mailrelay.models import InboundMessage, InboundState, Party
from matcher.mailrelay.reading.budget import Budget, Stopping
from matcher.mailrelay.reading.fingerprint import transport_fingerprint
from matcher.mailrelay.reading.parse import parse, parse_headers
from matcher.mailrelay.routing import Route, find_route

log = logging.getLogger(__name__)


class UnknownAddress(Exception):
    """The message is for no masked address we ever issued."""


class LeaseLost(Exception):
    """This reader's lease ran out and another took the message: its outcome must not commit."""


# The channel listeners NOTIFY on PostgreSQL when they store a message for `relay work`.
WAKE_CHANNEL = "matcher_inbound"


def by_workers() -> bool:
    """Return True when stored mail is read by `relay work` rather than by the listener."""
    return current_app.config["MATCHER_RELAY_PROCESSING"] == "workers"


@dataclass(frozen=True)
class Received:
    """What `receive` did with one message."""

    inbound_id: int
    duplicate: bool
    state: InboundState


def receive(raw: bytes, adapter: str, recipient: str | None = None, now: datetime | None = None,
            stopping=lambda: False, route: Route | None = None) -> Received:
    """Store one raw message and process it; raise UnknownAddress if it is for nobody.

    Database errors propagate, so adapters can answer "try again later". `stopping()` says the
    process is shutting down: the stored message is then left for a later pass. `route` is the
    route an adapter already found for `recipient` (the SMTP listener at RCPT), used as it is only when it
    carries no masked address (a bounce or the bare mailbox): a masked address is looked up again.
    """
    now = now or utcnow()
    inbound = parse_headers(raw)
    if route is None or not recipient or route.masked is not None:
        # A masked address's route is looked up again, never taken from RCPT: the pairing may have
        # ended or the address been revoked since, and a stale copy would still relay (probe branch).
        route = find_route(inbound, recipient, now)
    if route is None and not inbound.is_malformed:
        raise UnknownAddress(recipient or "no masked address in the headers")
    address = route.address if route else (recipient or None)
    inline = not by_workers()
    row, duplicate = store_raw(raw, adapter, address, inbound.message_id, now, leased=inline, route=route)
    if duplicate or not inline:
        return Received(row.id, duplicate, row.state)
    # Stored already leased to this reader: no second statement claims it, nothing reads it back.
    inbound_id, token = row.id, row.lease_token or ""
    state = _guarded(inbound_id, lambda: process_claimed(inbound_id, token, now, stopping, row=row, route=route))
    return Received(inbound_id, False, state or InboundState.RECEIVED)


def dedupe_key(raw: bytes, message_id: str | None, recipient: str | None) -> str:
    """Return the key that makes a repeat of the same message the same row, by any route."""
    content = transport_fingerprint(raw)
    return hashlib.sha256(f"{message_id or ''}\n{content}\n{recipient or ''}".encode()).hexdigest()


def store_raw(raw: bytes, adapter: str, recipient: str | None, message_id: str | None,
              now: datetime, leased: bool = False, route: Route | None = None) -> tuple[InboundMessage, bool]:
    """Commit the raw message; return (row, True) if it was already stored.

    With `leased`, the new row is stored claimed by this process (a lease token, one attempt
    counted), as `_claim` would leave it, in the same INSERT; the row returned is the one in
    memory, joined to the session without reading it back, and `route` stays loaded for reading.
    """
    key = dedupe_key(raw, message_id, recipient)
    values = dict(dedupe_key=key, adapter=adapter, recipient=recipient, message_id=(message_id or "")[:300] or None,
                  raw=raw, size=len(raw), received_at=now, state=InboundState.RECEIVED, attempts=0,
                  lease_until=None, lease_token=None)
    if leased:
        values |= dict(lease_until=now + current_app.config["MATCHER_RELAY_PROCESS_LEASE"],
                       lease_token=secrets.token_hex(16), attempts=1)
    try:
        # No look-up first: the unique dedupe key says "a repeat", and repeats are rare.
        inbound_id = db.session.scalar(insert(InboundMessage).values(**values).returning(InboundMessage.id))
    except IntegrityError:
        # The same message again, through another adapter, an MTA's retry, or two at once.
        db.session.rollback()
        return db.session.scalars(select(InboundMessage).where(InboundMessage.dedupe_key == key)).one(), True
    if by_workers() and is_postgres(db.engine):
        # Delivered at commit, so a worker woken by it always finds the row.
        db.session.execute(text("SELECT pg_notify(:channel, '')"), {"channel": WAKE_CHANNEL})
    _commit_keeping(route)
    return _in_session(InboundMessage(id=inbound_id, **values, **_UNSET)), False


def _commit_keeping(route: Route | None) -> None:
    """Commit, keeping the route's address, pairing and parties loaded; everything else expires as usual.

    They were read a moment ago in this transaction, which changed none of them, so reading them
    all again (four SELECTs a message) would only cost time.
    """
    masked = route.masked if route is not None else None
    pairing = masked.pairing if masked is not None else None
    keep = {id(thing) for thing in (masked, pairing, getattr(pairing, "request", None),
                                     getattr(pairing, "volunteer", None)) if thing is not None}
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True
    for thing in list(session.identity_map.values()):
        if id(thing) not in keep:
            session.expire(thing)


# What a new row holds before it is read (the columns `store_raw` does not write).
_UNSET: dict[str, object] = dict(
    pairing_id=None, sender_party=None, reasons=[], removals=[], flags=[], subject=None, clean_text=None,
    edited_text=None, read_text=None, attachments=[], outbox_id=None, processed_at=None, last_error=None,
    reviewed_by_id=None, reviewed_at=None)


def _in_session(row: InboundMessage) -> InboundMessage:
    """Join a row known to match the database to the session as if just loaded (no SELECT)."""
    make_transient_to_detached(row)
    db.session.add(row)
    return row


def process_safely(inbound_id: int, now: datetime | None = None, stopping=lambda: False) -> bool:
    """Process one stored message; on any error leave it stored for a later retry."""
    return _guarded(inbound_id, lambda: process(inbound_id, now, stopping) or None) is not None


def _guarded(inbound_id: int, work):
    """Return what `work()` returns; on any error leave the message stored for a later retry, return None."""
    try:
        return work()
    except LeaseLost:
        log.warning("inbound message %s: lease lost while reading; another worker's outcome stands", inbound_id)
        return None
    except Stopping:
        db.session.rollback()
        log.info("inbound message %s left for later: shutting down", inbound_id)
        return None
    except Exception as error:  # the raw message is safe; retry later, never lose it
        db.session.rollback()
        # One line at WARNING (the pipe's standard error reaches the MTA's log); the detail at DEBUG.
        log.warning("inbound message %s stored but not yet processed (%s)", inbound_id, type(error).__name__)
        log.debug("inbound message %s: why processing failed", inbound_id, exc_info=True)
        db.session.execute(update(InboundMessage).where(InboundMessage.id == inbound_id)
                           .values(last_error=f"{type(error).__name__}: {error}"[:2000]))
        db.session.commit()
        return None


def _claim(inbound_id: int, now: datetime) -> str | None:
    """Lease one message to this reader; return the lease token, or None if another has it."""
    token = secrets.token_hex(16)
    lease = current_app.config["MATCHER_RELAY_PROCESS_LEASE"]
    claimed = db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == inbound_id, InboundMessage.state == InboundState.RECEIVED)
        .where(or_(InboundMessage.lease_until.is_(None), InboundMessage.lease_until < now))
        .values(lease_until=now + lease, lease_token=token, attempts=InboundMessage.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return token if claimed.rowcount == 1 else None  # type: ignore[attr-defined]  # a CursorResult, typed as Result


def claim_next(now: datetime | None = None) -> tuple[int, str] | None:
    """Lease the oldest free stored message; return (id, lease token), or None if none is free.

    On PostgreSQL the row is picked FOR UPDATE SKIP LOCKED, so workers never queue behind each
    other's picks; on SQLite the conditional claim alone keeps it to one reader.
    """
    now = now or utcnow()
    query = (select(InboundMessage.id)
             .where(InboundMessage.state == InboundState.RECEIVED)
             .where(or_(InboundMessage.lease_until.is_(None), InboundMessage.lease_until < now))
             .order_by(InboundMessage.id).limit(1))
    if is_postgres(db.engine):
        query = query.with_for_update(skip_locked=True)
    for _race in range(5):  # SQLite: another worker may take the row between the pick and the claim
        inbound_id = db.session.scalar(query)
        if inbound_id is None:
            db.session.commit()
            return None
        token = _claim(inbound_id, now)  # commits, releasing the row lock with the lease in place
        if token is not None:
            return inbound_id, token
    return None


def process(inbound_id: int, now: datetime | None = None, stopping=lambda: False) -> bool:
    """Decide and act on one stored message, once; return False if another process has it.

    `stopping()` says the process is shutting down: reading stops between steps and the
    message is left stored, to be read again.
    """
    now = now or utcnow()
    token = _claim(inbound_id, now)
    if token is None:
        return False
    process_claimed(inbound_id, token, now, stopping)
    return True


def process_claimed(inbound_id: int, token: str, now: datetime | None = None, stopping=lambda: False,
                    row: InboundMessage | None = None, route: Route | None = None) -> InboundState:
    """Decide and act on a message this reader holds under `token`; return its state; raise LeaseLost if taken."""
    now = now or utcnow()
    config = current_app.config
    if row is None:
        row = db.session.get_one(InboundMessage, inbound_id, populate_existing=True)
    budget_span = config["MATCHER_RELAY_PROCESS_BUDGET"]
    # The lease is short and kept alive while this process reads, so a crash frees it in seconds;
    # a step that never returns loses it after three budgets and counts as an attempt.
    with Heartbeat(InboundMessage, inbound_id, row.lease_until, config["MATCHER_RELAY_PROCESS_LEASE"],
                   max_hold=3 * budget_span):
        return _decide(row, token, now, Budget(budget_span.total_seconds(), stopping=stopping), route)


def _decide(row: InboundMessage, token: str, now: datetime, budget: Budget, route: Route | None = None) -> InboundState:
    if row.raw is None:  # stored first; erased only long after it was processed
        raise LookupError(f"inbound message {row.id} has no raw bytes")
    raw = row.raw
    headers = parse_headers(raw)
    if route is None:
        route = find_route(headers, row.recipient, now) if row.recipient else None
    if row.attempts > current_app.config["MATCHER_RELAY_MAX_ATTEMPTS"]:
        _give_up(row, route, now)
    else:
        part_bytes = current_app.config["MATCHER_RELAY_MAX_TEXT_PART_BYTES"]
        actions.handle(row, headers, route, now, budget, read_body=lambda: parse(raw, part_bytes))
    row.processed_at = now
    row.last_error = None
    state = row.state
    _commit_outcome(row, token)
    return state


def _commit_outcome(row: InboundMessage, token: str) -> None:
    """Commit the whole outcome only if this reader still holds the lease; else roll it all back.

    The row's own changes go in the fencing UPDATE itself (one statement, not the ORM's UPDATE and
    then the fence); everything else the outcome added is flushed first.
    """
    state = inspect(row)
    changes = {}
    for attribute in state.mapper.column_attrs:
        history = state.attrs[attribute.key].history
        if history.added:
            changes[attribute.key] = history.added[0]
            set_committed_value(row, attribute.key, history.added[0])
    db.session.flush()
    held = db.session.execute(
        update(InboundMessage)
        .where(InboundMessage.id == row.id, InboundMessage.lease_token == token)
        .values(**changes, lease_until=None, lease_token=None)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]  # an UPDATE gives a CursorResult; typed as Result
    if held != 1:
        db.session.rollback()
        raise LeaseLost(f"inbound message {row.id}")
    db.session.commit()


def _give_up(row: InboundMessage, route, now: datetime) -> None:
    masked = route.masked if route is not None else None
    pairing = masked.pairing if masked is not None else None
    author = Party(masked.writer) if masked is not None else None
    log.warning("inbound %s: not finished after %s attempts, quarantined", row.id, row.attempts - 1)
    actions.give_up(row, f"processing did not finish in {row.attempts - 1} attempts", now, pairing, author)


def send_alerts_now(limit: int = 20) -> None:
    """Send waiting safeguarding alerts and crisis replies now, before an adapter acknowledges.

    Every adapter calls this between storing a message and saying "stored" (exit 0, 250, 200,
    moving it out of the IMAP inbox). A failure leaves them in the outbox, retried within seconds.
    """
    from matcher.mailrelay.outbound.outbox import deliver_due

    try:
        deliver_due(limit=limit, most_urgent_only=True)
    except Exception:  # the message is stored; the alert path's retries send them
        log.exception("could not send alerts at once; the outbox keeps them")
        db.session.rollback()


def deliver_alerts_then_resume(now: datetime | None = None, limit: int = 500) -> int:
    """Send waiting alerts, then resume stored mail, sending any alert it raises before the next.

    What `relay send` and the outbox job do before their ordinary delivery pass, so a RED alert
    never waits behind the reading of other inbound mail. With workers, reading is theirs alone.
    """
    from matcher.mailrelay.outbound.outbox import deliver_due

    deliver_due(now=now, most_urgent_only=True)
    if by_workers():
        return 0
    return resume_pending(now, limit, after_each=lambda: deliver_due(now=now, most_urgent_only=True))


def resume_pending(now: datetime | None = None, limit: int = 500, after_each=None) -> int:
    """Process messages a crash or an error left stored but undecided."""
    now = now or utcnow()
    pending = db.session.scalars(
        select(InboundMessage.id)
        .where(InboundMessage.state == InboundState.RECEIVED)
        .where(or_(InboundMessage.lease_until.is_(None), InboundMessage.lease_until < now))
        .order_by(InboundMessage.id).limit(limit)
    ).all()
    db.session.commit()
    done = 0
    for inbound_id in pending:
        done += process_safely(inbound_id, now)
        if after_each is not None:
            after_each()
    return done
