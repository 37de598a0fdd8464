"""The optional durability trade-offs take effect only where intended.

With MATCHER_SQLITE_SYNCHRONOUS_NORMAL (SQLite) or MATCHER_POSTGRES_SYNCHRONOUS_COMMIT_OFF (PostgreSQL)
on, the transaction that stores an inbound message raw and the one that stores a request from the
form still commit durably (synchronous FULL / synchronous_commit on); reading the message, queueing
its copy and sending it commit without waiting for the disk. Off (the default), everything is durable.
The setting is read inside each transaction just before it commits, on the connection that commits.
"""
import pytest

from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay.inbound.pipe import EX_OK, receive_exit_code
from matcher.mailrelay.outbound.outbox import deliver_due
from tests.engine_events import EngineListener

REQUESTER = {"pseudonym": "Asha", "email": "asha.private@example.com"}
VOLUNTEER = {"pseudonym": "Sam", "email": "sam.private@example.org"}


class CommitLog(EngineListener):
    """For each commit: the tables the transaction inserted into, and whether it waited for the disk."""

    def __init__(self, engine):
        super().__init__(engine)
        self.commits: list[tuple[frozenset[str], bool]] = []

    def _statement(self, connection, _cursor, statement, *_args):
        if statement.startswith("INSERT INTO "):
            connection.info.setdefault("inserted", set()).add(statement.split()[2])
        elif statement.startswith(("UPDATE ", "DELETE FROM ")):
            connection.info.setdefault("inserted", set())

    def _commit(self, connection):
        tables = connection.info.pop("inserted", None)
        if tables is None:  # nothing written
            return
        dbapi_connection = connection.connection.dbapi_connection
        if is_postgres(self.engine):
            durable = dbapi_connection.execute("SHOW synchronous_commit").fetchone()[0] == "on"
        else:
            durable = dbapi_connection.execute("PRAGMA synchronous").fetchone()[0] >= 2  # FULL
        self.commits.append((frozenset(tables), durable))


    def durable(self, table: str) -> list[bool]:
        """Return, for each transaction that inserted into `table`, whether it committed durably."""
        return [durable for tables, durable in self.commits if table in tables]

    def others(self) -> list[bool]:
        """Return the same for every transaction that inserted into neither intake table."""
        return [durable for tables, durable in self.commits
                if not tables & {"inbound_message", "support_request"}]


def _relay_and_request(app, make_pairing, mail_writer, valid_form) -> CommitLog:
    _pairing, requester_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    with CommitLog(db.engine) as commits:
        raw = mail_writer(REQUESTER["email"], requester_to, "Thank you for last night.")
        assert receive_exit_code(raw, requester_to) == EX_OK
        assert deliver_due().sent >= 1
        assert app.test_client().post("/request", data=valid_form).status_code == 302
        db.session.remove()
    return commits


@pytest.fixture
def relaxed(app_config, database_url):
    key = ("MATCHER_POSTGRES_SYNCHRONOUS_COMMIT_OFF" if database_url.startswith("postgresql")
           else "MATCHER_SQLITE_SYNCHRONOUS_NORMAL")
    return app_config | {key: True}


def test_with_the_trade_off_on_only_intake_waits_for_the_disk(relaxed, make_app, make_pairing, mail_writer,
                                                               valid_form):
    app = make_app(**relaxed)
    with app.app_context():
        commits = _relay_and_request(app, make_pairing, mail_writer, valid_form)
    assert commits.durable("inbound_message") == [True], "the raw store of inbound mail"
    assert commits.durable("support_request") == [True], "the request form"
    assert commits.others() and not any(commits.others()), "reading, queueing, sending: not durable"


def test_by_default_every_transaction_waits_for_the_disk(app, make_pairing, mail_writer, valid_form):
    commits = _relay_and_request(app, make_pairing, mail_writer, valid_form)
    assert commits.durable("inbound_message") == commits.durable("support_request") == [True]
    assert commits.others() and all(commits.others())
