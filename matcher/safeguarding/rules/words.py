"""Word lists the rule table refers to as {name} (pure).

Part of the rule table: change a list and bump RULES_VERSION in table.py.
Entries are written like patterns: "meds?" means "med" or "meds".
"""

WORD_LISTS: dict[str, tuple[str, ...]] = {
    "medicine": (
        "meds?", "medications?", "medicat?ions?", "medacation", "medicines?", "tablets?", "pills",
        "tabs", "antidepressants?", "anti-depressants?", "antipsychotics?", "anti-psychotics?",
        "mood stabili[sz]ers?", "lithium", "lithuim", "sertraline", "setraline", "sertaline",
        "fluoxetine", "prozac", "citalopram", "escitalopram", "mirtazapine", "venlafaxine",
        "olanzapine", "quetiapine", "seroquel", "aripiprazole", "abilify", "risperidone",
        "haloperidol", "lamotrigine", "valproate", "depakote", "zopiclone", "lorazepam",
        "diazepam", "promethazine", "depot", "injections?",
    ),
    "dose": ("doses?", "dosage", "prescription"),
    # Ways a volunteer might tell someone to change their medicine; "up" but
    # not "keep up your meds", which is the opposite advice.
    "change_medicine": (
        "stop", "stopping", "stop taking", "come off", "coming off", "reduce", "reducing",
        "cut down", "cutting down", "halve", "halving", "double", "doubling", "increase",
        "increasing", "lower", "lowering", "(?<!keep )(?<!keeping )up", "upping", "change",
        "changing", "switch", "switching", "skip", "skipping", "wean off", "weaning off", "taper",
        "tapering", "drop", "dropping", "ditch", "ditching",
    ),
    "baby": (
        "(my |the |our )?bab(y|ies)(?!'s)", "my (son|daughter|boy|girl|little one|newborn|twins)",
        "the (little one|newborn|twins|kids|children)", "my (kids|children)", "lo",
    ),
    # "Her" the baby, not "her feelings" or "her bottle".
    "child_pronoun": ("him", "her(?! (feelings|hair|nappy|bottle|cot|dad|daddy))", "them"),
    "harm": (
        "hurt", "harm", "kill", "smother", "suffocate", "drown", "shake", "hit", "throw", "stab",
        "strangle", "get rid of", "do something to",
    ),
    "harming": (
        "hurting", "harming", "killing", "smothering", "suffocating", "drowning", "shaking",
        "hitting", "throwing", "stabbing", "strangling", "getting rid of", "doing something to",
    ),
    "how_many": (
        "two", "three", "four", "five", "six", "seven", "several", "a few", "a couple of", "many",
        "so many", r"\d+",
    ),
    "day_name": (
        "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "the weekend",
    ),
    "social": (
        "whatsapp", "facebook", "fb", "instagram", "insta", "ig", "snapchat", "snap", "tiktok",
        "twitter", "telegram", "signal", "messenger", "linkedin", "threads", "discord",
    ),
    "care_team": (
        "gp", "doctor", "doc", "psychiatrist", "consultant", "team", "perinatal team", "crisis team",
        "home treatment team", "cpn", "nurse", "midwife", "health visitor", "hv", "social worker",
        "prescriber", "pharmacist",
    ),
    "treatment": (
        "admission", "hospital", "mbu", "mother and baby unit", "unit", "ward", "section",
        "sectioning", "treatment", "ect", "injections?", "depot", "medication", "meds",
        "crisis team", "home treatment team", "psychiatrist",
    ),
    # Words for death and for wanting it, read together anywhere in a sentence.
    "death": (
        "die", "dead", "(?<!'s )death", "suicide", "suicidal", "end(ed|ing)? it( all)?",
        "end(ed|ing)? my (own )?life", "take my (own )?life", "feel like dying",
        "not (be )?(here|around|alive) any ?more",
    ),
    "wanting": (
        "want", "wanted", "wanting", "wants", "wanna", "wish", "wished", "going to", "gonna", "plan",
        "planning", "planned", "ready", "rather", "should", "need", "thinking", "thought", "think",
        "tempted", "decided", "urges?", "only way", "way out", "easier", "peace", "relief", "better",
        "on my mind", "all i think about", "can't stop thinking",
    ),
    "me": ("i", "i'm", "i'd", "i've", "i'll", "me", "my", "myself"),
    "tablets": ("{medicine}", "paracetamol", "painkillers", "ibuprofen", "co-codamol", "sleeping pills"),
    # Shapes rather than words: a UK mobile or landline number (not 999, 111,
    # 116 123 or 0800 and 0300 helplines) and an email address.
    "phone_number": (
        r"(\+44\s?\(?0?\)?\s?7\d{3}|\(?07\d{3}\)?)[\s-]?\d{3}[\s-]?\d{3}",
        r"\(?0(1\d{2,4}|2\d)\)?[\s-]?\d{3,4}[\s-]?\d{3,4}",
    ),
    "email_address": (r"[\w.+-]{1,64}@[\w-]{1,63}(\.[\w-]{1,63}){1,8}",),
}
