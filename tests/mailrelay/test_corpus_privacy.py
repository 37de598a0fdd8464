"""For every real-world reply shape: what the other person receives identifies nobody."""
import email
import json
import re
from email import policy

import pytest
from sqlalchemy import select

from matcher.extensions import db
from matcher.mailrelay.ingest import receive
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from tests.mailrelay.mailfixtures import MAIL_DIR, load_eml

IDENTITIES = json.loads((MAIL_DIR / "identities.json").read_text())
NOT_FROM_A_PERSON = ("auto_", "bounce_", "read_receipt", "mailing_list", "malformed_", "spoof_")
HUMAN_FIXTURES = sorted(name for name in IDENTITIES if not name.startswith(NOT_FROM_A_PERSON))


def _what_the_reader_gets(row: InboundMessage) -> str:
    """Return everything the other party would receive (delivered copy, or the held text on release)."""
    if row.state == InboundState.DELIVERED:
        copy = db.session.get(OutboxMessage, row.outbox_id)
        message = email.message_from_bytes(copy.raw, policy=policy.default)
        parts = [str(message["From"]), str(message["Subject"]), str(message.get("References", ""))]
        parts += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        return "\n".join(parts)
    return f"{row.subject}\n{row.clean_text}"


def _leaks(received: str, identity: dict) -> list[str]:
    leaks = []
    lowered = received.lower()
    for name in identity["names"]:
        for part in re.split(r"[\s-]+", name):
            if len(part) >= 3 and re.search(rf"\b{re.escape(part.lower())}\b", lowered):
                leaks.append(part)
    leaks += [e for e in identity["emails"] if e.lower() in lowered]
    digits = re.sub(r"\D", "", received)
    leaks += [p for p in identity["phones"] if re.sub(r"\D", "", p)[-10:] in digits]
    leaks += [e for e in identity["employers"] if e.lower() in lowered]
    return leaks


@pytest.mark.parametrize("fixture", HUMAN_FIXTURES)
def test_reader_receives_none_of_the_senders_identifying_details(fixture, make_pairing):
    raw = load_eml(fixture)
    identity = IDENTITIES[fixture]
    sender = email.message_from_bytes(raw, policy=policy.compat32)
    from_address = email.utils.parseaddr(str(sender["From"]))[1].lower()
    _, requester_writes_to, _ = make_pairing(
        {"pseudonym": "Robin", "name": identity["names"][0] if identity["names"] else None, "email": from_address},
        {"pseudonym": "Sam"}, moderation="audit_only")
    receive(raw, "pipe", requester_writes_to)
    row = db.session.scalar(select(InboundMessage))
    assert row.state in (InboundState.DELIVERED, InboundState.HELD), row.reasons
    received = _what_the_reader_gets(row)
    assert _leaks(received, identity) == [], received
