"""Shared fixtures: a migrated database (SQLite, or PostgreSQL when asked), a real
SMTP sink on loopback, factories, and a guard against any non-loopback connection.

Set MATCHER_TEST_POSTGRES to a server URL (for example
postgresql+psycopg://postgres@127.0.0.1:5432/postgres) to run the whole suite
against a throwaway PostgreSQL database created for the run.
"""
import asyncio
import ipaddress
import os
import shutil
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from matcher import create_app

POSTGRES_SERVER = os.environ.get("MATCHER_TEST_POSTGRES")


# --- network guard -----------------------------------------------------------

_real_connect = socket.socket.connect


def _loopback_only(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        host = address[0]
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise AssertionError(f"test tried to connect to a non-loopback address: {host}")
    return _real_connect(sock, address)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that connects anywhere but loopback."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)


# --- SMTP sink -----------------------------------------------------------------


@dataclass
class SmtpSink:
    """A real SMTP server on loopback that keeps what it receives."""

    host: str
    port: int
    received: list = field(default_factory=list)
    refuse_with: str | None = None
    # Replies for single recipients, as their own mail server would answer: {address: "550 ..."}.
    refuse_for: dict = field(default_factory=dict)
    # Seconds to wait before answering DATA, as a slow server does.
    delay_seconds: float = 0
    condition: threading.Condition = field(default_factory=threading.Condition)

    def messages(self):
        """Return the received messages parsed, in arrival order."""
        return [BytesParser(policy=policy.default).parsebytes(env["raw"]) for env in self.received]

    def to(self, address):
        """Return the parsed messages whose envelope includes `address`."""
        return [
            BytesParser(policy=policy.default).parsebytes(env["raw"])
            for env in self.received
            if address.lower() in [r.lower() for r in env["rcpt_tos"]]
        ]

    def wait_for(self, count, timeout=10.0):
        """Wait until at least `count` messages have arrived."""
        deadline = time.monotonic() + timeout
        with self.condition:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} messages at the sink, got {len(self.received)}")
                self.condition.wait(remaining)

    def clear(self):
        """Forget everything received and accept mail again."""
        with self.condition:
            self.received.clear()
            self.refuse_with = None
            self.refuse_for = {}
            self.delay_seconds = 0


class _SinkHandler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        if self.sink.delay_seconds:
            await asyncio.sleep(self.sink.delay_seconds)
        if self.sink.refuse_with:
            return self.sink.refuse_with
        refused = [self.sink.refuse_for[r.lower()] for r in envelope.rcpt_tos if r.lower() in self.sink.refuse_for]
        if refused:
            return refused[0]
        with self.sink.condition:
            self.sink.received.append(
                {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos), "raw": envelope.original_content}
            )
            self.sink.condition.notify_all()
        return "250 OK"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def _smtp_server():
    sink = SmtpSink("127.0.0.1", _free_port())
    controller = Controller(_SinkHandler(sink), hostname=sink.host, port=sink.port)
    controller.start()
    yield sink
    controller.stop()


@pytest.fixture
def smtp_sink(_smtp_server):
    """A real SMTP server on loopback, emptied for each test."""
    _smtp_server.clear()
    yield _smtp_server
    _smtp_server.clear()


# --- database ------------------------------------------------------------------


@pytest.fixture(scope="session")
def _database_template(tmp_path_factory):
    """Migrate once per run: a SQLite file to copy, or a PostgreSQL database to empty."""
    if POSTGRES_SERVER:
        server = make_url(POSTGRES_SERVER)
        name = f"matcher_test_{uuid.uuid4().hex[:10]}"
        # NullPool: the admin connection is closed at once, not kept open for the whole run.
        admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = server.set(database=name).render_as_string(hide_password=False)
        _migrate(url)
        yield ("postgresql", url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        _migrate(f"sqlite:///{path}")
        yield ("sqlite", path)


def _migrate(url):
    from flask_migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        from matcher.extensions import db

        db.engine.dispose()


def _empty_postgres(app):
    from matcher.extensions import db

    with app.app_context():
        tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def database_url(_database_template, tmp_path):
    """A migrated, empty database for one test."""
    kind, source = _database_template
    if kind == "postgresql":
        return source
    path = tmp_path / "matcher.sqlite"
    shutil.copyfile(source, path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(database_url, smtp_sink, tmp_path):
    """The test configuration; tests may change it before `app` is built."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-that-is-long-enough-for-start-up",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": smtp_sink.host,
        "MAIL_PORT": smtp_sink.port,
        "MATCHER_BASE_URL": "http://matcher.test",
        "MATCHER_RELAY_ADDRESS": "support@relay.example",
        "MATCHER_ALERT_ADDRESS": "oncall@example.org",
        "MATCHER_OUTBOX_RETRY_DELAYS": (60, 300),
    }


@pytest.fixture
def app(app_config):
    """A fresh application on an empty, migrated database."""
    application = create_app(app_config)
    if app_config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        _empty_postgres(application)
    with application.app_context():
        yield application
        from matcher.extensions import db

        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(app_config):
    """Return a callable building another app on the same database, disposed afterwards."""
    from matcher.extensions import db

    built = []

    def make(**overrides):
        application = create_app(app_config | overrides)
        built.append(application)
        return application

    yield make
    for application in built:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


# --- factories -----------------------------------------------------------------


@pytest.fixture
def make_coordinator(app):
    """Return a callable creating a coordinator (password 'correct horse battery') with TOTP set up."""
    import pyotp

    from matcher.columns import utcnow
    from matcher.console.service import create_coordinator
    from matcher.extensions import db

    def make(email="coord@example.org", password="correct horse battery", role="coordinator", totp=True):
        coordinator = create_coordinator(email, password, role)
        if totp:
            coordinator.totp_secret = pyotp.random_base32()
            coordinator.totp_confirmed_at = utcnow()
            db.session.commit()
        return coordinator

    return make


def totp_code(coordinator):
    """Return a code the server will accept now: in the time window, and not used before.

    The server accepts the steps either side of the current one. The current step
    (or the next, once the current is used) stays acceptable if the window moves on
    between choosing the code and the server checking it; the previous step would not.
    """
    import pyotp

    totp = pyotp.TOTP(coordinator.totp_secret)
    current = int(time.time()) // totp.interval
    step = max(current, (coordinator.last_totp_step or 0) + 1)
    assert step <= current + 1, "signed in too often within one TOTP window"
    return totp.at(step * totp.interval)


@pytest.fixture
def signed_in(make_coordinator, sign_in):
    """A coordinator signed in to the console with password and TOTP; returns the coordinator."""
    coordinator = make_coordinator()
    sign_in(coordinator)
    return coordinator


@pytest.fixture
def sign_in(client):
    """Return a callable signing a coordinator into the console: password, then TOTP code."""

    def login(coordinator, password="correct horse battery"):
        response = client.post("/console/login", data={"email": coordinator.email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)
        response = client.post("/console/login/code", data={"code": totp_code(coordinator)})
        assert response.status_code == 302, response.get_data(as_text=True)
        return response

    return login


@pytest.fixture
def make_request(app):
    """Return a callable storing a support request directly (no email sent)."""
    from datetime import UTC, datetime, timedelta

    from matcher.extensions import db
    from matcher.intake.models import RequestStatus, SupportRequest

    counter = iter(range(1, 10_000))

    def make(**overrides):
        number = next(counter)
        days = overrides.pop("days_waiting", 0)
        when = datetime.now(UTC) - timedelta(days=days)
        values = dict(
            pseudonym=f"Person{number}", email=f"person{number}@example.com", role="mother", stage="early",
            experiences=["postpartum_psychosis"], language="en", region="GB", timezone="Europe/London",
            status=RequestStatus.WAITING, requested_on=when, consented_at=when, confirmed_at=when,
        )
        values.update(overrides)
        support_request = SupportRequest(**values)
        db.session.add(support_request)
        db.session.commit()
        return support_request

    return make


@pytest.fixture
def valid_form():
    """A complete, valid request form submission."""
    return {
        "pseudonym": "Robin",
        "email": "Robin.Example@Example.com",
        "role": "mother",
        "stage": "early",
        "experiences": ["postpartum_psychosis", "mbu_admission"],
        "language": "en",
        "region": "GB",
        "timezone": "Europe/London",
        "hopes": "Someone to talk to about going home.",
        "care_team": "yes",
        "safety": "no",
        "consent_health": "y",
        "consent_reading": "y",
        "consent_guidelines": "y",
    }


@pytest.fixture
def make_volunteer(app):
    """Return a callable storing an active, trained, checked volunteer."""
    from datetime import date, timedelta

    from matcher.extensions import db
    from matcher.pairing.models import Volunteer, VolunteerStatus

    counter = iter(range(1, 10_000))

    def make(**overrides):
        number = next(counter)
        values = dict(
            name=f"Volunteer{number} Fictional", email=f"volunteer{number}@example.org",
            phone=f"07700 900{number:03d}", pseudonym=f"Sam{number}", role="mother",
            stages=["early", "established"], experiences=["postpartum_psychosis", "mbu_admission"],
            languages=["en"], timezone="Europe/London", capacity=2, status=VolunteerStatus.ACTIVE,
            trained_on=date.today() - timedelta(days=200), checks_expire_on=date.today() + timedelta(days=300),
        )
        values.update(overrides)
        volunteer = Volunteer(**values)
        db.session.add(volunteer)
        db.session.commit()
        return volunteer

    return make


@pytest.fixture
def make_pairing(app, make_request, make_volunteer, make_coordinator):
    """Return a callable creating an active pairing; it returns (pairing, requester_writes_to, volunteer_writes_to)."""
    from matcher.mailrelay.models import Party
    from matcher.mailrelay.service import address_for
    from matcher.pairing import service

    coordinators = []

    def make(request_values=None, volunteer_values=None, moderation=None):
        if not coordinators:
            coordinators.append(make_coordinator(email="pairing-coord@example.org"))
        support_request = make_request(**(request_values or {}))
        volunteer = make_volunteer(**(volunteer_values or {}))
        from matcher.columns import utcnow

        pairing = service.create_pairing(support_request, volunteer, coordinators[0], 80.0, ["test"], utcnow())
        if moderation:
            pairing.moderation = moderation
        from matcher.extensions import db

        db.session.commit()
        service.volunteer_confirms(pairing)
        return pairing, address_for(pairing.id, Party.REQUESTER), address_for(pairing.id, Party.VOLUNTEER)

    return make


def write_mail(sender, to, body, subject="Hello", message_id=None, extra_headers=(), sender_name="",
               in_reply_to=None):
    """Return the bytes of a simple message, as a mail client would write it."""
    from email.message import EmailMessage
    from email.utils import formataddr, make_msgid

    message = EmailMessage()
    message["From"] = formataddr((sender_name, sender))
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain="mail.example.com")
    message["Date"] = "Sat, 21 Nov 2026 10:00:00 +0000"
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in extra_headers:
        message[name] = value
    message.set_content(body)
    return message.as_bytes()


@pytest.fixture
def mail_writer():
    """Return the `write_mail` helper."""
    return write_mail
