"""RED rules: risk to life, harm to the baby, and signs of psychosis returning (pure).

Part of the rule table; read the pattern guide in table.py, and bump
RULES_VERSION there after any change here.
"""
from matcher.safeguarding.rules.model import Rule, Tier

_SAID_THEY_ARE_SAFE = "Talked about suicide or self-harm while saying they are safe"

_SUICIDAL_THOUGHTS = Rule(
    "suicidal_thoughts", Tier.RED, "Thoughts of suicide or of not wanting to be alive",
    (
        "kill(ing|ed)? myself",
        "end(ing)? (my life|my own life|it all|everything|things)",
        "(take|taking|took) my (own )?life",
        "(suicid(e|al)|sucidal|suicidle|suisidal)",
        "(want|wanted|wanting|wants|wish|wished|going|ready|deserve|rather|need|needs) to die",
        "i should (just )?(die|be dead)",
        "(want|wish|need) (it all|everything|the pain|my life) to (end|be over)",
        "(i'd|i would) rather (die|be dead)",
        "better off (dead|without me)",
        "(be|are|is) better without me",
        "better off if i (was|were) (dead|gone)",
        "better off if i (wasn't|weren't) (here|around|alive)",
        "better off if i (died|disappeared|just disappeared)",
        "wish (i|i'd) (was|were|could be|had) (dead|died)",
        "wish i could (just )?(die|disappear|not wake up|stop existing)",
        "wish i (wasn't|was not|weren't) (here|alive|born)",
        "wish i'd never been born",
        "(don't|do not|never) want to (wake up|be alive|live|exist|go on|carry on)",
        # Not "I don't want to be here at this baby group".
        ("(don't|do not|never) want to be here(?! (at|in) (this|the|that) (group|class|baby group|waiting "
        "room|"
        "queue|cafe|café|party|meeting))"),
        "not (want|wanting) to be (here|alive)",
        "(want|wanna) to (be here|be alive|live|exist|go on) any ?more",
        "(not|stop) be(ing)? here any ?more",
        ("(not sure|don't know if|unsure if|unsure whether|not sure if) i want to "
        "(be here|be alive|live|go on|carry on|exist)"),
        "(no|nobody|no one|no-one) would (even |really |ever )?(miss|notice|care)",
        ("(no|don't see the|can't see the|don't see any|can't see any) (reason|point) (to|in|of) "
        "(live|living|life|being alive|being here|going on)"),
        "(go to sleep|fall asleep) and (never|not) wake up",
        "want to (go to )?sleep (forever|for ever)",
        "disappear(ed)? (forever|for ever|for good|and never come back)",
        "in case i'm not (here|around)",
        "(thinking|thought|think|thoughts) (about|of) (dying|death|ending it)",
        "(want|wanted|going|plan|planning|thinking about) (to )?end(ing)? it",
        # A wish or intent near a word for death, a few words apart:
        # "I honestly just want it all to be over and die".
        ("(want|wanted|wanting|wish|wished|going to|gonna|plan|planning|ready|rather|should|need|"
        "thinking|thought|tempted|decided|better) ... (die|dead|death|suicide|stop existing|not exist|"
        "cease to exist)"),
        "{death} & {wanting} & {me}",
        "(i )?(just )?want out(?=\\s*([.!?,;]|$| of (this|it all|life|everything)))",
        "(my life|it all)('s| is) over",
        "(better|happier|easier) (place|world|life|off)? ... without me",
        "(have|'ve|would have|'d have|nearly|almost) ended it",
        "(stop|stopped) existing", "not (to )?exist any ?more",
        "(don't|do not|doesn't|don't even) deserve to (live|be alive|be here|exist)",
        "(can't|cannot) face (another day|tomorrow|waking up|living|life)(?! (of|at|with|like|in) )",
        ("(easier|better|happier) for (everyone|them|all of them|my family|everybody) if i (just "
        ")?(disappeared|"
        "wasn't here|was gone|died|left for good)"),
        "no (reason|point) (to|in) (keep going|keep living|carry on|go on|stay alive|be here)",
        ("(hit by a (bus|car|train|lorry)|didn't wake up|never woke up|died in my sleep) & (relieved|relief|"
        "wouldn't mind|wouldn't care|be ok|be okay|glad|peace)"),
        "(not|isn't|doesn't|no longer|never) (feel |feels |seem |seems )?worth living",
        "(tired of|sick of|fed up of|fed up with|done with) (being alive|living|life|existing)",
        ("(want|wish|need) (it all|everything|the pain|this|my life) to (end|stop|be over),? "
        "(forever|for good|permanently|for ever)"),
        "(happier|better|easier)( off)? without me",
        "if i (wasn't|weren't|was not|were not|was no longer|wasn't ever) (around|here|alive)",
    ),
    if_denied=Tier.AMBER, denied_label=_SAID_THEY_ARE_SAFE,
)

_SUICIDE_PLAN = Rule(
    "suicide_plan_or_method", Tier.RED, "A plan or method for suicide",
    (
        "overdos(e|ed|es|ing)",
        "(take|taking|took) an od",
        ("(take|taking|took|swallow|swallowing) (all|the whole|a whole|loads of|lots of|every one of) "
        "(of )?(my |the |those )?({medicine}|packets?|boxes|box|bottle|paracetamol)"),
        ("(stockpil(e|ed|es|ing)|sav(e|ed|ing) up|hoard(ed|ing)?|collect(ed|ing)) (my |the |all my )?"
        "({medicine}|paracetamol|painkillers)"),
        "(stash|stockpile|hoard|supply) of ({medicine}|paracetamol|painkillers)",
        "(take|taking|took) (extra|more|too many|double|a load of) {tablets}", "knock(ing)? myself out",
        "{tablets} (out )?in front of me", "bleed(ing)? out",
        "{tablets} & (vodka|alcohol|wine|gin|whisky|drink|booze) & (all|bottle|lot|stop|end)",
        "(nearly|almost) (stepped|jumped|walked|threw myself) (off|in front|out)",
        ("(hid|hidden|hide|hiding|locked away|lock away|took away|taken away|removed) (all )?(the|my) (knives|"
        "tablets|pills|medication|meds|rope|razors?|blades?|car keys)"),
        ("(how easy it would be|it would be (so )?easy|so easy to) & (bridge|train|road|traffic|tablets|pills|"
        "jump|end|balcony|cliff|sea|river)"),
        ("(bridge|cliffs?|the edge|tracks|railway line|platform edge|top of the car park) & (stood|standing|"
        "sat|"
        "sitting) & (for a long time|for ages|a long time|looking down|looked down|thinking|wondering)"),
        ("(decided|made up my mind|ready)( that)? (i'm|i am) (going to|gonna) do it(?=\\s*([.!?,;]|$| on | "
        "tonight|"
        " tomorrow| this))"),
        "(how many|enough) {tablets} ... (take|kill|die|do it|end it)",
        "(walk|walking|walked|step|stepping|stepped|run|running|ran) (out )?into the (road|traffic)",
        "(engine running|exhaust pipe|hosepipe|hose pipe) & (garage|car|myself|{me})",
        ("{tablets} & (handful|boxes|packets|stash|stockpile|hidden|hid|hiding|saved|saving|collected|"
        "collecting|hoarded|all of them|the lot|every single one|whole (box|packet|bottle)|too many)"),
        ("(drive|driving|drove|crash|crashing|swerve|swerving|steer|steering) ... (off the road|off a "
        "(bridge|cliff)|"
        "into (a|the) (wall|tree|lorry|river|sea|bridge|traffic|oncoming))"),
        "(got|have|'ve got) (the |my |all my )?({medicine}|paracetamol|painkillers|rope) ready",
        ("(staring at|counting|counted|lining up|lined up) (the |my |all the |all my )?"
        "({medicine}|paracetamol|painkillers)"),
        ("looking at (the |my |all the |all my )?({medicine}|paracetamol|painkillers) "
        "(in the|and thinking|and wondering|for ages|for a long time)"),
        ("(jump|jumping|throw myself) (off|from) (a|the|our|my) "
        "(bridge|roof|balcony|cliff|building|car park|multi-storey)"),
        "(jump|jumping|step|stepping|walk|walking|throw myself) in front of",
        "in front of (a|the) (train|bus|lorry|truck|car)",
        "into (the )?(oncoming )?traffic",
        "walk(ing)? into the (sea|river|water)",
        "hang(ing)? myself",
        "(a|the) rope",
        ("(drive|driving|crash|crashing|steer|steering) (the car |my car )?into (a|the) "
        "(wall|tree|lorry|river|sea|bridge)"),
        "(goodbye|suicide) (notes?|letters?)",
        # A note for someone named, ending the sentence: "I've written a note for Ben."
        ("(written|wrote|writing|left) (a |my )?(last |final )?(notes?|letters?) (for|to) "
        "(everyone|my family|my husband|my partner|my kids|my children|my mum|the kids|\\w+)"
        "(?=\\s*([.!?]|$))"),
        ("(looked up|looking up|researched|researching|googled|googling|searching|searched) (for )?"
        "(how|ways) to (die|kill|end)"),
        "((best|easiest|quickest|painless|fastest|surest|a) )?ways? to (die|kill myself|end it|end my life)",
        ("(planning|plan|going|want|wanted|thinking about|thought about|tempted) to jump(?=\\s*([.!?,;]|$| "
        "off| from|"
        " in front))"),
        "how to (kill myself|end my life|end it all)",
        "(how|when|where) (i'll|i will|i would|i'd|i'm going to|to) (do it|end it)",
        "(have|got|made|making) a plan (to|for) (end|die|kill|do it)",
        "(started|start|been) planning (how|it|when|my death|my suicide)", "planned (how|when|it all)",
        ("plan(ning|ned)? (is )?to (take|swallow) (the|all|my|all my|all the) ... ({medicine}|paracetamol|"
        "painkillers)"),
    ),
    if_denied=Tier.AMBER, denied_label=_SAID_THEY_ARE_SAFE,
    # Keeping medicines from a toddler is childproofing.
    unless=(
        "(from|away from) (the )?(toddler|kids|children|baby|little one|dog)", "out of reach",
        "child-?proof\\w*",
    ),
)

_SELF_HARM = Rule(
    "self_harm", Tier.RED, "Self-harm, or fear of acting on harmful thoughts",
    (
        ("(hurt|hurts|hurting|harm|harms|harmed|harming|cut|cuts|cutting|burn|burns|burnt|burned|burning|"
        "starve|starving|starved|scratch|scratching|scratched) myself"),
        ("(cutting|self(-| )?harming)(?! (back|down|carbs|sugar|out|the|a|her|his|its|it|up|food|corners|"
        "costs|"
        "onions|teeth|nails|grass|hair|bread|fruit|veg\\w*|toast|cake|my hair)) & (again|to cope|last night|"
        "yesterday|today|couldn't stop|can't stop|urges?|been|started|relapsed|scars?|blood|bleed\\w*|{me})"),
        ("(drown|drowning|hang|hanging|suffocate|suffocating|poison|poisoning|gas|gassing|electrocute|"
        "electrocuting|shoot|shooting|stab|stabbing|punch|punching|punched|hit|hitting|strangle|"
        "strangling|bite|biting|bit) myself"),
        "self(-| )?harm(ing|ed)?",
        ("(been|started|start|keep|kept|back to) (cutting|self-harming|self harming)( again)?"
        "(?=\\s*([.!?,;]|$))"),
        ("(cutting|burning|scratching|hitting|punching|picking at|biting|pulling at) my (arms?|legs?|wrists?|"
        "skin|thighs?|stomach|face|head)"),
        "(till|until) (they|it|i|my \\w+) (bleed|bled|bleeds|bleeding)",
        "(banging|hitting|hit|bang|banged) my head (against|on) (the|a) (wall|floor)",
        "(a )?danger to myself",
        ("(can't|couldn't|unable to|not able to|struggling to|don't know if i can|not sure i can|"
        "not sure if i can) keep myself safe"),
        ("(can't promise|can't guarantee|don't know if|not sure if|not sure|unsure if) (i'll|i will|i can|"
        "i'm able to) keep (myself|me) safe"),
        "(i'm|i am) not (safe|ok|okay) (right now|tonight|to be (alone|left))",
        "scared of what i (might|could|will|would) do",
        ("(might|could|will|'ll|going to|gonna|want to|tempted to|close to) do something (stupid|silly|"
        "drastic)"),
        "(do|doing|did) something (stupid|silly|drastic|bad) to myself",
        "(don't|can't|do not) trust myself not to",
    ),
    if_denied=Tier.AMBER, denied_label=_SAID_THEY_ARE_SAFE,
    # "I cut myself chopping onions" is an accident.
    unless=(
        "accident(ally)?", "by mistake", "lifting", "carrying", "chopping", "cooking", "shaving",
        "fell", "falling", "tripped", "slipped", "on the (kettle|oven|iron|hob|pan|stairs|gate)",
        "at the gym", "running",
    ),
)

_HARM_TO_BABY = Rule(
    "harm_to_baby", Tier.RED, "Thoughts of harming the baby",
    (
        "({harm}|{harming}) {baby}",
        # Said by mothers describing a frightening thought, unlike "I would never".
        "(don't|do not) want to {harm} ({baby}|{child_pronoun})",
        ("(scared|afraid|worried|frightened|terrified|panicking) (that )?"
        "(i|i'll|i'd|i'm|i might|i could|i will|i would|i may) ... "
        "({harm}|{harming}|dropping) ({baby}|{child_pronoun})"),
        ("(scared|afraid|worried|frightened|terrified|panicking|thoughts?|images?|pictures?|visions?|"
        "urges?|impulses?|flashes) (of|about|to) (me |myself )?(accidentally |actually |deliberately )?"
        "({harm}|{harming}|dropping) ({baby}|{child_pronoun})"),
        ("(imagine|imagining|picture|picturing|see|seeing) (myself )?({harming}|dropping) "
        "({baby}|{child_pronoun})"),
        "what if i ... ({harm}|drop|dropping) ({baby}|{child_pronoun})",
        "(feel like|felt like|tempted to|close to) ({harm}|{harming}) ({baby}|{child_pronoun})",
        ("(might|could|want to|wanted to|wanting to|feel like|felt like|urge to|nearly|almost) "
        "(hurt|harm|shake|smother|suffocate|drown|throw|hit) {child_pronoun}"),
        "(stop|stopping) (her|his|the baby's|my baby's) breathing",
        "what i (might|could|would|will|'ll|'d) do (to|with) ({baby}|{child_pronoun})",
        "(safer|better off) with (someone|somebody|anyone) else",
        ("(scary|horrible|awful|intrusive|dark|frightening|bad|evil|disturbing) thoughts & ({harm}|{harming}|"
        "drop|dropping)"),
        ("(images?|thoughts?|pictures?|visions?|urges?) (of|about) (putting|pushing|leaving|throwing|holding) "
        "({baby}|{child_pronoun}) (in|into|under|down|out of|off|outside|out in the cold|alone)"),
        ("(could|might|want to|wanted to|feel like|felt like|urge to|nearly|almost) (smash|bang|hit) "
        "(her|his|the baby's|my baby's) head"),
        "(smash|smashed|smashing) (her|his|the baby's|my baby's) head",
        ("(how easy|so easy|tempting|tempted) ... ({harm} ({baby}|{child_pronoun})|stop (her|his|the baby's|"
        "my baby's) breathing)"),
        "(hold|holding|held|push|pushing|put|putting) (her|him|the baby|my baby) under",
        ("(letting go|let go|drop (her|him)|dropping (her|him)|throw (her|him)) & (stairs|balcony|window|"
        "bridge|"
        "edge|water)"),
        "trust myself not to ({harm}) ({baby}|{child_pronoun})",
        "(don't|can't|do not) trust myself (around|with|near|alone with) ({baby}|{child_pronoun})",
        ("(normal|common) to (want to |feel like |think about |have thoughts (of|about) |have urges to )"
        "({harm}|{harming}) (your|a|my|the) (baby|child|kid|son|daughter)"),
        "(not|isn't|is not|aren't) safe (around|with|near) ({baby}|{child_pronoun})",
        "{baby} (is|'s) not safe with me",
        "{baby} isn't safe with me",
        "{baby} would be better off without me",
        "(a |such a |real )?danger to ({baby}|{child_pronoun})",
        "(pillow|cushion|hand) over (her|his|the baby's|my baby's) (face|mouth)",
        "(drop|dropping|throw|throwing) ({baby}|{child_pronoun}) (on purpose|deliberately)",
        "(shook|shaken|smacked|slapped) {baby}",
        "(shook|smacked|slapped) {child_pronoun}(?! (awake|hand|up|off))",
    ),
    about_self=True,
)

_HEARING_VOICES = Rule(
    "hearing_voices", Tier.RED, "Hearing voices or seeing things others cannot",
    (
        ("(hear|hears|hearing|heard) (voices|a voice|someone talking|people talking|"
        "things that aren't there)"),
        ("(the )?voices? (in my head|telling|told|tell|tells|saying|say|said|talking|talk|whispering|"
        "keep|keeps|won't stop|are back|came back|again|at night)"),
        "the voices",
        ("(voice|voices|whisper|whispers|whispering|(someone|somebody|people) (keeps |keep |is |are )?"
        "(talking|whispering|calling)) & (tell|tells|telling|told|"
        "says|saying|said|at night|nobody there|no one there|no-one there|nobody's there|in my head|evil|"
        "my name|commands?|orders?|when i'm alone|in the room) & {me}"),
        "(i'm|i am|i've been|i keep|been|keep) hearing things",
        ("(hear|hearing|heard) (my |a |his |her )?\\w+'s voice (telling|saying|calling|in my head|when|"
        "even though|at night)"),
        "(hear|hearing|heard) my name( being)? call(ed|ing)?",
        ("(seeing|see|saw|seen) (things|shadows|people|faces|figures|shapes|someone|a man|a woman) & "
        "((aren't|isn't|weren't|wasn't) (really )?there|nobody|no one|in the corner|at night|out of the "
        "corner)"),
        "a voice (in my head|telling|told|said)",
        "(someone|something|a voice|voices) (keeps |keep |is |are |'s )?(whispering|calling|saying) my name",
        "(see|seeing|saw) (things|people|shapes|faces) (that|who|which) (aren't|are not|weren't|isn't) there",
    ),
)

_BEING_WATCHED = Rule(
    "being_watched", Tier.RED, "Feeling watched, followed, poisoned or plotted against",
    (
        "cameras? (are |is )?(watching|recording|filming|spying|following|hidden|everywhere)",
        "cameras? in (the|my|our) (walls?|ceiling|lights?|smoke alarm|tv|telly|mirror|clock|vents?|plugs?)",
        "(hidden|secret|tiny) (cameras?|microphones?|mics?|bugs|listening devices?|trackers?)",
        "(put|hidden|installed|planted) (a )?cameras?",
        ("(put|planted|hidden|installed) (a )?(tracker|tracking device|chip|microchip|bug|listening device) "
        "(in|on)"),
        ("(i'm|i am|we're|we are|i feel|feel like i'm|the house is|the flat is) being "
        "(watched|followed|filmed|recorded|monitored|spied on|listened to)"),
        ("(someone|somebody|people|they|men|a man|strangers|the neighbours|the police|everyone|everybody)"
        "('s|'re| is| are| keep| keeps)?( all)? (watching|following|spying on|tracking|filming|recording) "
        "(me|us)"),
        "(phone|house|flat|car|room) (is|has been|was) bugged",
        ("(my|our) (phone|phones|house|flat|home|car|calls|messages|emails|texts|laptop|computer) "
        "(is|are|has been|have been) being (monitored|tracked|watched|recorded|listened to|read|hacked)"),
        ("(they|people|everyone|strangers|the neighbours|the tv|the radio) (know|knew|knows|can hear|heard) "
        "what i('m| am| was) thinking"),
        "(people|everyone|everybody|strangers|they|the neighbours)( were| are| keep| kept)? talking about me",
        "(thoughts|mind) (are|is|were|was) being (broadcast|read|controlled|stolen|taken)",
        "(broadcasting|broadcast|stealing|taking) my thoughts", "thought broadcasting",
        "(recording|listening to|spying on|monitoring|filming) (everything|all|every word) (i|we) (say|do)",
        ("(someone|somebody|they|people)('s| is| are|'re)?( definitely)? (reading|hacking|hacked|monitoring|"
        "checking|listening to|intercepting) my (emails|texts|messages|phone|calls|mind|thoughts)"),
        "bugged my",
        "(listening to|tapping|tapped) my (phone|calls|thoughts)",
        "(poisoning|poisoned|poison) (me|my (food|drink|tea|coffee|water|milk|meals?)|the baby|my baby)",
        ("(sending|send|sends|sent|beaming) (signals|messages|rays|waves|radiation) (through|into|at|to) "
        "(me|the (ceiling|walls?|floor)|my (head|brain))"),
        ("(putting|put|puts) (things|something|stuff|poison|drugs|chemicals) in my "
        "(food|drink|tea|coffee|water)"),
        "(out to get|plotting against|conspiring against) (me|us)",
        ("(they|people|someone|somebody|everyone|the neighbours|the nurses|the doctors|the government|"
        "the police)"
        "('re|'s| are| is)? (trying|going|out|plotting|planning) to (kill|poison|hurt|harm|get rid of) "
        "(me|us|my baby|the baby)"),
        ("(watching|watched|spying|monitoring|monitored|tracking|tracked|following|followed|bugged|"
        "listening) & "
        "(government|police|mi5|social services|neighbours|hospital|health visitor|people|someone|strangers|"
        "they|the tv|the telly|cameras?) & (me|us|our (house|home|flat)|my (house|home|flat|phone|baby))"),
        ("(plot(?! of| twist| line)|plotting|conspiracy|conspiring|scheming|in on it) & (me|us|my baby|"
        "take (my|the) baby)"),
        "(can|could) read my (mind|thoughts)",
        "(reading|controlling|control) my (mind|thoughts)",
        "put(ting)? thoughts in(to)? my head",
    ),
)

_SPECIAL_MESSAGES = Rule(
    "special_messages", Tier.RED, "Believing the TV, radio or signs send them messages",
    (
        ("(tv|telly|television|radio|news|newsreader|presenter|adverts?|songs?|number plates?|billboards?)"
        "('s|'re| is| are| was| were| keeps| kept)? (sending|giving|talking|speaking|send|give|talk|speak) "
        "(me )?(messages?|signals?|signs|to me|directly to me|about me)"),
        ("(tv|telly|television|radio|news|adverts?|songs?|number plates?|billboards?) ... (sending|giving|"
        "send|give|gives|sends) me (messages?|signals?|signs|instructions|orders|commands|codes|clues)"),
        ("(presenter|newsreader|news|tv|telly|television|radio|adverts?|songs?) & (talking to me|speaking "
        "to me|"
        "talking about me|messages? for me|signals? to me|directly to me|looking at me)"),
        ("(the universe|god|the angels?|the stars)( is| are| keeps| keep)? (showing|sending|giving|telling) "
        "me"),
        "(connection|link) with the (tv|telly|radio|universe|television)",
        "(tv|telly|radio|television) (understands|knows|speaks to|reads) me",
        "(is|are) (a )?(messages?|signs?|signals?) (to|for) me",
        ("(getting|get|got|receiving|sent) (signs|messages|signals|instructions) from (the universe|god|"
        "the angels|above|the spirits)"),
        ("(a code|codes|coded|signs?|signals?|messages?|numbers|meanings?) & (meant for me|just for me|"
        "only i can|to me personally|for me to (find|follow|work out|decode))"),
        ("(messages?|signals?|signs) (hidden |secret |coded )?(from|through|in|on) (the )?"
        "(tv|telly|television|radio|adverts|songs|news|number plates)"),
        "(secret|special|hidden|coded) (messages?|signs|signals|codes|meanings?) (for|to|meant for) me",
        "(tv|telly|radio|news|songs?) ... (is|are|were|was) (all )?about me",
        ("(number plates?|adverts?|songs?|billboards?|the tv|the telly|the radio|the news) ... "
        "(messages?|signs|signals|meant) (for|to|about) me"),
    ),
)

_UNUSUAL_BELIEFS = Rule(
    "unusual_beliefs", Tier.RED, "Unusual beliefs that can mean psychosis is returning",
    (
        "(god|the devil|angels?|spirits?|jesus)( is| are| keeps| keep)? (talking to|speaking to|telling) me",
        "everything (is|feels|seems) (so )?(connected|linked|meant to be|a sign)",
        "(i'm|i am) (the|a) (chosen one|messiah)",
        "(god|the universe|jesus|angels?) (has|have) (chosen|picked|selected) me",
        "(chosen|picked|selected) me for (something|a) (special|mission|purpose)",
        ("(not really|isn't really|isn't actually|not actually) my (husband|partner|mum|mother|baby|son|"
        "daughter)"),
        "(someone|somebody) pretending to be",
        "(he's|she's|they're) (someone|somebody) pretending",
        "(i have|i've got|i've been given) (special )?(powers|a mission)",
        "(baby|she|he) (isn't|is not|'s not) (mine|my (real )?baby)",
        "(swapped|switched|replaced) (my|the|our) baby",
        "({baby}|she|he) (has been|had been|was|got) (swapped|switched|replaced)",
        "(can|could) (now )?talk to (animals|birds|the dead|spirits)", ("(animals|birds) (tell|talk to|"
        "speak to) me"),
        "({baby}|she|he) (is|'s) (evil|the devil|possessed|a demon)",
        "(he|she|my husband|my partner|my mum|my baby|the baby)( has| had|'s)? been replaced",
        # Not "I've got imposter syndrome".
        "(he|she|baby|my husband|my partner|my mum|they)( is|'s|'re| are) (an )?(imposters?|impostors?)",
        "replaced by (an )?(imposter|impostor|someone else)",
        "(isn't|is not|'s not|not) (really )?mine",
        "(mixed|swapped|switched) (her|him|them|the babies|babies|my baby) (up|over|round)",
        "(read|see into|hear) (people's|other people's|everyone's) (minds|thoughts)",
    ),
)

_NO_SLEEP = Rule(
    "no_sleep_for_days", Tier.RED, "Not sleeping for days (a warning sign of psychosis)",
    (
        # "Haven't slept properly in weeks" is new-parent life and not matched.
        ("(haven't|have not|not|hardly|barely|didn't|did not|couldn't|could not|can't|cannot|hadn't) "
        "(slept|slept a wink|had any sleep|had a wink|been able to sleep|closed my eyes)( at all)? "
        "(for|in|since) ({how_many} )?(days|nights|{day_name})"),
        "no sleep (at all )?(for|in) ({how_many} )?(days|nights)",
        "(up|awake) (all night )?for ({how_many} )?(days|nights)",
        "awake for (48|72) hours",
        "(can't|cannot|don't) remember (when|the last time) i (last )?slept",
        "(don't|do not|didn't|haven't|have not|not) need(ed)? (any |to )?sleep",
        ("(haven't|have not|not|hardly|barely|didn't|did not|couldn't|can't|without|no) ... (slept|sleep|"
        "been to sleep|been to bed|closed my eyes|a wink) & ({how_many} (days|nights)|nights running|"
        "nights in a row|days running|since {day_name}) & {me}"),
        "(up|awake) all night & ({how_many} nights|nights running|nights in a row|every night this week)",
        ("slept (maybe |only |about |just |barely )?(an hour|a couple of hours|{how_many} hours?) (since|in) "
        "({day_name}|{how_many} days)"),
        ("(an hour|a couple of hours|{how_many} hours?)( of)? sleep (a night )?(in|for|over) (the last |the "
        "past |a )?"
        "({how_many} )?(days|nights|week)"),
        "(an hour|a couple of hours|{how_many} hours?) a night for (a|{how_many}) (week|weeks|days)",
        "(didn't|haven't|not|couldn't) sleep(ing)? at all & (the night before|nights|days|in a row|running)",
        "not (even )?(a nap|a wink|an hour|a minute) & ({how_many} (days|nights)|since {day_name})",
        "(not|haven't been|hardly|barely) sleeping( at all)?,? ... ({how_many}) (days|nights)",
    ),
    # "I haven't slept properly for days" and "she hasn't slept through" are new-parent life.
    unless=("properly", "well", "through", "much", "more than", "longer than", "a full night"),
)

RED_RULES: tuple[Rule, ...] = (
    _SUICIDAL_THOUGHTS, _SUICIDE_PLAN, _SELF_HARM, _HARM_TO_BABY, _HEARING_VOICES, _BEING_WATCHED,
    _SPECIAL_MESSAGES, _UNUSUAL_BELIEFS, _NO_SLEEP,
)
