# ruff: noqa: RUF001 - the tables are written in Greek, Cyrillic and other scripts whose letters look like Latin ones
"""What a person says about their own work: "I work as ... at ...", in the service's languages (pure).

A job title in prose is lower case in most languages ("sou enfermeira", "jestem inspektorką"), and an
employer is inflected ("w Urzędzie ..."), so neither is found by its shape alone. The words around
them are: a cue that the writer is describing their work, then the title or the employer. Every
repetition is bounded (linear time).
"""
import re
from collections.abc import Iterator

from matcher.mailrelay.anonymising.shapes import CAP, is_generic

_WORD = r"[^\W\d_][\w'’-]{0,30}"
# A title ends where the employer or the sentence goes on: "a nurse | at the hospital".
_STOP = (r"(?:at|for|in|with|on|and|but|so|because|bei|für|und|aber|chez|pour|et|mais|en|para|y|pero|na|no|em"
         r"|e|mas|num|numa|w|we|dla|i|ale|la|în|și|dar|bij|voor|en|maar|presso|per|ma|yn|ac|ond|ag|le|agus"
         r"|στην|στο|στη|σε|και|αλλά|για|αν|på|hos|för|och|men|ở|tại|cho|và|nhưng|nên)")
_TITLE_WORD = rf"(?!(?i:{_STOP})\b){_WORD}"
# "I work as", "ich arbeite als", "je travaille comme" ... then the title: up to three words.
_AS = re.compile(
    r"(?i:\b(?:i\s{1,2}work\s{1,2}as(?:\s{1,2}an?)?|i'?m\s{1,2}working\s{1,2}as(?:\s{1,2}an?)?|arbeite\s{1,2}als"
    r"|travaille\s{1,2}comme|trabajo\s{1,2}como|trabalho\s{1,2}como|pracuję\s{1,2}jako|lucrez\s{1,2}ca"
    r"|werk\s{1,2}als|lavoro\s{1,2}come|gweithio\s{1,2}fel|oibrím\s{1,2}mar|job\s{1,2}(?:title\s{1,2})?is"
    r"|role\s{1,2}is|rol\s{1,2}es|funcție\s{1,2}de|stanowisko|as\s{1,2}an?\s{1,2}(?=\w+\s{1,2}(?:at|for)\b)"
    r"|δουλεύω\s{1,2}ως|εργάζομαι\s{1,2}ως|είμαι\s{1,2}(?=\w+\s{1,2}(?:στην|στο|στη|σε)\b)"
    r"|jobbar\s{1,2}som|arbetar\s{1,2}som|jobber\s{1,2}som|arbeider\s{1,2}som|arbejder\s{1,2}som"
    r"|työskentelen|làm\s{1,2}nghề|làm\s{1,2}(?=\w+\s{1,2}\w+\s{1,2}(?:ở|tại|cho)\b)))"
    rf"\s{{1,2}}({_TITLE_WORD}(?:\s{{1,2}}{_TITLE_WORD}){{0,2}})")
# "I work at/for/in", "ich arbeite bei", "je travaille chez" ... then a capitalised employer.
_AT = re.compile(
    r"(?i:\b(?:work(?:s|ed|ing)?\s{1,2}(?:at|for|in|with)|employed\s{1,2}(?:at|by)|job\s{1,2}(?:at|with)"
    r"|arbeite\s{1,2}(?:bei|in|für|im)|bin\s{1,2}bei|travaille\s{1,2}(?:chez|à|au|pour)|trabajo\s{1,2}(?:en|para)"
    r"|trabalho\s{1,2}(?:na|no|em|para)|pracuję\s{1,2}(?:w|we|u|dla)|lucrez\s{1,2}(?:la|în|pentru)"
    r"|werk\s{1,2}(?:bij|in|voor)|lavoro\s{1,2}(?:presso|a|in|per)|gweithio\s{1,2}(?:i|yn|gyda|efo)"
    r"|oibrím\s{1,2}(?:i|le|ag)|δουλεύω\s{1,2}(?:στην|στο|στη|σε)|εργάζομαι\s{1,2}(?:στην|στο|στη|σε)"
    r"|jobbar\s{1,2}(?:på|hos|för)|arbetar\s{1,2}(?:på|hos|för)|jobber\s{1,2}(?:på|hos|i)|arbejder\s{1,2}(?:på|hos|i)"
    r"|làm\s{1,2}(?:việc\s{1,2})?(?:ở|tại|cho)))"
    rf"\s{{1,2}}((?:the\s{{1,2}}|der\s{{1,2}}|die\s{{1,2}}|la\s{{1,2}}|le\s{{1,2}}|el\s{{1,2}}|o\s{{1,2}}|a\s{{1,2}})?"
    rf"{CAP}(?:\s{{1,2}}(?:&\s{{1,2}}|and\s{{1,2}}|de\s{{1,2}}|of\s{{1,2}}|din\s{{1,2}})?{CAP}){{0,4}})")
# "I'm a nurse", "sou enfermeira", "jestem inspektorką", "ich bin Filialleiterin": a title after "I am"
# is a title when it is a work word (a stem list: words for jobs, in the service's languages).
_I_AM = (r"(?i:\b(?:i'?m\s{1,2}an?|i\s{1,2}am\s{1,2}an?|ich\s{1,2}bin|je\s{1,2}suis|soy|sou|jestem|sunt|ik\s{1,2}ben"
         r"|sono|dw\s{1,2}i'n|rwy'n|is\s{1,2}(?:altra|múinteoir)|estoy\s{1,2}de|trabajo\s{1,2}de))")
_JOB_STEMS = (
    r"(?i:\w{0,12}(?:nurs|midwi|teach|engineer|manag|direct|officer|assist|clerk|account|solicit|lawyer|analyst|consult"
    r"|develop|design|cashier|inspect|receptionist|pharmac|therap|doctor|social\s{1,2}worker|paralegal"
    r"|enfermeir|enfermer|infirmi|krankenschwest|pflege|hebamm|lehrer|ingenieur|leiter|verkäufer|berater"
    r"|inspektor|pielęgniar|nauczyciel|księgow|kierownik|urzędnik|położn|asystent|inżynier|sprzedaw"
    r"|ingénieu|enseignant|conseill|gestionnaire|vendeu|avocat|comptable|professeu|professor|profesor"
    r"|abogad|contador|gerente|secretári|secretari|advogad|engenheir|atendente|vendedor|recepcionist"
    r"|verpleeg|docent|leraar|lerares|adviseur|medewerk|verkoper|ingegner|infermier|insegnant|commess"
    r"|inginer|asistent|profesoar|contabil|vânzăto|funcționar|nyrs|athro|athrawes|swyddog|rheolwr|bydwraig"
    r"|altra|múinteoir|oifigeach|cléireach|bainisteoir)[\w'’-]{0,14})"
)
# "... tam jako inspektorka", "... da als Erzieherin": "as a" and a job word, wherever the verb is.
_AS_A_JOB = re.compile(r"(?i:\b(?:as\s{1,2}an?|jako|als|comme|como|ca|fel|mar|come|olarak))\s{1,2}"
                       rf"((?:{_TITLE_WORD}\s{{1,2}})?{_JOB_STEMS})")
_TITLE_AFTER_I_AM = re.compile(rf"{_I_AM}\s{{1,2}}((?:{_TITLE_WORD}\s{{1,2}})?{_JOB_STEMS}(?:\s{{1,2}}{_TITLE_WORD})?)")
# Turkish says it with a suffix: "öğretmenim", "mü\u015fteri temsilcisiyim", "... olarak çal\u0131\u015f\u0131yorum",
# "...'da çal\u0131\u015f\u0131yorum".
_TURKISH_TITLE = re.compile(
    r"(?i:\b((?:\w+\s{1,2})?(?:öğretmen|hem\u015fire|mühendis|müdür|uzman|temsilci|memur|avukat|muhasebeci|doktor"
    r"|ebe|sekreter|sat\u0131\u015f|kasiyer|asistan)\w{0,8}(?:y[\u0131iuü]m|[\u0131iuü]m)))\b")
_TURKISH_WORK = re.compile(rf"((?:{CAP}\s{{1,2}}){{0,3}}{_WORD})(?:'|’)?(?:da|de|ta|te|nda|nde)?\s{{1,2}}"
                           r"(?:olarak\s{1,2})?çal\u0131\u015f\u0131yorum")


def self_description_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, kind) for titles and employers a writer gives for themselves."""
    for pattern, kind in ((_AS, "title"), (_AS_A_JOB, "title"), (_TITLE_AFTER_I_AM, "title"), (_TURKISH_TITLE, "title"),
                          (_AT, "employer"), (_TURKISH_WORK, "employer")):
        for match in pattern.finditer(text):
            # "works in the NHS", "bei der Stadt": an employer everyone has names no one.
            if kind == "employer" and is_generic(match.group(1)):
                continue
            found = match.group(1).rstrip(".,;:!?'’")  # a sentence's full stop is not the name's
            yield match.start(1), match.start(1) + len(found), kind
