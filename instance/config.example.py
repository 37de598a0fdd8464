# Copy to instance/config.py and adjust. Anything here can also be set as a FLASK_* variable.
SECRET_KEY = "replace with a long random value, e.g. python -c 'import secrets; print(secrets.token_hex(32))'"  # noqa: S105 - a placeholder
# SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://matcher@localhost/matcher"

# MAIL_SERVER = "smtp.example.org"
# MAIL_PORT = 587
# MAIL_USE_TLS = True
# MAIL_USERNAME = "support@relay.example"
# MAIL_PASSWORD = "..."

MATCHER_ORGANISATION = "Example Perinatal Peer Support"
MATCHER_BASE_URL = "https://support.example.org"
MATCHER_RELAY_ADDRESS = "support@relay.example"
MATCHER_ALERT_ADDRESS = "safeguarding@example.org"
MATCHER_COORDINATOR_ADDRESS = "coordinators@example.org"
MATCHER_DEFAULT_MODERATION = "review_flagged"
# MATCHER_AUTHSERV_ID = "mx.relay.example"
# MATCHER_WEBHOOK_SECRET = "..."
# MATCHER_ENCRYPTION_KEYS = ["output of: flask --app matcher keys generate"]
