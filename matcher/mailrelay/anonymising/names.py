# ruff: noqa: RUF001 - the tables are written in Greek, Cyrillic and other scripts whose letters look like Latin ones
"""People's names the relay was not told about: learned from headers, found by shape (pure).

Every header a message carries (From, To, Cc, Reply-To, Sender) and every quoted header block in its
text ("From: Full Name <...>", "Kimden: ...", "... <addr> wrote:") names somebody; those names are
removed wherever they recur in the new text. Beyond them, a full name is found by its shape: a name
with a hyphenated or particled surname, or a full name after a word for a relation ("my sister",
"meine Hebamme", "fy chwaer"). Names are blanked as names, in their own capitalisation, never as
common words.
"""
import re
from collections.abc import Iterable, Iterator
from email.utils import getaddresses

from matcher.mailrelay.anonymising.lines import SHORT_LINE
from matcher.mailrelay.anonymising.shapes import CAP, NOT_A_NAME, ORGANISATION, is_generic, is_title_line

_NAME_HEADERS = ("from", "to", "cc", "reply-to", "sender", "resent-from", "resent-to")
_NAME_PIECE = re.compile(r"[^\W\d_][\w'’.-]{0,40}")
# A display name names a person when it is a few words, none an organisation or role word.
_ROLE_WORDS = frozenset("""support team admin info office service services help desk helpdesk noreply no-reply
    mailer daemon postmaster reception enquiries contact hello mail via relay matcher coordinator coordinators
    volunteer volunteers nhs trust council""".split())  # noqa: SIM905 - a word list reads best as words
_BEFORE_ADDRESS = re.compile(
    rf"((?:{CAP}[ \t]{{1,2}}){{0,3}}{CAP})[\"'”]?[ \t]{{0,2}}(?:<|\[mailto:|\(mailto:)[^<>\s\]]{{1,100}}@")
_LABELLED_NAME = re.compile(rf"^\s*\*?[^\W\d_][^:\n]{{0,30}}:\*?[ \t]{{1,3}}((?:{CAP}[ \t]{{1,2}}){{1,3}}{CAP})[ \t]*$")


def header_names(headers: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """Return the people's display names in a message's address headers."""
    found = []
    for name, value in headers:
        if name.lower() in _NAME_HEADERS:
            found += [display for display, _ in getaddresses([value]) if _is_person(display)]
    return tuple(dict.fromkeys(display.strip().strip("\"'") for display in found))


def quoted_header_names(text: str) -> tuple[str, ...]:
    """Return the names that quoted and forwarded header blocks and attribution lines carry."""
    found = []
    for line in text.splitlines():
        if len(line) > 300:
            continue
        found += [m.group(1) for m in _BEFORE_ADDRESS.finditer(line)]
        labelled = _LABELLED_NAME.match(line)
        if labelled:
            found.append(labelled.group(1))
    return tuple(dict.fromkeys(name for name in found if _is_person(name)))


def _is_person(display: str) -> bool:
    words = _NAME_PIECE.findall(display or "")
    if not words or len(words) > 5 or is_title_line(display) or ORGANISATION.search(display):
        return False
    return not any(word.casefold() in _ROLE_WORDS for word in words)


def clean_display_name(display: str) -> str:
    """Return the person's name in a display name such as "Jane Doe | Larkspur NHS Trust"."""
    person = re.split(r"\s[|/–—-]\s|[|(\[,]", display, maxsplit=1)[0].strip().strip("\"'")
    # "Jane Doe NHS": the role and organisation words go, the person's words stay.
    words = [word for word in person.split() if word.casefold() not in _ROLE_WORDS and not ORGANISATION.fullmatch(word)
             and not is_title_line(word)]
    return " ".join(words)


# ----- full names by shape ------------------------------------------------------------------------
_PARTICLE = (r"(?:de|van|der|den|von|du|da|dos|das|di|del|della|le|la|ní|nic|ó|o'|mac|mc|bin|bint|ibn|al|el|ap"
             r"|ferch|ter|ten|y)")
_CAP_WORD = r"[A-ZÀ-ÖØ-ÞĀ-\u017fȘȚ][\w'’]{1,30}"
# "Bethan Prydderch-Ffug", "Noor Jansen-Smit": a capitalised word before a capitalised compound.
_FIRST_WORD = rf"(?!{NOT_A_NAME}\b){_CAP_WORD}"
_HYPHENATED = re.compile(rf"(?<![\w-]){_FIRST_WORD}[ \t]{{1,2}}{_CAP_WORD}-(?:{_PARTICLE}-)?{_CAP_WORD}(?![\w-])")
# "Mila de Bruin", "Siobhán Ní Bhriain": a first name, a particle, a capitalised surname.
_PARTICLED = re.compile(rf"(?<![\w-]){_FIRST_WORD}[ \t]{{1,2}}(?-i:{_PARTICLE}|Ní|Nic|Ó|Mac|Van|De|Al|El)"
                        rf"[ \t-]{{1,2}}{_CAP_WORD}(?![\w-])")
_RELATION_WORDS = (
    r"(?:my|our|your|her|his|the)\s{1,2}(?:(?:older|younger|big|little|best|new|lovely|ex|old)\s{1,2})?"
    r"(?:sister|brother|mum|mother|mam|mom|dad|father|husband|wife|partner|fiancée?|daughter|son|baby|friend"
    r"|colleague|boss|manager|gp|midwife|health\s{1,2}visitor|neighbour|neighbor|cousin|aunt|auntie|uncle"
    r"|nan|nana|gran|granny|grandma|grandad|grandmother|grandfather|(?:mother|father|sister|brother)-in-law"
    r"|psychiatrist|nurse|doctor|consultant|therapist|counsellor|counselor|niece|nephew|stepmum|stepdad)"
    r"|(?:called|named|namens|nommée?|llamad[ao]|chamad[ao]|genaamd|nazywa\s{1,2}się|ad\u0131nda|numit[ăa])"
    r"|(?:meine?|ma|mon|mi|minha|meu|mijn|moja|mój|mojej|moją|fy|mo)\s{1,2}"
    r"(?:schwester|bruder|mutter|mama|vater|mann|frau|partnerin|tochter|sohn|freundin|kollegin|hebamme|ärztin"
    r"|sœur|soeur|frère|mère|maman|père|mari|conjointe?|fille|fils|amie?|collègue|sage-femme|médecin"
    r"|hermana|hermano|madre|mamá|padre|marido|esposa?o?|pareja|hija|hijo|amiga|matrona|irmã|irmão|mãe|pai"
    r"|companheir[ao]|filh[ao]|parteira|zus|broer|moeder|vader|man|vrouw|dochter|zoon|vriendin|collega"
    r"|verloskundige|siostra|siostry|brat|matka|mąż|żona|partnerka|córka|syn|przyjaciółka|koleżanka|położna"
    r"|chwaer|mrawd|mam|nhad|ngŵr|ngwraig|mhartner|merch|mab|ffrind|mydwraig|dheirfiúr|dheartháir|mháthair"
    r"|athair|chara)"
    r"|(?:mia|mio)\s{1,2}(?:sorella|fratello|madre|mamma|padre|marito|moglie|compagna|compagno|figlia|figlio"
    r"|amica|collega|ostetrica|suocera)"
    r"|(?:أختي|أخي|أمي|أبي|زوجي|زوجتي|ابنتي|ابني|صديقتي|صديقي|القابلة)"
    r"|(?:میری\s{1,2}(?:بہن|امی|والدہ|بیوی|بیٹی|دوست|سہیلی|ساس)|میرا\s{1,2}(?:بھائی|بیٹا|دوست)|میرے\s{1,2}(?:شوہر|ابو))"
    r"|(?:sora\s{1,2}mea|fratele\s{1,2}meu|mama\s{1,2}mea|soțul\s{1,2}meu|soţul\s{1,2}meu|soția\s{1,2}mea"
    r"|fiica\s{1,2}mea|prietena\s{1,2}mea|moașa|ablam|k\u0131z\s{1,2}kardeşim|annem|babam|eşim|kocam|k\u0131z\u0131m|oğlum"
    r"|arkadaş\u0131m|ebem)"
)
# Titles before a name are written with their capital ("Dr", "Nurse"); "a nurse" in prose is not one.
_HONORIFICS = (r"(?:Dr|Dr\.|Mrs|Mrs\.|Mr|Mr\.|Ms|Ms\.|Miss|Prof|Prof\.|Sister|Nurse|Frau|Herr|Mme|Mme\.|Sra\.|Sr\."
               r"|Pani|Pan|Doamna|Domnul|Bayan|Bay)")
# Family words are capitalised as names are ("Mum", "Nan"), and are not anybody's name.
_NAME_AFTER_CUE = (r"(?!(?:Mum|Mam|Mom|Mummy|Dad|Daddy|Nan|Nana|Gran|Granny|Baby|Bump|Monday|Tuesday|Wednesday"
                   r"|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August"
                   r"|September|October|November|December|Christmas|Easter)\b)[A-ZÀ-ÖØ-Þ][a-zß-ÿ\u0100-\u017f'’]{1,30}")
_RELATION_NAME = re.compile(
    rf"(?:(?i:(?<!\w){_RELATION_WORDS})|(?<!\w){_HONORIFICS})(?:,)?\s{{1,2}}({_NAME_AFTER_CUE}"
    rf"(?:[ \t]{{1,2}}(?:{_PARTICLE}[ \t]{{1,2}})?{_NAME_AFTER_CUE}(?:-{_CAP_WORD})?){{1,2}})(?![\w-])")
_ARABIC_RELATION = re.compile(
    r"(?:أختي|أخي|أمي|أبي|زوجي|زوجتي|ابنتي|ابني|صديقتي|صديقي|القابلة|الطبيبة|الدكتورة|الدكتور)\s{1,2}"
    r"([\u0621-\u064A]{2,20}\s{1,2}ال[\u0621-\u064A]{2,20})")


# Scripts without capitals (Arabic, Urdu, Hindi): a full name is the two words after a word for a relation
# ("زوجي ...", "میری ساس ...", "मेरे पति ..."), unless one of them is a word of the sentence itself.
_CASELESS_RELATIONS = (
    r"(?:أختي|أخي|أمي|أبي|زوجي|زوجتي|ابنتي|ابني|صديقتي|صديقي|جارتي|جاري|حماتي|القابلة|الطبيبة|الدكتورة|الدكتور|طبيبتي|طبيبي"
    r"|بہن|امی|والدہ|بیوی|بیٹی|دوست|سہیلی|ساس|سسر|بھائی|بیٹا|شوہر|ابو|والد|پڑوسن|پڑوسی|ڈاکٹر|نند|بھابھی"
    r"|पति|पत्नी|बहन|भाई|माँ|मां|मम्मी|पिता|पापा|सास|ससुर|बेटी|बेटा|दोस्त|सहेली|पड़ोसन|पड़ोसी|डॉक्टर|ननद|भाभी|देवर"
    # Persian, Bengali, Gurmukhi, Gujarati, Tamil, Hebrew: the UK's other community scripts without capitals.
    r"|همسرم|شوهرم|خواهرم|برادرم|مادرم|پدرم|دخترم|پسرم|دوستم|مادرشوهرم"
    r"|স্বামী|স্ত্রী|বোন|ভাই|শাশুড়ি|ননদ|মেয়ে|ছেলে|বন্ধু|প্রতিবেশী|ডাক্তার"
    r"|ਪਤੀ|ਪਤਨੀ|ਭੈਣ|ਭਰਾ|ਸੱਸ|ਨਨਾਣ|ਧੀ|ਪੁੱਤਰ|ਦੋਸਤ|ਗੁਆਂਢਣ|ਡਾਕਟਰ"
    r"|પતિ|પત્ની|બહેન|ભાઈ|સાસુ|નણંદ|દીકરી|દીકરો|મિત્ર|પાડોશી|ડૉક્ટર"
    r"|கணவர்|மனைவி|அக்கா|தங்கை|அண்ணன்|தம்பி|மாமியார்|மகள்|மகன்|நண்பர்|தோழி|மருத்துவர்"
    r"|בעלי|אשתי|אחותי|אחי|בתי|בני|חברתי|חברי|חמותי|השכנה|הרופאה)")
# Letters of those scripts, without their punctuation (the comma, question mark and full stops of each).
_CASELESS_NAME_WORD = (r"[\u0600-\u060b\u060d-\u061a\u061c-\u061e\u0620-\u06d3\u06d5-\u06ff"
                       r"\u0900-\u0963\u0966-\u097f\u0980-\u0aff\u0b80-\u0bff\u0590-\u05ff]{2,20}")
_CASELESS_RELATION = re.compile(rf"(?<![\w]){_CASELESS_RELATIONS}[ \t]{{1,2}}({_CASELESS_NAME_WORD})[ \t]{{1,2}}"
                                rf"({_CASELESS_NAME_WORD})(?![\w])")
# Words of the sentence that follow a relation word: postpositions, particles, common verbs and pronouns.
_SENTENCE_WORDS = frozenset("""في من على إلى عن مع هو هي كان كانت يقول قال قالت تقول إن أن إنني أنني لا لم لن قد
    ما كل هذا هذه اليوم أيضا أيضاً جدا جداً يعمل تعمل يعمل يريد تريد عندي عنده عندها ليس و
    يوم غدا غداً أمس الآن صباح مساء الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت معي معنا عندنا هنا
    میں نے کو سے کا کی کے پر ہے ہیں تھا تھی تھے بھی اور تو نہیں آج کام یہ وہ بہت کہ جو ابھی
    में ने को से का की के पर है हैं था थी थे भी और तो नहीं आज काम यह वह बहुत कि जो अभी
    امروز کار خانه نه خیلی الان را به در از با است هست
    আজ কাজ বাড়িতে এবং ও না খুব এখন আমাকে
    ਅੱਜ ਕੰਮ ਘਰ ਅਤੇ ਨਹੀਂ ਬਹੁਤ ਹੁਣ ਨੂੰ ਨੇ ਦੇ ਦੀ ਦਾ ਵਿੱਚ ਹੈ ਹਨ
    આજે કામ ઘરે અને નથી બહુ હવે ને નો ની નું માં છે
    இன்று வேலை வீட்டில் மற்றும் இல்லை மிகவும் இப்போது
    היום עובד עובדת בבית לא מאוד עכשיו את של עם הוא היא אמר אמרה""".split())  # noqa: SIM905


def name_shape_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every full name found by its shape alone."""
    for pattern in (_HYPHENATED, _PARTICLED):
        for match in pattern.finditer(text):
            yield match.span()
    for match in _RELATION_NAME.finditer(text):
        yield match.span(1)
    for match in _ARABIC_RELATION.finditer(text):
        yield match.span(1)
    for match in _CASELESS_RELATION.finditer(text):
        # Arabic's future prefix ("ستزورنا", she will visit us) opens a verb, not a name.
        if match.group(1) not in _SENTENCE_WORDS and match.group(2) not in _SENTENCE_WORDS and not re.match(
                "س[يتنأ]", match.group(1)):
            yield match.start(1), match.end(2)


# ----- capitalised runs in the middle of a sentence ---------------------------------------------
# In every script with capitals (Latin, Greek, Cyrillic, Vietnamese ...) two or more capitalised words
# in a row inside a sentence are a proper name: a person ("La mia vicina Rosaria Gualtieri"), an
# employer ("Nordkust Bygg AB"), a clinic or a street. No list of languages or relation words is needed.
_TOKEN = re.compile(r"[^\W\d_][\w'’]*+(?:-[^\W\d_][\w'’]*+)*+")
# Lower-case words that sit inside a name: "Via dei Mille", "Bácús na Trá", "Mila de Bruin".
_INSIDE_A_NAME = frozenset("""de da di del della dei degli delle van von der den du dos das le la al el bin ibn
    ní nic ó mac y na ter ten op af ap""".split())  # noqa: SIM905 - a word list reads best as words
_SENTENCE_MARKS = frozenset(".!?:;…\u06d4\u0964\u061f\n")
_OPENERS = frozenset(" \t\"'“‘«„(*•>–—-")
# Capitalised words everyone writes that name nobody: the calendar, the care the service is about,
# greetings and sign-offs. A run made only of these stays ("Mother and Baby Unit", "Boxing Day").
_EVERYONE = frozenset("""monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december christmas easter eid diwali ramadan hanukkah
    new year years year's eve day boxing good bank holiday holidays mother's father's mothers fathers valentine's
    nhs gp a&e mental health team unit baby mother ward hospital clinic crisis home treatment perinatal
    postnatal postpartum antenatal maternity neonatal psychosis depression anxiety bipolar disorder
    psychiatric emergency department intensive care special visitor visitors midwife midwives health-visiting
    service services centre center children's community primary support group social worker worker
    kind regards best wishes many thanks thank you warm love lots happy birthday merry dear hi hello
    mum mam mom mummy mommy dad daddy nan nana gran granny grandma grandad nanny bump
    liebe lieben viele beste herzliche schöne grüße grüsse gruß cofion cynnes groeten groet hartelijke
    vriendelijke hälsningar saludos cordiales cumprimentos pozdrawiam serdecznie
    ok tv dvd uk us eu""".split())  # noqa: SIM905 - a word list reads best as words


def proper_name_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of every run of two or more capitalised words inside a sentence.

    A run that opens a sentence or a line loses its first word (any sentence starts with a capital),
    unless the line is the run alone (a name on its own line). Words wholly in capitals only count
    beside a capitalised word ("TNHH Mây Xanh"), so shouting stays. Linear: one pass over the words.
    """
    tokens = list(_TOKEN.finditer(text))
    german = _reads_german(tokens)
    index = 0
    while index < len(tokens):
        end = _run_end(text, tokens, index)
        if end is None:
            index += 1
            continue
        members = [i for i in range(index, end + 1) if _capitalised(tokens[i].group())]
        starts = _opens_sentence(text, tokens[index].start())
        opens = starts and not _alone_on_line(text, tokens[index].start(), tokens[end].end())
        # German capitalises every noun: after "mein", "die", "einer" the first word is one ("Mein Freund Jonas"),
        # and so is the first word of a German sentence ("Diese Woche"). Elsewhere a sentence opening on two
        # capitalised words opens on a name ("Oskar Example came round"), once words any sentence opens
        # with ("Yesterday", "Love", "Good") are left out.
        if _after_german_article(tokens, index) or (opens and german):
            first = members[1]
        elif starts:
            first = next((i for i in members if tokens[i].group().casefold() not in _OPENING), members[-1])
        else:
            first = members[0]
        run = [i for i in members if i >= first]
        # "Mrs Hope", "Dr Ana Lima": the title stays, the name after it goes, even a lone surname.
        titled = re.fullmatch(_HONORIFICS, tokens[run[0]].group().rstrip(".")) is not None
        if titled:
            run, first = run[1:], run[1] if len(run) > 1 else first
        words = [tokens[i].group() for i in run]
        if (len(run) >= 2 or (titled and run)) and any(_title_case(w) for w in words) and not all(
                w.casefold() in _EVERYONE or is_generic(w) for w in words):
            yield tokens[first].start(), tokens[end].end()
        index = end + 1


_GERMAN_ARTICLES = frozenset("""der die das den dem des ein eine einen einem einer eines kein keine keinen keinem
    mein meine meinen meinem meiner dein deine deinen deinem deiner sein seine seinen seinem seiner ihr ihre ihren
    ihrem ihrer unser unsere unseren unserem unserer euer eure""".split())  # noqa: SIM905


_GERMAN_WORDS = frozenset("""und ich nicht ist das die der mit auch wir sie ein eine zu für auf sehr habe hat bin
    mir dich dir noch aber schon heute danke""".split())  # noqa: SIM905
_OPENING = frozenset((*_EVERYONE, *"""yesterday today tonight tomorrow last next this that sorry thanks also then both
    maybe sometimes even still so now well oh yes no please morning evening night afternoon bless sweet big hugs
    cheers lots xx xxx""".split()))  # noqa: SIM905


def _reads_german(tokens: list) -> bool:
    """Tell German text (which capitalises nouns) by its commonest words; the first 400 words are enough."""
    return len({token.group().casefold() for token in tokens[:400]} & _GERMAN_WORDS) >= 3


def _after_german_article(tokens: list, index: int) -> bool:
    return index > 0 and tokens[index - 1].group().casefold() in _GERMAN_ARTICLES


def _capitalised(word: str) -> bool:
    """Tell a capitalised word that could be part of a name; "I", "The", "My" are not, "De" and "La" may be."""
    if not word[:1].isupper():
        return False
    return word.casefold() in _INSIDE_A_NAME or re.fullmatch(NOT_A_NAME, word) is None


def _title_case(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _run_end(text: str, tokens: list, index: int) -> int | None:
    """Return the last token of the capitalised run starting at index (one space between words)."""
    if not _capitalised(tokens[index].group()):
        return None
    end = index
    while end + 1 < len(tokens) and text[tokens[end].end():tokens[end + 1].start()] == " ":
        following = tokens[end + 1].group()
        if _capitalised(following):
            end += 1
        elif (following.casefold() in _INSIDE_A_NAME and end + 2 < len(tokens)
              and text[tokens[end + 1].end():tokens[end + 2].start()] == " "
              and _capitalised(tokens[end + 2].group())):
            end += 2
        else:
            break
    return end if end > index else None


def _opens_sentence(text: str, start: int) -> bool:
    position = start - 1
    while position >= 0 and text[position] in _OPENERS:
        position -= 1
    return position < 0 or text[position] in _SENTENCE_MARKS


def _alone_on_line(text: str, start: int, end: int) -> bool:
    """Tell whether the run is all its line holds; only a short stretch either side is read (linear time)."""
    before = text[max(0, start - SHORT_LINE):start]
    after = text[end:end + SHORT_LINE]
    if "\n" not in before and start > SHORT_LINE:
        return False
    line_end = after.find("\n")
    return not before.rpartition("\n")[2].strip() and not (after if line_end < 0 else after[:line_end]).strip(" \t,")


def case_kept_pattern(names: Iterable[str]) -> re.Pattern | None:
    """Match learned names and their parts only as names are written: Capitalised or UPPER, whole words."""
    parts = {p for name in names for p in re.split(r"[\s\-'’]+", name) if len(p) >= 3}
    forms = {form for part in parts for form in (part[:1].upper() + part[1:], part.upper(), part)
             if form[:1].isupper() or not form[:1].isalpha() or form.lower() == form.upper()}
    if not forms:
        return None
    ordered = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{_CAP_WORD}-)?(?:{ordered})(?:-{_CAP_WORD})?(?![\w-])")
