"""Coordinator decisions on held and quarantined messages (state changes; commit)."""
from datetime import datetime
from typing import TYPE_CHECKING

from matcher.columns import utcnow
from matcher.console.audit import record
from matcher.extensions import db
from matcher.mailrelay.anonymising.anonymise import neutral_filename, text_to_html
from matcher.mailrelay.models import InboundMessage, InboundState, Party, Priority
from matcher.mailrelay.outbound.compose import OutgoingMail
from matcher.mailrelay.outbound.outbox import queue_mail, queue_template
from matcher.mailrelay.outbound.relaying import author_label, reader_email, red_banner, relay_copy, writer_address
from matcher.mailrelay.reading.parse import parse

if TYPE_CHECKING:
    from matcher.pairing.models import Pairing

REVIEWABLE = (InboundState.HELD, InboundState.QUARANTINED)


class ReviewError(ValueError):
    """A review action that cannot be taken on this message."""


def _reviewable(row: InboundMessage) -> tuple["Pairing", Party]:
    if row.state not in REVIEWABLE:
        raise ReviewError("This message has already been dealt with.")
    if row.pairing is None or row.sender_party is None:
        raise ReviewError("This message belongs to no pairing; it can only be discarded.")
    return row.pairing, Party(row.sender_party)


def _decided(row: InboundMessage, state: InboundState, by, now: datetime | None) -> None:
    row.state = state
    row.reviewed_by_id = getattr(by, "id", None)
    row.reviewed_at = now or utcnow()


def release(row: InboundMessage, by, edited_text: str | None = None, now: datetime | None = None) -> None:
    """Deliver a held message, as scrubbed or as edited by the coordinator (commits)."""
    pairing, author = _reviewable(row)
    if not pairing.is_live:
        raise ReviewError("The pairing has ended, so the message cannot be delivered.")
    if edited_text is not None and edited_text.strip() != (row.clean_text or "").strip():
        row.edited_text = edited_text.strip()
    text = row.edited_text or row.clean_text or ""
    inbound = parse(row.raw or b"")  # erased only once the pairing has ended
    # A RED message reaches the reader with the same note audit-only delivery adds.
    red = any(flag.get("tier") == "red" for flag in row.flags or [])
    html_text = red_banner(pairing) + text if red else text
    outbox = relay_copy(row, pairing, author, row.subject or "(no subject)", text,
                        text_to_html(html_text), inbound.in_reply_to, inbound.references, banner=red)
    row.outbox_id = outbox.id
    _decided(row, InboundState.DELIVERED, by, now)
    record("message.released", actor=by, subject=("inbound_message", row.id),
           detail={"pairing": pairing.id, "edited": row.edited_text is not None})
    db.session.commit()


def discard(row: InboundMessage, by, now: datetime | None = None) -> None:
    """Decide a held or quarantined message goes nowhere (commits)."""
    if row.state not in REVIEWABLE:
        raise ReviewError("This message has already been dealt with.")
    _decided(row, InboundState.DISCARDED, by, now)
    record("message.discarded", actor=by, subject=("inbound_message", row.id), detail={"pairing": row.pairing_id})
    db.session.commit()


def return_to_sender(row: InboundMessage, by, explanation: str, now: datetime | None = None) -> None:
    """Send a held message back to its writer with a kind explanation (commits)."""
    pairing, author = _reviewable(row)
    email = pairing.request.email if author == Party.REQUESTER else pairing.volunteer.email
    if email is None:
        raise ReviewError("The writer's address has been erased, so the message cannot go back to them.")
    name = pairing.request.pseudonym if author == Party.REQUESTER else pairing.volunteer.pseudonym
    queue_template("returned_message", email, kind="returned", subject_ref=("inbound_message", row.id),
                   pseudonym=name, explanation=explanation.strip(), original=row.clean_text or "")
    _decided(row, InboundState.RETURNED, by, now)
    record("message.returned", actor=by, subject=("inbound_message", row.id), detail={"pairing": pairing.id})
    db.session.commit()


def release_attachment(row: InboundMessage, index: int, by) -> None:
    """Send one checked attachment on to the reader; contact cards and invites never pass (commits)."""
    if row.pairing is None or not row.pairing.is_live:
        raise ReviewError("There is no live pairing to send it to.")
    attachments = parse(row.raw or b"").attachments  # erased only once the pairing has ended
    if not 0 <= index < len(attachments) or attachments[index].is_vcard or attachments[index].is_calendar:
        raise ReviewError("That attachment cannot be released.")
    attachment = attachments[index]
    pairing, author = row.pairing, Party(row.sender_party or "")  # set with the pairing when it was read
    # The released file never carries its original name, which can carry a full name.
    name = neutral_filename(attachment.filename or "", attachment.content_type, index + 1)
    mail = OutgoingMail(
        sender_name=author_label(pairing, author), sender_address=writer_address(pairing.id, author.other),
        recipient=reader_email(pairing, author), subject=f"An attachment from {author_label(pairing, author)}",
        text="A coordinator has checked this attachment and passed it on.", automatic=False,
        attachments=((name, attachment.content_type, attachment.payload),),
    )
    queue_mail(mail, kind="relay_attachment", priority=Priority.RELAY, subject_ref=("inbound_message", row.id),
               verp=True)
    record("message.attachment_released", actor=by, subject=("inbound_message", row.id), detail={"index": index})
    db.session.commit()


def reveal_raw(row: InboundMessage, by) -> bytes:
    """Return the original message bytes, recording who looked (commits)."""
    record("message.raw_viewed", actor=by, subject=("inbound_message", row.id), detail={"pairing": row.pairing_id})
    db.session.commit()
    return row.raw or b""


def set_moderation(pairing, level: str, by) -> None:
    """Change how closely a pairing's messages are reviewed (commits)."""
    from matcher.pairing.models import Moderation

    old = pairing.moderation
    pairing.moderation = Moderation(level)
    record("pairing.moderation_changed", actor=by, subject=("pairing", pairing.id),
           detail={"from": str(old), "to": level})
    db.session.commit()
