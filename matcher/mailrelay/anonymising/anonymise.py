"""Turn one party's inbound message into what the other party may read (pure).

The sender's markup is never passed on: identifiers hide in attributes, alt
text and comments where no scrubber can be sure to see them. The text is
trimmed (quoted history, signature), scrubbed of every known and every
pattern-shaped identifier, and the HTML part is rebuilt from that text.
"""
import html
from dataclasses import dataclass

from matcher.mailrelay.anonymising.quotes import strip_quoted_history, strip_signature
from matcher.mailrelay.anonymising.scrub import Identity, find_contact_offers, scrub_filename, scrub_subject, scrub_text
from matcher.mailrelay.anonymising.unsafe_html import unsafe_parts
from matcher.mailrelay.reading.budget import UNLIMITED, Budget
from matcher.mailrelay.reading.parse import Inbound

NEVER_PASSED = "contact cards and calendar invites never pass"
WAITS_FOR_REVIEW = "waits for a coordinator to check it"


@dataclass(frozen=True)
class Parties:
    """Who wrote, who reads, and which names may pass (pseudonyms, the organisation)."""

    sender: Identity
    recipient: Identity
    allowed_names: tuple[str, ...] = ()
    region: str = "GB"


@dataclass(frozen=True)
class WithheldAttachment:
    """An attachment that was not forwarded, with why."""

    filename: str
    content_type: str
    size: int
    reason: str

    @property
    def never_passes(self) -> bool:
        """Say whether no coordinator may release it (vCards, invites)."""
        return self.reason == NEVER_PASSED


@dataclass(frozen=True)
class Anonymised:
    """The message as the other party may read it, and what was taken out."""

    text: str
    html: str
    subject: str
    removals: tuple[str, ...]
    withheld: tuple[WithheldAttachment, ...]
    contact_offers: tuple[str, ...]


def anonymise(inbound: Inbound, parties: Parties, budget: Budget = UNLIMITED, text: str | None = None) -> Anonymised:
    """Build the recipient's copy of an inbound message, checking the budget between steps.

    `text` replaces the message's own text (the caller's bounded share of a very long one).
    """
    removals: list[str] = []
    if inbound.html:
        removals += [f"HTML: {reason}" for reason in unsafe_parts(inbound.html)]
    budget.check("reading the HTML part")
    trimmed = strip_quoted_history(inbound.text or "" if text is None else text)
    budget.check("cutting quoted history")
    signed_off = strip_signature(trimmed.text, known_names=parties.sender.names)
    budget.check("cutting the signature")
    removals += list(trimmed.removed) + list(signed_off.removed)
    offers = tuple(offer.reason for offer in find_contact_offers(signed_off.text))
    budget.check("looking for contact offers")
    identities = (parties.sender, parties.recipient)
    body = scrub_text(signed_off.text, identities, parties.allowed_names, parties.region)
    budget.check("removing identifying details")
    subject = scrub_subject(inbound.subject or "", identities, parties.allowed_names, parties.region)
    removals += [f"{r.reason} in the text" for r in body.removals]
    removals += [f"{r.reason} in the subject" for r in subject.removals]
    withheld = tuple(_withhold(a, identities, parties.allowed_names) for a in inbound.attachments)
    text = _with_attachment_notes(body.text.strip(), withheld)
    return Anonymised(text, text_to_html(text), subject.text.strip() or "(no subject)",
                      tuple(removals), withheld, offers)


def _withhold(attachment, identities, allowed_names) -> WithheldAttachment:
    name = scrub_filename(attachment.filename or "attachment", identities, allowed_names).text
    never = attachment.is_vcard or attachment.is_calendar
    return WithheldAttachment(name, attachment.content_type, attachment.size,
                              NEVER_PASSED if never else WAITS_FOR_REVIEW)


def _with_attachment_notes(text: str, withheld: tuple[WithheldAttachment, ...]) -> str:
    notes = []
    for attachment in withheld:
        if attachment.never_passes:
            notes.append("[A contact card or calendar invite was removed: the service does not pass them on.]")
        else:
            notes.append(f"[An attachment ({attachment.filename}) is waiting for a coordinator to check it.]")
    return "\n\n".join([text, *dict.fromkeys(notes)]) if notes else text


def text_to_html(text: str) -> str:
    """Render plain text as simple, safe HTML paragraphs."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">{body}</body></html>'
