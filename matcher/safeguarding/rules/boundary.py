"""BOUNDARY rules: volunteer advice about treatment, and contact outside the relay (pure).

Part of the rule table; read the pattern guide in table.py, and bump
RULES_VERSION there after any change here.
"""
from matcher.safeguarding.rules.model import VOLUNTEER, Rule, Tier

_MEDICATION_ADVICE = Rule(
    "medication_advice", Tier.BOUNDARY, "Advice to stop, start or change medication or doses",
    (
        "{change_medicine} (up on |down on |off )?(your|ur) ... ({medicine}|{dose})",
        ("(you|i'd|i would|if i were you|why not|maybe) ... {change_medicine} (up on |down on |off )?"
        "(the|that|those|this|some|all) ... ({medicine}|{dose})"),
        # An instruction opening a sentence: "Honestly, ditch the sertraline."
        ("(?<![\\w'] )(just |honestly |seriously |definitely |so )?(stop|come off|ditch|halve|double|"
        "reduce|cut down|skip|drop|switch|change|lower|increase) (the|that|those|this|all|all the) ... "
        "({medicine}|{dose})"),
        ("if you (stopped|came off|reduced|halved|cut down|dropped|ditched|skipped|switched|lowered) "
        "(the|your|ur|that|those) ... ({medicine}|{dose})"),
        "(don't|do not) (take|bother taking) (your|ur|the|those|that|any) ... {medicine}",
        "you (don't|do not) need (your|ur|the|those|that|to take|any) ... {medicine}",
        "(switch|move|change|put) you (to|onto|on) ... {medicine}",
        ("(try|take|start taking|get some) ... (st john's wort|5-?htp|cbd|homeopath\\w*|herbal remed\\w*|"
        "ashwagandha|rhodiola)"),
        "instead of (your|ur|the) {medicine}",
        "ask (for|about) (a )?(higher|lower|bigger|smaller|more|less|half) ... ({medicine}|{dose})",
    ),
    applies_to=VOLUNTEER, past_counts=True,
)

_REFUSING_TREATMENT = Rule(
    "advice_to_refuse_treatment", Tier.BOUNDARY,
    "Advice to refuse treatment or admission, or to hide symptoms from the care team",
    (
        ("(refuse|refusing|turn down|say no to|decline|avoid|fight|get out of|discharge yourself from|"
        "sign yourself out of) (the |an |your |any )?{treatment}"),
        "(i'd|i would) (refuse|say no|not go|turn it down|avoid it|fight it)",
        "(they|you) (can't|cannot) make you (go|take|stay|have)",
        "don't let them (admit|section|put you|take you|keep you|medicate|give you)",
        "you don't have to (go in|go into hospital|be admitted|go to the mbu|take (the|your|those|it))",
        "discharge yourself",
        "to (admit|section|medicate|inject|take) you,? (just )?(say no|refuse|don't go|leave|walk out)",
        "(don't|do not|never) tell ... {care_team}",
    ),
    applies_to=VOLUNTEER, past_counts=True,
)

_CONTACT_DETAILS = Rule(
    "contact_details", Tier.BOUNDARY, "Sharing or asking for personal contact details",
    (
        "{phone_number}",
        "{email_address}",
        "(text|txt|whatsapp|facetime) me",
        "(call|ring|phone) me (on|at|any ?time|whenever|if|later|tonight|tomorrow)",
        "(add|follow|find|message|dm) me on",
        "(i'm|i am) on {social} (as|at)",
        "my {social} (handle|name|username|account|page)",
        "my {social} is @",
        "my (personal|own|home|private|real|other) (email|e-mail|number|phone|mobile|address)",
        "my (phone |mobile )?(number|no\\.?) is",
        "here's my (number|email|mobile|address)",
        "(give|send) (you|u) my (number|email|address|mobile|details)",
        ("(what's|what is|can i have|could i have|send me|give me) your (number|mobile|phone number|email|"
        "address|real name|surname|{social})"),
    ),
    past_counts=True,
)

_MEETING = Rule(
    "meeting_in_person", Tier.BOUNDARY, "Suggesting meeting in person",
    (
        ("(let's|we could|we should|shall we|why don't we|fancy|would you like to|could we) "
        "(meet|meet up|grab a coffee|get a coffee|have a coffee|go for a coffee|go for a walk)"),
        "meet (up )?in person",
        "love to meet up",
        "come (round|over) to (mine|my house|my place)",
        "my (home )?address is",
    ),
    past_counts=True,
)

BOUNDARY_RULES: tuple[Rule, ...] = (
    _MEDICATION_ADVICE, _REFUSING_TREATMENT, _CONTACT_DETAILS, _MEETING,
)
