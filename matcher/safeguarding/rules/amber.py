"""AMBER rules: hopelessness, stopping medication, feeling unsafe, no support (pure).

Part of the rule table; read the pattern guide in table.py, and bump
RULES_VERSION there after any change here.
"""
from matcher.safeguarding.rules.model import Rule, Tier

_HOPELESSNESS = Rule(
    "hopelessness", Tier.AMBER, "Hopelessness",
    (
        "hopeless(ness)?", "no hope", "lost (all )?hope", "no future", "worthless", "hate myself",
        "end of my tether", "no way out",
        ("what's the point( (of|in) (anything|it all|any of it|trying|living|me|going on|carrying on)|"
        " any ?more|(?=\\s*([?.!,]|$)))"),
        ("(there's|there is|see) no point( (in|to) (anything|trying|going on|carrying on|living|me)|"
        " any ?more)"),
        "(everything|life|it all) (is|feels) pointless",
        "(everything|it all|life) (is|feels|seems) (so |really |very )?(dark|black|bleak)",
        "(never|not ever|won't ever|will never) (going to |gonna )?get (any )?better",
        ("nothing (will|is going to|is ever going to|'s going to|'s ever going to|is gonna) (ever )?"
        "(change|get better|help)"),
        "(feel|feeling|felt|i'm|so|completely) trapped",
        "(i'm|i am|feel like|felt like|being|just) (a |such a )burden",
        "(can't|cannot) (go on|carry on|keep going)",
        "(can't|cannot) (cope|do this) any ?more",
        "(don't think|not sure) i can (go on|carry on|keep going|cope|do this)",
        "(given|giving) up on (everything|life|myself)", ("(i've|i have|i'm|just) (given|giving) "
        "up(?=\\s*([.!?,;]|$))"),
        "(don't|can't|cannot|struggling to|struggle to|unable to) see (a|any) (future|way out|way forward)",
        "(want|wanted|wish) to (just )?disappear",
        "(can't|cannot|don't) see (it|things|anything) (getting|going to get|ever getting) better",
        ("(don't|can't) (think|see|believe|imagine) (things|it|life|anything) ('ll |will |are going to |is "
        "going to )?"
        "(ever )?(get|getting|going to get) better"),
        "(feel|feeling|i'm|i am|so) (so |completely |totally )?(empty|numb|hollow|dead inside)",
        "nothing left", "nothing to look forward to", "(sick|tired) of everything",
        ("(it's|it is|things are|nothing's|nothing is|it'll|life is) never (going to|gonna) (change|get "
        "better|"
        "improve)"),
        "(failing|a failure) at everything",
        "(want|wish|need) (it all|everything|the pain|this) to (stop|end|be over)",
        "(i'm|i am|feel like|feel|felt like) (such |a complete |a total )?(a )?failure",
        "(can't|cannot) (keep|go on|carry on) living (like this|this way|any ?more)",
        "(can't|cannot) (keep|go on|carry on) living(?=\\s*([.!?,;]|$))",
        "(better off with|deserves?) (a )?(different|better|another) (mum|mother|mummy|dad|parent)",
    ),
)

_FEELINGS_ABOUT_BABY = Rule(
    "feelings_against_baby", Tier.AMBER, "Strong negative feelings about the baby",
    (
        "(hate|can't stand|resent|regret having) {baby}",
        "(hate|resent) (him|her|them) ... (baby|born|crying|screaming)",
        "wish (she|he|they|the baby|my baby)('d| had) never been born",
        "(don't|do not|can't|cannot) (love|bond with|feel anything for) ({baby}|him|her)",
    ),
    about_self=True,
)

_STOPPING_MEDICATION = Rule(
    "stopping_medication", Tier.AMBER, "Stopping or missing medication",
    (
        ("(stop|stopped|stopping|quit|quitting|came off|come off|coming off|gone off|went off|ditched|"
        "binned|chucked|threw away|thrown away|got rid of|flushed|skipped|skipping|missed|missing|refused|"
        "refusing|not taking|haven't taken|"
        "haven't been taking|not been taking|not taken|haven't had|not had|won't take|don't take) (taking )?"
        "(all )?(my |the |any )?{medicine}"),
        "(missed|skipped|skipping|missing) (a |my |some |a few )?{dose}",
        "(run|ran|running) out of (my )?{medicine}",
        "(threw|thrown|throw|chucked|put) (all )?(of )?(my )?{medicine} (away|out|in the bin)",
        "(forgot|forgetting|forget|forgotten|keep forgetting) (to take )?(my )?{medicine}",
        "(haven't|not|didn't|hasn't been) (collected|picked up|got|renewed|ordered) my ({medicine}|{dose})",
    ),
    about_self=True,
    # A change planned with the care team is treatment, not a warning sign.
    unless=(
        "with (my |the )?{care_team}",
        ("{care_team} (said|says|agreed|suggested|advised|decided|recommended|wants|told|is reducing|"
        "is tapering)"),
        "supervised", "planned", "tapering", "agreed",
    ),
)

_FEELING_UNSAFE = Rule(
    "feeling_unsafe", Tier.AMBER, "Says they do not feel safe, including at home",
    (
        "(don't|do not|not|never) feel(ing)? safe",
        "feel(ing)? unsafe",
        "scared of myself",
        "(i'm|i am) not safe",
        "(not|isn't|aren't) safe (here|at home|in the house|with him|around him)",
        "(scared|afraid|frightened|terrified) (of|to go) (home|my partner|my husband|my boyfriend|him)",
        ("(scared|afraid|frightened|terrified) to be (at home|alone|in the house) with (him|my partner|my "
        "husband|"
        "my boyfriend)"),
        "scared for my (life|safety)",
        "(throws|threw|smashes|smashed|breaks|broke) things", "punch(es|ed)? (the )?walls?",
        ("(he|she|my partner|my husband|my boyfriend|my ex) (hits|hit|hurts|threatens|threatened|pushed|"
        "pushes|shoved|strangled|chokes|choked|grabbed|grabs|kicked|kicks|slapped|slaps|punched|punches) me"),
        "(won't|doesn't) let me (see my (friends|family|mum)|leave the house|have (any )?money)",
        "controls (all )?(the |my )?money",
    ),
)

_NO_SUPPORT = Rule(
    "no_support_at_home", Tier.AMBER, "No support at home, or feeling completely alone",
    (
        ("(no one|nobody|no-one)( is|'s)? (at home |here |around )?(to help|helps|helping|to talk to|"
        "to turn to|is around|around to help|can help|i can talk to|i can ask)"),
        "no support( at home)?", "no help (with|at home|from anyone)",
        "(no|don't have any|haven't got any|not got any|without any) (help|support) (at home|from anyone)",
        "(i'm|i am|i feel|feel|feeling|i've been) (so |completely |totally |all )alone",
        "(feel|feeling) alone", "(so|really|very|incredibly|feel|feeling|i'm|i am) lonely",
        "(no one|nobody|no-one) (comes|visits|calls|rings|checks on me|asks)",
        "(i have|i've got|i've) (no one|nobody|no-one)(?=\\s*([.!?,;]|$))",
        "(completely|totally) on my own",
        "(partner|husband|boyfriend|wife|girlfriend) (has )?(left|walked out|moved out)",
        "(he|she)('s| has)? (left|walked out on|moved out on) (me|us)",
        "(he|she)('s| has) moved out",
        "(we|we've|we have|partner and i|husband and i|he and i)( have)? (split up|broken up|separated)",
    ),
)

AMBER_RULES: tuple[Rule, ...] = (
    _HOPELESSNESS, _FEELINGS_ABOUT_BABY, _STOPPING_MEDICATION, _FEELING_UNSAFE, _NO_SUPPORT,
)
