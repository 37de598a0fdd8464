"""How the rules read everyday language: idiom, denial and time (pure).

Like table.py this is a readable table; change it and bump RULES_VERSION.
Each check leans towards flagging: a missed RED is the worst failure, so when a
sentence is ambiguous it is read as meaning what it says.
"""
import re

# Everyday phrases blanked out before any rule looks at the message, each with
# the kind of sentence it keeps from being flagged.
IGNORED_PHRASES: tuple[tuple[str, str], ...] = (
    (r"killing me", "this sleep deprivation is killing me; my feet are killing me"),
    (r"(kill|killed|murder) for (a|an|some|another|one|just)\b", "I could kill for a coffee"),
    (r"(could|'d|would) murder (a|an|some)\b", "I could murder a cup of tea"),
    (r"dying (to|for|of)\b", "I'm dying to tell you; dying for a cuppa"),
    (r"to die for", "her cheeks are to die for"),
    ((r"(die|died|dying|dead) (of |from |with )?(laughing|laughter|embarrassment|shame|boredom|cringe|"
     r"cuteness|jealousy|envy)"), "I nearly died laughing; I could die of embarrassment"),
    (r"kill(ed|ing)? myself (laughing|tripping|falling|rushing|running|carrying|lifting)",
     "I nearly killed myself tripping over the stair gate"),
    (r"trapped wind", "she cries with trapped wind"),
    (r"(dye|die) (my|her|his|your|our) hair", "I want to die my hair pink"),
    ((r"dead (asleep|tired|on my feet|to the world|beat|easy|good|nice|funny|excited|proud|quiet|cute|heavy|"
     r"serious|right|lucky|against|set)"), "I'm dead on my feet"),
    ((r"(check|checking|checked) (that )?(she's|he's|they're|the baby's|she is|he is|they are) "
     r"(not dead|still alive|still breathing|breathing|alive)"), "I keep checking she's still breathing"),
    (r"must be hearing things", "I must be hearing things, did she just say mama?"),
    (r"(little|lovely|sweet|tiny|squeaky|calm|kind|soothing|quiet|loud|cute|baby) voices?",
     "she said it in her little voice"),
    (r"watch(ing|ed|es)? me (feed|change|bath|breastfeed|latch|put|do|try|cook|eat)",
     "the health visitor watched me feed him"),
    (r"watching me like a hawk", "my health visitor is watching me like a hawk"),
    ((r"(thought|felt like|was sure|was convinced|thinking) (i was|i'm|i am|i'd) "
     r"(going to|gonna|about to) die"),
     "in labour I thought I was going to die"),
    (r"suicide (prevention|awareness|first aid|training|alliance|helpline|hotline|line|rates?|statistics)",
     "I did the suicide prevention training"),
    ((r"voices (of (the )?(other|real|women|mums|mothers|parents|people|lived|experience)|"
     r"on the (radio|podcast))"),
     "hearing the voices of other mums helped"),
    (r"(feels?|felt) like (i|we) (haven't|have not|hadn't) slept (in|for) (days|weeks|months|years|ages)",
     "it feels like I haven't slept in weeks"),
    (r"(drop|dropping|dropped) (her|him|them|the baby|my (son|daughter)) (off|at|round)",
     "dropping her off at nursery"),
)

# Words that deny what follows: "I'm not going to hurt myself".
NEGATORS = frozenset({"not", "never", "no", "nor", "cannot"})
# A word after a denial that turns it round: "I can't stop hearing voices".
TURNS_DENIAL_ROUND = frozenset({
    "stop", "stopping", "help", "know", "sure", "trust", "promise", "guarantee", "care", "if",
    "whether", "unless", "why", "how", "what", "when", "until", "without", "just", "only", "but",
    "yet", "mean", "get", "shake", "ignore", "escape", "switch", "rid", "remember", "seem",
    "i", "i'm", "i've", "i'd", "i'll",
})
# A word before a denial that makes it a suggestion: "why not try ...".
SUGGESTIONS = frozenset({"why"})
# Fear before a denial keeps the risk: "I'm scared I won't be able to stop".
FEAR = frozenset({
    "scared", "afraid", "worried", "frightened", "terrified", "fear", "panic", "panicking",
    "trust", "sure", "promise", "guarantee", "know",
})
DENIAL_REACH = 6  # words between the denial and the risk words

# Markers that place a sentence in the past, far enough back to be recovery talk.
DISTANT_PAST = re.compile(
    r"\b((?<!getting )(?<!get )(?<!got )(?<!i'm )(?<!am )(?<!be )used to|(years?|months) ago|"
    r"a long time ago|ages ago|last year|the year before|back then|at the time|in those days|"
    r"at that time|at my (worst|lowest)|"
    r"when i was (really |very |so |first )?(ill|unwell|poorly|sick|in hospital|in the mbu|in the unit|"
    r"admitted|sectioned|diagnosed|at my worst|at my lowest|pregnant with)|"
    r"during my (illness|psychosis|episode|admission|stay|first)|"
    r"(before|after) i (got|was|became) (better|well|treated|diagnosed|admitted|sectioned|discharged)|"
    r"i was in (hospital|the mbu|the unit|a mother and baby unit|an mbu)|in (19|20)\d\d|"
    r"my first (episode|admission|baby|pregnancy)|with my (first|eldest|oldest|older one)|"
    r"when my (first|eldest|oldest|older one) was (born|a baby|tiny|little))\b"
)
# Words that put a clause in the present.
PRESENT = frozenset({
    "am", "i'm", "is", "are", "isn't", "aren't", "do", "does", "don't", "doesn't", "can't", "want",
    "wants", "feel", "feels", "keep", "keeps", "now", "today", "tonight", "currently", "still",
    "again", "lately", "i've", "we're", "they're", "it's", "you're", "he's", "she's", "have", "has",
    "haven't", "hasn't", "won't", "will", "i'll", "need", "needs", "think", "know",
})
# Past forms that carry on a story already set in the past.
PAST_VERBS = frozenset({
    "was", "were", "had", "did", "used", "felt", "thought", "heard", "saw", "became", "got", "went",
    "told", "kept", "took", "said", "knew", "began", "lost", "came", "cut", "hit", "shook", "woke",
    "slept", "made", "gave", "ran", "left", "fell", "sat", "stood", "spent", "found",
    "didn't", "couldn't", "wasn't", "weren't", "hadn't", "could", "would",
})
_NOT_PAST = frozenset({"bleed", "breed", "speed", "proceed", "succeed", "exceed", "indeed", "embed"})
# A past disclosure that carries on into the present is risk now:
# "I wanted to die then and I still do".
STILL_GOING = re.compile(
    r"\b(still (do|does|am|feel (like that|that way|it|the same)|hear (them|voices|it)|want to|wish|"
    r"think about (it|that|dying)|get (them|it|those)|have (them|those|it))\b|"
    r"(feel|feeling) (like )?(that|this|it|the same)( way)? again|"
    r"(hear|hearing|having|getting|seeing|thinking|want|wanting) (them|it|those|these|that|things|voices|"
    r"thoughts) again|(happening|starting) (all over )?again|all over again|"
    r"(it's|its|it is|they're|theyre|they are|voices are|thoughts are|feelings are) "
    r"(back|happening|starting)|"
    r"(has|have|'ve) come back|coming back|came back|started again|never (went|goes|go) away|"
    r"(hasn't|haven't|has not|have not|never) (stopped|gone away|left me|really gone)|to this day|even now)"
)
# Words right after a risk phrase that say it has gone, or is only feared:
# "the voices stopped", "the voices might come back".
GONE_AFTER = re.compile(
    r"\s*((have|has) (now )?(stopped|gone( away)?)|(haven't|hasn't|have not|has not|never) (come|came) "
    r"back|(are|is) (all )?gone|went away|disappeared|have settled|faded|"
    r"stopped(?=\s*($|[.,;!?]| (when|after|since|once|now|completely|altogether|for good)\b))|"
    r"(will|might|could|would|may|'ll) (ever )?(come back|return|start again|happen again))\b"
)
# A clause that tells when something began may be telling of something still
# going on: "I started hearing voices two months ago".
ONSET = frozenset({"started", "start", "starting", "began", "begun", "since"})
# Words that keep a clause in the present even beside "two years ago".
NOW = frozenset({"now", "today", "tonight", "currently", "lately", "still", "again"})
# Recent times are the present for risk: "I wanted to die last night".
RECENTLY = re.compile(
    r"\b(yesterday|last night|this (morning|week|weekend|month|evening|afternoon)|recently|lately|tonight|"
    r"today|these days|at the moment|right now|(a|one|two|few|couple of) (days?|nights?) ago)\b"
)
# A clause opening with one of these turns away from the story so far:
# "My first baby was easy, but I looked up how to overdose".
CONTRAST = frozenset({"but", "yet", "however", "whereas", "although", "though", "now", "anyway"})
# Fear of a relapse is not a relapse: "I'm scared it'll come back".
WORRY = re.compile(
    r"\b(scared|afraid|worried|worry|frightened|terrified|fear|nervous|anxious|what if|in case)\b"
)

# Pronouns, to tell "I" from "you" in a volunteer's reply.
FIRST_PERSON = frozenset({
    "i", "i'm", "i've", "i'd", "i'll", "me", "my", "myself", "mine", "we", "we're", "we've", "us", "our",
})
SECOND_PERSON = frozenset({"you", "you're", "you've", "you'd", "you'll", "your", "yourself"})
# Subjects that make a sentence about someone or something else: "the
# tablets might hurt my baby", "can it harm her". Medicines and the care
# team count too. Any other word is read as the writer speaking.
SOMEONE_ELSE = frozenset({
    "it", "it's", "its", "they", "they're", "they'll", "they'd", "he", "he's", "he'd", "he'll", "she",
    "she's", "she'd", "she'll", "this", "these", "those", "what", "something",
    "anything", "nothing", "milk", "breastfeeding", "feeding", "formula", "vaccine", "vaccines", "jab",
    "jabs", "vaccinations", "smoking", "alcohol", "caffeine", "dog", "cat", "germs", "infection",
    "virus", "cold", "bug", "fall", "heat", "sun", "illness", "you", "you're", "you'll", "you'd",
})
# Words that show whose thought it is: "thoughts of hurting her", and "is it
# normal to ...", which asks about the writer's own thoughts.
FRAMING = frozenset({
    "thoughts", "thought", "images", "image", "urge", "urges", "impulse", "impulses", "of", "about",
    "scared", "afraid", "worried", "frightened", "terrified", "tempted", "imagine", "imagining",
    "picture", "picturing", "flash", "flashes", "vision", "visions", "pictures", "normal", "common",
    "easy", "tempting",
})


def is_past_verb(word: str) -> bool:
    """Say whether a word is a past-tense verb form."""
    return word in PAST_VERBS or (len(word) > 4 and word.endswith("ed") and word not in _NOT_PAST)
