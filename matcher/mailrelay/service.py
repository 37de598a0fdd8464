"""Relay state changes that other features call: minting and revoking addresses."""
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from matcher.columns import utcnow
from matcher.extensions import db
from matcher.mailrelay.models import MaskedAddress, OutboxMessage, Party
from matcher.mailrelay.outbound.addresses import masked_address, mint_token
from matcher.mailrelay.outbound.outbox import queue_template
from matcher.mailrelay.outbound.relaying import author_label, concern_address, reader_email, remember_id


def mint_pairing_addresses(pairing) -> dict[Party, MaskedAddress]:
    """Create the two masked addresses of a pairing, one per writer (no commit)."""
    minted = {}
    for writer in (Party.REQUESTER, Party.VOLUNTEER):
        address = MaskedAddress(token=mint_token(), pairing_id=pairing.id, writer=writer)
        db.session.add(address)
        minted[writer] = address
    db.session.flush()
    return minted


def address_for(pairing_id: int, writer: Party) -> str | None:
    """Return the full masked address `writer` uses in this pairing, if it exists."""
    token = db.session.scalar(
        select(MaskedAddress.token)
        .where(MaskedAddress.pairing_id == pairing_id, MaskedAddress.writer == writer)
        .order_by(MaskedAddress.id.desc())
    )
    if token is None:
        return None
    return masked_address(current_app.config["MATCHER_RELAY_ADDRESS"], token)


def revoke_pairing_addresses(pairing_id: int, now: datetime | None = None) -> int:
    """Revoke a pairing's addresses (no commit); return how many were live."""
    live = db.session.scalars(
        select(MaskedAddress).where(MaskedAddress.pairing_id == pairing_id, MaskedAddress.revoked_at.is_(None))
    ).all()
    for address in live:
        address.revoked_at = now or utcnow()
    return len(live)


def queue_introduction(pairing, reader: Party, masked: MaskedAddress, template: str, **context) -> OutboxMessage:
    """Introduce `reader` to the other side, from the masked address `reader` writes to (no commit)."""
    author = reader.other
    outbox = queue_template(
        template, reader_email(pairing, author), kind="introduction", subject_ref=("pairing", pairing.id),
        sender_name=author_label(pairing, author),
        sender_address=masked_address(current_app.config["MATCHER_RELAY_ADDRESS"], masked.token), **context,
    )
    # A reply to either introduction threads under the other side's introduction.
    remember_id(pairing.id, reader, outbox.message_id, f"intro:{pairing.id}")
    return outbox


def concern_address_for(pairing_id: int) -> str | None:
    """Return the address a volunteer writes to when worried about this pairing."""
    return concern_address(pairing_id)
