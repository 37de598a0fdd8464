"""`flask --app matcher requests ...`."""
from flask.cli import AppGroup

requests_cli = AppGroup("requests", help="Manage support requests.")
