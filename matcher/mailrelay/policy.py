"""Decide what happens to an inbound message from the facts about it (pure)."""
import enum
from dataclasses import dataclass, replace


class Action(enum.StrEnum):
    """The outcomes a message can have."""

    DELIVER = "deliver"
    HOLD = "hold"
    QUARANTINE = "quarantine"
    IGNORE = "ignore"


@dataclass(frozen=True)
class Facts:
    """Everything known about one inbound message that bears on the decision."""

    author: str = "requester"
    moderation: str = "review_flagged"
    malformed: bool = False
    automatic: str | None = None
    address_revoked: bool = False
    sender_is_party: bool = True
    dmarc_failed: bool = False
    contact_offers: tuple[str, ...] = ()
    # Why the anonymiser is not sure its copy is clean (an unreadable structure, a header block left).
    anonymiser_doubts: tuple[str, ...] = ()
    red_flags: tuple[str, ...] = ()
    amber_flags: tuple[str, ...] = ()
    boundary_flags: tuple[str, ...] = ()
    over_rate_limit: bool = False
    # The text was longer than the relay reads; only its first part was read.
    text_cut_at: int | None = None


@dataclass(frozen=True)
class Escalate:
    """An escalation the decision asks for: kind, tier, summary (no message text)."""

    kind: str
    tier: str
    summary: str


@dataclass(frozen=True)
class Decision:
    """What to do, why, and what else must happen."""

    action: Action
    reasons: tuple[str, ...]
    escalations: tuple[Escalate, ...] = ()
    alert: bool = False
    crisis_reply: bool = False
    banner: bool = False
    tell_sender: bool = False


def decide(facts: Facts) -> Decision:
    """Return the decision for one message; refusal to deliver never ends support."""
    stop = stop_before_reading(facts)
    if stop is not None:
        return stop
    decision = _after_reading(facts)
    if facts.text_cut_at is None:
        return decision
    # Flags from the part that was read still alert; the rest is for a person to read.
    long_text = Escalate("long_message", "amber", "A message too long to read automatically waits for a coordinator")
    return replace(decision, action=Action.QUARANTINE, banner=False, tell_sender=False,
                   reasons=(f"the text is longer than the {facts.text_cut_at} characters the relay reads",
                            *decision.reasons),
                   escalations=(*decision.escalations, long_text))


def stop_before_reading(facts: Facts) -> Decision | None:
    """Return the decision that needs no reading of the body (a stranger, a closed address), or None."""
    if facts.malformed:
        return Decision(Action.QUARANTINE, ("the message is too damaged to read safely",),
                        (Escalate("malformed", "notice", "A damaged message arrived and was kept for review"),))
    if facts.address_revoked:
        return Decision(Action.QUARANTINE, ("sent to an address that was closed when the pairing ended",),
                        (Escalate("late_message", "notice", "A message arrived for a pairing that has ended"),))
    if facts.automatic:
        return Decision(Action.IGNORE, (f"automatic mail: {facts.automatic}",))
    if not facts.sender_is_party:
        return Decision(Action.QUARANTINE, ("the sender is not the person this address belongs to",),
                        (Escalate("stranger", "amber",
                                  "Someone other than the paired person wrote to a masked address"),))
    if facts.dmarc_failed:
        return Decision(Action.QUARANTINE, ("our mail server says the sender's address was forged (DMARC fail)",),
                        (Escalate("dmarc_fail", "amber", "A message failed DMARC at our mail server"),))
    return None


def _after_reading(facts: Facts) -> Decision:
    reasons, escalations = [], []
    alert = crisis_reply = banner = False
    must_hold = facts.moderation == "review_all"
    if must_hold:
        reasons.append("this pairing's messages are all reviewed")
    if facts.red_flags:
        alert = True
        crisis_reply = facts.author == "requester"
        reasons.append("risk (RED): " + "; ".join(facts.red_flags))
        escalations.append(Escalate("risk_red", "red", f"RED risk flag in a message from the {facts.author}"))
        must_hold = must_hold or facts.moderation == "review_flagged" or facts.author == "volunteer"
        banner = True
    if facts.amber_flags:
        reasons.append("concern (AMBER): " + "; ".join(facts.amber_flags))
        escalations.append(Escalate("risk_amber", "amber", f"AMBER flag in a message from the {facts.author}"))
        must_hold = must_hold or facts.moderation == "review_flagged"
    if facts.boundary_flags:
        reasons.append("boundary: " + "; ".join(facts.boundary_flags))
        must_hold = True
    if facts.contact_offers:
        reasons.append("contact details: " + "; ".join(facts.contact_offers))
        must_hold = True
    if facts.anonymiser_doubts:
        reasons.append("the relay is not sure it removed everything identifying: " + "; ".join(facts.anonymiser_doubts))
        must_hold = True
    if facts.over_rate_limit:
        reasons.append("unusually many messages from this sender in the last hour")
        must_hold = True
    action = Action.HOLD if must_hold else Action.DELIVER
    return Decision(action, tuple(reasons) or ("nothing needed review",), tuple(escalations), alert,
                    crisis_reply, banner and action == Action.DELIVER, bool(facts.contact_offers))
