# ruff: noqa: RUF001 - the tables are written in Greek, Cyrillic and other scripts whose letters look like Latin ones
"""Shapes of identifying details nobody told the relay about: organisations, job titles, postal
addresses in every region the service serves, numbers spelled in words, addresses without "dot" (pure).

Each shape is data (a table a coordinator can read) compiled into patterns whose every repetition is
bounded, so a whole message is read in linear time (docs/security.md).
"""
import re
from collections.abc import Iterator

# A capitalised word in any Latin script (Welsh ŵ, Turkish ş, Romanian ț, Polish ł ...).
CAP = r"[A-ZÀ-ÖØ-ÞĀ-\u017fȘȚ][\w'’&.-]{0,40}"
# Words that start sentences, not names: "The Trust", "Our Team" are not organisations.
_NOT_A_NAME = (r"(?:The|A|An|My|Our|Your|Their|His|Her|This|That|These|Those|Its|Any|Every|Each|Some|Der|Die"
               r"|Das|Den|Dem|Le|La|Les|Un|Une|El|Los|Las|Het|Een|Il|Lo|Y|Yr|Ein|Eine|Mein|Meine|Mon|Ma"
               r"|Mes|Mi|Mijn|Fy|Ein|Bir|Bu|Şu|Ta|Ten|Moja|Mój|Nasz|Nasza|Dear|Hi|Hello|Thanks|And|But|Or|Ich|Je|Yo"
               r"|Eu|Ik|Io|Ja|Ben|Sunt|Sou|Soy|Jestem|Sono|Wir|Nous|Nosotros|Mae|Dw|Rwy|Tá|Is|Hallo|Hola|Salut"
               r"|Bonjour|Merhaba|Bună|Cześć|Hoi|Ciao|Helo|Dia|I'm|I’m|I'd|I've|I'll"
               r"|So|In|At|On|For|With|From|To|Of|By|I|We|You|She|He|They|It)")
NOT_A_NAME = _NOT_A_NAME
_NAME_WORD = rf"(?!{_NOT_A_NAME}\b){CAP}"

# Organisation words that end a name ("Fennimore Engineering", "Larkspur NHS Foundation Trust").
ORGANISATION_SUFFIXES = (
    "Ltd", "Ltd.", "Limited", "LLP", "LLC", "plc", "PLC", "Inc", "Inc.", "Corp", "Corporation", "Co.",
    "GmbH", "AG", "KG", "e.V.", "SA", "S.A.", "SAS", "SARL", "SRL", "S.R.L.", "S.L.", "Lda", "Ltda",
    "B.V.", "BV", "N.V.", "A.Ş.", "Cyf", "Cyf.", "Teo", "Teo.", "Sp. z o.o.", "sp. z o.o.", "S.p.A.",
    "Trust", "NHS Trust", "Foundation Trust", "Council", "Borough Council", "County Council", "Board",
    "Health Board", "University", "College", "School", "Academy", "Hospital", "Infirmary", "Clinic",
    "Surgery", "Practice", "Medical Centre", "Health Centre", "Centre", "Center", "Engineering",
    "Solicitors", "Accountants", "Architects", "Associates", "Partners", "Partnership", "Consulting",
    "Consultancy", "Solutions", "Services", "Systems", "Technologies", "Logistics", "Holdings", "Group",
    "Agency", "Studio", "Studios", "Media", "Bank", "Building Society", "Insurance", "Team", "Department",
    "Dept", "Library", "Museum", "Charity", "Foundation", "Society", "Institute", "Laboratories", "Labs",
    "Pharmacy", "Nursery", "Industries", "Enterprises", "Trading", "Company", "Ministry",
    "Üniversitesi", "Hastanesi", "Belediyesi", "Okulu", "Şirketi", "Bakanl\u0131ğ\u0131", "Müdürlüğü",
    "Universität", "Hochschule", "Klinikum", "Krankenhaus", "Schule", "Stadtwerke", "Verwaltung",
    "Stiftung", "Kanzlei", "Praxis", "Ziekenhuis", "Universiteit", "Hogeschool", "Gemeente",
    "Prifysgol", "Ysbyty", "Ysgol", "Cyngor", "Meddygfa", "Bank", "Koleji", "Kolej", "Lisesi", "Holding",
    "Sigorta", "Market", "Mağazas\u0131", "Fabrikas\u0131", "Vakf\u0131", "Derneği", "Belediye", "Bakery",
    "Café", "Cafe",
    "Salon", "Garage", "Motors", "Foods", "Farm", "Hotel", "Restaurant", "Shop", "Store", "Stores",
    "Dental", "Dentistry", "Dentists", "Vets", "Veterinary", "Opticians", "Physio", "Physiotherapy", "Care Home",
    "Nursing Home", "Childcare", "Kindergarten", "Preschool", "Gym", "Fitness", "Leisure", "Housing",
    "Association", "Co-op", "Cooperative", "Builders", "Electrical", "Plumbing", "Joinery", "Printers",
    "Marketing", "Recruitment", "Estates", "Property", "Lettings", "Travel", "Transport", "Haulage", "Couriers",
    "Cleaning", "Catering", "Brewery", "Dairy", "Garden Centre", "Florist", "Publishing", "Press", "Theatre",
    "Gallery", "Parish", "Diocese", "Mosque", "Church", "Nurseries", "Opticians", "Pharmaceuticals",
    # Legal forms by region: Nordic, Greek, Italian, Iberian, Latin American, Indian, Australian, Irish,
    # Canadian, Central European, Russian (the service's regions and the languages its people write).
    "AB", "HB", "KB", "AS", "ASA", "A/S", "ApS", "Oy", "Oyj", "Α.Ε.", "ΑΕ", "Ε.Π.Ε.", "Ο.Ε.", "Ι.Κ.Ε.",
    "S.r.l.", "Srl", "S.n.c.", "S.a.s.", "S.A.U.", "S.L.U.", "SL", "Ltda.", "S/A", "EIRELI", "Pvt Ltd",
    "Pvt. Ltd.", "Private Limited", "Pty Ltd", "Pty", "Teoranta", "CLG", "DAC", "Ltée", "Limitée", "S.E.N.C.",
    "s.r.o.", "a.s.", "Kft.", "Zrt.", "Bt.", "ООО", "АО", "ПАО",
    # Trade words that end a business's name in English and the languages served.
    "Distribution", "Distributors", "Wholesale", "Supplies", "Manufacturing", "Construction", "Contractors",
    "Energy", "Electric", "Electronics", "Pharma", "Laboratory", "Automotive", "Freight", "Removals",
    "Bygg", "Energi", "Vård", "Vårdcentral", "Apotek", "Sjukhus", "Skola", "Kommun", "Byggnads", "Bageri",
    "Bakkerij", "Apotheek", "Huisartsenpraktijk", "Zorg", "Bäckerei", "Apotheke", "Pflege", "Bau", "Logistik",
)
# Organisation words that begin a name ("Universitatea din Cluj", "Szpital Bielański", "Cyngor Sir Gâr").
ORGANISATION_PREFIXES = (
    "University of", "College of", "Bank of", "Universitatea", "Spitalul", "Primăria", "Școala", "Colegiul",
    "Uniwersytet", "Politechnika", "Szpital", "Urząd", "Szkoła", "Przychodnia", "Fundacja", "Universidad",
    "Hospital", "Ayuntamiento", "Colegio", "Clínica", "Universidade", "Escola", "Câmara Municipal",
    "Université", "Hôpital", "Clinique", "École", "Ville de", "Centre hospitalier", "CIUSSS", "CISSS",
    "Cyngor", "Prifysgol", "Ysbyty", "Ysgol", "Bwrdd Iechyd", "Ollscoil", "Ospidéal", "Comhairle",
    "Coláiste", "Scoil", "Gemeente", "Stadt", "Universität", "Ospedale", "Università", "Comune di",
    "Groupe", "Grupo", "Gruppo", "Groep", "Société", "Compagnie", "Entreprise", "Cabinet", "Agence", "Banque",
    "Banco", "Banca", "Firma", "Bäckerei", "Apotheke", "Kita", "Stichting", "Fundação", "Fundación", "Empresa",
    "Urzędzie", "Urzędu", "Szpitalu", "Szpitala", "Uniwersytecie", "Szkole", "Przychodni", "Fundacji",
    "Spitalul", "Banca", "Compania", "Societatea", "Asociația", "Cwmni", "Canolfan", "Meithrinfa", "Feithealann",
    "Kommune", "جامعة", "مستشفى", "شركة", "بلدية", "وزارة", "یونیورسٹی", "ہسپتال", "کمپنی",
    # The kind of business first, in the Romance languages, Greek, Vietnamese, Irish, Welsh, Polish ...
    "Farmacia", "Farmácia", "Pharmacie", "Panadería", "Panificio", "Boulangerie", "Caisse", "Clinica",
    "Clínica", "Ospedale", "Banca", "Cooperativa", "Supermercato", "Supermercado", "Librería", "Libreria",
    "Tienda", "Negozio", "Ristorante", "Restaurante", "Asociación", "Associazione", "Associação", "Fondazione",
    "Istituto", "Instituto", "Scuola", "Liceo", "Azienda", "Ditta", "Impresa", "Officina", "Laboratorio",
    "Laboratório", "Centro", "Consultorio", "Studio", "Padaria", "Mercado", "Loja", "Escritório", "Oficina",
    "Brutăria", "Magazinul", "Clinica", "Cabinetul", "Apteka", "Piekarnia", "Sklep", "Przedszkole", "Żłobek",
    "Κλινική", "Νοσοκομείο", "Φαρμακείο", "Τράπεζα", "Εταιρεία", "Σχολείο", "Πανεπιστήμιο", "Δήμος",
    "Ιατρείο", "Κέντρο", "Φούρνος", "Công ty", "Bệnh viện", "Trường", "Ngân hàng", "Nhà thuốc", "Cửa hàng",
    "Tập đoàn", "Phòng khám", "Bácús", "Siopa", "Banc", "Cumann", "Comharchumann", "Siop", "Popty", "Caffi",
    "Fferyllfa", "Apotek", "Vårdcentralen", "Bageriet",
)
_CONNECTORS = r"(?:&|and|of|for|the|und|für|de|du|des|la|le|din|pentru|y|e|i|a|an|na|ar|van|der|voor|del)"


def _alternatives(words: tuple[str, ...]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s{1,3}") for w in sorted(words, key=len, reverse=True))


# Inside a name a full stop only abbreviates ("St. Mary's"); one before a space ends a sentence.
_ORG_CAP = r"[A-ZÀ-ÖØ-ÞĀ-\u017fȘȚ](?:[\w'’&-]|\.(?=\w)){0,40}"
_ORG_RUN = rf"(?!{_NOT_A_NAME}\b){_ORG_CAP}(?:[ \t]{{1,3}}(?:{_CONNECTORS}[ \t]{{1,3}})?{_ORG_CAP}){{0,4}}"
# Organisation words are inflected in Turkish, Polish, Romanian, Welsh ("Bankas\u0131", "Szpitalu", "Spitalului"):
# a few letters more still make the word.
_INFLECTED = r"[^\W\d_]{0,4}"
ORGANISATION = re.compile(
    rf"(?<![\w])(?:{_ORG_RUN}[ \t]{{1,3}}(?:{_alternatives(ORGANISATION_SUFFIXES)}){_INFLECTED}"
    rf"|(?:{_alternatives(ORGANISATION_PREFIXES)}){_INFLECTED}[ \t]{{1,3}}(?:{_CONNECTORS}[ \t]{{1,3}}){{0,2}}{CAP}"
    rf"(?:[ \t]{{1,3}}(?:{_CONNECTORS}[ \t]{{1,3}})?{CAP}){{0,3}})(?![\w])"
)

# Job-title words in the service's languages: a title line names one; lower-case prose ("a nurse") is
# ordinary talk and stays.
JOB_TITLE_WORDS = (
    "Manager", "Director", "Head of", "Lead", "Senior", "Junior", "Principal", "Chief", "Deputy",
    "Assistant", "Associate", "Officer", "Administrator", "Coordinator", "Co-ordinator", "Engineer",
    "Analyst", "Consultant", "Specialist", "Advisor", "Adviser", "Executive", "Founder", "Partner",
    "Nurse", "Midwife", "Health Visitor", "Doctor", "Registrar", "Pharmacist", "Therapist",
    "Practitioner", "Psychologist", "Social Worker", "Teacher", "Lecturer", "Professor", "Researcher",
    "Solicitor", "Paralegal", "Accountant", "Developer", "Designer", "Architect", "Technician",
    "Supervisor", "Receptionist", "Secretary", "Clerk", "Librarian", "Editor", "Producer", "Surveyor",
    "CEO", "CFO", "COO", "CTO", "Intern", "Trainee", "Apprentice", "Volunteer Coordinator",
    "Leiterin", "Leiter", "Ingenieurin", "Ingenieur", "Referentin", "Referent", "Sachbearbeiterin",
    "Geschäftsführerin", "Geschäftsführer", "Beraterin", "Berater", "Lehrerin", "Hebamme",
    "Pflegefachfrau", "Krankenschwester", "Ärztin", "Projektleiterin", "Steuerberaterin",
    "Directrice", "Directeur", "Infirmière", "Ingénieure", "Ingénieur", "Enseignante", "Conseillère",
    "Conseiller", "Gestionnaire", "Responsable", "Chargée", "Chargé", "Adjointe", "Technicienne",
    "Directora", "Enfermera", "Ingeniera", "Profesora", "Abogada", "Gerente", "Coordinadora", "Jefa",
    "Diretora", "Enfermeira", "Engenheira", "Professora", "Coordenadora", "Analista", "Advogada",
    "Verpleegkundige", "Docent", "Adviseur", "Medewerker", "Medewerkster", "Teamleider", "Coördinator",
    "Kierownik", "Kierowniczka", "Dyrektor", "Dyrektorka", "Pielęgniarka", "Inżynier", "Nauczycielka",
    "Specjalista", "Specjalistka", "Księgowa", "Położna", "Asystentka", "Koordynatorka",
    "Müdürü", "Müdür", "Hemşire", "Mühendisi", "Mühendis", "Öğretmeni", "Öğretmen", "Uzman\u0131", "Uzman",
    "Yöneticisi", "Sorumlusu", "Avukat", "Koordinatörü",
    "Directoare", "Asistentă", "Inginer", "Profesoară", "Specialist", "Consilier", "Contabil", "Medic",
    "Rheolwr", "Rheolwraig", "Cyfarwyddwr", "Nyrs", "Athro", "Athrawes", "Swyddog", "Ymwelydd Iechyd",
    "Bydwraig", "Cydlynydd", "Darlithydd",
    "Bainisteoir", "Stiúrthóir", "Altra", "Múinteoir", "Oifigeach", "Comhordaitheoir", "Cnáimhseach",
    "مدير", "مديرة", "ممرضة", "مهندسة", "مهندس", "معلمة", "أخصائية", "منسقة", "محاسبة",
    "مینیجر", "ڈائریکٹر", "نرس", "انجینئر", "استاد", "افسر", "منتظم",
)
_TITLE_WORD = re.compile(rf"(?<!\w)(?:{_alternatives(JOB_TITLE_WORDS)})(?!\w)")
# In prose only a capitalised run holding a title word is a title: "Senior Staff Nurse", "Head of HR".
JOB_TITLE_RUN = re.compile(
    rf"(?<![\w])(?:{_NAME_WORD}[ \t]{{1,2}}){{0,3}}(?:{_alternatives(JOB_TITLE_WORDS)})"
    rf"(?:[ \t]{{1,2}}(?:of|for|de|der|des|du|na|y|ar|in)?[ \t]{{0,2}}{CAP}){{0,3}}(?![\w])"
)


# Scripts without capitals (Arabic, Urdu) name organisations by a leading word alone.
_CASELESS_FIRST = (r"(?:شركة|مؤسسة|مستشفى|جامعة|بلدية|وزارة|مدرسة|بنك|مصرف|مركز|صيدلية|مخبز|مصنع|مطعم|فندق|عيادة"
                   r"|کمپنی|ہسپتال|یونیورسٹی|ادارہ|بینک|اسکول|دواخانہ|کلینک"
                   r"|कंपनी|अस्पताल|विश्वविद्यालय|विद्यालय|बैंक|क्लिनिक|फार्मेसी)")
# Trade words that end a name: travels, electricals, traders, enterprises, stores, company ...
_CASELESS_LAST = (r"(?:ٹریولز|ٹریڈرز|انٹرپرائزز|الیکٹرک|الیکٹرونکس|اسٹور|سٹور|بیکری|فارمیسی|کمپنی|گروپ|لمیٹڈ"
                  r"|للتجارة|للمقاولات|للسياحة|للسفر|التجارية|المحدودة|وأولاده"
                  r"|इलेक्ट्रिकल्स|इलेक्ट्रॉनिक्स|ट्रेडर्स|एंटरप्राइजेज|ट्रेवल्स|ट्रैवल्स|स्टोर्स|स्टोर|इंडस्ट्रीज"
                  r"|प्राइवेट|लिमिटेड|फार्मेसी|बेकरी|मेडिकल|अस्पताल|क्लिनिक|ग्रुप)")
_CASELESS_WORD = r"[^\W\d_a-zA-Z][^\s،,.;:!?()\[\]]{0,30}"
_CASELESS_ORGANISATION = re.compile(rf"(?<!\w)(?:{_CASELESS_FIRST}(?:[ \t]{{1,2}}{_CASELESS_WORD}){{0,2}}"
                                    rf"|(?:{_CASELESS_WORD}[ \t]{{1,2}})?{_CASELESS_LAST})(?!\w)")


def is_title_line(line: str) -> bool:
    """Tell whether a short bare line names a job title or an organisation."""
    words = line.split()
    if not 0 < len(words) <= 9 or line.rstrip().endswith(("?", "!")):
        return False
    return bool(_TITLE_WORD.search(line) or ORGANISATION.search(line) or _CASELESS_ORGANISATION.search(line))


_BARE_LINE = re.compile(r"^[ \t]*+(\S[^\n]{0,120}?)[ \t]*+$", re.MULTILINE)
# A line ending in "?", "!", ",", ";", ":" or a lower-case word and a full stop is a sentence; "S.R.L." is not.
_SENTENCE = re.compile(r"[?!,;:]$|[a-z\u00df-\u024f]{3}\.$")


_MARKER = re.compile(r"\[[a-z ]{3,20} removed\]")


def title_line_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield a whole bare line (a few words, not a sentence) that names a title or an organisation.

    Markers left by an earlier pass count as nothing, so "Inginer proiectant la [employer removed]"
    is read as the title line it is.
    """
    for match in _BARE_LINE.finditer(text):
        line = match.group(1)
        words = _MARKER.sub(" ", line)
        if len(words.split()) <= 6 and not _SENTENCE.search(line) and is_title_line(words):
            yield match.start(1), match.end(1), "title"


# ----- postal addresses, by region ----------------------------------------------------------------
_NUMBER = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4})?"
_STREET_AFTER = (  # street word after the name: English, German, Dutch, Turkish
    r"(?:Road|Rd|Street|St|Lane|Ln|Avenue|Ave|Drive|Dr|Close|Crescent|Cres|Way|Court|Ct|Place|Pl|Gardens|Gdns"
    r"|Grove|Terrace|Square|Sq|Mews|Row|Walk|Boulevard|Blvd|Parade|Rise|Hill|Park|View|Highway|Hwy|Parkway"
    r"|Circle|Trail|Quay|Wharf|Green|Esplanade|Grange|Heights)"
)
_STREET_BEFORE = (  # street word before the name: Welsh, Irish, French, Spanish, Portuguese, Romanian, Polish
    r"(?:Heol|Stryd|Ffordd|Lôn|Lon|Rhodfa|Cilgant|Teras|Maes|Clos|Llys|Bryn|Parc|Bóthar|Bothar|Sráid|Sraid"
    r"|Lána|Lana|Ascaill|Plás|Plas|Cearnóg|Ard|rue|Rue|boulevard|boul\.|Boul\.|avenue|av\.|chemin|ch\.|rang"
    r"|route|place|côte|montée|allée|impasse|promenade|Calle|C/|Avda\.|Avenida|Plaza|Pza\.|Paseo|Camino"
    r"|Carrer|Travesía|Rua|R\.|Travessa|Largo|Praça|Estrada|Alameda|Str\.|Strada|Bd\.|Bulevardul|Calea"
    r"|Aleea|Șoseaua|Şoseaua|Piața|ul\.|ulica|al\.|aleja|os\.|pl\.|Via|Viale|Piazza|Corso|شارع|طريق|گلی|سڑک)"
)
_GERMAN_STREET = (r"[A-ZÄÖÜ][\wäöüß-]{1,40}(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|ufer|steig"
                  r"|pfad|chaussee|straat|laan|gracht|kade|singel|dijk|plein|steeg|vej|gade|gatan|vägen|stigen|gränd|torget"
                  r"|backen|allén|vegen|veien|gata|gate|vei|veg|stræde|torv|allé|polku|katu|tie)")
_TURKISH_STREET = "Mahallesi|Mah\\.|Caddesi|Cad\\.|Sokak|Soka\u011f\u0131|Sok\\.|Sk\\.|Bulvar\u0131|Blv\\."
_SMALL = r"(?:y|yr|'r|na|an|de|du|des|la|le|del|do|da|dos|das|di|della|dei|degli|delle|al-|el-|ar|ty|the)"
# Scripts without capitals name the street by a word for it: colony, road, lane, block (Hindi, Urdu, Arabic).
_CASELESS_STREET = (r"(?:कॉलोनी|कालोनी|नगर|मार्ग|रोड|गली|सेक्टर|मोहल्ला|विहार|एन्क्लेव|अपार्टमेंट|सोसाइटी"
                    r"|کالونی|روڈ|گلی|محلہ|سیکٹر|بلاک|ٹاؤن|سوسائٹی|شارع|طريق|حي|عمارة|شقة)")
# Greek words that open a sentence before a number ("Στις 5 Δεκεμβρίου") are not streets.
_GREEK_CAP = (r"(?!(?:Στις|Στους|Στα|Στο|Στον|Στην|Στη|Τις|Τους|Τα|Το|Τον|Την|Τη|Οι|Με|Σε|Για|Από|Μετά|Πριν|Κάθε"
              r"|Μέχρι|Έως|Περίπου|Και|Είναι|Ήταν|Ώρα|Ημέρα|Μέρα|Εβδομάδα|Μήνα|Κεφάλαιο|Σελίδα|Μόνο|Ήδη)\b)"
              r"[Α-ΩΆΈΉΊΌΎΏ][α-ωάέήίόύώϊϋΐΰς]{2,20}")
ADDRESS_SHAPES = (
    # 12 Fennel Crescent / 4b Old Mill Road (UK, US, Canada, Australia, New Zealand)
    re.compile(rf"\b(?!(?:19|20)\d\d\b){_NUMBER},?[ \t]{{1,3}}(?:{CAP}[ \t]{{1,3}}){{1,4}}{_STREET_AFTER}\b\.?"),
    # 12 Heol y Bont / 14 Bóthar na Trá / 1234, rue Inventée / Calle Falsa, 23 / Str. Florilor nr. 5
    re.compile(rf"(?:\b{_NUMBER},?[ \t]{{1,3}})?(?<![\w]){_STREET_BEFORE}[ \t]{{1,3}}(?:{_SMALL}[ \t]{{1,2}})?{CAP}"
               rf"(?:[ \t-]{{1,2}}(?:{_SMALL}[ \t]{{1,2}})?{CAP}){{0,3}}"
               rf"(?:,?[ \t]{{1,3}}(?:nr\.?|n\.?º|no\.?|núm\.?)?[ \t]{{0,2}}{_NUMBER})?"),
    # Musterweg 12 / Keizersgracht 123
    re.compile(rf"\b{_GERMAN_STREET}[ \t]{{1,3}}{_NUMBER}\b"),
    # Turkish: Çiçek Mahallesi, Gül Sokak No: 5
    re.compile(rf"(?:{CAP}[ \t]{{1,3}}){{1,3}}(?:{_TURKISH_STREET})"
               rf"(?:[ \t]{{1,3}}No\s?:?\s?{_NUMBER})?"),
    # 14-B, Example Colony / گلی نمبر 5: a number, a name and the street word, in a caseless script
    re.compile(rf"(?:\b\d{{1,5}}(?:-[^\s,]{{1,3}})?,?[ \t]{{1,2}})?(?:{_CASELESS_WORD}[ \t]{{1,2}}){{1,2}}"
               rf"{_CASELESS_STREET}"
               rf"(?:[ \t]{{1,2}}(?:نمبر|नंबर|رقم)?[ \t]{{0,2}}\d{{1,5}})?(?![\w])"
               rf"|(?<![\w]){_CASELESS_STREET}(?:[ \t]{{1,2}}{_CASELESS_WORD}){{1,2}}(?:[ \t]{{1,2}}\d{{1,5}})?"),
    # Greek: οδός Ερμού 58, Λεωφόρος Αλεξάνδρας 12, and a street named in the genitive with its number
    re.compile(rf"(?:(?:οδός|οδό|οδού|Οδός|Λεωφόρος|Λεωφ\.|Πλατεία)[ \t]{{1,2}})?{_GREEK_CAP}"
               rf"(?:[ \t]{{1,2}}{_GREEK_CAP}){{0,2}}"
               rf",?[ \t]{{1,2}}(?!(?:19|20)\d\d\b)\d{{1,4}}\b"),
    # Vietnamese: số 27 ngõ 14 phố Example, 12 đường Example
    re.compile(r"(?i:số[ \t]{1,2})?\b\d{1,4}[A-Za-z]?(?:[/-]\d{1,4})?"
               r"(?:[ \t]{1,2}(?:ngõ|ngách|hẻm|kiệt)[ \t]{1,2}\d{1,4}){0,3}"
               r"[ \t]{1,2}(?i:đường|phố|ngõ|hẻm)(?:[ \t]{1,2}[^\W\d_]{1,12}){1,3}"),
    # Unit and flat lines: Apt 4, Suite 200, Flat 3, Daire 5, ap. 12, bl. A2
    re.compile(r"\b(?:Apt\.?|Apartment|Suite|Unit|Flat|Daire|Kat|ap\.|apt\.|bl\.|sc\.|Wohnung|app\.|bureau)"
               r"\s{0,2}:?\s{0,2}\d{1,4}[A-Z]?\b"),
)
POSTCODE_SHAPES = (
    # Eircode: A65 F4E2, D6W 1234
    re.compile(r"\b(?:[AC-FHKNPRTV-Y]\d{2}|D6W)\s?(?=[0-9AC-FHKNPRTV-Y]{0,3}\d)[0-9AC-FHKNPRTV-Y]{4}\b"),
    # Australia: NSW 2000 / VIC 3000
    re.compile(r"\b(?:NSW|VIC|QLD|SA|WA|TAS|ACT|NT)\s{1,3}\d{4}\b"),
    # A postcode before a town: 10115 Berlin, 1010 Wien, 00-950 Warszawa, 1000-001 Lisboa, 1012 AB Amsterdam,
    # 010011 București, 34000 İstanbul
    re.compile(rf"(?<![\w.,:/-])(?!(?:19|20)\d\d\s)(?:\d{{2}}-\d{{3}}|\d{{4}}-\d{{3}}|\d{{5}}-\d{{3}}|\d{{4}}\s?[A-Z]{{2}}|\d{{4,6}})"
               rf"[ \t]{{1,3}}(?!(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|Uhr|am|pm)\w*\b){CAP}"),
    # Swedish and Greek: 111 56 Stockholm, 546 24 Θεσσαλονίκη
    re.compile(r"(?<![\w.,:/-])\d{3}[ \t]\d{2}[ \t]{1,3}(?:[A-ZÀ-ÖØ-Þ]|[Α-ΩΆΈΉΊΌΎΏ])\w{1,30}"),
    # NZ and Australian towns: Wellington 6011, Te Aro 6011
    re.compile(rf"(?<=[,\n])[ \t]{{0,3}}(?:{CAP}[ \t]{{1,2}}){{1,3}}(?!(?:19|20)\d\d\b)\d{{4}}\b"),
)


def address_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, kind) for every street address and postcode shape in the text."""
    for pattern in ADDRESS_SHAPES:
        for match in pattern.finditer(text):
            yield match.start(), match.end(), "address"
    for pattern in POSTCODE_SHAPES:
        for match in pattern.finditer(text):
            yield match.start(), match.end(), "postcode"


# "the NHS Trust", "Mental Health Team": an organisation everyone has, naming no one.
_GENERIC = frozenset("""nhs health care local national mental primary community perinatal maternity
    health-visiting social crisis support the my our your their""".split())  # noqa: SIM905 - a word list reads best as words


def is_generic(name: str) -> bool:
    """Tell whether an organisation-shaped name is one everyone has ("the NHS Trust", "Mental Health Team")."""
    words = re.findall(r"[^\W\d_]+", name)
    return all(word.casefold() in _GENERIC or _is_org_word(word) for word in words)


def organisation_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """Yield (start, end, kind) for organisation names and capitalised multi-word job titles."""
    for match in ORGANISATION.finditer(text):
        found = match.group().rstrip(",;:!?'’")
        if found.endswith(".") and not found.endswith(("Ltd.", "Inc.", "Co.", ".A.", ".V.")):
            found = found[:-1]
        if not is_generic(found):
            yield match.start(), match.start() + len(found), "employer"
    for match in _CASELESS_ORGANISATION.finditer(text):
        yield match.start(), match.end(), "employer"
    for match in JOB_TITLE_RUN.finditer(text):
        # One title word alone in prose ("Partner", "Lead") is ordinary talk; a run is a title.
        if re.search(r"\s", match.group().strip()):
            yield match.start(), match.end(), "title"


_ORG_WORDS = frozenset(w.casefold() for phrase in ORGANISATION_SUFFIXES for w in re.findall(r"[^\W\d_]+", phrase))


def _is_org_word(word: str) -> bool:
    return word.casefold() in _ORG_WORDS
