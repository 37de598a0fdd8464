"""Turn one party's inbound message into what the other party may read (pure).

The sender's markup is never passed on: identifiers hide in attributes, alt
text and comments where no scrubber can be sure to see them. The text is
trimmed (quoted history, signature), scrubbed of every known and every
pattern-shaped identifier, and the HTML part is rebuilt from that text.
"""
import html
import re
from dataclasses import dataclass

from matcher.mailrelay.anonymising.names import header_names, quoted_header_names
from matcher.mailrelay.anonymising.quotes import strip_quoted_history
from matcher.mailrelay.anonymising.scrub import (
    REASONS,
    Identity,
    Removal,
    Scrubbed,
    find_contact_offers,
    scrub_filename,
    scrub_text,
)
from matcher.mailrelay.anonymising.shapes import title_line_spans
from matcher.mailrelay.anonymising.signatures import strip_signature
from matcher.mailrelay.anonymising.unsafe_html import unsafe_parts
from matcher.mailrelay.anonymising.unsure import doubts
from matcher.mailrelay.reading.budget import UNLIMITED, Budget
from matcher.mailrelay.reading.parse import Inbound

NEVER_PASSED = "contact cards and calendar invites never pass"
WAITS_FOR_REVIEW = "waits for a coordinator to check it"


@dataclass(frozen=True)
class Parties:
    """Who wrote, who reads, which names may pass (pseudonyms, the organisation), and the thread so far.

    `earlier` holds the texts of the pairing's earlier messages in both directions (what each side
    wrote and what each received); `own_earlier` the sender's own, for learning their signature.
    """

    sender: Identity
    recipient: Identity
    allowed_names: tuple[str, ...] = ()
    region: str = "GB"
    sender_pseudonym: str | None = None
    earlier: tuple[str, ...] = ()
    own_earlier: tuple[str, ...] = ()
    relay_domain: str = ""


@dataclass(frozen=True)
class WithheldAttachment:
    """An attachment that was not forwarded, with why."""

    filename: str  # for coordinators, with the parties' names scrubbed
    content_type: str
    size: int
    reason: str
    shown_as: str = "attachment"  # what the reader is told, and the released file's name

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
    # Why the anonymiser is not sure the copy is clean: it waits for a coordinator with these reasons.
    doubts: tuple[str, ...] = ()


def anonymise(inbound: Inbound, parties: Parties, budget: Budget = UNLIMITED, text: str | None = None) -> Anonymised:
    """Build the recipient's copy of an inbound message, checking the budget between steps.

    `text` replaces the message's own text (the caller's bounded share of a very long one).
    """
    removals: list[str] = []
    if inbound.html:
        removals += [f"HTML: {reason}" for reason in unsafe_parts(inbound.html)]
    budget.check("reading the HTML part")
    whole = inbound.text or "" if text is None else text
    # Names in the headers and in quoted headers are learned before the quotes are cut away.
    learned = _learned_names(inbound, whole, parties)
    # A header block quoting the relay's own copy names a pseudonym, the relay's domain or a marker.
    known = (*parties.allowed_names, parties.relay_domain, " removed]")
    trimmed = strip_quoted_history(whole, known=known, earlier=parties.earlier)
    budget.check("cutting quoted history")
    signed_off = strip_signature(trimmed.text, known_names=parties.sender.names, own_earlier=parties.own_earlier)
    budget.check("cutting the signature")
    removals += list(trimmed.removed) + list(signed_off.removed)
    offers = tuple(offer.reason for offer in find_contact_offers(signed_off.text))
    budget.check("looking for contact offers")
    identities = (parties.sender, parties.recipient)
    body = scrub_text(signed_off.text, identities, parties.allowed_names, parties.region, learned,
                      parties.sender_pseudonym)
    body = _without_title_lines(body)
    budget.check("removing identifying details")
    subject_text = " ".join((inbound.subject or "").split())
    subject = scrub_text(subject_text, identities, parties.allowed_names, parties.region, learned,
                         prose=not _title_case(subject_text))
    removals += [f"{r.reason} in the text" for r in body.removals]
    removals += [f"{r.reason} in the subject" for r in subject.removals]
    withheld = tuple(_withhold(a, number, identities, parties.allowed_names)
                     for number, a in enumerate(inbound.attachments, 1))
    text = _with_attachment_notes(body.text.strip(), withheld)
    return Anonymised(text, text_to_html(text), subject.text.strip() or "(no subject)",
                      tuple(removals), withheld, offers, doubts(body.text, inbound.defects))


def _title_case(subject: str) -> bool:
    """Tell a Title Case subject ("Quick Update From Me"), whose capitals say nothing about names."""
    words = re.findall(r"[^\W\d_][\w'’-]*", subject)
    return sum(word[:1].isupper() for word in words) * 2 > len(words)


def _without_title_lines(body: Scrubbed) -> Scrubbed:
    """Take out a title line that only shows itself once its employer is gone ("Inginer la [employer removed]")."""
    spans = list(title_line_spans(body.text))
    if not spans:
        return body
    out, position = [], 0
    for start, end, _ in spans:
        out += [body.text[position:start], "[job title removed]"]
        position = end
    return Scrubbed("".join(out) + body.text[position:], (*body.removals, Removal("title", REASONS["title"])))


def _learned_names(inbound: Inbound, text: str, parties: Parties) -> tuple[str, ...]:
    """Return the names this message's headers and quoted headers carry, but the pseudonyms."""
    allowed = {name.casefold() for name in parties.allowed_names}
    names = (*header_names(inbound.headers), *quoted_header_names(text))
    return tuple(name for name in dict.fromkeys(names) if name.casefold() not in allowed
                 and not any(part.casefold() in allowed for part in name.split()))


def _withhold(attachment, number: int, identities, allowed_names) -> WithheldAttachment:
    name = scrub_filename(attachment.filename or "attachment", identities, allowed_names).text
    never = attachment.is_vcard or attachment.is_calendar
    # Neither the note nor a released file carries the original name: file names carry full names.
    shown_as = neutral_filename(attachment.filename or "", attachment.content_type, number)
    return WithheldAttachment(name, attachment.content_type, attachment.size,
                              NEVER_PASSED if never else WAITS_FOR_REVIEW, shown_as)


_KINDS = {"image": "photo", "audio": "recording", "video": "video"}
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{1,5})$")


def neutral_filename(filename: str, content_type: str, number: int) -> str:
    """Name an attachment by its kind and place only ("photo-1.jpg", "document-2.pdf")."""
    kind = _KINDS.get(content_type.partition("/")[0], "document")
    found = _EXTENSION.search(filename)
    extension = f".{found.group(1).lower()}" if found else ""
    return f"{kind}-{number}{extension}"


def _with_attachment_notes(text: str, withheld: tuple[WithheldAttachment, ...]) -> str:
    notes = []
    for attachment in withheld:
        if attachment.never_passes:
            notes.append("[A contact card or calendar invite was removed: the service does not pass them on.]")
        else:
            notes.append(f"[An attachment ({attachment.shown_as}) is waiting for a coordinator to check it.]")
    return "\n\n".join([text, *dict.fromkeys(notes)]) if notes else text


def text_to_html(text: str) -> str:
    """Render plain text as simple, safe HTML paragraphs."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "\n".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    return f'<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5">{body}</body></html>'
