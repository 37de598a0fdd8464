"""Subject lines that only mail software writes: out-of-office notices and bounces, in many languages."""
import re
import unicodedata

# Phrases no person starts a subject with; they match whatever follows.
_ALWAYS_AUTOMATIC = (
    "automatic reply", "auto reply", "auto-reply", "autoreply", "auto response", "auto-response",
    "autoresponse", "out of office autoreply", "out of office auto reply",
    "abwesenheitsnotiz", "automatische antwort",
    "réponse automatique", "reponse automatique",
    "respuesta automática", "respuesta automatica",
    "automatisch antwoord",
    "risposta automatica",
    "resposta automática", "resposta automatica",
    "odpowiedź automatyczna",
    "frånvaromeddelande", "autosvar", "automatiskt svar",
    "ateb awtomatig",
)
# Phrases a person might start a real subject with ("Out of office next week, can we move our
# call?"), so they count only as the whole subject or followed by a colon, as autoresponders write.
_AUTOMATIC_BEFORE_COLON = (
    "out of office", "out of the office", "away from my desk", "auto",
    "absence du bureau", "fuera de la oficina", "afwezig", "fuori sede", "ausente",
    "abwesend", "nicht im büro",
)
_BOUNCE = (
    "undeliverable", "undelivered mail returned to sender", "undelivered mail",
    "delivery status notification", "mail delivery failed", "mail delivery failure",
    "delivery failure", "returned mail", "failure notice", "message not delivered",
    "unzustellbar", "non remis", "no se puede entregar", "onbestelbaar", "niet bezorgd",
)


def _pattern(always: tuple[str, ...], before_colon: tuple[str, ...] = ()) -> re.Pattern[str]:
    anywhere = "|".join(re.escape(phrase) for phrase in sorted(always, key=len, reverse=True))
    colon = "|".join(re.escape(phrase) for phrase in sorted(before_colon, key=len, reverse=True))
    alternatives = [f"(?:{anywhere})(?!\\w)"]
    if colon:
        # French typography puts a space before the colon ("Réponse automatique : ...").
        alternatives.append(f"(?:{colon})\\s*(?::|$)")
    return re.compile(r"\A\s*(" + "|".join(alternatives) + ")", re.IGNORECASE)


_OUT_OF_OFFICE = _pattern(_ALWAYS_AUTOMATIC, _AUTOMATIC_BEFORE_COLON)
_BOUNCE_SUBJECT = _pattern(_BOUNCE)


def out_of_office_phrase(subject: str) -> str | None:
    """Return the autoresponder phrase a subject starts with, or None."""
    return _match(_OUT_OF_OFFICE, subject)


def bounce_phrase(subject: str) -> str | None:
    """Return the delivery-failure phrase a subject starts with, or None."""
    return _match(_BOUNCE_SUBJECT, subject)


def _match(pattern: re.Pattern[str], subject: str) -> str | None:
    # Clients send "é" both composed and decomposed; compare the composed form.
    found = pattern.match(unicodedata.normalize("NFC", subject))
    return found[1].rstrip(" :\xa0") if found else None
