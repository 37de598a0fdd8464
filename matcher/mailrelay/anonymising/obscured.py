"""Identifiers written so a pattern for their usual shape misses them (pure, linear time).

Numbers spelled in words ("oh seven seven double oh..."), an address as "name at domain" with no
"dot", a PGP key id beside an address, handles on services the relay has no list entry for, a
party's name run together as a handle, and identifiers inside URL- or base64-encoded link parameters.
"""
import base64
import binascii
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from urllib.parse import unquote_plus

# Number words in the service's languages, each worth one digit; "double"/"triple" repeat the next.
_DIGIT_WORDS = frozenset("""zero oh o nought nil one two three four five six seven eight nine
    dim un dau tri pedwar pump chwech saith wyth naw null eins zwei drei vier fünf sechs sieben acht neun
    zéro deux trois quatre cinq six sept huit neuf cero uno dos tres cuatro cinco seis siete ocho nueve
    um dois três quatro cinco seis sete oito nove nul een twee drie vier vijf zes zeven acht negen
    s\u0131f\u0131r bir iki üç dört beş alt\u0131 yedi sekiz dokuz zero unu doi trei patru cinci șase şase șapte şapte
    opt nouă noua jeden dwa trzy cztery pięć sześć siedem osiem dziewięć""".split())  # noqa: SIM905 - a word list reads best as words
_REPEATS = {"double": 2, "triple": 3, "dwbl": 2, "doppel": 2, "doble": 2}
# "nine hundred", "two thousand": the digit before and the zeros the word stands for.
_ZEROS = {"hundred": 2, "cant": 2, "hundert": 2, "cent": 2, "cien": 2, "ciento": 2, "cem": 2, "cento": 2,
          "honderd": 2, "yüz": 2, "sută": 2, "sute": 2, "sto": 2, "thousand": 3, "mil": 3, "mille": 3,
          "tausend": 3, "duizend": 3, "mii": 3, "tysiąc": 3}
_TOKEN = re.compile(r"[^\W\d_]{1,12}|\d{1,12}")
_GAP = re.compile(r"[\s,.\-–]{0,3}")
# Nine digits or more, dialled in words, is a phone number; dates and times are never this long.
_PHONE_DIGITS = 9


def spelled_number_spans(text: str) -> Iterator[tuple[int, int]]:
    """Yield (start, end) of runs of number words and digit groups long enough to be a phone number."""
    run_start = run_end = -1
    digits = repeat = 0
    words = 0
    for token in _TOKEN.finditer(text):
        value = token.group().casefold()
        worth = len(value) if value.isdigit() else (1 if value in _DIGIT_WORDS else _ZEROS.get(value, 0))
        is_repeat = value in _REPEATS
        joined = run_end >= 0 and _GAP.fullmatch(text, run_end, token.start()) is not None
        if (worth or is_repeat) and not joined:
            if digits >= _PHONE_DIGITS and words:
                yield run_start, run_end
            run_start, digits, repeat, words = token.start(), 0, 0, 0
        if not (worth or is_repeat):
            if digits >= _PHONE_DIGITS and words:
                yield run_start, run_end
            run_end, digits, repeat, words = -1, 0, 0, 0
            continue
        words += 0 if value.isdigit() else 1
        digits += worth * (repeat or 1) if worth else 0
        repeat = _REPEATS[value] if is_repeat else 0
        run_end = token.end()
    if digits >= _PHONE_DIGITS and words:
        yield run_start, run_end


# "jane.doe84 at examplemail": a local part no word has (a dot, digit or underscore) before " at ".
_AT_WITHOUT_DOT = re.compile(
    r"(?<![\w.])[A-Za-z]{3,30}(?:[._][A-Za-z\d]{1,30}|\d{1,6})[\w.\-]{0,20}"
    r"[ \t]{1,3}(?:at|\(at\)|\[at\]|@)[ \t]{1,3}[A-Za-z][\w-]{1,40}"
    r"(?:[ \t]{0,3}(?:\.|dot|\(dot\))[ \t]{0,3}[A-Za-z]{2,10}){0,3}")
# A PGP key id or fingerprint: 8 to 40 hex digits (with or without 0x, in groups of four).
_KEY_ID = re.compile(r"(?<![\w])(?:0x)?(?=[0-9A-F]{0,39}[A-F])(?=[0-9A-F]{0,39}\d)[0-9A-F]{8}(?:[0-9A-F]{8}){0,4}"
                     r"(?![\w])|(?<![\w])[0-9A-F]{4}(?:[ \t]{1,2}[0-9A-F]{4}){4,9}(?![\w])")
_KEY_CONTEXT = re.compile(r"pgp|gpg|openpgp|key|fingerprint|schlüssel|clé|clave|chave|klucz|anahtar|cheie|allwedd",
                          re.IGNORECASE)
# Handles: "@anything" on any service, and "username: x" / "I'm x on Service".
_ANY_AT_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{2,29}(?<!\.)")
_LABELLED_HANDLE = re.compile(
    r"\b(?:handle|user\s?name|username|user\s?id|nick(?:name)?|gamertag|pseudo|kullan\u0131c\u0131\s?ad\u0131)"
    r"[ \t]{0,2}(?:is|:|=|-)[ \t]{0,2}(@?[\w.]{3,30})", re.IGNORECASE)
_ON_SERVICE = re.compile(r"\b(?:I'?m|I\s+am|find\s+me\s+as|search\s+for)\s+(@?[\w.]{3,30})\s+on\s+[A-Z][\w.]{1,30}")
# A bare word beside a service's name is a handle ("hettiemarch on Snapchat", "snap: hettiemarch"),
# unless it is an ordinary word of the sentence ("I'm on Snapchat too").
_SERVICES = (r"(?:whats\s?app|facebook|fb|insta(?:gram)?|ig|snap(?:chat)?|tiktok|twitter|telegram|signal|linkedin"
             r"|messenger|discord|skype|threads|bluesky|bsky|mastodon|pinterest|reddit|tumblr|twitch|youtube"
             r"|vinted|substack|wordpress|mumsnet|kik|viber|wechat|line|bereal|strava|letterboxd|goodreads)")
_CUE = r"(?:(?i:i'?m|i\s+am|as|is|it's|called|named|me|search\s+for|look\s+for)[ \t]{1,2}|[:,(][ \t]{0,2})"
_BEFORE_SERVICE = re.compile(rf"{_CUE}(@?[\w.]{{3,30}})[ \t]{{1,2}}(?i:on|auf|sur|en|no|na|pe|op|ar|su)[ \t]{{1,2}}"
                             rf"(?i:{_SERVICES})\b")
# "Find me on Insta, I'm sunflowerfields": the cue and the word just after a service's name.
_SERVICE_THEN_CUE = re.compile(rf"(?i:\b{_SERVICES})\b[^.!?\n]{{0,40}}?(?:(?i:i'?m|i\s+am)[ \t]{{1,2}}|:[ \t]{{0,2}})"
                               r"(@?[\w.]{3,30})")
_AFTER_SERVICE = re.compile(rf"(?i:\b{_SERVICES})(?:[ \t]{{1,2}}(?i:handle|name|username|account|id))?"
                            r"[ 	]{0,2}(?:[:=\-–]|(?i:is|es|est|ist|é|jest|este|yw))[ \t]{0,2}(@?[\w.]{3,30})")
_ORDINARY = frozenset("""too now also again anymore mostly lately sometimes often rarely never always still just only
    really very quite much more less private privately there here today though though it me you him her them us
    and but the a an so as at for if when because with not ever is was are were be my your our their his its
    down great fine good closed open active new old same different off mine yours hers theirs nothing everything
    anything something somewhere everywhere tonight tomorrow yesterday""".split())  # noqa: SIM905 - a word list reads best as words
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]{1,2000}", re.IGNORECASE)
# Links that are not web pages carry their identifier whole after the scheme: "mailto:jane%2Edoe%40...",
# "tel:%2B44...", "sms:", "whatsapp://send?phone=". Any scheme, any encoding.
_SCHEME_LINK = re.compile(r"(?<![\w.+-])[A-Za-z][A-Za-z0-9+.-]{1,15}:(?!//)[^\s<>\"')\]]{1,2000}")
# Any run of text with percent escapes is read decoded too: "%40" is an "@" whatever surrounds it.
_UNSPACED = re.compile(r"[^\s<>\"']{1,2000}")
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_BASE64_VALUE = re.compile(r"[A-Za-z0-9+/_-]{8,}={0,2}")


def obscured_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, kind) for identifiers written to slip past the usual shapes."""
    for start, end in spelled_number_spans(text):
        yield start, end, "phone"
    for match in _AT_WITHOUT_DOT.finditer(text):
        yield match.start(), match.end(), "email"
    for match in _KEY_ID.finditer(text):
        window = text[max(0, match.start() - 80) : match.end() + 80]
        if "@" in window or _KEY_CONTEXT.search(window):
            yield match.start(), match.end(), "email"
    for match in _ANY_AT_HANDLE.finditer(text):
        yield match.start(), match.end(), "link"
    for pattern in (_BEFORE_SERVICE, _AFTER_SERVICE, _SERVICE_THEN_CUE):
        for match in pattern.finditer(text):
            if match.group(1).lstrip("@").casefold() not in _ORDINARY and not match.group(1)[:1].isupper():
                yield match.start(1), match.end(1), "link"
    for pattern in (_LABELLED_HANDLE, _ON_SERVICE):
        for match in pattern.finditer(text):
            handle = match.group(1)
            if handle.startswith("@") or re.search(r"[\d_.]", handle) or not handle.isalpha():
                yield match.start(1), match.end(1), "link"


def run_together_pattern(names: Iterable[str]) -> re.Pattern | None:
    """Match a person's name run together as a handle: janedoe, jane_doe, doe.jane, JaneDoe84."""
    forms = set()
    for name in names:
        parts = [p for p in re.split(r"[\s\-'’]+", name) if len(p) >= 2]
        for first, last in itertools.pairwise(parts):
            for a, b in ((first, last), (last, first), (first[:1], last)):
                forms.add(rf"{re.escape(a)}[._-]?{re.escape(b)}")
        if len(parts) > 2:  # "Gwen Pryce-Madoc" runs together as gwenprycemadoc
            forms.add("[._-]?".join(re.escape(part) for part in parts))
    if not forms:
        return None
    return re.compile(rf"(?<![\w.@])@?(?:{'|'.join(sorted(forms, key=len, reverse=True))})[\d_]{{0,6}}(?![\w])",
                      re.IGNORECASE)


def encoded_link_spans(text: str, identifies: Callable[[str], bool]) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, "link") for links whose decoded parameters carry an identifier."""
    for match in _URL.finditer(text):
        url = match.group().rstrip(".,;:!?'")  # a sentence's full stop is not part of the link
        _, _, query = url.partition("?")
        path_and_query = url.split("/", 3)[-1] if url.count("/") >= 3 else query
        if any(identifies(value) for value in _decoded_values(path_and_query)):
            yield match.start(), match.start() + len(url), "link"


def encoded_token_spans(text: str, identifies: Callable[[str], bool]) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, "link") for scheme links ("mailto:", "tel:") and percent-escaped runs hiding an identifier."""
    for match in _SCHEME_LINK.finditer(text):
        link = match.group().rstrip(".,;:!?'")
        value = unquote_plus(link.partition(":")[2])
        if _ESCAPE.search(link) and identifies(value):
            yield match.start(), match.start() + len(link), "link"
    for match in _UNSPACED.finditer(text):
        token = match.group().rstrip(".,;:!?'")
        if _ESCAPE.search(token) and identifies(unquote_plus(token)):
            yield match.start(), match.start() + len(token), "link"


def _decoded_values(query: str) -> Iterator[str]:
    for piece in re.split(r"[&;/#=]", query):
        value = unquote_plus(piece)
        yield value
        for candidate in _BASE64_VALUE.findall(value):
            decoded = _base64_text(candidate)
            if decoded:
                yield decoded


def _base64_text(candidate: str) -> str:
    padded = candidate + "=" * (-len(candidate) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError):
        return ""
    return text if text.isprintable() else ""
