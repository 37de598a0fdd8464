"""Normalise text before features, the same way in every language and script (pure).

Three readings of each word. The plain reading (`normalise`, `plain_words`)
unifies what only differs in how it was typed: Unicode compatibility forms
(NFKC), case, apostrophes, invisible joiners, Arabic-script letter variants that
keyboards and countries write differently, digits of any script, and elongation
("soooo", tatweel). The bare reading (`bare_word`) drops accents and optional
marks (French and Polish are often typed without them; Arabic short vowels are
mostly not written). The folded reading (`folded_word`) also makes doubled
letters single and reduces a word-initial consonant to its class, so that a
Welsh word reads the same after a soft, nasal or aspirate mutation ("babi",
"fy mabi"; "plentyn", "ei phlentyn"). The readings are added beside each other,
never instead. Each is a rule of a script or of a sound system, not a list of
words; Gurmukhi and Shahmukhi are left as written, since their vowel signs carry
the word. Linear in the text.
"""
import functools
import re
import unicodedata

_APOSTROPHES = "'\u2018\u2019\u02bc\u2032`\u00b4"
_TATWEEL = "\u0640"
# Arabic-script letters written differently by keyboard and country, read as one: alef with hamza,
# madda or wasla as bare alef; ta marbuta (Arabic, Urdu goal) as ha; alef maqsura and the Persian/Urdu
# yeh as Arabic ya; keheh as kaf; the Urdu heh forms (goal, do-chashmi) and ae as ha.
_ARABIC_LETTERS = {
    "\u0622": "\u0627", "\u0623": "\u0627", "\u0625": "\u0627", "\u0671": "\u0627",
    "\u0629": "\u0647", "\u06c3": "\u0647",
    "\u0649": "\u064a", "\u06cc": "\u064a",
    "\u06a9": "\u0643",
    "\u06c1": "\u0647", "\u06be": "\u0647", "\u06d5": "\u0647",
}


_BMP = [chr(point) for point in range(0x80, 0x10000)]
# Every decimal digit of the Basic Multilingual Plane (Arabic-Indic, Persian, Gurmukhi...) as 0-9, and
# invisible format characters (zero-width joiners, soft hyphens, direction marks) gone.
_DIGITS = {ch: str(unicodedata.decimal(ch)) for ch in _BMP if unicodedata.decimal(ch, None) is not None}
_FORMAT = dict.fromkeys(ch for ch in _BMP if unicodedata.category(ch) == "Cf")
_PLAIN = str.maketrans({**dict.fromkeys(_APOSTROPHES + _TATWEEL), **_FORMAT, **_ARABIC_LETTERS, **_DIGITS})


def _ranges(points: list[int]) -> str:
    """Return code points as a regular-expression character class body of ranges."""
    spans: list[list[int]] = []
    for point in points:
        if spans and point == spans[-1][1] + 1:
            spans[-1][1] = point
        else:
            spans.append([point, point])
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in spans)


# A word is letters, digits and the marks written on them: Python's \w alone leaves out combining marks,
# which would cut a Gurmukhi word at every vowel sign ("ਸ਼ਾਮ" into "ਸ", "ਮ") and an Arabic one at a haraka.
_MARKS = _ranges([ord(ch) for ch in _BMP if unicodedata.category(ch) in ("Mn", "Mc", "Me")])
NOT_WORD = re.compile(f"[^\\w{_MARKS}]+")
WORD = re.compile(f"[\\w{_MARKS}]+")
# Three or more of one character ("soooo", "!!!!", "nooooo") read as two: each run is matched once.
_ELONGATED = re.compile(r"(.)\1{2,}", re.DOTALL)
_DOUBLED = re.compile(r"(.)\1+", re.DOTALL)

# Letters with a stroke or ligature that NFKD leaves whole; folded to the letter a keyboard without
# them would type.
_STROKES = str.maketrans({"ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "ƶ": "z", "æ": "ae", "œ": "oe",
                          "\u0131": "i"})  # dotless i
# Arabic-script marks that are optional in writing (short vowels, shadda, sukun, superscript alef) and
# the hamza carriers, folded to the carrier letter.
_ARABIC_OPTIONAL = {chr(point) for point in range(0x064B, 0x0660)} | {"\u0670"}
_HAMZA_CARRIERS = str.maketrans({"\u0624": "\u0648", "\u0626": "\u064a", "\u0621": None})
# A word-initial consonant and what the Welsh mutations make of it (soft, nasal, aspirate), read as its
# class: c/g/ng/ngh/ch; p/b/f/m/ph/mh; t/d/dd/n/th/nh; ll/l; rh/r. An h before a vowel (aspirate
# mutation of a vowel-initial word) goes. Longest first (ng before n); applied to the word with its
# doubled letters made single.
_INITIALS = re.compile(r"^(?:(ngh|ng|ch|c|g|k)|(ph|mh|p|b|f|m)|(th|nh|t|d|n)|(l)|(rh|r)|h(?=[aeiouwy]))")
_CLASS_MARK = ("\x02k", "\x02p", "\x02t", "\x02l", "\x02r")


def normalise(text: str) -> str:
    """Return the plain reading: NFKC, case folded, letter variants and digits unified, elongation shortened."""
    plain = unicodedata.normalize("NFKC", text).casefold().translate(_PLAIN)
    return _ELONGATED.sub(r"\1\1", plain)


def plain_words(text: str) -> list[str]:
    """Return the words of the plain reading, punctuation and spacing of any length between them gone."""
    return [word for word in NOT_WORD.split(normalise(text)) if word]


@functools.lru_cache(maxsize=4096)  # the same words recur in every message and window
def bare_word(word: str) -> str:
    """Return a word without its accents and optional marks, as a keyboard without them would type it."""
    bare = "".join(ch for ch in unicodedata.normalize("NFKD", word)
                   if not (unicodedata.combining(ch) and (ch < "\u0370" or ch in _ARABIC_OPTIONAL)))
    return unicodedata.normalize("NFC", bare).translate(_STROKES).translate(_HAMZA_CARRIERS)


@functools.lru_cache(maxsize=4096)
def folded_word(word: str) -> str:
    """Return a word's folded reading: bare, single letters for double, its initial consonant's class."""
    single = _DOUBLED.sub(r"\1", bare_word(word))
    initial = _INITIALS.match(single) if single.isascii() else None
    if initial is None:
        return single
    mark = next((_CLASS_MARK[group] for group in range(5) if initial.group(group + 1)), "")
    return mark + single[initial.end():]
