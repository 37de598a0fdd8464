"""Kind error pages: the organisation's own page with crisis numbers for 404, 410, 429 and 500."""
from flask import Flask, render_template, request
from werkzeug.exceptions import HTTPException

# The public pages an error can be shown on; the webhook answers machines, not people.
MACHINE_PATHS = ("/relay/inbound",)
KIND_ERRORS = (404, 410, 429, 500)


def init_app(app: Flask) -> None:
    """Register the kind error page for each status people can meet."""
    for status in KIND_ERRORS:
        app.register_error_handler(status, kind_error_page)


def kind_error_page(error: HTTPException):
    """Render the branded page for this error, with the crisis numbers and a way on."""
    status = getattr(error, "code", None) or 500
    if request.path.startswith(MACHINE_PATHS):
        return error
    return render_template("error.html", status=status), status
