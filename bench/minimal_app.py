"""The smallest Flask app: the baseline that bench/intake.py serves beside the real form.

Served as `gunicorn 'bench.minimal_app:app'` from the repository root.
"""
from flask import Flask

app = Flask(__name__)


@app.route("/", methods=["GET", "POST"])
def ok() -> str:
    """Answer every request with the two letters "ok"."""
    return "ok"
