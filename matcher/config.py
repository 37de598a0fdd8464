"""Default configuration: every key has a safe value for the embedded demo.

Nothing here reads the environment; the factory layers `instance/config.py`,
`FLASK_*` variables and the test configuration on top, in that order, then
`matcher.settings` reads every key into its declared type (durations may be
given as "90d", "15m" or ISO 8601 "P90D").
"""
from datetime import timedelta


def _t(words: str) -> str:
    """Mark words for translation (babel.cfg extracts _t); they are translated where shown."""
    return words


# Flask
SECRET_KEY = "dev-only-change-me"  # noqa: S105 - the published default, which settings.py refuses outside tests
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
MAX_CONTENT_LENGTH = 2 * 1024 * 1024

# Database: None means SQLite in the instance folder (set by the factory).
SQLALCHEMY_DATABASE_URI = None
# Never print bound parameters (message bytes, addresses) in error messages or logs.
SQLALCHEMY_ENGINE_OPTIONS: dict = {"hide_parameters": True}

# Flask-Mail. No MAIL_SERVER means mail is kept in the local demo mailbox.
MAIL_SERVER = None
MAIL_PORT = 25
MAIL_USE_TLS = False
MAIL_USE_SSL = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_DEFAULT_SENDER = "Peer support <support@relay.example>"
MAIL_TIMEOUT = 30
# Flask-Mail suppresses sending under TESTING; the tests use a real SMTP sink.
MAIL_SUPPRESS_SEND = False

# Flask-Limiter
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_HEADERS_ENABLED = False
MATCHER_INTAKE_RATE_LIMIT = "20 per hour;5 per minute"
MATCHER_LOGIN_RATE_LIMIT = "30 per hour;10 per minute"

# Logging: the level of matcher's own log lines (on standard error unless the
# deployment configures logging itself). Never carries message text, addresses or tokens.
MATCHER_LOG_LEVEL = "INFO"

# matcher
MATCHER_ORGANISATION = "Peer Support"   # the organisation's name, on every page and email
# The organisation's identity (issue 16): the demo's defaults, replaced by the charity's own.
MATCHER_ORGANISATION_DESCRIPTION = _t("Peer support by email after postpartum psychosis and postnatal depression")
MATCHER_ORGANISATION_CONTACT = "hello@relay.example"   # where people write with questions or for another format
MATCHER_ORGANISATION_LOGO = None          # a file name in the instance folder, served at /brand/logo
MATCHER_ORGANISATION_ACCENT = "#1d5e8c"   # buttons and links; must keep 4.5:1 contrast with white
MATCHER_ORGANISATION_REGION = None        # whose crisis numbers a page shows when the person's region is unknown
MATCHER_BASE_URL = "http://127.0.0.1:5000"
MATCHER_RELAY_ADDRESS = "support@relay.example"
MATCHER_ALERT_ADDRESS = "safeguarding@relay.example"
MATCHER_DEFAULT_MODERATION = "review_flagged"
MATCHER_AUTHSERV_ID = None
MATCHER_DEMO = False
MATCHER_CHECK_DELIVERABILITY = False
MATCHER_DEFAULT_REGION = "GB"
MATCHER_CONFIRM_LINK_MAX_AGE = timedelta(days=7)
MATCHER_STATUS_LINK_MAX_AGE = timedelta(days=365)
MATCHER_SUPPORT_WEEKS = 12
MATCHER_LOGIN_MAX_FAILURES = 5
MATCHER_LOGIN_LOCKOUT = timedelta(minutes=15)

# Outbox: delays between attempts after a temporary failure; after the last, the message is marked
# failed and a coordinator is told (and the writer of a relayed copy: outbound/failures.py).
MATCHER_OUTBOX_RETRY_DELAYS = (60, 300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600)
# Leases are kept alive while a sender works (matcher/leases.py): a dead sender's mail goes again this soon.
MATCHER_OUTBOX_LEASE = timedelta(seconds=15)
# A message still failing temporarily this long after it was queued is reported as a permanent
# failure is: a dashboard item, a coordinator notice and, for a relayed copy, a word to its writer.
MATCHER_OUTBOX_LATE_AFTER = timedelta(hours=2)
# A long-running sender (relay smtpd, relay send) keeps its SMTP connection to MAIL_SERVER open
# between messages and passes; it opens a new one after this long unused, or after this many messages.
MATCHER_SMTP_KEEP_IDLE = timedelta(seconds=30)
MATCHER_SMTP_MESSAGES_PER_CONNECTION = 100
# Durability trade-offs, off by default (docs/operations.md, "Durability"): everything except the raw
# store of inbound mail and the request form's intake commits without waiting for the disk.
MATCHER_SQLITE_SYNCHRONOUS_NORMAL = False
MATCHER_POSTGRES_SYNCHRONOUS_COMMIT_OFF = False

# Vocabularies (DESIGN.md). Each is an ordered mapping code -> words people read.
MATCHER_ROLES = {
    "mother": _t("A mother"),
    "partner": _t("A partner (of a mother who has been unwell)"),
}
MATCHER_STAGES = {
    "acute": _t("Unwell now, or in hospital"),
    "early": _t("Home again, in the first months of recovery"),
    "established": _t("About six months on, rebuilding life"),
    "beyond": _t("A year or more on, perhaps thinking about another pregnancy"),
}
MATCHER_EXPERIENCES = {
    "postpartum_psychosis": _t("Postpartum psychosis"),
    "mbu_admission": _t("Admission to a mother and baby unit"),
    "bipolar": _t("Bipolar disorder"),
    "ppd": _t("Postnatal depression"),
    "birth_trauma": _t("A traumatic birth"),
    "anxiety": _t("Anxiety"),
}
MATCHER_LANGUAGES = {
    "en": "English",
    "cy": "Welsh",
    "fr": "French",
    "es": "Spanish",
    "pl": "Polish",
    "ur": "Urdu",
    "pa": "Punjabi",
    "ar": "Arabic",
}
MATCHER_REGIONS = {
    "GB": _t("United Kingdom"),
    "IE": _t("Ireland"),
    "CA": _t("Canada"),
    "US": _t("United States"),
    "AU": _t("Australia"),
    "NZ": _t("New Zealand"),
    "OTHER": _t("Somewhere else"),
}
MATCHER_TIMEZONES = (
    "Europe/London", "Europe/Dublin", "America/St_Johns", "America/Halifax",
    "America/Toronto", "America/Winnipeg", "America/Edmonton", "America/Vancouver",
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "Australia/Sydney", "Australia/Perth", "Pacific/Auckland", "UTC",
)

# Crisis numbers by region; "OTHER" is shown when a region has no entry. "tel" is what a phone dials
# (a tap-to-call link); "contact" is what people read.
MATCHER_CRISIS_RESOURCES = {
    "GB": [
        {"name": _t("Emergency services"), "contact": "999", "tel": "999",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("NHS 111, mental health option"), "contact": _t("111, then option 2"), "tel": "111",
         "when": _t("Urgent mental health help in England, day or night")},
        {"name": _t("Samaritans"), "contact": "116 123", "tel": "116123",
         "when": _t("To talk, any time, free")},
    ],
    "IE": [
        {"name": _t("Emergency services"), "contact": _t("112 or 999"), "tel": "112",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("Samaritans"), "contact": "116 123", "tel": "116123",
         "when": _t("To talk, any time, free")},
    ],
    "CA": [
        {"name": _t("Emergency services"), "contact": "911", "tel": "911",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("Suicide Crisis Helpline"), "contact": _t("Call or text 988"), "tel": "988",
         "when": _t("Any time, free")},
    ],
    "US": [
        {"name": _t("Emergency services"), "contact": "911", "tel": "911",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("988 Suicide & Crisis Lifeline"), "contact": _t("Call or text 988"), "tel": "988",
         "when": _t("Any time, free")},
    ],
    "AU": [
        {"name": _t("Emergency services"), "contact": "000", "tel": "000",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("Lifeline"), "contact": "13 11 14", "tel": "131114",
         "when": _t("Any time")},
    ],
    "NZ": [
        {"name": _t("Emergency services"), "contact": "111", "tel": "111",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("Need to talk?"), "contact": _t("Call or text 1737"), "tel": "1737",
         "when": _t("Any time, free")},
    ],
    "OTHER": [
        {"name": _t("Your local emergency number"), "contact": _t("112 works from most mobile phones"), "tel": "112",
         "when": _t("If you or your baby are in immediate danger")},
        {"name": _t("Your doctor or local hospital"), "contact": "", "when": _t("If you feel very unwell")},
    ],
}

# Where operational notices go (new volunteer applications, declined introductions).
MATCHER_COORDINATOR_ADDRESS = "coordinators@relay.example"

# Pairing
MATCHER_PAIRING_WEIGHTS: dict = {}
MATCHER_PAIRING_MIN_SCORE = 35.0
MATCHER_CONFIRM_WITHIN = timedelta(hours=72)
MATCHER_VOLUNTEER_LINK_MAX_AGE = timedelta(days=365)
MATCHER_END_REASONS = {
    "planned": _t("Planned end of support"),
    "requester_withdrew": _t("The person supported chose to stop"),
    "volunteer_stepped_back": _t("The volunteer stepped back"),
    "needs_clinical_care": _t("Needs more than peer support"),
    "no_contact": _t("No contact"),
    "safeguarding": _t("Safeguarding decision"),
    "other": _t("Other"),
}

# Relay
MATCHER_RELAY_HOURLY_LIMIT = 20        # messages per party per hour before holding
MATCHER_RELAY_MAX_MESSAGE_BYTES = 25 * 1024 * 1024
# Kept alive while a worker reads (matcher/leases.py): a dead worker's message is read again this soon.
MATCHER_RELAY_PROCESS_LEASE = timedelta(seconds=15)
# "inline": the listener that stores a message also reads it (one process, SQLite or PostgreSQL).
# "workers": listeners only store, wake `relay work` and acknowledge; workers read and send alerts.
MATCHER_RELAY_PROCESSING = "inline"
# How long an idle `relay work` waits for a wake-up (PostgreSQL NOTIFY) before looking again.
MATCHER_RELAY_WORK_POLL = timedelta(seconds=2)
# The MTA pipe on PostgreSQL: how long one of its transactions waits for a lock, and how long one
# statement may run, before the pipe answers 75 and the MTA retries later.
MATCHER_RELAY_PIPE_LOCK_TIMEOUT = timedelta(seconds=5)
MATCHER_RELAY_PIPE_STATEMENT_TIMEOUT = timedelta(seconds=30)
MATCHER_WEBHOOK_SECRET = None          # set to accept POST /relay/inbound
MATCHER_WEBHOOK_MAX_SKEW = timedelta(minutes=5)

# IMAP polling (`relay poll`). No host means there is no mailbox to poll.
MATCHER_IMAP_HOST = None
MATCHER_IMAP_PORT = 993
MATCHER_IMAP_SSL = True
MATCHER_IMAP_STARTTLS = False          # upgrade a plain connection (port 143) with STARTTLS
MATCHER_IMAP_USERNAME = None
MATCHER_IMAP_PASSWORD = None
MATCHER_IMAP_OAUTH2_TOKEN = None       # when set, log in with XOAUTH2 instead of the password
MATCHER_IMAP_FOLDER = "INBOX"
MATCHER_IMAP_PROCESSED_FOLDER = "Processed"
MATCHER_IMAP_UNKNOWN_FOLDER = "Unknown address"
MATCHER_IMAP_TIMEOUT = 30              # seconds
MATCHER_SMTPD_SENDS = True             # relay smtpd delivers right after storing, besides the scheduler

# Console sign-in
MATCHER_REQUIRE_TOTP = True
MATCHER_CONSOLE_IDLE_TIMEOUT = timedelta(minutes=30)

# Safeguarding
MATCHER_TIMEZONE = "Europe/London"      # the organisation's working hours
MATCHER_WORKING_DAY_START = 9
MATCHER_WORKING_DAY_END = 17
MATCHER_HOLIDAY_COUNTRY = "GB"          # public holidays (the `holidays` package) are not working days
MATCHER_HOLIDAY_SUBDIVISION = "ENG"     # ENG, SCT, WLS or NIR for GB; "" for the country's own list only
MATCHER_MIN_WORKING_WINDOW = timedelta(hours=2)  # AMBER raised with less of the day left is due next working day
MATCHER_ESCALATION_ACTIONS = {
    "contacted_person": "Contacted the person",
    "advised_emergency": "Advised 999 or 111 (or the local equivalent)",
    "contacted_care_team": "Contacted their GP or perinatal team",
    "safeguarding_referral": "Made a safeguarding referral",
    "spoke_to_volunteer": "Spoke to the volunteer",
    "no_action_needed": "Reviewed: no action needed",
}
MATCHER_REPLY_EXPECTED_WITHIN = timedelta(hours=48)
MATCHER_HOLD_CLEAR_REASONS = {          # why a coordinator lifts a risk hold (recorded in the audit log)
    "spoke_with_person": "Spoke with the person: peer support is right for them now",
    "care_team_agrees": "Their GP or perinatal team agrees peer support can start",
    "answered_in_error": "The person says the safety answer was given in error",
}

# Scheduled care (all durations; jobs take an injected clock in tests)
MATCHER_FIRST_REPLY_REMIND_AFTER = timedelta(hours=48)
MATCHER_FIRST_REPLY_ESCALATE_AFTER = timedelta(hours=72)
MATCHER_SILENCE_AFTER = timedelta(days=14)
MATCHER_REPLY_REMIND_AFTER = timedelta(hours=72)    # any later message still unanswered: remind the other side
MATCHER_REPLY_ESCALATE_AFTER = timedelta(hours=120)  # ...and then tell a coordinator
MATCHER_ENDING_NOTICE = timedelta(days=14)
MATCHER_CHECKS_WARN_BEFORE = timedelta(days=30)
MATCHER_DIGEST_HOUR = 8                 # local hour (MATCHER_TIMEZONE) of the daily digest
MATCHER_JOB_INTERVALS = {               # seconds between runs in `scheduler run`
    "outbox": 5, "escalation_reminders": 30, "inbox": 60, "response_timers": 600, "silence": 3600, "endings": 3600,
    "volunteer_checks": 3600 * 6, "digest": 600, "retention": 3600 * 6, "pauses": 3600,
}
# Retention (UK GDPR storage limitation): what is deleted, and when.
MATCHER_RETAIN_MESSAGES_AFTER_END = timedelta(days=90)
# Mail that reached no pairing (the bare mailbox, bounces, unreadable mail): its words go after this.
MATCHER_RETAIN_UNROUTED_MAIL = timedelta(days=90)
MATCHER_RETAIN_REQUESTS_AFTER_END = timedelta(days=365)
MATCHER_RETAIN_AUDIT = timedelta(days=6 * 365)
MATCHER_RETAIN_UNCONFIRMED = timedelta(days=30)

# Reports: counts below this are hidden (small-number suppression), and every other count is rounded to the
# nearest multiple of the base (1: not rounded); docs/operations.md says what this protects against.
MATCHER_REPORT_MIN_COUNT = 5
MATCHER_REPORT_ROUNDING_BASE = 5

# Encryption of message bodies at rest: Fernet keys, newest first (see docs/operations.md).
MATCHER_ENCRYPTION_KEYS: list[str] = []

# --- Console session and sign-in security (issue 11; keys added by the console-security work) ---
# However busy a console is, its session ends this long after sign-in.
MATCHER_CONSOLE_ABSOLUTE_TIMEOUT = timedelta(hours=12)
# Guessing is paused per (account, source address): MATCHER_LOGIN_MAX_FAILURES failures earn a
# first pause of MATCHER_LOGIN_BACKOFF, each further one doubles it, up to MATCHER_LOGIN_LOCKOUT.
MATCHER_LOGIN_BACKOFF = timedelta(seconds=30)
# Failures on a source with none for this long are forgotten.
MATCHER_LOGIN_FORGET_AFTER = timedelta(days=1)

# --- Public-side security (issue 11) -------------------------------------------------
# At most one confirmation or "already listed" mail per address in this period, however
# often the request form is sent for it.
MATCHER_CONFIRMATION_MAIL_EVERY = timedelta(minutes=15)
# How many reverse proxies in front of the app to trust for the client address
# (X-Forwarded-For) and scheme (X-Forwarded-Proto); 0 ignores those headers.
MATCHER_TRUSTED_PROXIES = 0
# RATELIMIT_STORAGE_URI (above, "memory://") counts per worker process: with more than one
# web worker set shared storage, e.g. "redis://127.0.0.1:6379" (pip install 'matcher[redis]').

# --- Relay hardening (issue 11; docs/security.md, Relay) ----------------------
# CPU time one inbound message may use while it is read (quotes, signature, scrubbing, contact
# offers, risk); past it the message is quarantined for a coordinator with the reason.
MATCHER_RELAY_PROCESS_BUDGET = timedelta(seconds=20)
# Claims of one message (each under MATCHER_RELAY_PROCESS_LEASE) before an unfinished one is
# quarantined instead of tried again.
MATCHER_RELAY_MAX_ATTEMPTS = 3
# Characters of a message's text the relay reads; a longer text is quarantined (its first part is
# still read for risk, so a RED flag still alerts).
MATCHER_RELAY_READ_TEXT_CHARS = 200_000
# Bytes of one body text part, as sent (before decoding), that the relay reads; a longer part is cut
# there and the message kept for a coordinator, so a huge body costs bounded memory and time.
MATCHER_RELAY_MAX_TEXT_PART_BYTES = 1024 * 1024
# `relay smtpd` listens on loopback only, behind the organisation's MX, unless this is true
# (or `--allow-public-bind` is given).
MATCHER_SMTPD_ALLOW_PUBLIC_BIND = False

# --- Alert paths (issue 12; docs/operations.md, Alerts) ------------------------------
# An undelivered alert (or crisis reply) is tried again this often, not on the ordinary schedule.
MATCHER_ALERT_RETRY_EVERY = timedelta(seconds=5)
# After an alert has waited this long, each attempt also tries the second routes below.
MATCHER_ALERT_FALLBACK_AFTER = timedelta(seconds=30)
# A second SMTP server for alerts: "smtp://host:port", "smtps://user:password@host:465" or
# "smtp+starttls://user:password@host:587". None: no second SMTP server.
MATCHER_ALERT_FALLBACK_SMTP: str | None = None
# A webhook or SMS gateway that alerts are POSTed to as JSON (subject line only). None: none.
MATCHER_ALERT_WEBHOOK_URL: str | None = None
# A RED escalation nobody has acknowledged by its due time is alerted again this often, to
# MATCHER_ALERT_ADDRESS and the second on-call address; an overdue AMBER one mails
# MATCHER_COORDINATOR_ADDRESS once.
MATCHER_RED_REALERT_EVERY = timedelta(minutes=10)
MATCHER_ALERT_SECOND_ADDRESS: str | None = None
