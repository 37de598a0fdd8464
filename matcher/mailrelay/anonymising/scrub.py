"""Remove what would let one party find the other, and spot offers to connect (pure).

Two detectors run over the same original text and their findings are merged
before anything is replaced: first every identifier known for either party
(names, addresses, phones, employer, postal address) in whatever spelling
people use, then anything that looks like a contact detail at all. Replacing
once, from the original, means a marker is never itself scanned again.
"""
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers

# Offers to connect live in their own module; re-exported so callers need one import.
from matcher.mailrelay.anonymising.contact_offers import MESSAGING_APPS as _APPS
from matcher.mailrelay.anonymising.contact_offers import ContactOffer, find_contact_offers  # noqa: F401
from matcher.mailrelay.anonymising.names import case_kept_pattern, name_shape_spans, proper_name_spans
from matcher.mailrelay.anonymising.obscured import (
    encoded_link_spans,
    encoded_token_spans,
    obscured_spans,
    run_together_pattern,
)
from matcher.mailrelay.anonymising.shapes import address_spans, organisation_spans, title_line_spans
from matcher.mailrelay.anonymising.work import self_description_spans

REASONS = {"name": "a name", "email": "an email address", "phone": "a phone number",
           "link": "a social media link or handle", "postcode": "a postcode",
           "employer": "an employer's name", "address": "a street address", "title": "a job title",
           "proper": "a name (capitalised words)"}
# When spans overlap the longer wins; on a tie, the more specific kind.
# A capitalised run ("proper") gives way to any kind that says more about what it is.
_PRIORITY = ("email", "name", "link", "phone", "address", "postcode", "employer", "title", "proper")
_WORDS_ONLY = ("name", "employer")


@dataclass(frozen=True)
class Identity:
    """Everything known about one party that must not reach the other."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    employers: tuple[str, ...] = ()
    postal: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        """Accept lists or a lone string, and keep the identity hashable for caching."""
        for field in ("names", "emails", "phones", "employers", "postal"):
            value = getattr(self, field)
            value = (value,) if isinstance(value, str) else tuple(v for v in value if v and v.strip())
            object.__setattr__(self, field, value)


@dataclass(frozen=True)
class Removal:
    """One thing taken out of a message, described without its value."""

    kind: str
    reason: str
    known: bool = False  # True when it was an identifier on file for a party


@dataclass(frozen=True)
class Scrubbed:
    """Text with identifying details replaced by neutral markers."""

    text: str
    removals: tuple[Removal, ...] = ()


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    known: bool = False
    owner: int = -1  # which identity it belongs to (0: the sender), -1 for none


MARKER_WORDS = {"title": "job title", "employer": "employer", "proper": "name"}


def scrub_text(
    text: str, identities: Sequence[Identity], allowed_names: Iterable[str] = (), region: str = "GB",
    other_names: Iterable[str] = (), sender_pseudonym: str | None = None, prose: bool = True,
) -> Scrubbed:
    """Replace every identifying detail in a message body with a neutral marker.

    `other_names` are names learned from the message's headers and quoted headers; the sender's own
    name is replaced by `sender_pseudonym` when given, so "I'm Jane Doe" reads "I'm Sunny". `prose`
    says the text is sentences, where capitalised runs are names; a subject is often Title Case.
    """
    allowed = tuple(allowed_names)
    spans = _find_spans(text, identities, allowed, region)
    masked = _masked(text, allowed)
    spans += _learned_name_spans(masked, tuple(other_names))
    if prose:
        spans += [_Span(start, end, "proper") for start, end in proper_name_spans(masked)]

    def marker(span: _Span) -> str:
        if sender_pseudonym and span.kind == "name" and span.owner == 0:
            return sender_pseudonym
        return f"[{MARKER_WORDS.get(span.kind, span.kind)} removed]"

    return _replace(text, spans, marker)


def _masked(text: str, allowed: tuple[str, ...]) -> str:
    """Blank pseudonyms and the organisation's name (same length), so no other rule takes them."""
    return _phrases_pattern(allowed).sub(lambda m: " " * len(m.group()), text) if allowed else text


def _learned_name_spans(masked: str, other_names: tuple[str, ...]) -> list[_Span]:
    spans = [_Span(start, end, "name") for start, end in name_shape_spans(masked)]
    pattern = case_kept_pattern(other_names)
    if pattern is not None:
        spans += [_Span(*m.span(), "name") for m in pattern.finditer(masked)]
    return spans


def scrub_subject(
    subject: str, identities: Sequence[Identity], allowed_names: Iterable[str] = (), region: str = "GB"
) -> Scrubbed:
    """Replace every identifying detail in a subject line with a neutral marker."""
    return scrub_text(" ".join(subject.split()), identities, allowed_names, region, prose=False)


def scrub_filename(
    filename: str, identities: Sequence[Identity], allowed_names: Iterable[str] = ()
) -> Scrubbed:
    """Replace identifying details in an attachment's file name, keeping its extension."""
    # Windows clients sometimes send a full path, and its folders name the account.
    base = re.split(r"[\\/]", filename)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot or not re.fullmatch(r"[A-Za-z0-9]{1,5}", extension):
        stem, dot, extension = base, "", ""
    # "Jane_Doe-CV" hides whole words from \b; spaces of the same length keep offsets.
    spaced = re.sub(r"[_.\-+]", " ", stem)
    allowed = tuple(allowed_names)
    spans = _find_spans(stem, identities, allowed, "GB") + _find_spans(spaced, identities, allowed, "GB")
    spans += _name_fragments(stem, identities, allowed)
    # In a file name a party's run-together name ("JaneDoe") is their name, not a handle.
    spans = [_Span(s.start, s.end, "name", True, s.owner) if s.kind == "link" and s.known else s for s in spans]
    scrubbed = _replace(stem, spans, lambda span: f"{span.kind}-removed")
    return Scrubbed(scrubbed.text + dot + extension, scrubbed.removals)


def _find_spans(
    text: str, identities: Sequence[Identity], allowed: tuple[str, ...], region: str
) -> list[_Span]:
    """Return every span to remove, known identifiers first, then patterns."""
    # Pseudonyms and the organisation's name are blanked out before looking
    # for names, so "Sunny Doe" loses "Doe" but keeps the pseudonym "Sunny";
    # an email or phone that happens to contain one is still found whole.
    masked = _masked(text, allowed)
    spans = [s for s in _known_spans(masked, identities, region) if s.kind in _WORDS_ONLY]
    spans += [s for s in _known_spans(text, identities, region) if s.kind not in _WORDS_ONLY]
    # The organisation's own name and the pseudonyms are not somebody's employer or title.
    spans += [_Span(*found) for found in organisation_spans(masked)]
    spans += [_Span(*found) for found in title_line_spans(masked)]
    spans += [_Span(*found) for found in self_description_spans(masked)]
    spans += [_Span(*found) for found in obscured_spans(masked)]

    def identifies(decoded: str) -> bool:
        found = _known_spans(decoded, identities, region)
        return next(found, None) is not None or next(_pattern_spans(decoded, region), None) is not None

    spans += [_Span(*found) for found in encoded_link_spans(text, identifies)]
    spans += [_Span(*found) for found in encoded_token_spans(text, identifies)]
    return spans + list(_pattern_spans(text, region))


def _replace(text: str, spans: list[_Span], marker) -> Scrubbed:
    """Replace merged spans with markers and list what went."""
    out, removals, position = [], [], 0
    for span in _merge(text, spans):
        out += [text[position : span.start], marker(span)]
        removals.append(Removal(span.kind, REASONS[span.kind], span.known))
        position = span.end
    out.append(text[position:])
    return Scrubbed("".join(out), tuple(removals))


def _merge(text: str, spans: list[_Span]) -> list[_Span]:
    """Merge overlapping spans, and a first name and surname into one."""
    merged: list[_Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        last = merged[-1] if merged else None
        between = text[last.end : span.start] if last else ""
        joined_names = last and last.kind == span.kind == "name" and not between.strip(" ")
        if last and (span.start < last.end or joined_names):
            kind = min(last, span, key=lambda s: (s.start - s.end, _PRIORITY.index(s.kind))).kind
            # A learned name (no owner) over a party's known name is still that party's name.
            owner = last.owner if span.owner in (-1, last.owner) else span.owner if last.owner == -1 else -1
            merged[-1] = _Span(last.start, max(last.end, span.end), kind, last.known or span.known, owner)
        else:
            merged.append(span)
    return merged


# ----- identifiers known for a party --------------------------------------

def _known_spans(text: str, identities: Sequence[Identity], region: str) -> Iterator[_Span]:
    """Find every known identifier of every party, in any spelling."""
    for owner, identity in enumerate(identities):
        for kind, pattern in _identity_patterns(identity, region):
            for match in pattern.finditer(text):
                yield _Span(*match.span(), kind, known=True, owner=owner)


@lru_cache(maxsize=256)
def _identity_patterns(identity: Identity, region: str) -> tuple[tuple[str, re.Pattern], ...]:
    """Compile the patterns for one party's identifiers."""
    found = []
    if identity.names:
        found.append(("name", _names_pattern(identity.names)))
        run_together = run_together_pattern(identity.names)
        if run_together is not None:
            found.append(("link", run_together))
    found += [("email", _email_pattern(email, identity.names)) for email in identity.emails if "@" in email]
    found += [("phone", p) for p in (_phone_pattern(n, region) for n in identity.phones) if p]
    if identity.employers:
        # People drop the "Ltd": "I work at Example Widgets".
        employers = {*identity.employers, *(_LEGAL_SUFFIX.sub("", e) for e in identity.employers)}
        found.append(("employer", _phrases_pattern(employers)))
    for line in identity.postal:
        found += _postal_patterns(line)
    return tuple(found)


# Surnames and first names that are also everyday words: matching them in
# lower case would turn "I hope" into "I [name removed]", which both ruins the
# sentence and tells the reader what the hidden name is.
_EVERYDAY_WORDS = frozenset(
    """hope joy may will rose grace faith young king church hall wood green white black brown
    bell long little new short hill field day rich summer march april june august dawn mark bill
    pat rob sky ivy holly lily daisy amber ruby pearl hunter cook baker mason miles price lane ford
    west north south east love power best moody sharp strong wise hart fox wolf lamb swan bird
    nurse post frost snow rain winter spring brook banks marsh moss stone wells waters rivers
    woods fields hills park parks read early late gay penny sunny star storm hay cross bond cash
    ash page sage fern hazel heather iris olive poppy river autumn chase dale glen""".split()  # noqa: SIM905 - a word list reads best as words
)


def _names_pattern(names: tuple[str, ...]) -> re.Pattern:
    """Match full names and each name part of three letters or more."""
    alternatives = set()
    for name in names:
        words = re.findall(r"[\w'’-]+", name)
        if words:
            alternatives.add(r"\s+".join(_letters(word) for word in words))
        for part in {p for w in words for p in [w, *w.split("-"), *re.split(r"[-'’]", w)]}:
            if len(part) >= 3 and part.casefold() in _EVERYDAY_WORDS:
                alternatives.add(rf"(?-i:{re.escape(part.title())}|{re.escape(part.upper())})")
            elif len(part) >= 3:
                alternatives.add(_letters(part))
    ordered = sorted(alternatives, key=len, reverse=True)
    # A compound or particled surname around a known part is the same person's (or a relative's) name:
    # "Jansen-Smit", "Smit de Bruin" go whole, never leaving the other half.
    return re.compile(rf"(?<![\w-])(?:{_COMPOUND}-)?(?:{'|'.join(ordered)})(?:-{_COMPOUND}|{_PARTICLED})?(?![\w-])",
                      re.IGNORECASE)


_COMPOUND = r"(?-i:[A-ZÀ-ÖØ-ÞĀ-\u017f][\w'’]{1,30})"
_PARTICLED = rf"[ \t]{{1,2}}(?-i:de|van|der|den|da|du|dos|Ní|Nic|Ó|Mac|bin|al|el)[ \t-]{{1,2}}{_COMPOUND}"


_ACCENTED = {"a": "aàáâãäå", "c": "cç", "e": "eèéêë", "i": "iìíîï", "n": "nñ", "o": "oòóôõöø",
             "u": "uùúûü", "y": "yýÿ", "s": "sś", "z": "zźż", "l": "lł"}


def _letters(word: str) -> str:
    """Spell a word as a pattern that ignores accents, apostrophes and hyphens."""
    out = []
    for char in word:
        base = unicodedata.normalize("NFKD", char)[0].lower()
        if char in "'’":
            out.append("['’]?")
        elif char == "-":
            out.append(r"[-\s]?")
        elif base in _ACCENTED:
            out.append(f"[{_ACCENTED[base]}{char.lower()}]")
        else:
            out.append(re.escape(char))
    return "".join(out)


# Spaces around a spelled-out "at" or "dot" are bounded (here and in every shape below): each
# attempt to match then costs a bounded amount, so a whole message is read in linear time.
_AT = r"\s{0,3}(?:@|[(\[{<]\s{0,3}at\s{0,3}[)\]}>]|\bat\b)\s{0,3}"
_DOT = r"\s{0,3}(?:\.|[(\[{<]\s{0,3}dot\s{0,3}[)\]}>]|\bdot\b)\s{0,3}"
_GMAIL = ("gmail.com", "googlemail.com")


def _email_pattern(email: str, names: tuple[str, ...]) -> re.Pattern:
    """Match an address in any case, with a +tag, or spelled out "jane dot doe at ..."."""
    local, _, domain = email.strip().rpartition("@")
    local = local.split("+")[0]
    if domain.lower() in _GMAIL:
        # Gmail ignores dots in the local part, so every dotting is the same inbox.
        local_pattern = f"(?:{_DOT})?".join(re.escape(c) for c in local.replace(".", ""))
    else:
        local_pattern = _DOT.join(re.escape(piece) for piece in local.split("."))
    domain_pattern = _DOT.join(re.escape(piece) for piece in domain.split("."))
    full = rf"(?<![\w.]){local_pattern}(?:\+[\w.\-]*)?{_AT}{domain_pattern}(?![\w-])"
    alternatives = [full]
    # A local part like "janedoe84" is a handle people reuse elsewhere.
    handle = local.casefold()
    joined_names = {"".join(n.split()).casefold() for n in names}
    if len(handle) >= 4 and (re.search(r"[^a-z]", handle) or handle in joined_names):
        alternatives.append(rf"(?<![\w.]){re.escape(local)}(?![\w])")
    return re.compile("|".join(alternatives), re.IGNORECASE)


_SEPARATOR = r"[\s().\-/]{0,3}"
_LEGAL_SUFFIX = re.compile(r"(?<![\s,])[\s,]++(?:Ltd\.?|Limited|plc|LLP|Inc\.?|GmbH|& Co\.?|Co\.)\s*$", re.I)


def _phone_pattern(phone: str, region: str) -> re.Pattern | None:
    """Match a known phone number in any spacing, with or without its country code."""
    try:
        parsed = phonenumbers.parse(phone, region)
        country, national = str(parsed.country_code), phonenumbers.national_significant_number(parsed)
    except phonenumbers.NumberParseException:
        country, national = "", re.sub(r"\D", "", phone).lstrip("0")
    if len(national) < 6:
        return None
    body = _SEPARATOR.join(national)
    trunk = rf"(?:0{_SEPARATOR})?"
    if country:
        international = rf"(?:\+|00){_SEPARATOR}{_SEPARATOR.join(country)}{_SEPARATOR}(?:\(0\){_SEPARATOR})?"
        trunk = rf"(?:{international}|0{_SEPARATOR})?"
    return re.compile(rf"(?<!\d){trunk}{body}(?!\d)")


def _phrases_pattern(phrases: Iterable[str]) -> re.Pattern:
    """Match any of the phrases as whole words, in any case and spacing."""
    spelled = {r"[\s,]+".join(_letters(w) for w in p.split()) for p in phrases if p.strip()}
    ordered = sorted(spelled, key=len, reverse=True) or ["(?!)"]
    return re.compile(rf"(?<!\w)(?:{'|'.join(ordered)})(?!\w)", re.IGNORECASE)


def _postal_patterns(line: str) -> list[tuple[str, re.Pattern]]:
    """Match each part of a known postal address, postcodes with or without the space."""
    found = []
    for piece in re.split(r"[,\n]+", line):
        part = piece.strip()
        compact = part.replace(" ", "").upper()
        if re.fullmatch(r"[A-Z]{1,2}\d[A-Z\d]?\d[A-Z]{2}", compact):
            spelled = rf"{compact[:-3]}\s*{compact[-3:]}"
            found.append(("postcode", re.compile(rf"(?<!\w){spelled}(?!\w)", re.IGNORECASE)))
        elif len(part) >= 4:
            found.append(("address", _phrases_pattern([part])))
    return found


def _name_fragments(stem: str, identities: Sequence[Identity], allowed: tuple[str, ...]) -> list[_Span]:
    """Find name parts run together in a file name, as in "JaneDoeCV"."""
    safe = {a.casefold() for a in allowed}
    parts = {p for i in identities for n in i.names for p in re.split(r"[\s\-'’]+", n)}
    parts = {p for p in parts if len(p) >= 3 and p.casefold() not in safe | _EVERYDAY_WORDS}
    return [_Span(*m.span(), "name", True) for p in parts for m in re.finditer(re.escape(p), stem, re.I)]


# ----- anything that looks like a contact detail ----------------------------

def _pattern_spans(text: str, region: str) -> Iterator[_Span]:
    """Find contact details nobody told us about, by their shape."""
    for kind, pattern in _SHAPES:
        for match in pattern.finditer(text):
            group = 1 if pattern.groups else 0
            # A sentence's full stop or closing bracket is not part of a link.
            found = match.group(group).rstrip(".,;:!?)'\"")
            yield _Span(match.start(group), match.start(group) + len(found), kind)
    yield from _handle_spans(text)
    yield from _phone_spans(text, region)
    yield from (_Span(*found) for found in address_spans(text))


_TLD = r"(?:com|org|net|co\s*(?:\.|dot)\s*uk|org\s*(?:\.|dot)\s*uk|uk|ie|de|fr|nl|info|me|io|edu|gov)"
_MAIL_PROVIDERS = (r"(?:gmail|googlemail|hotmail|outlook|yahoo|icloud|live|aol|protonmail|proton|btinternet"
                   r"|sky|msn|ymail|gmx|me|mac)")
_SOCIAL_SITES = (
    r"(?:facebook\.com|fb\.com|fb\.me|m\.me|messenger\.com|instagram\.com|instagr\.am|twitter\.com|x\.com"
    r"|tiktok\.com|linkedin\.com|lnkd\.in|wa\.me|whatsapp\.com|t\.me|telegram\.me|snapchat\.com"
    r"|threads\.net|bsky\.app|discord\.gg|discord\.com|signal\.me|signal\.group|vk\.com|ok\.ru|weibo\.com"
    r"|linktr\.ee|pinterest\.[a-z.]{2,6}|reddit\.com|tumblr\.com|twitch\.tv|youtube\.com|youtu\.be|viber\.com"
    r"|kakao\.com|vinted\.[a-z.]{2,6}|mumsnet\.com|mastodon\.social|strava\.com|skype\.com|wechat\.com"
    r"|weixin\.qq\.com)"
)
_STREET_TYPES = (
    r"(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Drive|Dr|Close|Crescent|Cres|Way|Court|Ct|Place|Pl"
    r"|Gardens|Gdns|Grove|Terrace|Square|Sq|Mews|Row|Walk|Boulevard|Blvd|Parade|Rise|Hill|Park|View)"
)
_STATES = (
    r"(?:A[KLRZ]|C[AOT]|D[CE]|FL|GA|HI|I[ADLN]|K[SY]|LA|M[ADEINOST]|N[CDEHJMVY]|O[HKR]|PA|RI|S[CD]|T[NX]"
    r"|UT|V[AT]|W[AIVY]|California|Texas|Florida|New\s+York|Washington|Illinois)"
)
_SHAPES = (
    # Local parts up to 64 characters and labels up to 63 (RFC 5321), at most 8 labels.
    ("email", re.compile(r"(?<![\w.!#$%&*+/=?^{|}~-])[\w.!#$%&*+/=?^{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")),
    # Spelled-out addresses: "(at)" or "[at]" anywhere, but a bare " at " only
    # with " dot " or a mail provider, so "have a look at mind.org.uk" stays.
    ("email", re.compile(
        rf"[\w.+-]{{1,64}}+\s{{0,3}}+[(\[{{<]\s{{0,3}}at\s{{0,3}}[)\]}}>]\s{{0,3}}[\w-]{{1,63}}(?:{_DOT}[\w-]{{1,63}}){{1,8}}",
        re.I)),
    ("email", re.compile(
        rf"\b[\w+-]{{1,64}}+(?:(?:\s{{1,3}}dot\s{{1,3}}|\.)[\w+-]{{1,64}}+){{0,8}}\s{{1,3}}at\s{{1,3}}[\w-]{{1,63}}+"
        rf"(?:\s{{1,3}}dot\s{{1,3}}[\w-]{{1,63}}+){{0,4}}\s{{1,3}}dot\s{{1,3}}{_TLD}\b", re.I)),
    ("email", re.compile(
        rf"\b[\w.+-]{{1,64}}+\s{{1,3}}+at\s{{1,3}}{_MAIL_PROVIDERS}\s{{0,3}}(?:\.|\bdot\b)\s{{0,3}}{_TLD}\b", re.I)),
    ("link", re.compile(rf"(?<![\w.-])(?:https?://)?(?:[\w-]+\.)*{_SOCIAL_SITES}/[^\s<>()\[\]]+", re.I)),
    # Structure, for services no list names: a ".me" short link is a person's (wa.me, t.me, zalo.me,
    # line.me), and a path segment "/@name" is a profile on any site (Mastodon, TikTok, YouTube, Medium).
    ("link", re.compile(r"(?<![\w.-])(?:https?://)?(?:[\w-]{1,30}\.){0,2}[\w-]{1,30}\.me/[^\s<>()\[\]]{1,200}", re.I)),
    ("link", re.compile(r"(?<![\w.-])(?:https?://)?(?:[\w-]{1,63}\.){1,5}[a-z]{2,12}/(?:[^\s/<>()\[\]]{1,60}/){0,3}"
                        r"@[\w.-]{1,60}", re.I)),
    ("postcode", re.compile(r"\b(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})\b")),
    # Lower-case postcodes only with their space, so "b12" alone is vitamin B12.
    ("postcode", re.compile(r"\b[a-pr-uwyz][a-hk-y]?\d[a-z\d]? \d[abd-hjlnp-uw-z]{2}\b")),
    ("postcode", re.compile(r"\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z][ -]?\d[ABCEGHJ-NPRSTV-Z]\d\b")),
    ("postcode", re.compile(rf"\b{_STATES},?\s+(\d{{5}}(?:-\d{{4}})?)\b")),
    ("address", re.compile(
        rf"\b(?!(?:19|20)\d\d\b)\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][\w'’-]+\s+){{1,4}}{_STREET_TYPES}\b\.?"
        r"(?:,\s*[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+){0,2}){0,2}"
    )),
)

_SOCIAL_WORDS = re.compile(rf"\b(?!x\b){_APPS}\b|\bon\s+x\b", re.IGNORECASE)
_AT_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_][A-Za-z0-9_.]{1,29}(?<!\.)")
_NAMED_HANDLE = re.compile(
    rf"\b(?!x\b){_APPS}(?:\s+(?:name|handle|username|user|id|account))?\s*(?:is|:|=|-)\s*(@?[\w.]{{3,30}})",
    re.IGNORECASE)


def _handle_spans(text: str) -> Iterator[_Span]:
    """Find "@handles" near a social network's name, and "my insta is jane_doe84"."""
    for match in _AT_HANDLE.finditer(text):
        window = text[max(0, match.start() - 60) : match.end() + 60]
        if _SOCIAL_WORDS.search(window):
            yield _Span(*match.span(), "link")
    for match in _NAMED_HANDLE.finditer(text):
        handle = match.group(1).rstrip(".")
        # "my facebook is private" names no account; a handle has "@" or a mark.
        if handle.startswith("@") or re.search(r"[\d_.]", handle):
            yield _Span(match.start(1), match.start(1) + len(handle), "link")


# A run touching ":" or "/" is a time or a date ("10:15", "04/03/2024").
# A line break inside a run counts as a space: clients wrap "07700\n900 123" at any width.
_DIGIT_RUN = re.compile(r"(?<![\w@/+.£$€])(?<!\d[:/])(?:\+[ \t]?)?\(?\d(?:[\d \t().\-]|\n(?=[ \t]{0,3}\d))*\d\)?"
                        r"(?![\w]|[:/]\d)")
_DIGIT_GROUP = re.compile(r"\+?\(?\d+\)?")


def _phone_spans(text: str, region: str) -> Iterator[_Span]:
    """Find phone numbers: valid ones by libphonenumber, any other by their length."""
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID):
        yield _Span(match.start, match.end, "phone")
    # Fictional and new ranges (Ofcom's 07700 900xxx among them) are not
    # "valid" to libphonenumber, but they are still somebody's number.
    for run in _DIGIT_RUN.finditer(text):
        yield from _phones_in_run(run)


def _phones_in_run(run: re.Match) -> Iterator[_Span]:
    """Split a run of digit groups into phone-number-sized pieces."""
    groups = list(_DIGIT_GROUP.finditer(run.group()))
    i = 0
    while i < len(groups):
        j, digits = i, 0
        while j < len(groups):
            size = len(re.sub(r"\D", "", groups[j].group()))
            starts_new = groups[j].group().lstrip("(").startswith(("+", "0"))
            if j > i and (digits + size > 15 or (digits >= 10 and (starts_new or size == 1))):
                break
            digits, j = digits + size, j + 1
        piece = groups[i : j]
        if _looks_like_phone(piece, digits):
            yield _Span(run.start() + piece[0].start(), run.start() + piece[-1].end(), "phone")
            i = j
        else:
            i += 1


def _looks_like_phone(groups: list[re.Match], digits: int) -> bool:
    """Tell a phone number from a list of years, doses, times or a decimal."""
    values = [g.group() for g in groups]
    dialled = values[0].startswith(("0", "+", "("))
    if digits < (9 if values[0].startswith("+") else 10) or digits > 15:
        return False
    # "2 0 2 . 5 5 5 . 0 1 9 8": ten digits typed one by one are dialled, not counted.
    if len(values) == digits:
        return True
    # "50 100 150 200" and "10.30 11.30 12.30" are lists: numbers not dialled
    # from 0 or + come in at most three groups ("212 555 0123").
    if not dialled and len(values) > 3:
        return False
    # "in 2023 2024 15 times": a year among undialled groups is a year.
    if not dialled and len(values) > 1 and any(re.fullmatch(r"(?:19|20)\d\d", v) for v in values):
        return False
    if any(len(v.strip("()+")) == 1 and v != "(0)" and not v.startswith("+") for v in values):
        return False
    return not all(re.fullmatch(r"(?:19|20)\d\d", v) for v in values)
