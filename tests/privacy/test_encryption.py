"""Message bodies encrypted at rest with Fernet, readable through the app, and rotatable."""
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage


def _stored(column):
    return db.session.execute(text(f"SELECT {column} FROM inbound_message")).scalar()


def test_bodies_are_encrypted_on_disk_and_plain_in_the_app(app, make_pairing, mail_writer):
    app.config["MATCHER_ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    _, to, _ = make_pairing({"email": "asha@example.com"}, {}, moderation="audit_only")
    receive(mail_writer("asha@example.com", to, "A very private sentence."), "pipe")
    on_disk = bytes(_stored("raw"))
    assert on_disk.startswith(b"fernet:") and b"private sentence" not in on_disk
    assert _stored("clean_text").startswith("fernet:")
    db.session.expire_all()
    row = db.session.scalar(select(InboundMessage))
    assert b"A very private sentence." in row.raw and row.clean_text == "A very private sentence."


def test_rotation_moves_every_body_to_the_new_key(app, runner, make_pairing, mail_writer):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    _, to, _ = make_pairing({"email": "asha@example.com"}, {}, moderation="audit_only")
    receive(mail_writer("asha@example.com", to, "Written before encryption was on."), "pipe")
    app.config["MATCHER_ENCRYPTION_KEYS"] = [old]
    receive(mail_writer("asha@example.com", to, "Written under the old key."), "pipe")
    app.config["MATCHER_ENCRYPTION_KEYS"] = [new, old]
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    app.config["MATCHER_ENCRYPTION_KEYS"] = [new]
    db.session.expire_all()
    texts = [row.clean_text for row in db.session.scalars(select(InboundMessage).order_by(InboundMessage.id))]
    assert texts == ["Written before encryption was on.", "Written under the old key."]
    raw = db.session.execute(text("SELECT raw FROM inbound_message")).scalars().all()
    assert all(bytes(value).startswith(b"fernet:") for value in raw)


def test_plain_mail_that_begins_like_an_encrypted_body_is_kept_as_it_is(make_pairing):
    from matcher.mailrelay.models import InboundState

    # Found by the fuzz test: raw bytes starting "fernet:" were read back as a broken ciphertext.
    _, to, _ = make_pairing({"email": "asha@example.com"}, {})
    for raw in (b"fernet:not really", b"plain:fernet:x"):
        received = receive(raw, "pipe", recipient=to)
        db.session.expire_all()
        row = db.session.get(InboundMessage, received.inbound_id)
        assert row.raw == raw and row.state == InboundState.QUARANTINED
