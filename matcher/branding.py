"""The organisation's own look: its accent colour as a style sheet and its logo, both served from here.

The Content-Security-Policy allows no inline style, so the colour comes as a tiny
style sheet of its own rather than a style attribute.
"""
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, send_from_directory

bp = Blueprint("branding", __name__)


def init_app(app: Flask) -> None:
    """Serve /brand.css and /brand/logo."""
    app.register_blueprint(bp)


@bp.get("/brand.css")
def brand_css():
    """Return the accent colour as a CSS custom property."""
    colour = current_app.config["MATCHER_ORGANISATION_ACCENT"]
    response = Response(f":root {{ --accent: {colour}; }}\n", mimetype="text/css")
    response.cache_control.max_age = 3600
    return response


@bp.get("/brand/logo")
def logo():
    """Return the organisation's logo file from the instance folder."""
    name = current_app.config["MATCHER_ORGANISATION_LOGO"]
    if not name:
        abort(404)
    return send_from_directory(Path(current_app.instance_path), name, max_age=3600)
