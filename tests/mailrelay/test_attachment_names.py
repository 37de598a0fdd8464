"""Neither the reader's note nor a released attachment carries the file's original name (issue 13, class 6)."""
import email
from email import policy
from email.message import EmailMessage

from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, OutboxMessage


def _with_photo(sender: str, to: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, "A photo"
    message.set_content("Here is the view from our walk.")
    message.add_attachment(b"\xff\xd8\xff fake jpeg", maintype="image", subtype="jpeg",
                           filename="Thomasina Quillfeather at the park.JPG")
    return message.as_bytes()


def test_the_note_and_the_released_file_name_the_attachment_by_kind_only(client, signed_in, make_pairing):
    _, requester_writes_to, _ = make_pairing({"pseudonym": "Asha", "email": "asha@example.com"},
                                             {"pseudonym": "Sam", "email": "sam@example.org"}, moderation="audit_only")
    receive(_with_photo("asha@example.com", requester_writes_to), "pipe")
    row = db.session.scalar(select(InboundMessage))
    note = db.session.get(OutboxMessage, row.outbox_id).raw
    assert b"Quillfeather" not in note and b"photo-1.jpg" in note
    client.post(f"/console/messages/{row.id}/attachments/0/release")
    released = db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "relay_attachment")).one()
    message = email.message_from_bytes(released.raw, policy=policy.default)
    assert [part.get_filename() for part in message.iter_attachments()] == ["photo-1.jpg"]
    assert b"Quillfeather" not in released.raw
