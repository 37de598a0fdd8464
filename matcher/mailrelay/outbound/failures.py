"""When mail cannot be delivered, a person hears about it.

A permanent failure (the outgoing server answers 5xx, or the retries run out), a bounce after
delivery, or a temporary failure older than MATCHER_OUTBOX_LATE_AFTER opens one escalation on the
coordinators' dashboard, queues one notice to the coordinators' address, and, for a relayed copy,
one kind notice to its writer: their message has not reached the other person yet. Each happens
once per outgoing message (a `SentNotice` key). This module says what to queue; `outbox` queues it,
so the two stay free of an import cycle.
"""
import logging
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import String, cast, literal, select

from matcher import links
from matcher.care.models import SentNotice
from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, OutboxMessage, Party, Priority
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier

log = logging.getLogger(__name__)
# Mail about a failure is not itself followed by more mail when it fails: only the escalation.
QUIET_KINDS = frozenset({"undelivered_notice", "undelivered_coordinators", "digest"})
# A reason is shown to coordinators; a server's reply is short, and longer text is not a reason.
REASON_CHARS = 300


@dataclass(frozen=True)
class Notice:
    """One mail to queue about a failure: what `queue_template` takes."""

    template: str
    recipient: str
    kind: str
    context: dict = field(default_factory=dict)


def plain_reason(error: str | None) -> str:
    """Return a server's reason fit to show: short, one line, with any address replaced."""
    words = (error or "no reason given").replace("\r", " ").replace("\n", " ")[:REASON_CHARS].split()
    return " ".join("[address]" if "@" in word else word for word in words)


def undelivered(row: OutboxMessage, reason: str, now: datetime, still_trying: bool = False,
                escalate: bool = True) -> list[Notice]:
    """Open the escalation for an undelivered message and return the mail to queue (no commit).

    Returns nothing when this message's failure was already told, or when it is an alert or
    crisis reply (their own path, with fallbacks, tells people) .
    """
    if row.priority <= Priority.ALERT or not _first_time(row.id, now):
        return []
    source = _source(row)
    pairing = source.pairing if source is not None else _pairing(row)
    shown = plain_reason(reason)
    what = "is still not delivered after retrying" if still_trying else "could not be delivered"
    if escalate:  # a bounce already opened its own
        open_escalation("undelivered", Tier.AMBER, f"A {_kind_words(row.kind)} {what}: {shown}"[:300],
                        pairing=pairing, inbound_id=source.id if source is not None else None, now=now)
    log.warning("outbox message %s: undelivered, coordinators told", row.id)
    if row.kind in QUIET_KINDS:
        return []
    notices = [_coordinator_notice(row, pairing, shown, what)]
    writer = _writer_notice(source, pairing, now)
    return notices + ([writer] if writer else [])


def told_key(outbox_id):
    """Return the `SentNotice` key that marks a message's failure as told (an id or an id column)."""
    if isinstance(outbox_id, int):
        return f"undelivered:{outbox_id}"
    return literal("undelivered:") + cast(outbox_id, String)


def _first_time(outbox_id: int, now: datetime) -> bool:
    key = told_key(outbox_id)
    if db.session.scalar(select(SentNotice.id).where(SentNotice.key == key)) is not None:
        return False
    db.session.add(SentNotice(key=key, sent_at=now))
    return True


def _source(row: OutboxMessage) -> InboundMessage | None:
    if row.subject_type != "inbound_message" or row.subject_id is None:
        return None
    return db.session.get(InboundMessage, row.subject_id)


def _pairing(row: OutboxMessage):
    from matcher.pairing.models import Pairing

    if row.subject_type == "pairing" and row.subject_id is not None:
        return db.session.get(Pairing, row.subject_id)
    return None


def _kind_words(kind: str) -> str:
    return {"relay": "relayed message", "relay_attachment": "released attachment",
            "introduction": "introduction"}.get(kind, f"{kind.replace('_', ' ')} mail")


def _coordinator_notice(row: OutboxMessage, pairing, reason: str, what: str) -> Notice:
    url = (links.external_url("relay_console.thread", pairing_id=pairing.id) if pairing is not None
           else links.external_url("safeguarding_console.escalations"))
    return Notice("undelivered_coordinators", current_app.config["MATCHER_COORDINATOR_ADDRESS"],
                  "undelivered_coordinators",
                  {"what": f"A {_kind_words(row.kind)} {what}", "reason": reason, "outbox_id": row.id,
                   "pairing_id": getattr(pairing, "id", None), "console_url": url})


def _writer_notice(source: InboundMessage | None, pairing, now: datetime) -> Notice | None:
    """Tell the person who wrote a relayed message, kindly, that it has not arrived yet."""
    if source is None or pairing is None or source.sender_party is None:
        return None
    writer = Party(source.sender_party)
    email = pairing.request.email if writer == Party.REQUESTER else pairing.volunteer.email
    if not email:
        return None
    names = {Party.REQUESTER: pairing.request.pseudonym, Party.VOLUNTEER: pairing.volunteer.pseudonym}
    return Notice("undelivered_writer", email, "undelivered_notice",
                  {"pseudonym": names[writer], "other": names[writer.other], "written_at": source.received_at})
