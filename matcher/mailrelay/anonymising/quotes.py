"""Cut quoted history and signatures from the text of a reply (pure).

Every earlier message in a thread already went through the relay once, so
the copy a mail client quotes back is at best a duplicate and at worst the
un-anonymised original: the attribution line of a quote ("On Monday, Jane
Doe <jane@example.com> wrote:") carries the very name and address the relay
hides. Signatures carry phone numbers, job titles and employers. Both go.
"""
import re
from collections.abc import Iterable

from matcher.mailrelay.anonymising.lines import SHORT_LINE, Trimmed
from matcher.mailrelay.anonymising.lines import join_lines as _join
from matcher.mailrelay.anonymising.lines import split_lines as _lines
from matcher.mailrelay.anonymising.lines import unique as _unique
from matcher.mailrelay.reading.history import new_text

QUOTED = "quoted earlier message"
FORWARDED = "forwarded message"

# The word that opens an attribution line and the verb that closes it, per
# language.
_ATTRIBUTION = re.compile(
    r"""^\s*(?:
        On\b.*\bwrote
      | Am\b.*\bschrieb\b.*
      | Le\b.*\ba\s+écrit
      | El\b.*\bescribió
      | Op\b.*\bschreef\b.*
      | Il\b.*\bha\s+scritto
      | Em\b.*\bescreveu
      | W\s+dniu\b.*\b(?:pisze|napisał(?:\(a\))?|napisała)
      | Den\b.*\bskrev\b.*
      | .*<[^<>\s]+@[^<>\s]+>.*\b(?:wrote|schrieb|a\s+écrit|escribió|schreef|ha\s+scritto
            |escreveu|pisze|napisał(?:\(a\))?|skrev)\b.*
    )\s*:\s*$""",
    re.IGNORECASE | re.VERBOSE | re.DOTALL,
)

# A real attribution carries an address, a clock time or a year; a diary line
# such as "On day 3 in hospital I wrote:" carries none of them.
_DATE_OR_ADDRESS = re.compile(r"@|\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b")

_FROM_FIELD = r"(?:From|Von|De|Van|Da|Od|Från)"
_OTHER_FIELDS = (
    r"(?:Sent|Date|To|Cc|Subject|Gesendet|Datum|An|Betreff|Envoyé|À|A|Objet|Enviado|Fecha"
    r"|Para|Asunto|Verzonden|Aan|Onderwerp|Inviato|Data|Oggetto|Assunto|Wysłano|Do|DW|Temat"
    r"|Skickat|Till|Kopia|Ämne)"
)
# Outlook and webmail write headers as "From: ...", sometimes bolded "*From:*".
_HEADER_FROM = re.compile(rf"^\s*\*?{_FROM_FIELD}\s*:\*?\s*\S", re.IGNORECASE)
_HEADER_OTHER = re.compile(rf"^\s*\*?{_OTHER_FIELDS}\s*:\*?(?:\s|$)", re.IGNORECASE)

_ORIGINAL_MESSAGE = re.compile(
    r"^\s*-{2,}\s*(?:Original\s+Message|Ursprüngliche\s+Nachricht|Message\s+d'origine"
    r"|Mensaje\s+original|Oorspronkelijk\s+bericht|Messaggio\s+originale|Mensagem\s+original"
    r"|Oryginalna\s+wiadomość|Ursprungligt\s+meddelande)\s*-{2,}\s*$",
    re.IGNORECASE,
)
_FORWARD_MARKER = re.compile(
    r"^\s*(?:-{2,}\s*(?:Forwarded\s+message|Weitergeleitete\s+Nachricht|Message\s+transféré"
    r"|Mensaje\s+reenviado|Doorgestuurd\s+bericht|Messaggio\s+inoltrato|Mensagem\s+encaminhada"
    r"|Przekazana\s+wiadomość|Vidarebefordrat\s+meddelande)\s*-{2,}"
    r"|Begin\s+forwarded\s+message\s*:|Anfang\s+der\s+weitergeleiteten\s+Nachricht\s*:"
    r"|Début\s+du\s+message\s+(?:réexpédié|transféré)\s*:|Inicio\s+del\s+mensaje\s+reenviado\s*:"
    r"|Begin\s+doorgestuurd\s+bericht\s*:|Inizio\s+messaggio\s+inoltrato\s*:"
    r"|Início\s+da\s+mensagem\s+(?:reencaminhada|encaminhada)\s*:)\s*$",
    re.IGNORECASE,
)
# Outlook draws this rule above its header block.
_UNDERSCORE_RULE = re.compile(r"^\s*_{16,}\s*$")
_QUOTE_LINE = re.compile(r"^\s*>")
_SHORT_LINE = SHORT_LINE

# Structure, in any language: "----- Any Words -----" rules, a run of "Label: value" lines, and a line
# ending in ":" that names an address. Direction marks are dropped first (Arabic and Urdu clients).
_MARKS = re.compile(r"[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_WORDED_RULE = re.compile(r"^\s*-{3,}\s?[^\W\d_][^\n-]{0,60}-{3,}\s*$")
_LABEL_LINE = re.compile(r"^\s*\*?([^\W\d_][^\W\d_ .'’-]{0,24}(?:[ .'’-]{1,2}[^\W\d_]{1,20}){0,3})\s?:\*?(?:\s(.*))?$")
_ADDRESS = re.compile(r"[\w.+-]@[\w-]+\.\w|<[^<>\s]{1,100}@[^<>\s]{1,100}>|\[mailto:")
_DATE_IN_VALUE = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b(?:19|20)\d{2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_YEAR_IN_VALUE = re.compile(r"\b(?:19|20)\d{2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b")
_ENDS_WITH_COLON = re.compile(r":\s*$")
_BLOCK_REACH = 8


def strip_quoted_history(text: str, known: Iterable[str] = (), earlier: Iterable[str] = ()) -> Trimmed:
    """Remove quoted earlier messages and forwarded messages from a reply.

    `known` are strings only a quote of the relay's mail carries (pseudonyms, the relay's domain);
    `earlier` are the thread's earlier messages: a line reproducing one is history in any language.
    """
    removed: list[str] = []
    text = _without_repeats(_MARKS.sub("", text), tuple(earlier), removed)
    lines = _lines(text)
    cut = _first_history_line(lines, removed, tuple(k.casefold() for k in known if k and k.strip()))
    if cut is not None:
        lines = lines[:cut]
    kept = [line for line in lines if not _QUOTE_LINE.match(line)]
    if len(kept) < len(lines):
        removed.append(QUOTED)
    return Trimmed(_join(kept), _unique(removed))


def _without_repeats(text: str, earlier: tuple[str, ...], removed: list[str]) -> str:
    """Drop the lines that reproduce an earlier message of the thread, whatever surrounds them."""
    if not earlier:
        return text
    kept = new_text(text, earlier)
    if not kept.strip():
        return text  # a resend of an earlier message: the other cuts still apply
    if kept != text:
        removed.append(QUOTED)
    return kept


def _first_history_line(lines: list[str], removed: list[str], known: tuple[str, ...] = ()) -> int | None:
    """Return where everything below is history, dropping inline attributions."""
    for index, line in enumerate(lines):
        if len(line) <= _SHORT_LINE and _is_client_rule(line, lines, index):
            removed.append(QUOTED)
            return index
        if _QUOTE_LINE.match(line):
            continue
        if len(line) > _SHORT_LINE:
            continue
        if _FORWARD_MARKER.match(line):
            removed.append(FORWARDED)
            return index
        if _ORIGINAL_MESSAGE.match(line) or _UNDERSCORE_RULE.match(line) or _WORDED_RULE.match(line):
            removed.append(QUOTED)
            return index
        if _is_header_block(lines, index) or _is_label_block(lines, index, known):
            removed.append(QUOTED)
            return _with_lead_in(lines, index)
        span = _attribution_span(lines, index)
        if span:
            removed.append(QUOTED)
            if not _quote_follows(lines, index + span):
                return index
            # Bottom-posted or inline reply: the quote is marked with ">", so
            # only the attribution goes and the answers between quotes stay.
            lines[index : index + span] = [">"] * span
    return None


def _is_client_rule(line: str, lines: list[str], index: int) -> bool:
    """Tell the one-line headers clients draw above a quote, in any language, by their shape.

    Zoho and Notes: "---- On Tue, ... <addr> wrote ----", "----- Forwarded by Jane/ORG on 01/12/2026 -----";
    GroupWise: ">>> Jane <addr> 01/12/2026 19:02 >>>"; Notes: "Jane Doe/Sales/Example@Example" over a date.
    """
    bare = line.strip()
    dated = bool(_ADDRESS.search(bare) or _DATE_IN_VALUE.search(bare))
    if bare.startswith("---") and bare.endswith("---") and len(bare) > 8 and dated:
        return True
    if bare.startswith(">>>") and bare.endswith(">>>") and dated:
        return True
    below = next((other for other in lines[index + 1 : index + 3] if other.strip()), "")
    return bool(_NOTES_NAME.match(bare)) and len(below) <= _SHORT_LINE and bool(_DATE_IN_VALUE.search(below))


# A Notes address: words, then "/" units, then "@" a domain with no dot ("Jane Doe/Sales/Example@Example").
_NOTES_NAME = re.compile(r"^[^\W\d_][\w .'’-]{1,60}(?:/[\w .&'’-]{1,40}){1,4}@[\w-]{1,40}$")


def _attribution_span(lines: list[str], index: int) -> int:
    """Return how many lines (1 or 2) the attribution at index takes, or 0."""
    for span in (1, 2):
        chunk = "\n".join(lines[index : index + span])
        if index + span > len(lines) or len(chunk) > 400:
            break
        if _ATTRIBUTION.match(chunk) and _DATE_OR_ADDRESS.search(chunk):
            return span
        # Any language: a line ending in ":" that names an address, or a date above a ">" quote.
        if _ENDS_WITH_COLON.search(chunk) and len(chunk.split()) >= 3 and (
                _ADDRESS.search(chunk) or (_DATE_IN_VALUE.search(chunk) and _quote_follows(lines, index + span))):
            return span
    return 0


def _is_label_block(lines: list[str], index: int, known: tuple[str, ...]) -> bool:
    """Tell whether a run of "Label: value" lines starting here is a quoted or forwarded header block.

    Labels are in any language; the values decide: an address, or a dated year beside a third label,
    or a name only the relay's mail carries. A list such as "Time: 10:00 / Place: the park" has none.
    """
    if not _LABEL_LINE.match(lines[index]):
        return False
    values = []
    for line in lines[index : index + _BLOCK_REACH]:
        found = _LABEL_LINE.match(line) if len(line) <= _SHORT_LINE else None
        if found:
            values.append(found.group(2) or "")
        elif line.strip():
            break
    if len(values) < 2:
        return False
    joined = " ".join(values)
    lowered = joined.casefold()
    return bool(_ADDRESS.search(joined)) or (len(values) >= 3 and bool(_YEAR_IN_VALUE.search(joined))) or any(
        name in lowered for name in known)


def _with_lead_in(lines: list[str], index: int) -> int:
    """Move a cut up over a short line ending in ":" ("Begin forwarded message:") just above it."""
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above >= 0 and len(lines[above]) <= 80 and _ENDS_WITH_COLON.search(lines[above]):
        return above
    return index


def _is_header_block(lines: list[str], index: int) -> bool:
    """Tell whether a "From:" line starts a block of forwarded mail headers."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    following = lines[index + 1 : index + 6]
    return any(len(line) <= _SHORT_LINE and _HEADER_OTHER.match(line) for line in following)


def _quote_follows(lines: list[str], index: int) -> bool:
    """Tell whether the next non-blank line is a ">" quote."""
    for line in lines[index:]:
        if line.strip():
            return bool(_QUOTE_LINE.match(line))
    return False


# Signatures have their own module; re-exported so callers keep one import.
from matcher.mailrelay.anonymising.signatures import strip_signature  # noqa: E402,F401
