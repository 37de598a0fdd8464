# ruff: noqa: RUF001 - the corpus is written in Turkish, Urdu and Arabic, whose letters look like Latin ones
"""Compose replies as real mail clients write them: client shape x language x signature style x identifiers.

Written for this project (issue 13), independently of the held-out corpus: every person, street,
employer and number here is invented; domains are example.com/.org/.net, phones Ofcom drama numbers.
Used by the hypothesis test (tests/mailrelay/anonymising/test_generated.py) and to write the
development corpus in tests/data/mail-variants/ (`python -m tests.mailrelay.anonymising.composer`).
"""
from __future__ import annotations

import base64
import hashlib
import json
import sys
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from urllib.parse import quote

RELAY = "support+7a1c3e5f9b2d4f6081a3c5e7f9b1d3f5@relay.example"
READER_PSEUDONYM = "Wren"
SENDER_PSEUDONYM = "Marigold"


@dataclass(frozen=True)
class Language:
    """How one language's clients and writers put a reply together."""

    code: str
    greeting: str
    sentences: tuple[str, str]
    sign_off: str
    attribution: str  # {date} {name} {address}
    labels: tuple[str, str, str, str]  # from, sent, to, subject
    original: str  # the "Original message" rule's words
    relation: str  # "my sister", placed before a full name


LANGUAGES = (
    Language("en-GB", "Hi Wren,", ("Thank you for your kind words last week, they helped more than you know.",
                                   "The baby slept four hours in a row on Tuesday, which felt like a miracle."),
             "Kind regards,", "On {date}, {name} <{address}> wrote:", ("From", "Sent", "To", "Subject"),
             "Original Message", "my sister"),
    Language("cy", "Helo Wren,", ("Diolch am dy neges, roedd yn golygu llawer i mi.",
                                  "Aethon ni am dro i'r parc ddoe ac roedd yr haul yn braf."),
             "Cofion cynnes,", "Ar {date}, ysgrifennodd {name} <{address}>:", ("Oddi wrth", "Anfonwyd", "At", "Pwnc"),
             "Neges wreiddiol", "fy chwaer"),
    Language("tr", "Merhaba Wren,", ("Mesajın için çok teşekkür ederim, bana çok iyi geldi.",
                                     "Bu hafta biraz daha iyi uyuyabildim ve kendimi daha güçlü hissediyorum."),
             "Sevgiler,", "{date} tarihinde {name} <{address}> şunu yazdı:", ("Kimden", "Gönderildi", "Kime", "Konu"),
             "Özgün ileti", "kız kardeşim"),
    Language("ro", "Bună Wren,", ("Îți mulțumesc pentru mesaj, m-a ajutat foarte mult.",
                                  "Săptămâna aceasta am reușit să ies la plimbare în fiecare zi."),
             "Cu drag,", "În {date}, {name} <{address}> a scris:", ("De la", "Trimis", "Către", "Subiect"),
             "Mesaj original", "sora mea"),
    Language("ar", "مرحبا Wren،", ("شكرا جزيلا على رسالتك، لقد ساعدتني كثيرا.",
                                  "نمت بشكل أفضل هذا الأسبوع وأشعر بتحسن."),
             "مع التحية،", "في {date}، كتب {name} <{address}>:", ("من", "تاريخ الإرسال", "إلى", "الموضوع"),
             "الرسالة الأصلية", "أختي"),
    Language("ur", "السلام علیکم Wren،", ("آپ کے پیغام کا بہت شکریہ، اس سے مجھے بہت حوصلہ ملا۔",
                                         "اس ہفتے میں نے کچھ بہتر نیند لی ہے۔"),
             "شکریہ،", "{date} کو {name} <{address}> نے لکھا:", ("از", "ارسال شدہ", "بنام", "عنوان"),
             "اصل پیغام", "میری بہن"),
    Language("fr-CA", "Bonjour Wren,", ("Merci beaucoup pour ton message, ça m'a fait du bien.",
                                        "Cette semaine, j'ai réussi à sortir marcher avec le bébé."),
             "Amicalement,", "Le {date}, {name} <{address}> a écrit :", ("De", "Envoyé", "À", "Objet"),
             "Message d'origine", "ma sœur"),
    Language("de", "Hallo Wren,", ("Vielen Dank für deine Nachricht, sie hat mir sehr geholfen.",
                                   "Diese Woche konnte ich etwas besser schlafen und fühle mich stärker."),
             "Viele Grüße", "Am {date} schrieb {name} <{address}>:", ("Von", "Gesendet", "An", "Betreff"),
             "Ursprüngliche Nachricht", "meine Schwester"),
    Language("pl", "Cześć Wren,", ("Dziękuję za Twoją wiadomość, bardzo mi pomogła.",
                                   "W tym tygodniu udało mi się wyjść na spacer z dzieckiem."),
             "Pozdrawiam,", "W dniu {date} {name} <{address}> napisał(a):", ("Od", "Wysłano", "Do", "Temat"),
             "Oryginalna wiadomość", "moja siostra"),
    Language("es", "Hola Wren,", ("Muchas gracias por tu mensaje, me ayudó mucho.",
                                  "Esta semana he dormido un poco mejor y me siento más fuerte."),
             "Un abrazo,", "El {date}, {name} (<{address}>) escribió:", ("De", "Enviado", "Para", "Asunto"),
             "Mensaje original", "mi hermana"),
    Language("pt-BR", "Oi Wren,", ("Muito obrigada pela sua mensagem, me ajudou muito.",
                                   "Nesta semana consegui dormir um pouco melhor."),
             "Abraços,", "Em {date}, {name} <{address}> escreveu:", ("De", "Enviado", "Para", "Assunto"),
             "Mensagem original", "minha irmã"),
    Language("nl", "Hoi Wren,", ("Dank je wel voor je bericht, het heeft me echt geholpen.",
                                 "Deze week heb ik wat beter geslapen en voel ik me sterker."),
             "Groetjes,", "Op {date} schreef {name} <{address}>:", ("Van", "Verzonden", "Aan", "Onderwerp"),
             "Oorspronkelijk bericht", "mijn zus"),
    Language("ga", "Dia duit Wren,", ("Go raibh míle maith agat as do theachtaireacht.",
                                      "Chodail mé níos fearr an tseachtain seo."),
             "Le meas,", "Ar {date}, scríobh {name} <{address}>:", ("Ó", "Seolta", "Chuig", "Ábhar"),
             "Teachtaireacht bhunaidh", "mo dheirfiúr"),
    Language("it", "Ciao Wren,", ("Grazie mille per il tuo messaggio, mi ha aiutato tanto.",
                                  "Questa settimana ho dormito un po' meglio."),
             "Un abbraccio,", "Il giorno {date} {name} <{address}> ha scritto:", ("Da", "Inviato", "A", "Oggetto"),
             "Messaggio originale", "mia sorella"),
)


@dataclass(frozen=True)
class Person:
    """A sender and what the service holds on file for them."""

    first: str
    surname: str
    email: str
    phone: str

    @property
    def name(self) -> str:
        """Return the full name."""
        return f"{self.first} {self.surname}"


SENDERS = (
    Person("Ottilie", "Brackenridge", "ottilie.brackenridge@example.com", "07700 900417"),
    Person("Gwenllian", "Pryce-Madoc", "gwenllian.pm@example.org", "07700 900382"),
    Person("Zeynep", "Karabulutoğlu", "zeynep.k@example.net", "07700 900655"),
    Person("Ioana", "Vâlcoveanu", "ioana.v84@example.com", "07700 900291"),
    Person("Maëlle", "Thibodeau-Roy", "maelle.tr@example.org", "07700 900734"),
    Person("Friederike", "Quastenberg", "f.quastenberg@example.net", "07700 900518"),
)


@dataclass(frozen=True)
class Region:
    """A region the service serves: an employer, a job title and a postal address in its shape."""

    employer: str
    title: str
    address: tuple[str, ...]  # each line must not cross


REGIONS = (
    Region("Thistlewaite Engineering Ltd", "Senior Process Engineer", ("27 Pellow Crescent", "LS6 2QT")),
    Region("Cyngor Sir Ddychmygol", "Swyddog Cyllid", ("9 Heol Gwenynen", "SA31 4ZZ")),
    Region("Ballyfoyle Solicitors", "Trainee Solicitor", ("3 Bóthar an Mhuilinn", "F92 K3X8")),
    Region("Maplecroft Logistics Inc.", "Operations Coordinator", ("4410 rue des Pinsons", "H2X 3Z9")),
    Region("Kestrel Ridge Consulting LLC", "Associate Analyst", ("118 Juniper Hollow Drive", "Portland, OR 97205")),
    Region("Wombeyan Health Services", "Clinical Nurse Specialist", ("55 Quandong Street", "NSW 2750")),
    Region("Kōwhai Architects", "Project Architect", ("12 Tōtara Terrace", "Wellington 6011")),
    Region("Zierfisch Klinikum", "Projektleiterin", ("Quittenweg 5", "79098 Freiburg")),
    Region("Przychodnia Jaskółka", "Specjalistka ds. kadr", ("ul. Kalinowa 14/3", "61-102 Poznań")),
)

OTHER_PEOPLE = (("Cerys", "Tudwal-Hopkin"), ("Aurelio", "Massarenti"), ("Florentyna", "Wierzbowska"),
                ("Ruadhán", "Mac Giollarnáth"))
SIGNATURE_STYLES = ("none", "dashes", "bare_far", "title_employer", "long", "full_no_phone")
CLIENTS = ("outlook_desktop", "gmail_web", "apple_mail", "thunderbird_flowed", "yahoo_html", "proton",
           "k9", "samsung")
IDENTIFIER_FORMATS = ("plain", "international", "dashed", "split_line", "words", "obfuscated_email",
                      "encoded_link", "run_together_handle")


@dataclass
class Reply:
    """One composed reply and the strings that must not reach the reader."""

    raw: bytes
    sender: Person
    on_file: list[str] = field(default_factory=list)
    off_file: list[str] = field(default_factory=list)
    must_arrive: list[str] = field(default_factory=list)
    shape: str = ""


_WORDS = {"0": "oh", "1": "one", "2": "two", "3": "three", "4": "four", "5": "five", "6": "six",
          "7": "seven", "8": "eight", "9": "nine"}


def _phone_in(style: str, phone: str) -> str:
    digits = phone.replace(" ", "")
    if style == "international":
        return f"+44 (0){digits[1:5]} {digits[5:]}"
    if style == "dashed":
        return f"{digits[:5]}-{digits[5:8]}-{digits[8:]}"
    if style == "split_line":
        return f"{digits[:5]}\n{digits[5:8]} {digits[8:]}"
    if style == "words":
        return " ".join(_WORDS[d] for d in digits)
    return phone


def _identifier(style: str, sender: Person) -> tuple[str, str]:
    """A line of new text carrying one on-file identifier in the given format, and that identifier as written."""
    local, _, domain = sender.email.partition("@")
    if style == "obfuscated_email":
        spelled = f"{local.replace('.', ' dot ')} at {domain.replace('.', ' dot ')}"
        return f"(old address: {spelled})", spelled
    if style == "encoded_link":
        token = base64.urlsafe_b64encode(sender.email.encode()).decode()
        return f"The photos are here: https://photos.example.net/share?owner={quote(sender.name)}&t={token}", token
    if style == "run_together_handle":
        handle = f"{sender.first.lower()}{sender.surname.lower().replace('-', '')}84"
        return f"(that blog is {handle} on Wordspin)", handle
    phone = _phone_in(style, sender.phone)
    return f"(the number I used to have: {phone})", phone if style == "words" else sender.phone


def _signature(style: str, language: Language, sender: Person, region: Region) -> list[str]:
    """The lines after the new text, in one of the ways people sign."""
    address = list(region.address)
    if style == "none":
        return [language.sign_off, sender.first]
    if style == "dashes":
        return ["-- ", sender.name, region.title, region.employer, *address]
    if style == "bare_far":
        return ["--", sender.name, region.title, region.employer, *address, "", "Working days: Mon, Tue, Thu", "",
                "Please consider the environment before printing this email.", "", "", "", ""]
    if style == "title_employer":
        return [language.sign_off, sender.first, region.title, region.employer]
    if style == "long":
        lines = [language.sign_off, sender.first, "", sender.name, region.title, region.employer, *address,
                 "Reception: 020 7946 0321", "Our values: kindness, courage, openness", "Mon-Thu 9-5",
                 "Pronouns: she/her", "Recycling our paper since 2009", "Member of the Quiet Offices Network",
                 "Registered in England and Wales", "Company no. 00000000", "Follow our blog for news",
                 "Proud to be a Living Wage employer", "Lines open 9-5", "We reply within two days"]
        return lines
    return [language.sign_off, sender.first, region.title, region.employer, *address]


def _history(client: str, language: Language, quoted_name: str) -> list[str]:
    """The quoted earlier message, as the client writes it, naming the reader's pseudonym and the relay."""
    date = "3/11/2026 10:02"
    earlier = ["Thinking of you this week. Let me know how the nights are going.", "", READER_PSEUDONYM]
    if client in ("outlook_desktop", "samsung", "yahoo_html"):
        frm, sent, to, subject = language.labels
        rule = "_" * 32 if client == "outlook_desktop" else f"-------- {language.original} --------"
        return ["", rule, f"{frm}: {READER_PSEUDONYM} <{RELAY}>", f"{sent}: {date}",
                f"{to}: {quoted_name} <{quoted_name.split()[0].lower()}@example.com>", f"{subject}: Re: hello", "",
                *earlier]
    attribution = language.attribution.format(date=date, name=READER_PSEUDONYM, address=RELAY)
    return ["", attribution, *[f"> {line}" if line else ">" for line in earlier]]


def compose(client: str, language: Language, signature: str, identifier: str, sender: Person, region: Region,
            other: tuple[str, str]) -> Reply:
    """Compose one reply, with the strings that must not cross and the sentences that must arrive."""
    other_name = f"{other[0]} {other[1]}"
    new = [language.greeting, "", language.sentences[0],
           f"{language.relation} {other_name} came to stay for a few days, which helped.",
           _identifier(identifier, sender)[0], "", language.sentences[1], ""]
    lines = new + _signature(signature, language, sender, region) + _history(client, language, sender.name)
    reply = Reply(b"", sender, shape=f"{client}/{language.code}/{signature}/{identifier}")
    reply.on_file = [sender.surname, sender.email, sender.phone, _identifier(identifier, sender)[1]]
    reply.off_file = [other[1], *([region.employer, region.title, *region.address] if signature != "none" else [])]
    reply.must_arrive = list(language.sentences)
    reply.raw = _message(client, language, sender, "\n".join(lines))
    return reply


def _message(client: str, language: Language, sender: Person, text: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"{sender.name} <{sender.email}>"
    message["To"] = f"{READER_PSEUDONYM} <{RELAY}>"
    message["Subject"] = "Re: hello"
    message["Message-ID"] = f"<{hashlib.sha256(text.encode()).hexdigest()[:20]}@mail.example.com>"
    if client in ("yahoo_html", "proton"):
        paragraphs = "".join(f"<div>{line or '<br>'}</div>" for line in text.split("\n"))
        hidden = f'<div style="display:none;max-height:0;overflow:hidden">{sender.name}, preview</div>'
        message.set_content(text)
        message.add_alternative(f"<html><body>{hidden}{paragraphs}</body></html>", subtype="html")
    elif client == "thunderbird_flowed":
        message.set_content(_flowed(text), params={"format": "flowed"}, cte="quoted-printable")
    else:
        message.set_content(text, cte="base64" if client in ("samsung", "k9") else "quoted-printable")
    return message.as_bytes(policy=SMTP)


def _flowed(text: str, width: int = 40) -> str:
    """Soft-wrap long lines as format=flowed does: a trailing space marks each soft break."""
    out = []
    for line in text.split("\n"):
        rest = line
        while len(rest) > width and " " in rest[:width]:
            cut = rest.rfind(" ", 0, width) + 1
            out.append(rest[:cut])
            rest = rest[cut:]
        out.append(rest)
    return "\n".join(out)


def corpus(count: int = 64) -> list[Reply]:
    """Return a fixed development corpus walking every client, language and signature style."""
    replies = []
    for index in range(count):
        replies.append(compose(CLIENTS[index % len(CLIENTS)], LANGUAGES[index % len(LANGUAGES)],
                               SIGNATURE_STYLES[(index // 2) % len(SIGNATURE_STYLES)],
                               IDENTIFIER_FORMATS[(index // 3) % len(IDENTIFIER_FORMATS)],
                               SENDERS[index % len(SENDERS)], REGIONS[(index // 5) % len(REGIONS)],
                               OTHER_PEOPLE[index % len(OTHER_PEOPLE)]))
    return replies


def write_corpus(folder: Path) -> None:
    """Write the development corpus as .eml files and a manifest of what must not cross."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {}
    for index, reply in enumerate(corpus()):
        name = f"{index:02d}_{reply.shape.replace('/', '_')}.eml"
        (folder / name).write_bytes(reply.raw)
        manifest[name] = {"shape": reply.shape, "sender": vars(reply.sender), "on_file": reply.on_file,
                          "off_file": reply.off_file, "must_arrive": reply.must_arrive}
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    (folder / "cases.json").write_text(json.dumps(_bench_cases(manifest), ensure_ascii=False, indent=1) + "\n",
                                       encoding="utf-8")


def _bench_cases(manifest: dict) -> dict:
    """The same corpus in bench/mail_heldout.py's format, so the bench measures it too (--corpus)."""
    cases = {}
    for name, case in manifest.items():
        person = case["sender"]
        client, language, _, _ = case["shape"].split("/")
        cases[name] = {
            "client": client, "language": language, "shape": case["shape"], "sender": "requester",
            "automatic": False, "expect": "deliver",
            "on_file": {"requester": {"pseudonym": SENDER_PSEUDONYM, "name": f"{person['first']} {person['surname']}",
                                      "email": person["email"]},
                        "volunteer": {"pseudonym": READER_PSEUDONYM, "name": "Rowan Ashdown",
                                      "email": "rowan.ashdown@example.org", "phone": "07700 900999"}},
            "must_not_cross": [{"value": v, "kind": "phone" if v == person["phone"] else "on_file", "on_file": True}
                               for v in case["on_file"]]
            + [{"value": v, "kind": "off_file", "on_file": False} for v in case["off_file"]],
            "must_arrive": case["must_arrive"],
        }
    return {"format": 1, "cases": cases}


if __name__ == "__main__":
    write_corpus(Path(sys.argv[1] if len(sys.argv) > 1 else "tests/data/mail-variants"))
