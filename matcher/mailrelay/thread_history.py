"""The earlier messages of a pairing, as text, for risk and for recognising quoted history (read-only I/O).

The relay stores every message of a pairing in both directions: what each side wrote (inbound) and
what each side received (the outbox's copies and the introductions). A reply that reproduces any of
them is quoting history, whatever language surrounds it; the anonymiser itself stays pure and is
handed these texts. Risk reads the same thread another way (`Earlier`): what crossed, as read and
as a coordinator edited it, so words already read when they first arrived are not read again.

`thread_views` fetches the thread once for both: one query for the pairing's inbound rows, one for
the relay's mail in it. Each message's text as it was read is stored when it is read
(`InboundMessage.read_text`, `OutboxMessage.text`), so no earlier message is parsed again for a
later one; rows stored before those columns existed are parsed as before.
"""
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select

from matcher.extensions import db
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage
from matcher.mailrelay.outbound.relaying import VOLUNTEER_FOOTER, concern_address, red_banner
from matcher.mailrelay.reading.parse import parse

# The newest messages are the ones a reply quotes; older ones cost reading time and add little.
RECENT = 12
# An earlier message larger than this is not parsed again for every later one (its read text is
# used instead): one long letter would otherwise cost every reply in the pairing seconds.
REPARSE_BYTES = 64 * 1024
# Messages still being read, and automatic mail, are nothing a person quotes.
_NOT_HISTORY = (InboundState.RECEIVED, InboundState.IGNORED, InboundState.BOUNCE)
# The earlier messages risk compares a new one with: enough for any thread a person quotes.
EARLIER_FOR_RISK = 200
# The relay's own mail in a pairing besides relayed copies (introductions, check-ins, notices).
OWN_MAIL_FOR_RISK = 30
_COPY_KINDS = ("alert", "relay", "relay_attachment")


@dataclass(frozen=True)
class ThreadSoFar:
    """The texts of a pairing's earlier messages: all of them, and the ones this sender wrote."""

    earlier: tuple[str, ...] = ()
    own: tuple[str, ...] = ()


@dataclass(frozen=True)
class Earlier:
    """What a new message of a pairing may quote: subjects, others' texts, the sender's own texts."""

    subjects: list[str]
    others: list[str]
    own: list[str]


@dataclass(frozen=True)
class ThreadViews:
    """Both views of one fetch: for the anonymiser, for risk, and the sender's messages of the last hour."""

    history: ThreadSoFar
    earlier: Earlier
    sent_last_hour: int | None  # None when the fetch did not reach back an hour


_ROW_COLUMNS = (InboundMessage.id, InboundMessage.sender_party, InboundMessage.subject, InboundMessage.clean_text,
                InboundMessage.edited_text, InboundMessage.read_text, InboundMessage.state, InboundMessage.size,
                InboundMessage.received_at, InboundMessage.raw.is_not(None).label("has_raw"))


def thread_views(pairing, author: str, current_id: int, max_chars: int, now: datetime | None = None,
                 tokens: Mapping[str, str] | None = None) -> ThreadViews:
    """Return the pairing's earlier messages as the anonymiser and risk read them, from one fetch.

    `tokens` are the pairing's newest masked tokens by writer, when the route loaded them.
    """
    rows = db.session.execute(
        select(*_ROW_COLUMNS).where(InboundMessage.pairing_id == pairing.id, InboundMessage.id != current_id)
        .order_by(InboundMessage.id.desc()).limit(EARLIER_FOR_RISK + RECENT)).all()
    for_risk = [row for row in rows if row.id < current_id][:EARLIER_FOR_RISK]
    recent = sorted((row for row in rows if row.has_raw and row.state not in _NOT_HISTORY),
                    key=lambda row: (row.received_at, row.id), reverse=True)[:RECENT]
    mail = _our_mail(pairing.id, [row.id for row in for_risk], [row.id for row in recent])
    texts = _inbound_texts(recent, max_chars)
    own = tuple(texts[row.id] for row in recent if row.sender_party == author)
    wrote = tuple(texts[row.id] for row in recent if row.sender_party != author)
    recent_ids = {row.id for row in recent}
    copies = [m for m in mail if m.subject_type == "pairing" or m.subject_id in recent_ids][:RECENT * 2]
    received = tuple(_mail_text(m, max_chars) for m in copies)
    history = ThreadSoFar(tuple(t for t in (*own, *wrote, *received) if t), tuple(t for t in own if t))
    ours = [m for m in mail if m.kind not in _COPY_KINDS][:OWN_MAIL_FOR_RISK]
    return ThreadViews(history, _earlier(pairing, for_risk, ours, author, tokens), _sent_last_hour(rows, author, now))


def _earlier(pairing, rows, ours, author: str, tokens: Mapping[str, str] | None = None) -> Earlier:
    """What the new message may quote as risk reads it: what crossed, as read and as edited."""
    added = [red_banner(pairing),
             VOLUNTEER_FOOTER.format(concern=concern_address(pairing.id, tokens))]
    mail = [_read_mail(m) for m in ours]

    def texts(mine: bool) -> list[str]:
        return [text for row in rows if (row.sender_party == author) == mine
                for text in (row.clean_text, row.edited_text) if text]

    return Earlier([row.subject for row in rows if row.subject] + [subject for subject, _ in mail],
                   texts(False) + added + [text for _, text in mail], texts(True))


def _sent_last_hour(rows, author: str, now: datetime | None) -> int | None:
    """Count this sender's other messages of the last hour, if the fetched rows reach back that far."""
    if now is None:
        return None
    since = now - timedelta(hours=1)
    if len(rows) == EARLIER_FOR_RISK + RECENT:
        return None  # the fetch may not hold the whole hour: the caller counts in the database
    return sum(1 for row in rows if row.sender_party == author and row.received_at > since)


def _inbound_texts(rows, max_chars: int) -> dict[int, str]:
    """Return what each writer wrote, as the relay read it; rows stored before `read_text` are parsed again."""
    texts = {}
    unread = []
    for row in rows:
        if row.size is not None and row.size > REPARSE_BYTES:
            texts[row.id] = (row.clean_text or "")[:max_chars]
        elif row.read_text is not None:
            texts[row.id] = row.read_text[:max_chars]
        else:
            unread.append(row.id)
    if unread:
        for row_id, raw in db.session.execute(select(InboundMessage.id, InboundMessage.raw)
                                              .where(InboundMessage.id.in_(unread))):
            texts[row_id] = _text(raw, max_chars)
    return texts


@dataclass(frozen=True)
class _Mail:
    id: int
    kind: str
    subject_type: str | None
    subject_id: int | None
    subject: str
    text: str | None


def _our_mail(pairing_id: int, risk_ids: list[int], recent_ids: list[int]) -> list[_Mail]:
    """The relay's mail in this pairing, newest first: its own mail, and the copies of the recent messages."""
    about_pairing = and_(OutboxMessage.subject_type == "pairing", OutboxMessage.subject_id == pairing_id)
    about_recent = and_(OutboxMessage.subject_type == "inbound_message", OutboxMessage.subject_id.in_(recent_ids))
    own_about_earlier = and_(OutboxMessage.subject_type == "inbound_message",
                             OutboxMessage.subject_id.in_(risk_ids), OutboxMessage.kind.notin_(_COPY_KINDS))
    rows = db.session.execute(
        select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.subject_type, OutboxMessage.subject_id,
               OutboxMessage.subject, OutboxMessage.text)
        .where(or_(about_pairing, about_recent, own_about_earlier)).order_by(OutboxMessage.id.desc())).all()
    return [_Mail(row.id, row.kind, row.subject_type, row.subject_id, row.subject, row.text) for row in rows]


def _mail_text(mail: _Mail, max_chars: int) -> str:
    """Return the text of one of the relay's messages, as written when it was queued."""
    if mail.text is not None:
        return mail.text[:max_chars]
    raw = db.session.scalar(select(OutboxMessage.raw).where(OutboxMessage.id == mail.id))
    if not raw or len(raw) > REPARSE_BYTES:
        return ""
    return _text(raw, max_chars)


def _read_mail(mail: _Mail) -> tuple[str, str]:
    """Return (subject, text) of the relay's own mail, from what was stored when it was queued."""
    if mail.text is not None:
        return mail.subject, mail.text
    raw = db.session.scalar(select(OutboxMessage.raw).where(OutboxMessage.id == mail.id))
    inbound = parse(raw or b"")
    return inbound.subject or "", inbound.text or ""


def thread_so_far(pairing_id: int, author: str, current_id: int, max_chars: int) -> ThreadSoFar:
    """Return the texts of the pairing's recent messages before this one, both ways, each cut to max_chars."""
    from matcher.pairing.models import Pairing

    return thread_views(db.session.get_one(Pairing, pairing_id), author, current_id, max_chars).history


def _text(raw: bytes | None, max_chars: int) -> str:
    return (parse(raw or b"").text or "")[:max_chars]
