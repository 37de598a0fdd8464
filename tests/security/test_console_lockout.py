"""Password guessing is slowed per (account, source address) with backoff, and reveals nothing."""
import statistics
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import select

from matcher.columns import utcnow
from matcher.console.models import AuditEvent
from matcher.extensions import db
from tests.security.conftest import PASSWORD

ATTACKER = {"REMOTE_ADDR": "203.0.113.5"}
OWNER = {"REMOTE_ADDR": "198.51.100.7"}


def _attempt(client, email="coord@example.org", password=PASSWORD, environ=ATTACKER):
    return client.post("/console/login", data={"email": email, "password": password}, environ_base=environ)


def _guess(client, times, **kwargs):
    for _ in range(times):
        assert _attempt(client, password="wrong password here", **kwargs).status_code == 401


def test_failures_from_one_address_do_not_lock_the_owner_out_elsewhere(client, make_coordinator):
    make_coordinator()
    _guess(client, 8)
    response = _attempt(client, environ=OWNER)
    assert response.status_code == 302 and response.headers["Location"] == "/console/login/code"


def test_guessing_from_one_address_is_paused_even_for_the_right_password(client, make_coordinator):
    make_coordinator()
    _guess(client, 5)
    assert _attempt(client).status_code == 401
    actions = list(db.session.scalars(select(AuditEvent.action)))
    assert "console.login_throttled" in actions


def test_a_pause_ends_and_the_right_password_then_works(client, make_coordinator):
    from matcher.console.models import SignInThrottle

    make_coordinator()
    _guess(client, 5)
    for row in db.session.scalars(select(SignInThrottle)):
        row.blocked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert _attempt(client).headers["Location"] == "/console/login/code"


def test_each_further_failure_doubles_the_pause_up_to_the_longest(app, make_coordinator):
    from matcher.console import throttle

    coordinator = make_coordinator()
    now = utcnow()
    pauses = []
    for _ in range(12):
        throttle.count_failure(coordinator, ["198.51.100.9"], now)
        until = throttle.blocked_until(coordinator, ["198.51.100.9"], now)
        pauses.append(round((until - now).total_seconds()) if until else 0)
        # The next guess comes when the pause is over.
        now = until or now
    assert pauses == [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]


def test_failures_are_forgotten_after_a_quiet_day(app, make_coordinator):
    from matcher.console import throttle

    coordinator = make_coordinator()
    now = utcnow()
    for _ in range(4):
        throttle.count_failure(coordinator, ["198.51.100.9"], now)
    later = now + timedelta(days=1, minutes=1)
    throttle.count_failure(coordinator, ["198.51.100.9"], later)
    assert throttle.blocked_until(coordinator, ["198.51.100.9"], later) is None


def test_the_throttle_stores_no_address(app, make_coordinator):
    from matcher.console import throttle
    from matcher.console.models import SignInThrottle

    throttle.count_failure(make_coordinator(), ["203.0.113.5"], utcnow())
    [row] = db.session.scalars(select(SignInThrottle))
    assert "203.0.113" not in row.source


def test_paused_wrong_and_unknown_answer_alike(client, make_coordinator):
    make_coordinator()
    wrong = _attempt(client, password="wrong password here")
    unknown = _attempt(client, email="nobody@example.org")
    _guess(client, 4)
    paused = _attempt(client)
    assert wrong.status_code == unknown.status_code == paused.status_code == 401
    # The form shows back the address typed, and nothing else differs.
    pages = [r.get_data(as_text=True).replace(email, "") for r, email in
             ((wrong, "coord@example.org"), (unknown, "nobody@example.org"), (paused, "coord@example.org"))]
    assert pages[0] == pages[1] == pages[2]


def _median_time(attempt, rounds=7):
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        attempt()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def test_a_paused_account_answers_as_slowly_as_an_unknown_address(client, make_coordinator):
    make_coordinator()
    _attempt(client, email="warm-up@example.org")
    _guess(client, 5)
    paused = _median_time(lambda: _attempt(client))
    unknown = _median_time(lambda: _attempt(client, email="nobody@example.org"))
    # Before, a locked account skipped the hash and answered about 13 times faster.
    assert 0.5 < paused / unknown < 2, (paused, unknown)


def test_start_up_computes_no_password_hash(database_url):
    # Every MTA pipe (`relay receive`) is a new process that builds the app: no scrypt there.
    script = (
        "import hashlib\n"
        "calls = []\n"
        "real = hashlib.scrypt\n"
        "hashlib.scrypt = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
        "from matcher import create_app\n"
        f"create_app({{'TESTING': True, 'SQLALCHEMY_DATABASE_URI': {database_url!r}}})\n"
        "print(len(calls))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert result.stdout.strip() == "0"
