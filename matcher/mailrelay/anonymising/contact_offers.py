"""Spot offers to take the conversation outside the relay (pure).

Run on the text before scrubbing, so an offer is found even when the detail
itself would have been removed.
"""
import re
from dataclasses import dataclass

MESSAGING_APPS = (r"(?:whats\s?app|facebook|fb|insta(?:gram)?|ig|snap(?:chat)?|tiktok|twitter|x|telegram|signal"
                  r"|linkedin|messenger|discord|skype|threads|bluesky|mastodon)")
_APPS = MESSAGING_APPS


@dataclass(frozen=True)
class ContactOffer:
    """A sign that a message offers or asks for a way to meet or talk outside the relay."""

    reason: str
    kind: str = "contact"


# "Call me on..." is an offer when it is said to the reader, not in "the
# health visitor will call me on Monday": an imperative at the start of a
# sentence or clause, or "you can...", "please...", "feel free to...".
_TO_READER = (r"(?:^|[.!?,;:(]\s*|\b(?:you(?:'d|\s+(?:can|could|may|might|would|should))|please|just"
              r"|feel\s+free\s+to|do|then|or|and|so)\s+)")
_OFFERS = (
    ("contact", "it looks like it shares a phone number or another way to get in touch", (
        (rf"{_TO_READER}(?:reach|contact|get\s+hold\s+of|get\s+in\s+touch\s+with)\s+me"
        r"\s+(?:on|at|via|directly|outside)\b"),
        # Email (and a "message") through the relay is the channel itself: "you can email me any time" is
        # an invitation to keep writing, not an offer to go around the relay.
        r"\b(?:you\s+can|feel\s+free\s+to)\s+(?:text|call|ring|whats\s?app)\b",
    )),
    ("phone", "it looks like it shares a phone number or asks to talk by phone", (
        (rf"{_TO_READER}(?:text|call|ring|phone|message)\s+me(?:\s+(?:on|at|any\s*time|whenever|if|when"
        r"|back|later|tonight|tomorrow|some\s*time|instead|directly)\b|\s*(?:[.!?,]|$))"),
        r"\bwhats\s?app\s+me\b",
        r"\bgive\s+me\s+a\s+(?:call|ring|bell|text)\b",
        r"\bmy\s+mobile(?:'s|\s+is)\s+\+?\d",
        r"\bmy\s+(?:(?:mobile|cell|phone|home|personal|work|new|private)\s+)*(?:number|no\.?)(?:'s|\s+is|:)",
        r"\bhere(?:'s|\s+is)\s+my\s+(?:number|mobile)\b",
    )),
    ("email", "it looks like it shares a personal email address", (
        (r"\bmy\s+(?:(?:personal|private|own|other|home|work|real|usual)\s+)*e-?mail(?:\s+address)?"
        r"(?:'s|\s+is|:)"),
        (rf"{_TO_READER}(?:e-?mail|write\s+to|contact)\s+me\s+(?:at\s+(?!any\s*time|all\b|the\s+weekend|night\b)"
         r"|on\s+(?!here\b|this\b)|directly|privately|personally|outside)"),
    )),
    ("social", "it looks like it suggests connecting on social media or a messaging app", (
        rf"\b(?:add|find|follow|friend|message)\s+me\s+on\s+{_APPS}\b",
        r"\blook\s+me\s+up\s+on\b",
        r"\b(?:dm|pm)\s+me\b",
        rf"\bmy\s+{_APPS}\s+(?:is|name|handle|username)\b",
    )),
    ("meeting", "it looks like it suggests meeting in person", (
        r"\blet(?:'s|\s+us)\s+meet\b",
        r"\b(?:we|you\s+and\s+i)\s+(?:could|should|can|might)\s+meet\b",
        r"\b(?:shall|should|could|can)\s+we\s+meet\b",
        r"\b(?:like|love|want)\s+to\s+meet\s+(?:up|you|in\s+person)\b",
        r"\bmeet\s+(?:up\s+)?(?:for\s+(?:a\s+)?(?:coffee|cuppa|drink|walk|lunch|tea|brew)|in\s+person)\b",
        r"\b(?:grab|get|have)\s+a\s+(?:coffee|cuppa|brew)\s+together\b",
        r"\b(?:come|pop)\s+(?:round|over)\s+(?:to\s+)?(?:mine|my\s+(?:house|place))\b",
    )),
    ("address", "it looks like it shares a home address or asks for one", (
        r"\bhere(?:'s|\s+is)\s+my\s+address\b",
        r"\bmy\s+(?:home\s+)?address\s+is\b",
        r"\bi\s+live\s+at\b",
        r"\bwhere\s+do\s+you\s+live\b",
        r"\bwhat(?:'s|\s+is)\s+your\s+(?:address|number|surname|real\s+name)\b",
    )),
)
_OFFER_PATTERNS = tuple(
    (kind, reason, re.compile("|".join(phrases), re.IGNORECASE | re.MULTILINE))
    for kind, reason, phrases in _OFFERS
)


# Pointing someone to a crisis line is signposting, not an offer of the writer's own contact: "you can
# call or text Samaritans on 116 123", "ring 999", "call your perinatal team's duty line". Known by the
# service's name or its well-known number, read in the same sentence just after the call to action.
_CRISIS_LINE = re.compile(
    r"\b(?:samaritans|shout|papyrus|childline|pandas|nhs\s*111|111|999|112|911|988|116\s*123|85258"
    r"|a\s*&\s*e|a\s+and\s+e|emergency\s+services|(?:the\s+|your\s+)?(?:crisis|perinatal|mental\s+health)"
    r"\s+(?:team|line|service)|duty\s+(?:line|number|team)|gp|health\s+visitor|midwife|sos\s+amiti[eé]"
    r"|tel[eé]fono\s+de\s+la\s+esperanza|c\.?a\.?l\.?l\.?)\b",
    re.IGNORECASE,
)
_SIGNPOST_REACH = 80  # characters after the call to action that may name the crisis line
_SIGNPOSTING_KINDS = ("contact", "phone")


def find_contact_offers(text: str) -> list[ContactOffer]:
    """List the ways a message offers or asks to get in touch outside the relay."""
    text = text.replace("’", "'")
    return [ContactOffer(reason, kind) for kind, reason, pattern in _OFFER_PATTERNS
            if any(not _signposting(kind, text, found) for found in pattern.finditer(text))]


def _signposting(kind: str, text: str, found: re.Match[str]) -> bool:
    """Say whether a match points the reader to a crisis line rather than to the writer."""
    if kind not in _SIGNPOSTING_KINDS or re.search(r"\bme\b", found.group(0), re.IGNORECASE):
        return False
    after = re.split(r"[.!?\n]", text[found.end():found.end() + _SIGNPOST_REACH], maxsplit=1)[0]
    crisis = _CRISIS_LINE.search(after)
    # "You can call me or Samaritans" still offers the writer's own line.
    return crisis is not None and not re.search(r"\bme\b", after[:crisis.start()], re.IGNORECASE)
