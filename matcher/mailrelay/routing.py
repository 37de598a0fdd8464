"""Find which masked address a message was for, and who it belongs to."""
import functools
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import aliased, joinedload

from matcher.extensions import db
from matcher.mailrelay.models import MaskedAddress
from matcher.mailrelay.outbound.addresses import token_from_address, verify_verp
from matcher.mailrelay.outbound.envelope import verp_secret
from matcher.mailrelay.reading.parse import Inbound


@dataclass(frozen=True)
class Route:
    """Where an inbound message goes: a masked address, a bounce, or the bare mailbox."""

    address: str
    masked: MaskedAddress | None = None
    bounce_of: int | None = None       # outbox id, for a signed bounce address
    bare_mailbox: bool = False
    unsigned_bounce: bool = False
    concern: bool = False               # a volunteer writing to coordinators about a pairing
    # The newest token each party writes to in the pairing, loaded with the address: the copy's
    # From and the footer's concern address need them, so writing the copy looks none up.
    tokens: tuple[tuple[str, str], ...] | None = None

    @property
    def newest_tokens(self) -> dict[str, str] | None:
        """Return {writer: newest token} when loaded with the route, else None."""
        return dict(self.tokens) if self.tokens is not None else None


def _relay() -> str:
    return current_app.config["MATCHER_RELAY_ADDRESS"].lower()


def route_for(address: str, now) -> Route | None:
    """Return the route for one recipient address, or None if it is not ours."""
    address = (address or "").strip().strip("<>").lower()
    relay = _relay()
    if address == relay:
        return Route(address, bare_mailbox=True)
    local, _, domain = address.partition("@")
    relay_local, _, relay_domain = relay.partition("@")
    if domain != relay_domain or not local.startswith(relay_local + "+"):
        return None
    if local.startswith(relay_local + "+bounce-"):
        outbox_id = verify_verp(address, relay, verp_secret(), now)
        return Route(address, bounce_of=outbox_id, unsigned_bounce=outbox_id is None)
    concern = local.startswith(relay_local + "+concern-")
    if concern:
        token = token_from_address(f"{relay_local}+{local[len(relay_local) + 9:]}@{domain}", relay)
    else:
        token = token_from_address(address, relay)
    found = db.session.execute(_with_parties(
        select(MaskedAddress, _newest("requester"), _newest("volunteer")).where(MaskedAddress.token == token)
    )).first() if token else None
    masked = found[0] if found is not None else None
    if found is None or masked is None or (concern and masked.writer != "volunteer"):
        return None
    tokens = tuple((writer, value) for writer, value in (("requester", found[1]), ("volunteer", found[2])) if value)
    return Route(address, masked=masked, concern=concern, tokens=tokens)


@functools.cache  # built once: making the alias and subquery cost more than running the query
def _newest(writer: str):
    """The newest token `writer` uses in the outer address's pairing, as a column of the same query."""
    other = aliased(MaskedAddress)
    return (select(other.token).where(other.pairing_id == MaskedAddress.pairing_id, other.writer == writer)
            .order_by(other.id.desc()).limit(1).correlate(MaskedAddress).scalar_subquery())


def _with_parties(query):
    """Load the pairing and both parties with the address, in the same query: every message needs them."""
    pairing_model = MaskedAddress.pairing.property.mapper.class_  # models refer to each other by name
    pairing = joinedload(MaskedAddress.pairing)
    return (query.options(pairing.joinedload(pairing_model.request), pairing.joinedload(pairing_model.volunteer))
            .execution_options(populate_existing=True))  # as the database has them now, even if loaded before


def candidate_addresses(inbound: Inbound) -> list[str]:
    """Return recipient addresses in the order DESIGN.md gives: Delivered-To, X-Original-To, To, Cc."""
    return list(inbound.delivered_to) + list(inbound.to) + list(inbound.cc)


def find_route(inbound: Inbound, recipient: str | None, now) -> Route | None:
    """Route by the envelope recipient when known, else by the first of our addresses in the headers."""
    if recipient:
        return route_for(recipient, now)
    for address in candidate_addresses(inbound):
        found = route_for(address, now)
        if found is not None and not found.bare_mailbox:
            return found
    return None
