"""Generate training variants of labelled messages (pure, deterministic for a seed).

Each transform keeps the message's label: a disclosure embedded in a long
ordinary message, text-speak and typos, contractions expanded or contracted,
and (English, where a simple swap reads right) the writer's words told by her
partner in the third person.
"""
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Labelled:
    """One training message: the words, who wrote them, their language and label."""

    text: str
    sender: str
    language: str
    label: str
    origin: str = "written"  # or the transform that made it
    topic: str = ""  # the writer's class for the message ("hn_night_feeds"): for reporting only


_CONTRACTIONS = {
    "i am": "i'm", "i have": "i've", "i will": "i'll", "i would": "i'd", "do not": "don't",
    "does not": "doesn't", "did not": "didn't", "can not": "can't", "cannot": "can't", "will not": "won't",
    "is not": "isn't", "are not": "aren't", "was not": "wasn't", "has not": "hasn't", "have not": "haven't",
    "had not": "hadn't", "would not": "wouldn't", "could not": "couldn't", "should not": "shouldn't",
    "she is": "she's", "he is": "he's", "it is": "it's", "that is": "that's", "you are": "you're",
    "they are": "they're", "we are": "we're", "she has": "she's", "there is": "there's",
}
_EXPANSIONS = {short: long for long, short in _CONTRACTIONS.items() if long != "can not"}
_TEXT_SPEAK = {
    "you": "u", "your": "ur", "you're": "ur", "to": "2", "too": "2", "for": "4", "are": "r", "be": "b",
    "before": "b4", "tonight": "2nite", "tomorrow": "2moro", "today": "2day", "because": "cos", "and": "n",
    "please": "pls", "people": "ppl", "really": "rly", "know": "no", "don't": "dont", "can't": "cant",
    "i'm": "im", "i've": "ive", "won't": "wont", "what": "wat", "with": "wiv", "anymore": "nemore",
    "about": "abt", "something": "smth", "though": "tho", "night": "nite", "love": "luv",
}
_THIRD_PERSON = {
    "i'm": "she's", "i am": "she is", "i've": "she's", "i have": "she has", "i'll": "she'll", "i'd": "she'd",
    "i was": "she was", "i": "she", "me": "her", "my": "her", "mine": "hers", "myself": "herself",
    "am": "is", "don't": "doesn't", "do not": "does not", "haven't": "hasn't", "have": "has",
}
_ENGLISH_WORD = re.compile(r"[A-Za-z']+")
_VOWELS = re.compile(r"(?<=\w)[aeiou](?=\w)")
# Third-person swaps read right only in a short message with no "you" in it and no verb we would
# have to conjugate by guesswork beyond the table.
_SIMPLE_VERB = re.compile(r"\bi (want|think|keep|feel|hear|see|know|need|can't|cannot|just|really|"
                          r"can|could|would|will|won't|wish|hate|believe)\b")


def variants(rows: Sequence[Labelled], ordinary: Sequence[Labelled], seed: int = 12,
             per_message: int = 3) -> list[Labelled]:
    """Return per_message variants of every row, drawn with one seeded generator."""
    chance = random.Random(seed)  # noqa: S311 - reproducible training data, not a secret
    made = []
    for row in rows:
        for transform in chance.sample(_TRANSFORMS, k=min(per_message, len(_TRANSFORMS))):
            variant = transform(row, ordinary, chance)
            if variant is not None and variant.text != row.text:
                made.append(variant)
    return made


def embed(row: Labelled, ordinary: Sequence[Labelled], chance: random.Random) -> Labelled | None:
    """Put the message inside a long ordinary letter from the same language, at a random place."""
    same = [other.text for other in ordinary if other.language == row.language and other.sender == row.sender]
    if row.label == "none" or len(same) < 3:
        return None
    around = chance.sample(same, k=min(len(same), chance.randint(3, 6)))
    around.insert(chance.randint(0, len(around)), row.text)
    return replace(row, text="\n\n".join(around) if chance.random() < 0.5 else " ".join(around),
                   origin="embedded")


def text_speak(row: Labelled, ordinary: Sequence[Labelled], chance: random.Random) -> Labelled | None:
    """Rewrite as typed in a hurry: shorthand, dropped vowels and apostrophes, doubled letters, lower case."""
    def word(match: re.Match[str]) -> str:
        found = match.group(0)
        lower = found.lower()
        roll = chance.random()
        if lower in _TEXT_SPEAK and roll < 0.7:
            return _TEXT_SPEAK[lower]
        if len(found) > 4 and roll < 0.25:
            return _VOWELS.sub("", found)
        if len(found) > 3 and roll < 0.35:
            at = chance.randrange(len(found))
            return found[:at] + found[at] + found[at:]
        return found.replace("'", "") if roll < 0.8 else found
    text = _ENGLISH_WORD.sub(word, row.text) if row.language == "en" else _typos(row.text, chance)
    return replace(row, text=text.lower() if chance.random() < 0.6 else text, origin="text_speak")


def _typos(text: str, chance: random.Random) -> str:
    """Typos that need no knowledge of the language: doubled and dropped letters, apostrophes gone."""
    letters = list(text.replace("'", "").replace("\u2019", ""))
    for _ in range(max(1, len(letters) // 40)):
        at = chance.randrange(len(letters))
        if letters[at].isalpha():
            letters[at] = letters[at] * 2 if chance.random() < 0.5 else ""
    return "".join(letters)


def contractions(row: Labelled, ordinary: Sequence[Labelled], chance: random.Random) -> Labelled | None:
    """Expand every contraction, or contract every phrase that can be (English only)."""
    if row.language != "en":
        return None
    table = _CONTRACTIONS if chance.random() < 0.5 else _EXPANSIONS
    return replace(row, text=_swap(row.text, table), origin="contractions")


def third_person(row: Labelled, ordinary: Sequence[Labelled], chance: random.Random) -> Labelled | None:
    """Tell a requester's English message as her partner would, where a simple swap reads right."""
    lower = row.text.lower()
    if row.language != "en" or row.sender != "requester" or re.search(r"\byou\b|\bu\b", lower):
        return None
    if not _SIMPLE_VERB.search(lower) or len(row.text) > 400:
        return None
    told = _swap(row.text, _THIRD_PERSON)
    told = re.sub(r"\b(she) (want|think|keep|feel|hear|see|know|need|wish|hate|believe)\b", r"\1 \2s", told,
                  flags=re.IGNORECASE)
    opener = chance.choice(("I'm worried about my wife. ", "My partner told me last night: ", "",
                            "I'm writing about my girlfriend. "))
    return replace(row, text=opener + told, sender="partner", origin="third_person")


def _swap(text: str, table: dict[str, str]) -> str:
    """Replace whole words and phrases from the table, longest first, keeping a capital at the start."""
    pattern = re.compile(r"\b(" + "|".join(re.escape(key) for key in sorted(table, key=len, reverse=True))
                         + r")\b", re.IGNORECASE)

    def swap(match: re.Match[str]) -> str:
        found = match.group(0)
        new = table[found.lower().replace("\u2019", "'")]
        before = match.string[max(0, match.start() - 3):match.start()].rstrip()
        starts = match.start() == 0 or before[-1:] in (".", "!", "?")
        return new[:1].upper() + new[1:] if starts and found[:1].isupper() else new
    return pattern.sub(swap, text.replace("\u2019", "'"))


_TRANSFORMS: tuple[Callable[[Labelled, Sequence[Labelled], random.Random], Labelled | None], ...] = (
    embed, text_speak, contractions, third_person,
)
