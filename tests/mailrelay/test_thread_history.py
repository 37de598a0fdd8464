"""The relay reads each reply beside the pairing's earlier messages (issue 13, thread-awareness), and holds what
it cannot be sure it cleaned."""
import email
from email import policy

from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.thread_history import thread_so_far

REQUESTER = {"pseudonym": "Linnet", "name": "Araminta Oakridge", "email": "araminta.o@example.com"}
VOLUNTEER = {"pseudonym": "Tamsin", "name": "Beatrix Hollowell", "email": "beatrix.h@example.org",
             "phone": "07700 900744"}
FIRST = ("I was thinking about what you said about the mornings being the hardest part of the day.\n"
         "When my daughter was small I used to walk to the bakery on Fennel Lane just to get out.\n\n"
         "Beatrix\nSenior Practice Manager\nOrchard Vale Surgery")


def _rows():
    return db.session.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()


def _copy_text(row) -> str:
    raw = db.session.get(OutboxMessage, row.outbox_id).raw
    return email.message_from_bytes(raw, policy=policy.default).get_body(preferencelist=("plain",)).get_content()


def test_a_reply_pasting_an_earlier_message_without_any_marker_passes_only_the_new_words(make_pairing, mail_writer):
    _, requester_writes_to, volunteer_writes_to = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    receive(mail_writer("beatrix.h@example.org", volunteer_writes_to, FIRST), "pipe")
    # The requester's client (in a language no list knows) pastes the volunteer's original below, re-wrapped.
    reply = ("Dankon, tio helpis min.\n\n"
             "I was thinking about what you said about the mornings being the\nhardest part of the day. "
             "When my daughter was small I used to walk\nto the bakery on Fennel Lane just to get out.\n\n"
             "Beatrix\nSenior Practice Manager\nOrchard Vale Surgery")
    receive(mail_writer("araminta.o@example.com", requester_writes_to, reply), "pipe")
    second = _rows()[-1]
    assert second.state == InboundState.DELIVERED, second.reasons
    text = _copy_text(second)
    assert text.startswith("Dankon, tio helpis min.")
    assert "Fennel Lane" not in text and "Orchard Vale" not in text and "Beatrix" not in text


def test_the_thread_so_far_holds_both_directions_and_the_senders_own_mail(make_pairing, mail_writer, app):
    pairing, requester_writes_to, volunteer_writes_to = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    receive(mail_writer("beatrix.h@example.org", volunteer_writes_to, FIRST), "pipe")
    receive(mail_writer("araminta.o@example.com", requester_writes_to, "Thank you, that helps."), "pipe")
    latest = _rows()[-1]
    history = thread_so_far(pairing.id, "requester", latest.id, 10_000)
    assert any("Fennel Lane" in text for text in history.earlier)  # what the volunteer wrote, as written
    assert history.own == ()  # the requester's only message is this one
    volunteer_side = thread_so_far(pairing.id, "volunteer", 10**9, 10_000)
    assert any("Fennel Lane" in text for text in volunteer_side.own)
    assert any("Thank you, that helps." in text for text in volunteer_side.earlier)


def test_a_signature_a_sender_repeats_is_learned_and_not_passed_on(make_pairing, mail_writer):
    _, _, volunteer_writes_to = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    signature = "Bea\nKeeper of the Lesser Archive\nThe Willow Hush Collective"
    for words in ("First note.", "Second note.", "Third note."):
        receive(mail_writer("beatrix.h@example.org", volunteer_writes_to, f"{words}\n\n{signature}"), "pipe")
    text = _copy_text(_rows()[-1])
    assert "Lesser Archive" not in text and "Willow Hush" not in text
    assert text.startswith("Third note.")


def test_a_message_with_a_lost_boundary_waits_for_a_coordinator_with_the_reason(make_pairing):
    _, requester_writes_to, _ = make_pairing(REQUESTER, VOLUNTEER, moderation="audit_only")
    raw = (b"From: Araminta <araminta.o@example.com>\nTo: " + requester_writes_to.encode() + b"\nSubject: hi\n"
           b'MIME-Version: 1.0\nContent-Type: multipart/alternative; boundary="declared"\n\n'
           b"--real01\nContent-Type: text/plain; charset=utf-8\n\nThe walk helped today.\n"
           b"Araminta Oakridge\n--real01--\n")
    receive(raw, "pipe")
    row = _rows()[-1]
    assert row.state == InboundState.HELD
    assert any("structure could not be read" in reason for reason in row.reasons)
    assert row.clean_text.startswith("The walk helped today.")
    assert "Oakridge" not in row.clean_text and "Content-Type" not in row.clean_text
