"""Everything known about each side of a pairing that must not reach the other (pure)."""
from matcher.mailrelay.anonymising.names import clean_display_name
from matcher.mailrelay.anonymising.scrub import Identity
from matcher.mailrelay.reading.parse import Inbound


def _names(*values: str | None) -> tuple[str, ...]:
    names = []
    for value in values:
        if value and value.strip() and value not in names:
            names.append(value.strip())
    return tuple(names)


def requester_identity(support_request) -> Identity:
    """Return what identifies a requester (their pseudonym is allowed through separately)."""
    return Identity(names=_names(support_request.name), emails=_names(support_request.email))


def volunteer_identity(volunteer) -> Identity:
    """Return what identifies a volunteer."""
    return Identity(names=_names(volunteer.name), emails=_names(volunteer.email), phones=_names(volunteer.phone))


def _not_ours(address: str, relay_domain: str) -> bool:
    return not address.lower().endswith("@" + relay_domain)


def with_message_details(identity: Identity, inbound: Inbound, pseudonym: str, relay_domain: str) -> Identity:
    """Add the addresses and display name this message shows for its author."""
    seen = [a for a in (inbound.from_address, inbound.sender, *inbound.reply_to, *inbound.cc)
            if a and _not_ours(a, relay_domain)]
    # "Jane Doe | Larkspur NHS Trust": only the person's name is a name; "NHS" and "Trust" stay words.
    person = clean_display_name(inbound.from_name or "")
    display = person if person and person.strip() != pseudonym else None
    return Identity(
        names=_names(*identity.names, display),
        emails=_names(*identity.emails, *seen),
        phones=identity.phones, employers=identity.employers, postal=identity.postal,
    )


def identities_for(pairing, author: str, inbound: Inbound, relay_domain: str) -> tuple[Identity, Identity]:
    """Return (author's identity with this message's details, reader's identity); `author` is a Party."""
    requester = requester_identity(pairing.request)
    volunteer = volunteer_identity(pairing.volunteer)
    # Party is a StrEnum; comparing with its value keeps this module free of the models (and the database).
    if author == "requester":
        return with_message_details(requester, inbound, pairing.request.pseudonym, relay_domain), volunteer
    return with_message_details(volunteer, inbound, pairing.volunteer.pseudonym, relay_domain), requester
