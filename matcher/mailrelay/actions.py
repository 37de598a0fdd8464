"""Acting on a decision: deliver, hold, quarantine or ignore, with what each needs."""
import logging
from dataclasses import replace

from flask import current_app
from sqlalchemy import func, select

from matcher.extensions import db
from matcher.mailrelay import notices
from matcher.mailrelay.anonymising.anonymise import Parties, anonymise
from matcher.mailrelay.anonymising.identities import identities_for
from matcher.mailrelay.anonymising.quotes import strip_quoted_history
from matcher.mailrelay.models import InboundMessage, InboundState, OutboxMessage, OutboxStatus, Party
from matcher.mailrelay.outbound.outbox import tell_undelivered
from matcher.mailrelay.outbound.relaying import canonical_for, relay_copy, remember_id
from matcher.mailrelay.policy import Action, Decision, Escalate, Facts, decide, stop_before_reading
from matcher.mailrelay.reading.auth import authentication_results
from matcher.mailrelay.reading.budget import PART_CUT, UNLIMITED, Budget, OverBudget
from matcher.mailrelay.reading.classify import detect_automatic
from matcher.mailrelay.reading.parse import Inbound
from matcher.mailrelay.reading.risk_text import risk_text
from matcher.mailrelay.routing import Route
from matcher.mailrelay.thread_history import Earlier, thread_views
from matcher.safeguarding.escalations import open_escalation
from matcher.safeguarding.models import Tier
from matcher.safeguarding.risk import flag_record, read_risk, rule_flags
from matcher.safeguarding.rules.reader import Tier as RuleTier

log = logging.getLogger(__name__)
STATE_FOR = {Action.DELIVER: InboundState.DELIVERED, Action.HOLD: InboundState.HELD,
             Action.QUARANTINE: InboundState.QUARANTINED, Action.IGNORE: InboundState.IGNORED}


def handle(row: InboundMessage, inbound: Inbound, route: Route | None, now, budget: Budget = UNLIMITED,
           read_body=None) -> None:
    """Decide what happens to one stored message and do it (no commit).

    `inbound` may hold the headers only; `read_body()` returns the whole message. What happens to
    a message from a stranger or to a closed address is decided from the headers; its body is then
    read for risk only (within the same budget), never anonymised or delivered.
    """
    read_body = read_body or (lambda: inbound)
    try:
        _handle(row, inbound, route, now, budget, read_body)
    except OverBudget as over:
        masked = route.masked if route is not None else None
        pairing = masked.pairing if masked is not None else None
        author = Party(masked.writer) if masked is not None else None
        log.warning("inbound %s: %s, quarantined", row.id, over)
        give_up(row, f"reading it took longer than its {over.seconds:g}-second budget (at {over.step})",
                now, pairing, author)


def give_up(row: InboundMessage, reason: str, now, pairing=None, author: Party | None = None) -> None:
    """Quarantine a message the relay could not read, for a coordinator to read (no commit)."""
    unread = Escalate("unread", "amber", "A message could not be read automatically; a coordinator must read it")
    if pairing is not None:
        row.pairing_id, row.sender_party = pairing.id, str(author)
    _finish(row, Decision(Action.QUARANTINE, (reason,), (unread,)), now, pairing=pairing, author=author)


def _handle(row: InboundMessage, inbound: Inbound, route: Route | None, now, budget: Budget, read_body) -> None:
    if route is None or route.bare_mailbox:
        reason = "the message is too damaged to route" if route is None else "written to the service's own address"
        unrouted = Escalate("unrouted", "notice", "A message could not be routed to a pairing and was kept")
        _finish(row, Decision(Action.QUARANTINE, (reason,), (unrouted,)), now)
        return
    if route.bounce_of is not None or route.unsigned_bounce:
        _bounce(row, route, inbound, now)
        return
    if route.concern:
        _concern(row, inbound, route, now, budget, read_body)
        return
    _from_party(row, inbound, route, now, budget, read_body)


def _concern(row: InboundMessage, inbound: Inbound, route: Route, now, budget: Budget, read_body) -> None:
    """A volunteer wrote to the concern address: an escalation with the pairing attached."""
    if route.masked is None:  # find_route gives every route that is not a bounce or the bare mailbox its address
        raise LookupError("a route to a pairing without its masked address")
    pairing = route.masked.pairing
    row.pairing_id, row.sender_party = pairing.id, str(Party.VOLUNTEER)
    if not _same_mailbox(inbound.from_address, pairing.volunteer.email):
        _finish(row, decide(Facts(author="volunteer", sender_is_party=False)), now, pairing=pairing,
                author=Party.VOLUNTEER)
        return
    inbound = read_body()
    budget.check("reading the message")
    text = strip_quoted_history(_readable_share(inbound.text or "")).text.strip()
    budget.check("cutting quoted history")
    # The words are usually about the requester; risk reads all the volunteer newly wrote.
    views = thread_views(pairing, str(Party.VOLUNTEER), row.id, _read_chars(), tokens=route.newest_tokens)
    flags = read_risk(_for_risk(inbound, views.earlier), "requester")
    row.read_text = _readable_share(inbound.text or "")
    budget.check("reading for risk")
    red = any(flag.tier == RuleTier.RED for flag in flags)
    row.subject, row.clean_text = (inbound.subject or "")[:300], text
    row.flags = [flag_record(f) for f in flags]
    row.state, row.reasons = InboundState.FOR_COORDINATORS, ["a concern from the volunteer, for coordinators only"]
    open_escalation("volunteer_concern", Tier.RED if red else Tier.AMBER,
                    "The volunteer raised a concern about this pairing", pairing=pairing,
                    inbound_id=row.id, flags=row.flags, now=now)
    if red:
        notices.queue_message_alert(row, pairing, Party.VOLUNTEER)


def _read_chars() -> int:
    return current_app.config["MATCHER_RELAY_READ_TEXT_CHARS"]


def _readable_share(text: str) -> str:
    return text[:_read_chars()]


def _from_party(row: InboundMessage, inbound: Inbound, route: Route, now, budget: Budget, read_body) -> None:
    masked = route.masked
    if masked is None:  # find_route gives every route that is not a bounce or the bare mailbox its address
        raise LookupError("a route to a pairing without its masked address")
    pairing, author = masked.pairing, Party(masked.writer)
    # Who sent it and where it went are known from the headers: a stranger, a forged sender or a
    # closed address is decided before any of the body is read; the body is then read for risk only.
    early = stop_before_reading(_header_facts(inbound, masked, pairing, author))
    if early is not None:
        row.pairing_id, row.sender_party = pairing.id, str(author)
        if early.action == Action.QUARANTINE and not inbound.is_malformed:
            early = _quarantined_still_read(row, early, read_body(), pairing, author, budget, now)
        _finish(row, early, now, pairing=pairing, author=author)
        return
    inbound = read_body()
    budget.check("reading the message")
    text = inbound.text or ""
    read_chars = _read_chars()
    # A part cut before decoding (reading/budget.py) is never delivered shortened either.
    cut_at = min(read_chars, len(text)) if len(text) > read_chars or PART_CUT in inbound.defects else None
    # Read and decide before changing any row: on SQLite the first write takes
    # the database's only write lock, and the reading is the slow part.
    relay_domain = current_app.config["MATCHER_RELAY_ADDRESS"].rpartition("@")[2].lower()
    sender, reader = identities_for(pairing, author, inbound, relay_domain)
    views = thread_views(pairing, str(author), row.id, _read_chars(), now, route.newest_tokens)
    history = views.history
    budget.check("reading the thread so far")
    pseudonym = pairing.request.pseudonym if author == Party.REQUESTER else pairing.volunteer.pseudonym
    parties = Parties(sender, reader, (pairing.request.pseudonym, pairing.volunteer.pseudonym,
                                       current_app.config["MATCHER_ORGANISATION"]),
                      pairing.request.region or "GB", pseudonym, history.earlier, history.own, relay_domain)
    anonymised = anonymise(inbound, parties, budget, text[:cut_at] if cut_at else None)
    flags = _read_flags(_for_risk(inbound, views.earlier), anonymised.text, str(author))
    budget.check("reading for risk")
    decision = decide(_facts(row, inbound, masked, pairing, author, anonymised, flags, now, cut_at,
                             views.sent_last_hour))
    # The copy first, the row's own changes after: queueing flushes (for the bounce address), and a
    # row changed by then would be written twice (by that flush and by the fenced outcome).
    outbox = None
    if decision.action == Action.DELIVER and pairing.is_live:
        outbox = relay_copy(row, pairing, author, anonymised.subject, anonymised.text, anonymised.html,
                            inbound.in_reply_to, inbound.references, banner=decision.banner,
                            tokens=route.newest_tokens)
    if decision.action in (Action.DELIVER, Action.HOLD):
        remember_id(pairing.id, author, inbound.message_id, canonical_for(row.id))
    if outbox is not None:
        row.outbox_id = outbox.id
    row.pairing_id, row.sender_party = pairing.id, str(author)
    row.read_text = _readable_share(text)
    row.subject, row.clean_text = anonymised.subject[:300], anonymised.text
    row.removals = list(anonymised.removals)
    row.attachments = [vars(a) | {"never_passes": a.never_passes} for a in anonymised.withheld]
    row.flags = _stored(flags)
    pairing.last_message_at = now
    _finish(row, decision, now, pairing=pairing, author=author)


def _for_risk(inbound: Inbound, earlier: Earlier) -> str:
    """Everything the sender newly wrote: delivery's cuts (quotes, signature) do not apply to risk."""
    return risk_text(inbound, earlier.others, _read_chars(), earlier.subjects, earlier.own)


def _quarantined_still_read(row: InboundMessage, decision: Decision, inbound: Inbound, pairing, author: Party,
                            budget: Budget, now) -> Decision:
    """Read a message that will not be delivered for risk all the same; RED alerts, the message stays put.

    Her other address (a "stranger") or a pairing that has ended stops delivery, not safeguarding.
    Nothing is anonymised or stored as text: the flags name the rule and its words only.
    """
    budget.check("reading the message")
    earlier = thread_views(pairing, str(author), row.id, _read_chars(), now).earlier
    flags = [flag for flag in read_risk(_for_risk(inbound, earlier), str(author))
             if flag.tier in (RuleTier.RED, RuleTier.AMBER)]
    row.read_text = _readable_share(inbound.text or "")
    budget.check("reading for risk")
    row.flags = _stored(flags)
    if not any(flag.tier == RuleTier.RED for flag in flags):
        return decision
    red = Escalate("risk_red", "red", f"RED risk flag in a message to the {author}'s masked address "
                   "that was not delivered (kept for coordinators)")
    return replace(decision, reasons=(*decision.reasons, "risk (RED): " + "; ".join(
        flag.label for flag in flags if flag.tier == RuleTier.RED)), escalations=(*decision.escalations, red),
        alert=True)


# A learned-reader score between its 95%-recall and its 5%-false-alarm thresholds is recorded on
# the message for whoever reads the thread, but neither holds it nor opens an escalation: at that
# threshold it marks about a quarter of ordinary messages (most about sleep), and holding those
# would keep a quarter of everyone's mail from the other person (docs/risk-evaluation.md).
NOTED_ONLY = frozenset({"model_possible_red"})


def _stored(flags) -> list[dict]:
    return [flag_record(flag) for flag in flags]


def _read_flags(risk_reading: str, delivered: str, author: str) -> list:
    """RED and AMBER from everything newly written; BOUNDARY from what the reader would receive.

    Boundary rules (contact details, advice) are about what crosses to the other side, and a
    signature's phone number never crosses: it is scrubbed.
    """
    # The rules read everything newly written, quoted forwards and postscripts included; the learned
    # reader reads the sender's own words as they would cross (risk.read_risk says why).
    # The learned reader runs once, on the delivered text; its advice flag counts as a boundary.
    risk = [flag for flag in read_risk(risk_reading, author, model_text=delivered)
            if flag.tier in (RuleTier.RED, RuleTier.AMBER) or flag.model is not None]
    boundary = [flag for flag in rule_flags(delivered, author) if flag.tier == RuleTier.BOUNDARY]
    return risk + boundary


def _header_facts(inbound: Inbound, masked, pairing, author: Party) -> Facts:
    return Facts(
        author=str(author), malformed=inbound.is_malformed, automatic=_automatic_reason(inbound),
        address_revoked=masked.revoked_at is not None or not pairing.is_live,
        sender_is_party=_same_mailbox(inbound.from_address, _party_email(pairing, author)),
        dmarc_failed=_dmarc_failed(inbound),
    )


def _facts(row, inbound, masked, pairing, author, anonymised, flags, now, cut_at=None, sent_last_hour=None) -> Facts:
    return Facts(
        author=str(author), moderation=str(pairing.moderation), malformed=inbound.is_malformed,
        automatic=_automatic_reason(inbound), address_revoked=masked.revoked_at is not None or not pairing.is_live,
        sender_is_party=_same_mailbox(inbound.from_address, _party_email(pairing, author)),
        dmarc_failed=_dmarc_failed(inbound), contact_offers=anonymised.contact_offers,
        anonymiser_doubts=anonymised.doubts,
        red_flags=tuple(f.label for f in flags if f.tier == RuleTier.RED),
        amber_flags=tuple(f.label for f in flags if f.tier == RuleTier.AMBER and f.code not in NOTED_ONLY),
        boundary_flags=tuple(f.label for f in flags if f.tier == RuleTier.BOUNDARY),
        over_rate_limit=_over_rate_limit(row, pairing, author, now, sent_last_hour), text_cut_at=cut_at,
    )


def _automatic_reason(inbound: Inbound) -> str | None:
    verdict = detect_automatic(inbound)
    return f"{verdict.kind}: {verdict.reason}" if verdict else None


def _party_email(pairing, author: Party) -> str | None:
    return pairing.request.email if author == Party.REQUESTER else pairing.volunteer.email


def _same_mailbox(found: str | None, expected: str | None) -> bool:
    """Compare addresses themselves, ignoring case and a +tag; never the display name."""
    if not found or not expected:
        return False

    def bare(address: str) -> str:
        local, _, domain = address.strip().lower().rpartition("@")
        return f"{local.split('+', 1)[0]}@{domain}"

    return bare(found) == bare(expected)


def _dmarc_failed(inbound: Inbound) -> bool:
    authserv_id = current_app.config["MATCHER_AUTHSERV_ID"]
    return bool(authserv_id) and authentication_results(inbound, authserv_id).get("dmarc") == "fail"


def _over_rate_limit(row, pairing, author: Party, now, sent_last_hour: int | None = None) -> bool:
    from datetime import timedelta

    # The thread's one fetch usually holds the whole hour already (thread_views); else count here.
    recent = sent_last_hour
    if recent is None:
        recent = db.session.scalar(select(func.count(InboundMessage.id)).where(
            InboundMessage.pairing_id == pairing.id, InboundMessage.sender_party == str(author),
            InboundMessage.received_at > now - timedelta(hours=1), InboundMessage.id != row.id))
    return recent >= current_app.config["MATCHER_RELAY_HOURLY_LIMIT"]


def _finish(row: InboundMessage, decision: Decision, now, pairing=None, author: Party | None = None) -> None:
    row.state = STATE_FOR[decision.action]
    row.reasons = list(decision.reasons)
    for wanted in decision.escalations:
        open_escalation(wanted.kind, Tier(wanted.tier), wanted.summary, pairing=pairing,
                        inbound_id=row.id, flags=row.flags, now=now)
    if pairing is not None and author is not None:  # every caller that names a pairing names its author
        notices.after_decision(row, decision, pairing, author, now)
    log.info("inbound %s: %s", row.id, row.state)


def _bounce(row: InboundMessage, route: Route, inbound: Inbound, now) -> None:
    if route.bounce_of is None:
        _finish(row, Decision(Action.IGNORE, ("a bounce to an unsigned or expired address",)), now)
        return
    outbox = db.session.get(OutboxMessage, route.bounce_of)
    pairing = _pairing_of(outbox)
    if outbox is not None:
        outbox.status = OutboxStatus.BOUNCED
        outbox.last_error = "bounced back after delivery"
        tell_undelivered(outbox, outbox.last_error, now, escalate=False)
    row.state, row.reasons = InboundState.BOUNCE, ["a bounce of our own message"]
    row.pairing_id = getattr(pairing, "id", None)
    open_escalation("bounce", Tier.AMBER, "This address bounces: a message we sent came back undelivered",
                    pairing=pairing, inbound_id=row.id, now=now)


def _pairing_of(outbox: OutboxMessage | None):
    from matcher.pairing.models import Pairing

    if outbox is None:
        return None
    if outbox.subject_type == "pairing":
        return db.session.get(Pairing, outbox.subject_id)
    if outbox.subject_type == "inbound_message":
        source = db.session.get(InboundMessage, outbox.subject_id)
        return source.pairing if source else None
    return None
