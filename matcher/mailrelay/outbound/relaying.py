"""Writing the other party's copy: addresses, labels, threading headers, the outbox."""
from collections.abc import Mapping

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from matcher.database import is_postgres
from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, MaskedAddress, OutboxMessage, Party, Priority, ThreadId
from matcher.mailrelay.outbound.addresses import masked_address
from matcher.mailrelay.outbound.compose import OutgoingMail, new_message_id
from matcher.mailrelay.outbound.outbox import queue_mail
from matcher.plaintext import one_line
from matcher.templating import emergency_number

RED_BANNER = (
    "[Note from the coordinators: this message may show that {name} is struggling a lot right now. "
    "A coordinator has been alerted and will follow it up. Reply with warmth as you normally would; "
    "you do not have to manage this alone, and you should not give medical advice. If you believe "
    "{name} or their baby is in immediate danger, call {number}.]\n\n"
)


def red_banner(pairing) -> str:
    """Return the coordinators' note above a RED message, with the emergency number of the requester's region."""
    return RED_BANNER.format(name=pairing.request.pseudonym, number=emergency_number(pairing.request.region))


VOLUNTEER_FOOTER = (
    "\n\n--\nWorried about something in this message? Write to the coordinators, not to the "
    "person you support: {concern}\n"
)


def canonical_for(inbound_id: int) -> str:
    """Return the thread key of an inbound message."""
    return f"in:{inbound_id}"


def remember_id(pairing_id: int, party: Party, message_id: str | None, canonical: str) -> None:
    """Record that `party` knows `message_id` as the message `canonical` (no commit)."""
    if not message_id:
        return
    message_id = message_id.strip("<>")[:300]
    # One statement on both databases: an id already known keeps the message it stood for first.
    dialect = postgresql if is_postgres(db.engine) else sqlite
    db.session.execute(dialect.insert(ThreadId).values(
        pairing_id=pairing_id, party=party, message_id=message_id, canonical=canonical,
    ).on_conflict_do_nothing(index_elements=["pairing_id", "party", "message_id"]))


def translate(pairing_id: int, author: Party, message_ids) -> list[str]:
    """Map ids the author knows to the ids the reader knows; unknown ids never cross."""
    translated = []
    for message_id in message_ids:
        canonical = db.session.scalar(select(ThreadId.canonical).where(
            ThreadId.pairing_id == pairing_id, ThreadId.party == author, ThreadId.message_id == message_id))
        if canonical is None:
            continue
        theirs = db.session.scalar(select(ThreadId.message_id).where(
            ThreadId.pairing_id == pairing_id, ThreadId.party == author.other, ThreadId.canonical == canonical))
        if theirs and theirs not in translated:
            translated.append(theirs)
    return translated


def _newest_token(pairing_id: int, writer: str, tokens: Mapping[str, str] | None) -> str | None:
    """Return the newest token `writer` uses: from `tokens` when loaded with the route, else from the database."""
    if tokens is not None:
        return tokens.get(str(writer))
    return db.session.scalar(select(MaskedAddress.token).where(
        MaskedAddress.pairing_id == pairing_id, MaskedAddress.writer == writer).order_by(MaskedAddress.id.desc()))


def writer_address(pairing_id: int, writer: Party, tokens: Mapping[str, str] | None = None) -> str:
    """Return the newest masked address `writer` uses in this pairing."""
    token = _newest_token(pairing_id, writer, tokens)
    if token is None:  # every pairing gets both addresses when it is approved
        raise LookupError(f"pairing {pairing_id} has no masked address for the {writer}")
    return masked_address(current_app.config["MATCHER_RELAY_ADDRESS"], token)


def concern_address(pairing_id: int, tokens: Mapping[str, str] | None = None) -> str | None:
    """Return the address a volunteer writes to when worried about this pairing."""
    token = _newest_token(pairing_id, "volunteer", tokens)
    if token is None:
        return None
    local, _, domain = current_app.config["MATCHER_RELAY_ADDRESS"].lower().partition("@")
    return f"{local}+concern-{token}@{domain}"


def volunteer_label(volunteer) -> str:
    """Return how a volunteer appears to the person they support."""
    # one_line: a name stored with a line break must not break (or add to) the From header.
    return f"{one_line(volunteer.pseudonym)} (Peer supporter)"


def requester_label(support_request) -> str:
    """Return how a requester appears to their volunteer."""
    return f"{one_line(support_request.pseudonym)} (via {one_line(current_app.config['MATCHER_ORGANISATION'])})"


def author_label(pairing, author: Party) -> str:
    """Return how the author appears to the reader."""
    return volunteer_label(pairing.volunteer) if author == Party.VOLUNTEER else requester_label(pairing.request)


def reader_email(pairing, author: Party) -> str:
    """Return the real address of the person who reads what `author` wrote."""
    email = pairing.volunteer.email if author == Party.REQUESTER else pairing.request.email
    if email is None:  # a withdrawn or erased request keeps no address; nothing can be sent to it
        raise LookupError(f"pairing {pairing.id}: the reader's address has been erased")
    return email


def relay_copy(row: InboundMessage, pairing, author: Party, subject: str, text: str, html: str,
               in_reply_to, references, banner: bool = False, tokens: Mapping[str, str] | None = None) -> OutboxMessage:
    """Queue the reader's copy from the author's masked identity, threaded (no commit).

    `tokens` are the pairing's newest masked tokens by writer, when the route loaded them.
    """
    if banner:
        text = red_banner(pairing) + text
    if author == Party.REQUESTER:
        text += VOLUNTEER_FOOTER.format(concern=concern_address(pairing.id, tokens))
    domain = current_app.config["MATCHER_RELAY_ADDRESS"].rpartition("@")[2]
    our_id = new_message_id(domain)
    replies = translate(pairing.id, author, in_reply_to)
    thread = translate(pairing.id, author, list(references) + list(in_reply_to))
    # X-Loop marks our copy, so if it ever comes back to the relay it is recognised and stopped.
    headers = [("X-Loop", current_app.config["MATCHER_RELAY_ADDRESS"])]
    if replies:
        headers.append(("In-Reply-To", " ".join(f"<{m}>" for m in replies)))
    if thread:
        headers.append(("References", " ".join(f"<{m}>" for m in thread)))
    mail = OutgoingMail(
        sender_name=author_label(pairing, author),
        sender_address=writer_address(pairing.id, author.other, tokens),
        recipient=reader_email(pairing, author), subject=subject, text=text, html=html,
        headers=tuple(headers), automatic=False, message_id=our_id,
    )
    outbox = queue_mail(mail, kind="relay", priority=Priority.RELAY, subject_ref=("inbound_message", row.id), verp=True)
    remember_id(pairing.id, author.other, our_id, canonical_for(row.id))
    return outbox
