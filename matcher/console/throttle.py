"""Slowing guesses per (account, source address) with exponential backoff.

A hard account lock lets anyone who knows an address lock its owner out; a pause per source
slows the guesser and leaves the owner, signing in from elsewhere, untouched. Callers commit.
"""
import hashlib
import hmac
from collections.abc import Iterable
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from matcher.console.models import Coordinator, SignInThrottle
from matcher.extensions import db

# Second-factor failures also count here, from every source together: whoever guesses codes
# already knows the password, so slowing them matters more than the owner's convenience.
ANY_SOURCE = "*"


def source_key(address: str | None) -> str:
    """Return a keyed hash naming the client address, so the table holds no address."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, (address or "unknown").encode(), hashlib.sha256).hexdigest()[:32]


def pause_after(failures: int, free: int, first: timedelta, longest: timedelta) -> timedelta | None:
    """Return the pause earned by this many failures: none for the first `free - 1`, then doubling."""
    if failures < free:
        return None
    # Capped exponent: past the longest pause, doubling further only risks overflow.
    return min(first * 2 ** min(failures - free, 32), longest)


def blocked_until(coordinator: Coordinator, sources: Iterable[str | None], now: datetime) -> datetime | None:
    """Return when the latest pause on any of these sources ends, or None if none is in force."""
    rows = db.session.scalars(select(SignInThrottle).where(
        SignInThrottle.coordinator_id == coordinator.id, SignInThrottle.source.in_(_keys(sources))))
    ends = [row.blocked_until for row in rows if row.blocked_until and row.blocked_until > now]
    return max(ends, default=None)


def count_failure(coordinator: Coordinator, sources: Iterable[str | None], now: datetime) -> bool:
    """Count one failure against each source; say whether a pause is now in force (no commit)."""
    config = current_app.config
    paused = False
    for key in _keys(sources):
        row = _row(coordinator, key, now)
        if row.last_failure_at < now - config["MATCHER_LOGIN_FORGET_AFTER"]:
            row.failures = 0
        # Counted in SQL, so parallel guesses each add one rather than overwrite each other.
        db.session.execute(update(SignInThrottle).where(SignInThrottle.id == row.id).values(
            failures=SignInThrottle.failures + 1, last_failure_at=now))
        db.session.refresh(row)
        pause = pause_after(row.failures, config["MATCHER_LOGIN_MAX_FAILURES"],
                            config["MATCHER_LOGIN_BACKOFF"], config["MATCHER_LOGIN_LOCKOUT"])
        if pause is not None:
            row.blocked_until = now + pause
            paused = True
    return paused


def clear(coordinator: Coordinator, sources: Iterable[str | None]) -> None:
    """Forget the failures on these sources after a full sign-in (no commit)."""
    db.session.execute(delete(SignInThrottle).where(
        SignInThrottle.coordinator_id == coordinator.id, SignInThrottle.source.in_(_keys(sources))))


def _keys(sources: Iterable[str | None]) -> list[str]:
    # None is a request with no client address (a test client, a Unix socket): one shared source.
    return [source if source == ANY_SOURCE else source_key(source) for source in sources]


def _row(coordinator: Coordinator, key: str, now: datetime) -> SignInThrottle:
    query = select(SignInThrottle).where(SignInThrottle.coordinator_id == coordinator.id,
                                         SignInThrottle.source == key)
    row = db.session.scalar(query)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = SignInThrottle(coordinator_id=coordinator.id, source=key, failures=0, last_failure_at=now)
            db.session.add(row)
    except IntegrityError:
        # A parallel attempt from the same source made the row first.
        row = db.session.scalars(query).one()
    return row
