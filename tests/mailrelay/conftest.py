"""Fixtures for the mail relay tests: a real Dovecot IMAP server, started only when asked for."""
import pytest

from tests.conftest import POSTGRES_SERVER
from tests.mailrelay.dovecot import DovecotFailed, remove_dovecot, start_dovecot


def _started(move: bool):
    try:
        return start_dovecot(move=move)
    except DovecotFailed as failure:
        log = str(failure)
    # Never skip: a relay that cannot be tested against a real server is a failed run.
    pytest.fail(log, pytrace=False)


@pytest.fixture(scope="session")
def dovecot():
    """A Dovecot IMAP server on loopback for the whole run."""
    server = _started(move=True)
    yield server
    remove_dovecot(server)


@pytest.fixture(scope="session")
def dovecot_without_move():
    """A second Dovecot that does not offer the MOVE extension."""
    server = _started(move=False)
    yield server
    remove_dovecot(server)


@pytest.fixture
def imap_account(dovecot):
    """A new, empty mailbox on the test Dovecot."""
    return dovecot.add_account()


# PostgreSQL-only tests (MATCHER_TEST_POSTGRES set, as in CI's PostgreSQL stage): not collected at
# all otherwise, rather than collected and skipped.
collect_ignore = [] if POSTGRES_SERVER else ["test_work_tier_scale.py"]
