"""Care around each pairing: first-reply timers, silence check-ins, planned endings."""
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from matcher.care.notices import send_once
from matcher.extensions import db
from matcher.intake.notices import status_url
from matcher.mailrelay.models import InboundMessage, InboundState, Party
from matcher.mailrelay.outbound.outbox import queue_template
from matcher.pairing import service as pairings
from matcher.pairing.introductions import queue_feedback, volunteer_page_url
from matcher.pairing.models import LIVE_PAIRING_STATUSES, Pairing, PairingStatus
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier

COUNTED_STATES = (InboundState.DELIVERED, InboundState.HELD, InboundState.RETURNED)


def _live_pairings() -> list[Pairing]:
    return list(db.session.scalars(select(Pairing).where(Pairing.status.in_(LIVE_PAIRING_STATUSES))))


def _volunteer_has_written(pairing: Pairing) -> bool:
    return db.session.scalar(select(InboundMessage.id).where(
        InboundMessage.pairing_id == pairing.id, InboundMessage.sender_party == str(Party.VOLUNTEER),
        InboundMessage.state.in_(COUNTED_STATES)).limit(1)) is not None


def response_timers(now: datetime) -> int:
    """Remind a volunteer with no first reply at 48 hours; escalate at 72 (each once); then time later replies."""
    config = current_app.config
    acted = pairings.expire_unconfirmed(now) + reply_timers(now)
    for pairing in _live_pairings():
        waited = now - pairing.created_at
        if _volunteer_has_written(pairing):
            continue
        if waited >= config["MATCHER_FIRST_REPLY_ESCALATE_AFTER"]:
            acted += send_once(f"first-reply-escalation:{pairing.id}", lambda p=pairing: open_escalation(
                "no_first_reply", Tier.AMBER, "The volunteer has not written first; consider re-pairing",
                pairing=p, now=now), now)
        elif waited >= config["MATCHER_FIRST_REPLY_REMIND_AFTER"]:
            acted += send_once(f"first-reply-reminder:{pairing.id}", lambda p=pairing: queue_template(
                "first_reply_reminder", p.volunteer.email, kind="reminder", subject_ref=("pairing", p.id),
                volunteer_pseudonym=p.volunteer.pseudonym, pseudonym=p.request.pseudonym,
                volunteer_url=volunteer_page_url(p.volunteer), now=now), now)
    return acted


def _unanswered_since(pairing: Pairing) -> tuple[int, datetime] | None:
    """Return the requester's first message the volunteer has not answered yet, once they have written at all."""
    volunteer_last = db.session.scalar(select(func.max(InboundMessage.received_at)).where(
        InboundMessage.pairing_id == pairing.id, InboundMessage.sender_party == str(Party.VOLUNTEER),
        InboundMessage.state.in_(COUNTED_STATES)))
    if volunteer_last is None:
        return None  # the first-reply timer's case
    # Only a delivered message waits on the volunteer: a held one has not reached them yet.
    row = db.session.execute(select(InboundMessage.id, InboundMessage.received_at).where(
        InboundMessage.pairing_id == pairing.id, InboundMessage.sender_party == str(Party.REQUESTER),
        InboundMessage.state == InboundState.DELIVERED, InboundMessage.received_at > volunteer_last,
    ).order_by(InboundMessage.received_at, InboundMessage.id).limit(1)).first()
    return None if row is None else (row[0], row[1])


def reply_timers(now: datetime) -> int:
    """Remind a volunteer of any later message still unanswered, then tell a coordinator (each once per message).

    A paused volunteer is not reminded (they asked for quiet); the coordinators still hear.
    """
    config = current_app.config
    acted = 0
    for pairing in _live_pairings():
        waiting = _unanswered_since(pairing) if pairing.status == PairingStatus.ACTIVE else None
        if waiting is None:
            continue
        inbound_id, since = waiting
        if now - since >= config["MATCHER_REPLY_ESCALATE_AFTER"]:
            acted += send_once(f"reply-escalation:{pairing.id}:{inbound_id}", lambda p=pairing: open_escalation(
                "no_reply", Tier.AMBER, "The requester's message has waited for a reply; consider contacting "
                "the volunteer", pairing=p, now=now), now)
        elif now - since >= config["MATCHER_REPLY_REMIND_AFTER"] and pairing.volunteer.status != "paused":
            acted += send_once(f"reply-reminder:{pairing.id}:{inbound_id}", lambda p=pairing: queue_template(
                "reply_reminder", p.volunteer.email, kind="reminder", subject_ref=("pairing", p.id),
                volunteer_pseudonym=p.volunteer.pseudonym, pseudonym=p.request.pseudonym,
                volunteer_url=volunteer_page_url(p.volunteer), now=now), now)
    return acted


def _last_message_at(pairing: Pairing) -> datetime:
    last = db.session.scalar(select(func.max(InboundMessage.received_at)).where(
        InboundMessage.pairing_id == pairing.id, InboundMessage.state.in_(COUNTED_STATES)))
    return last or pairing.confirmed_at or pairing.created_at


def silence_checkins(now: datetime) -> int:
    """Send both sides a gentle check-in after a quiet spell, once per quiet spell."""
    quiet = current_app.config["MATCHER_SILENCE_AFTER"]
    sent = 0
    for pairing in _live_pairings():
        if pairing.status != PairingStatus.ACTIVE:
            continue
        last = _last_message_at(pairing)
        if now - last < quiet:
            continue
        sent += send_once(f"silence:{pairing.id}:{last.isoformat()}", lambda p=pairing: _queue_checkins(p, now), now)
    return sent


def _queue_checkins(pairing: Pairing, now: datetime) -> None:
    ref = ("pairing", pairing.id)
    if pairing.request.email:
        queue_template("checkin_requester", pairing.request.email, kind="checkin", subject_ref=ref,
                       pseudonym=pairing.request.pseudonym, volunteer_pseudonym=pairing.volunteer.pseudonym,
                       status_url=status_url(pairing.request), now=now)
    queue_template("checkin_volunteer", pairing.volunteer.email, kind="checkin", subject_ref=ref,
                   volunteer_pseudonym=pairing.volunteer.pseudonym, pseudonym=pairing.request.pseudonym,
                   volunteer_url=volunteer_page_url(pairing.volunteer), now=now)


def planned_endings(now: datetime) -> int:
    """Tell both sides two weeks ahead; at the end date, close the pairing and ask for feedback."""
    notice = current_app.config["MATCHER_ENDING_NOTICE"]
    acted = 0
    for pairing in _live_pairings():
        if pairing.planned_end_on is None:
            continue
        if now.date() >= pairing.planned_end_on:
            pairings.end_pairing(pairing, "planned", "system", now=now, ask_feedback=False)
            acted += send_once(f"feedback:{pairing.id}", lambda p=pairing: queue_feedback(p, now), now)
        elif now.date() >= pairing.planned_end_on - notice:
            acted += send_once(f"ending-soon:{pairing.id}", lambda p=pairing: _queue_ending_soon(p, now), now)
    return acted


def _queue_ending_soon(pairing: Pairing, now: datetime) -> None:
    ref = ("pairing", pairing.id)
    for template, email in (("ending_soon_requester", pairing.request.email),
                            ("ending_soon_volunteer", pairing.volunteer.email)):
        if email:
            queue_template(template, email, kind="ending_soon", subject_ref=ref,
                           pseudonym=pairing.request.pseudonym, volunteer_pseudonym=pairing.volunteer.pseudonym,
                           end_on=pairing.planned_end_on, now=now)
