"""With keys configured, nothing a person wrote is stored in clear, in any column of any table.

Before: only message bodies were encrypted; subjects, the quoted words in risk flags,
escalation notes and resolutions, a requester's hopes, a volunteer's application and
coordinators' notes, ending notes and feedback comments stayed readable on disk.
"""
from cryptography.fernet import Fernet
from sqlalchemy import inspect, select, text

from matcher.care.models import Feedback
from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.safeguarding.models import Escalation, EscalationNote

# Words that appear only in what people wrote, so any sight of them on disk is a leak.
MARKERS = ("Zephyrine", "quokka", "marmalade", "tangerine", "heliotrope", "saxifrage", "obsidian", "lantern")


def _everything_on_disk() -> str:
    """Return every stored value of every table as one string, read past the ORM."""
    values = []
    for table in inspect(db.engine).get_table_names():
        for row in db.session.execute(text(f'SELECT * FROM "{table}"')):
            values += [bytes(v).decode(errors="replace") if isinstance(v, bytes | memoryview) else str(v) for v in row]
    return "\n".join(values)


def test_no_free_text_a_person_wrote_is_stored_in_clear(app, make_pairing, mail_writer, make_coordinator):
    app.config["MATCHER_ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    coordinator = make_coordinator(email="notes-coord@example.org")
    pairing, to, _ = make_pairing(
        {"email": "asha@example.com", "hopes": "Someone who knows about Zephyrine mornings."},
        {"application": "I volunteer because of the quokka group.", "notes": "Prefers marmalade hours."},
        moderation="review_all")
    raw = mail_writer("asha@example.com", to, "I want to end it all, I have the tangerine pills saved.",
                      subject="heliotrope and everything")
    receive(raw, "pipe")
    escalation = db.session.scalar(select(Escalation).where(Escalation.inbound_id.is_not(None)))
    assert escalation is not None and escalation.flags, "the risk rules should have flagged the message"
    db.session.add(EscalationNote(escalation_id=escalation.id, coordinator_id=coordinator.id,
                                  text="Called her; saxifrage plan agreed."))
    escalation.resolution = "Safe for now: obsidian follow-up."
    pairing.end_note = "Ended kindly by the lantern."
    pairing.hand_note = "Paired by hand: the lantern club."
    db.session.add(Feedback(pairing_id=pairing.id, party="requester", helpfulness=5, would_recommend="yes",
                            comment="The lantern helped."))
    db.session.commit()

    on_disk = _everything_on_disk()
    assert "end it all" not in on_disk
    assert [marker for marker in MARKERS if marker in on_disk] == []


def test_what_was_written_reads_back_through_the_app(app, make_pairing, mail_writer):
    app.config["MATCHER_ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    pairing, to, _ = make_pairing({"email": "asha@example.com", "hopes": "Zephyrine mornings."}, {},
                                  moderation="review_all")
    receive(mail_writer("asha@example.com", to, "I want to end it all.", subject="heliotrope"), "pipe")
    db.session.expire_all()
    escalation = db.session.scalar(select(Escalation).where(Escalation.inbound_id.is_not(None)))
    assert pairing.request.hopes == "Zephyrine mornings."
    assert any("end it all" in str(flag) for flag in escalation.flags)


def test_rotation_encrypts_what_was_written_before_encryption_was_on(app, runner, make_pairing, mail_writer):
    _, to, _ = make_pairing({"email": "asha@example.com", "hopes": "Zephyrine mornings."}, {},
                            moderation="review_all")
    receive(mail_writer("asha@example.com", to, "I want to end it all.", subject="heliotrope"), "pipe")
    assert "Zephyrine" in _everything_on_disk() and "heliotrope" in _everything_on_disk()
    app.config["MATCHER_ENCRYPTION_KEYS"] = [Fernet.generate_key().decode()]
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    on_disk = _everything_on_disk()
    assert "Zephyrine" not in on_disk and "heliotrope" not in on_disk and "end it all" not in on_disk
