"""Cut the sender's signature from the text of a reply (pure).

Signatures carry phone numbers, job titles, employers and postal addresses. A signature is known by
where it stands and what shape it has, not by whether it holds a contact line: the closing block
after a sign-off, a block after "--", a last paragraph of bare title and organisation lines, and the
trailing block a sender repeats across their own messages.
"""
import re
from collections.abc import Iterable

from matcher.mailrelay.anonymising.lines import SHORT_LINE as _SHORT_LINE
from matcher.mailrelay.anonymising.lines import Trimmed
from matcher.mailrelay.anonymising.lines import join_lines as _join
from matcher.mailrelay.anonymising.lines import split_lines as _lines
from matcher.mailrelay.anonymising.lines import unique as _unique
from matcher.mailrelay.anonymising.shapes import address_spans, is_title_line

SIGNATURE = "signature"
SENT_FROM = "'sent from my phone' line"
DISCLAIMER = "email disclaimer"

_SIG_DASHES = re.compile(r"^-- $")
_BARE_DASHES = re.compile(r"^\s*--\s*$")
_SENT_FROM = re.compile(
    r"^\s*(?:Sent\s+(?:from|with|using|via)\s+(?:my\s+)?\S.{0,60}"
    r"|Get\s+Outlook\s+for\s+\w+"
    r"|Von\s+meinem\s+\S.{0,40}\s+gesendet|Envoyé\s+de\s+mon\s+\S.{0,40}"
    r"|Enviado\s+(?:desde|do)\s+(?:mi|meu)\s+\S.{0,40}|Verzonden\s+(?:vanaf|met)\s+(?:mijn\s+)?\S.{0,40}"
    r"|Inviato\s+da\s+\S.{0,40}|Wysłane\s+z\s+\S.{0,40}|Skickat\s+från\s+(?:min\s+)?\S.{0,40})\s*$",
    re.IGNORECASE,
)
# Only a device or mail app makes it a client's line: "Sent with love from
# all of us" is the person's own words.
_DEVICE = re.compile(
    r"\b(?:i?Phone|iPad|Android|Galaxy|Samsung|Outlook|Mail|Gmail|Yahoo|Proton\s?Mail|BlackBerry|Huawei"
    r"|Pixel|Xiaomi|mobile|smartphone|tablet|Windows|Handy|portable|móvil|telemóvel|telefon\w*)\b",
    re.IGNORECASE,
)
_DISCLAIMER = re.compile(
    r"^\s*(?:DISCLAIMER|CONFIDENTIALITY\s+NOTICE|This\s+e-?mail\s+(?:and\s+any\s+(?:files|attachments)"
    r"|is\s+confidential|may\s+contain|contains\s+confidential))",
    re.IGNORECASE,
)
_VALEDICTION = re.compile(
    r"^\s*(?:(?:best|kind|warm|warmest|many|with|all\s+the)\s+\w+(?:\s+\w+)?|regards|thanks|thank\s+you"
    r"|cheers|love|lots\s+of\s+love|take\s+care|speak\s+soon|talk\s+soon|yours(?:\s+\w+)?|warmly"
    r"|hugs|x++)\s*+[,.!]?\s*+(?:x++)?\s*$",
    re.IGNORECASE,
)
_SIGNOFF_NAME_WORDS = 4


# Sign-offs in the languages the service's volunteers and requesters write; any other language is
# found by shape (a short line ending in "," above a name line).
_SIGN_OFF_WORDS = re.compile(
    r"^\s*(?:(?:mit\s+)?(?:freundliche|herzliche|liebe|viele|beste|sonnige|schöne)n?\s+gr(?:ü|ue)(?:ß|ss)en?|lg|vg|mfg"
    r"|gr(?:ü|ue)(?:ß|ss)e|cordialement|bien\s+(?:à\s+vous|amicalement)|amicalement|bisous|gros\s+bisous"
    r"|à\s+bientôt|salutations|saludos|un\s+(?:saludo|abrazo)|atentamente|besos|abrazos|cumprimentos"
    r"|atenciosamente|abraços|beijinhos|beijos|um\s+abraço|met\s+vriendelijke\s+groet(?:en)?|groetjes"
    r"|groeten|hartelijke\s+groet(?:en)?|pozdrawiam(?:\s+serdecznie)?|serdecznie|z\s+pozdrowieniami"
    r"|pozdrowienia|sayg\u0131lar\u0131mla|sevgiler|sevgilerimle|selamlar|iyi\s+günler|cu\s+(?:drag|stimă|stima"
    r"|bine)|toate\s+cele\s+bune|numai\s+bine|o\s+zi\s+bună|cofion(?:\s+cynnes)?|diolch(?:\s+yn\s+fawr)?"
    r"|yn\s+gywir|hwyl(?:\s+fawr)?|le\s+meas|go\s+raibh\s+maith\s+agat|slán|beannachtaí|mo\s+ghrá"
    r"|مع\s+(?:التحية|خالص\s+التحية|أطيب\s+التحيات)|تحياتي|شكرا|شكراً|والسلام|خالص\s+احترام|شکریہ"
    r"|نیک\s+تمنائیں|والسلام|cordiali\s+saluti|saluti|un\s+abbraccio|med\s+vänlig\s+hälsning|hälsningar"
    r"|mvh|vennlig\s+hilsen|venlig\s+hilsen|s\s+pozdravem|üdvözlettel|ystävällisin\s+terveisin)"
    r"\s*[,.!]?\s*(?:x+)?\s*$",
    re.IGNORECASE,
)
_NAMED_SIGN_OFF = re.compile(r"^\s*([^\W\d_][^\n,]{0,30}?)[ \t]*,?[ \t]{1,3}[A-ZÀ-Þ][\w'’-]{1,30}\s*(?:x+)?\s*$")
_SHAPED_SIGN_OFF = re.compile(r"^\s*[^\W\d_][^\n,:;?]{0,30},\s*$")
_POSTSCRIPT = re.compile(r"^\s*(?:P\.?\s?P\.?\s?S|P\.?\s?S|N\.?\s?B)\b", re.IGNORECASE)
# A sign-off is looked for only this close to the end: a letter's greeting is never one.
_SIGN_OFF_REACH = 40


def strip_signature(text: str, known_names: Iterable[str] = (), own_earlier: Iterable[str] = ()) -> Trimmed:
    """Remove the sender's signature, keeping a short sign-off like "Love, Jane".

    `own_earlier` are the sender's own earlier messages: a trailing block they repeat is their signature.
    """
    names = {name.strip().casefold() for name in known_names if name.strip()}
    lines = _lines(text)
    removed: list[str] = []
    lines = _cut_at_dashes(lines, removed)
    lines = _drop_sent_from_lines(lines, removed)
    lines = _cut_disclaimer(lines, removed)
    lines = _cut_learned(lines, tuple(own_earlier), removed)
    lines = _cut_after_sign_off(lines, names, removed)
    lines = _cut_closing_block(lines, names, removed)
    lines = _cut_contact_paragraph(lines, names, removed)
    lines = _cut_name_block(lines, names, removed)
    return Trimmed(_join(lines), _unique(removed))


def _is_sign_off(lines: list[str], index: int, names: set[str]) -> bool:
    """Tell a sign-off ("Kind regards,", "Pozdrawiam", "Cofion,") from a greeting or a sentence."""
    line = lines[index]
    if len(line) > 60 or not line.strip():
        return False
    if _VALEDICTION.match(line) or _SIGN_OFF_WORDS.match(line):
        return True
    # "Mvh Ebba", "Cheers Sam x", "Pozdrawiam, Ania": the sign-off and the first name on one line.
    named = _NAMED_SIGN_OFF.match(line)
    if named and (_VALEDICTION.match(named.group(1)) or _SIGN_OFF_WORDS.match(named.group(1))):
        return True
    following = next((other for other in lines[index + 1 : index + 3] if other.strip()), "")
    return bool(_SHAPED_SIGN_OFF.match(line)) and len(line.split()) <= 4 and _is_name_line(following, names)


def _cut_after_sign_off(lines: list[str], names: set[str], removed: list[str]) -> list[str]:
    """Cut everything after the last sign-off but the name below it and a P.S.

    The closing block after "Kind regards," is a signature by its place, whatever it carries: a title,
    an employer, an address, eighteen lines of them, with no phone at all.
    """
    content = [i for i, line in enumerate(lines) if line.strip()]
    if len(content) < 2:
        return lines
    for index in reversed(content[-_SIGN_OFF_REACH:]):
        if index == content[0]:
            return lines
        if _is_sign_off(lines, index, names):
            return _keep_name_and_postscript(lines, index, names, removed)
    return lines


def _keep_name_and_postscript(lines: list[str], index: int, names: set[str], removed: list[str]) -> list[str]:
    after = [i for i in range(index + 1, len(lines)) if lines[i].strip()]
    if len(after) == 1 and _is_name_line(lines[after[0]], names):
        return lines  # "Best,\nAnwen Brackwater": a letter's sign-off; the scrubber takes the surname
    kept = lines[: index + 1]
    if after and _is_name_line(lines[after[0]], names) and len(lines[after[0]].split()) == 1:
        kept.append(lines[after[0]])
        after = after[1:]
    postscript = next((i for i in after if _POSTSCRIPT.match(lines[i])), None)
    dropped = [i for i in after if postscript is None or i < postscript]
    if not dropped or not _opens_a_signature(lines[dropped[0]]):
        return lines
    removed.append(SIGNATURE)
    return kept + (["", *lines[postscript:]] if postscript is not None else [])


def _opens_a_signature(line: str) -> bool:
    """Tell whether a line below a sign-off starts a signature (a name, title, organisation or contact)."""
    first = line.strip()[:1]
    # Arabic and Urdu have no capitals: any line of theirs may open a signature.
    caseless = first.isalpha() and first.lower() == first.upper()
    return first.isupper() or caseless or not first.isalpha() or _is_contact_line(line)


def _cut_learned(lines: list[str], own_earlier: tuple[str, ...], removed: list[str]) -> list[str]:
    """Cut the trailing lines this sender also ended an earlier message with (a learned signature)."""
    if not own_earlier:
        return lines
    tails = {_normal(line) for message in own_earlier for line in _lines(message)[-30:] if _normal(line)}
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or _normal(lines[end - 1]) in tails):
        end -= 1
    repeated = [line for line in lines[end:] if line.strip()]
    # Two repeated lines at least: one ("Thanks!") is too common to be a signature.
    if len(repeated) < 2:
        return lines
    # Keep a one-word sign-off name, as for any other signature.
    if len(repeated[0].split()) == 1 and end < len(lines):
        end = next(i for i in range(end, len(lines)) if lines[i].strip()) + 1
    removed.append(SIGNATURE)
    return lines[:end]


def _normal(line: str) -> str:
    return " ".join(re.findall(r"\w+", line.casefold()))


_LAST_PARAGRAPH_LINES = 7
_SENTENCE_END = re.compile(r"[.?!]\s*$")


def _last_paragraph(lines: list[str]) -> tuple[int, list[str]]:
    """Return where the last paragraph (the last run of non-blank lines) starts, and its lines."""
    end = len(lines)
    while end > 0 and not lines[end - 1].strip():
        end -= 1
    start = end
    while start > 0 and lines[start - 1].strip():
        start -= 1
    return start, lines[start:end]


def _cut_contact_paragraph(lines: list[str], names: set[str], removed: list[str]) -> list[str]:
    """Cut a short last paragraph of bare lines that carries a contact detail.

    Signatures name employers and titles no word list can know ("Assistant
    Hedgerow Auditor, Larkspur & Fennimore"); a last paragraph of a few short
    lines that are not sentences, one of them a phone or address, is a signature.
    """
    start, block = _last_paragraph(lines)
    if not block or len(block) > _LAST_PARAGRAPH_LINES or any(len(line) > _SHORT_LINE for line in block):
        return lines
    if not any(_CONTACT_DETAIL.search(line) or is_title_line(line) or _has_address(line) for line in block):
        return lines
    if any(len(line.split()) > 8 or _SENTENCE_END.search(line) for line in block):
        return lines
    if _is_name_line(block[0], names) and len(block[0].split()) == 1:
        start += 1
    removed.append(SIGNATURE)
    return lines[:start]


_NAME_BLOCK_LINES = 14
_NAME_BLOCK_WORDS = 24


def _cut_name_block(lines: list[str], names: set[str], removed: list[str]) -> list[str]:
    """Cut a last paragraph that opens with a name line and goes on in bare lines (a typed signature).

    "Robyn\n\nRobyn Example\nLactation consultant\nSunnybank Family Health, 41 Example Rd": the block's
    place (last, after the letter) and shape (a name, then lines that are not sentences) make it a
    signature, whatever words its title and employer use and whether or not it has a phone.
    """
    start, block = _last_paragraph(lines)
    if len(block) < 2 or len(block) > _NAME_BLOCK_LINES or start == 0 or not _opens_with_a_full_name(block, names):
        return lines
    if not any(line.strip() for line in lines[:start]):
        return lines
    if any(len(line) > _SHORT_LINE or len(line.split()) > _NAME_BLOCK_WORDS or _is_prose(line)
           or _POSTSCRIPT.match(line) for line in block[1:]):
        return lines
    if len(block[0].split()) == 1:
        start += 1
    removed.append(SIGNATURE)
    return lines[:start]


def _opens_with_a_full_name(block: list[str], names: set[str]) -> bool:
    """Tell whether a block opens with the sender's name or a full name ("Robyn Example", "Robyn\nRobyn Example").

    A lone capitalised word ("Week") heads a table as often as a signature, so it needs a full name below.
    """
    first = block[0].strip()
    if first.casefold() in names or (_is_name_line(first, names) and len(first.split()) >= 2):
        return True
    return _is_name_line(first, names) and _is_name_line(block[1], names) and len(block[1].split()) >= 2


def _is_prose(line: str) -> bool:
    """Tell a sentence ("We went to the park.", "How are you?") from a signature's bare line."""
    stripped = line.strip()
    if stripped.endswith(("?", "!")) or (re.search(r"[^\W\d_]{3}\.$", stripped) and not
                                         re.search(r"\b(?:Ltd|Inc|Co|Corp|Bros|Dept|St|Rd|Ave)\.$", stripped)):
        return True
    # A long line mostly of lower-case words is a sentence without its full stop; an address line or
    # an "employer, street, town" line is mostly capitals and numbers.
    words = stripped.split()
    return len(words) > 6 and sum(word[:1].islower() for word in words) * 2 > len(words)


def _cut_at_dashes(lines: list[str], removed: list[str]) -> list[str]:
    """Cut from the signature dashes down."""
    for index, line in enumerate(lines):
        # "-- " is the standard separator; a bare "--" (clients trim the
        # space) only counts near the end, where a signature would be.
        if len(line) <= _SHORT_LINE and (
                _SIG_DASHES.match(line) or (_BARE_DASHES.match(line) and (
                    len(lines) - index <= 15 or _bare_lines_follow(lines, index + 1)))):
            removed.append(SIGNATURE)
            return lines[:index]
    return lines


def _bare_lines_follow(lines: list[str], index: int) -> bool:
    """Tell whether the lines after a far-from-the-end "--" are a signature's bare lines, not prose."""
    following = [line for line in lines[index : index + 8] if line.strip()][:4]
    return len(following) >= 2 and all(len(line.split()) <= 8 and not _SENTENCE_END.search(line)
                                       for line in following)


def _drop_sent_from_lines(lines: list[str], removed: list[str]) -> list[str]:
    """Drop "Sent from my iPhone" and its relatives wherever they stand."""
    kept = [line for line in lines
            if not (len(line) <= _SHORT_LINE and _SENT_FROM.match(line) and _DEVICE.search(line))]
    if len(kept) < len(lines):
        removed.append(SENT_FROM)
    return kept


def _cut_disclaimer(lines: list[str], removed: list[str]) -> list[str]:
    """Cut a corporate confidentiality notice and everything below it."""
    for index, line in enumerate(lines):
        if index > 0 and len(line) <= _SHORT_LINE and _DISCLAIMER.match(line):
            removed.append(DISCLAIMER)
            return lines[:index]
    return lines


def _cut_closing_block(lines: list[str], names: set[str], removed: list[str]) -> list[str]:
    """Cut a trailing block of name, title, company and contact lines."""
    start = len(lines)
    while start > 0 and _is_signature_like(lines[start - 1], names):
        start -= 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    if not any(_is_contact_line(line) for line in lines[start:]):
        return lines
    # A one-word sign-off (a first name or pseudonym) stays, as a letter's
    # "Love, Jane" would; the scrubber removes a real first name later.
    if _is_name_line(lines[start], names) and len(lines[start].split()) == 1:
        start += 1
    removed.append(SIGNATURE)
    return lines[:start]


_CONTACT_DETAIL = re.compile(
    r"""(?:\+|\b)(?=(?:[\s().\-]{0,3}\d){9})\d[\d\s().\-]{7,30}\d   # phone
      | [\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}   # email
      | \b(?:https?://|www\.)\S+                     # link
      | \b[\w-]{1,63}\.(?:com|org|net|co\.uk|org\.uk|uk|ie|io)\b(?:/\S*)?
      | \b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b          # UK postcode
      | \b\d{1,5}[A-Za-z]?,?\s{1,3}(?:[A-Z][\w'-]{0,40}\s{1,3}){1,4}
        (?:Road|Rd|Street|St|Lane|Avenue|Ave|Drive|Close|Crescent|Way|Court|Place
          |Gardens|Grove|Terrace|Square|Mews|Row|Walk)\b
    """,
    re.VERBOSE,
)
_CONTACT_LABEL = re.compile(
    r"\b(?:M|T|P|F|E|W|Tel|Mob|Mobile|Phone|Cell|Direct|Office|Fax|Email|E-mail|Web|Website)\b\s*[:.]?",
    re.IGNORECASE,
)
# A company word counts only after a capitalised name ("Example Ltd"), so "the
# NHS" in a closing sentence does not make that sentence a signature.
_ORGANISATION = re.compile(
    r"\b(?:[A-Z][\w&'’-]{0,40}+\s{1,3}+){1,4}(?:Ltd|Limited|LLP|plc|Inc|GmbH|Corp|Company|Group|Trust|Council"
    r"|University|NHS|Foundation|Associates|Partners|Solutions|Services|Consulting|Holdings|Agency"
    r"|Studio|Studios|Bank|School|Academy|Hospital|Clinic|Practice|Surgery|Centre|Center|Media"
    r"|Consultancy|Industries|Enterprises|Logistics|Trading)\b"
)
_JOB_TITLE = re.compile(
    r"\b(?:Manager|Director|Analyst|Officer|Assistant|Administrator|Co-?ordinator|Engineer"
    r"|Consultant|Nurse|Midwife|Teacher|Developer|Designer|Accountant|Solicitor|Head\s+of"
    r"|Senior|Junior|Lead|Specialist|Advis[eo]r|Executive|Founder|CEO|CFO|CTO|Associate"
    r"|Supervisor|Technician|Therapist|Practitioner)\b"
)
_PRONOUNS = re.compile(r"^\s*\(?(?:she|he|they)/(?:her|him|them)(?:/\w+)?\)?\s*$", re.IGNORECASE)
_NAME_WORD = re.compile(r"^[A-ZÀ-Þ][\w'’.-]*$")


def _is_signature_like(line: str, names: set[str]) -> bool:
    """Tell whether a line could belong to a signature block."""
    if not line.strip():
        return True
    if len(line) > _SHORT_LINE or _VALEDICTION.match(line):
        return False
    return (
        _is_contact_line(line)
        or _is_name_line(line, names)
        or bool(_PRONOUNS.match(line))
        or _is_title_line(line)
    )


def _is_contact_line(line: str) -> bool:
    """Tell whether a line is a labelled contact detail, not a sentence holding one."""
    if not _CONTACT_DETAIL.search(line) and not _ORGANISATION.search(line):
        return False
    # What is left beside the detail must be a label or a name, not "call me on".
    rest = re.findall(r"\w+", _CONTACT_LABEL.sub(" ", _CONTACT_DETAIL.sub(" ", line)))
    return "|" in line or (len(rest) <= 4 and all(word[0].isupper() for word in rest))


def _is_title_line(line: str) -> bool:
    """Tell whether a short line reads like a job title or a company name."""
    short = len(line.split()) <= 8
    return short and bool(_JOB_TITLE.search(line) or _ORGANISATION.search(line) or "|" in line
                          or is_title_line(line) or _has_address(line))


def _has_address(line: str) -> bool:
    return len(line) <= _SHORT_LINE and next(address_spans(line), None) is not None


def _is_name_line(line: str, names: set[str]) -> bool:
    """Tell whether a line is just a name: a known one or a few capitalised words."""
    words = re.sub(r"\s+x+$", "", line.strip()).split()
    if " ".join(words).casefold() in names:
        return True
    return 0 < len(words) <= _SIGNOFF_NAME_WORDS and all(_NAME_WORD.match(w) for w in words)


