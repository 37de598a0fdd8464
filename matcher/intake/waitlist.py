"""A charity's existing waiting list as CSV: checking rows for import (pure)."""
from matcher.csvcheck import RowProblem, RowReader, check_file

REQUEST_COLUMNS = ("name", "email", "pseudonym", "role", "stage", "experiences", "language",
                   "timezone", "requested_on")


def request_details(row: RowReader, vocabularies: dict) -> dict:
    """Read one waiting-list row into request fields, noting every problem."""
    return {
        "name": row.text("name", required=False),
        "email": row.email(),
        "pseudonym": row.text("pseudonym", limit=80),
        "role": row.choice("role", vocabularies["roles"]),
        "stage": row.choice("stage", vocabularies["stages"]),
        "experiences": row.choices("experiences", vocabularies["experiences"], required=False),
        "language": row.choice("language", vocabularies["languages"]),
        "timezone": row.timezone(),
        "requested_on": row.moment("requested_on"),
    }


def check_waiting_list(text: str, vocabularies: dict) -> tuple[list[dict], list[RowProblem]]:
    """Return every row's fields, and every problem in the file."""
    return check_file(text, REQUEST_COLUMNS, request_details, vocabularies)
