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
    "ateb awtomatig", "ymateb awtomatig", "neges awtomatig",
    "freagra uathoibríoch", "freagra uathoibrioch",
    "otomatik yan\u0131t", "otomatik yanit", "otomatik cevap", "otomatik mesaj",
    "răspuns automat", "raspuns automat",
    "réponse automatique d'absence", "message d'absence",
    "رد تلقائي", "رد آلي", "الرد التلقائي", "خارج المكتب",
    "خودکار جواب", "دفتر سے باہر", "پاسخ خودکار",
    "automatyczna odpowiedź", "automatyczna odpowiedz", "odpowiedz automatyczna",
    "automatische antwort", "abwesenheitsmeldung", "abwesenheitsnachricht",
    "afwezigheidsbericht", "automatisch bericht", "automatische reactie",
    "respuesta automática de ausencia", "resposta automática de ausência",
    "ausência temporária", "ausencia temporaria", "mensagem automática", "mensaje automático",
    "risposta automatica", "automatické odpověď", "automatická odpověď", "automatikus válasz",
    "automaattinen vastaus", "automatisk svar", "automatisk besked", "fraværsmelding",
    "αυτόματη απάντηση", "автоматический ответ", "автоматична відповідь",
    "自动回复", "自動回覆", "自動応答", "자동 회신", "자동 응답", "स्वचालित उत्तर", "স্বয়ংক্রিয় উত্তর",
    "תשובה אוטומטית", "jawaban otomatis", "balasan automatik", "jibu la kiotomatiki", "jawaab otomaatig",
)
# Phrases a person might start a real subject with ("Out of office next week, can we move our
# call?"), so they count only as the whole subject or followed by a colon, as autoresponders write.
_AUTOMATIC_BEFORE_COLON = (
    "out of office", "out of the office", "away from my desk", "auto",
    "absence du bureau", "fuera de la oficina", "afwezig", "fuori sede", "ausente",
    "abwesend", "nicht im büro", "außer haus", "ausser haus", "im urlaub", "abwesenheit",
    "allan o'r swyddfa", "allan o’r swyddfa", "as oifig", "ar saoire",
    "ofis d\u0131\u015f\u0131nda", "ofis disinda", "izindeyim",
    "în afara biroului", "in afara biroului", "absent de la birou",
    "poza biurem", "nieobecność", "nieobecnosc",
    "absent du bureau", "en congé", "en vacances",
    "fuera de la oficina", "de vacaciones",
    "fora do escritório", "fora do escritorio", "de férias",
    "buiten kantoor", "niet aanwezig", "met vakantie",
    "fuori ufficio", "in ferie",
    "på semester", "inte på kontoret", "ikke på kontoret",
    "خارج الدوام", "في إجازة", "رخصت پر", "چھٹی پر",
    "on vacation", "on holiday", "on leave", "annual leave",
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
