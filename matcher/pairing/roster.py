"""The volunteer roster as CSV: checking rows for import, and export (pure)."""
import io
from collections.abc import Iterable
from datetime import date

from matcher import csvsafe
from matcher.csvcheck import RowProblem, RowReader, check_file

VOLUNTEER_COLUMNS = ("name", "email", "phone", "pseudonym", "role", "stages", "experiences",
                     "languages", "timezone", "capacity", "trained_on")
# Accepted when present: without a check expiry a volunteer cannot be paired.
OPTIONAL_COLUMNS = ("checks_expire_on",)
# The export's last column. On import it can hold a volunteer back (retired, paused, applicant) but never
# make one active: an exported retired volunteer must not come back able to be paired.
STATUSES = ("applicant", "active", "paused", "retired")
# What erasure leaves of a volunteer (care.retention.ERASED): no person left to export or import.
ERASED_NAME = "(erased)"


def volunteer_details(row: RowReader, vocabularies: dict) -> dict:
    """Read one roster row into volunteer fields, noting every problem."""
    return {
        "name": row.text("name"),
        "email": row.email(),
        "phone": row.text("phone", required=False, limit=40),
        "pseudonym": row.text("pseudonym", limit=80),
        "role": row.choice("role", vocabularies["roles"]),
        "stages": row.choices("stages", vocabularies["stages"]),
        "experiences": row.choices("experiences", vocabularies["experiences"], required=False),
        "languages": row.choices("languages", vocabularies["languages"]),
        "timezone": row.timezone(),
        "capacity": row.integer("capacity", 0, 10),
        "trained_on": row.day("trained_on", required=False),
        "checks_expire_on": row.day("checks_expire_on", required=False),
        "status": _status(row),
    }


def _status(row: RowReader) -> str | None:
    """Return the optional status cell, noting a value that is not a status."""
    value = row.text("status", required=False, limit=16)
    if value is not None and value not in STATUSES:
        row.problem(f"status '{value}' is not one of {', '.join(STATUSES)}")
        return None
    return value


def imported_status(row: dict) -> str:
    """Return the status an imported row starts in: active only when trained and not held back by the file."""
    if row.get("status") in ("retired", "paused"):
        return row["status"]
    return "active" if row["trained_on"] and row.get("status") in (None, "active") else "applicant"


def check_roster(text: str, vocabularies: dict) -> tuple[list[dict], list[RowProblem]]:
    """Return every row's fields, and every problem in the file."""
    return check_file(text, VOLUNTEER_COLUMNS, volunteer_details, vocabularies,
                      skip=lambda row: row.cells.get("name", "").strip() == ERASED_NAME)


def readiness_warnings(rows: list[dict], today: date) -> list[str]:
    """Say how many imported volunteers cannot be paired yet, and why, one line per reason."""
    reasons = (
        (lambda r: r["trained_on"] is None, "have no training date (trained_on): they are imported as applicants"),
        (lambda r: r.get("checks_expire_on") is None,
         "have no background check recorded (checks_expire_on): nobody is paired with them until one is"),
        (lambda r: r.get("checks_expire_on") is not None and r["checks_expire_on"] < today,
         "have a background check that has expired: renew it before they can be paired"),
    )
    warnings = []
    for held_back, words in reasons:
        count = sum(1 for row in rows if held_back(row))
        if count:
            warnings.append(f"{count} of {len(rows)} volunteers {words}")
    return warnings


def export_volunteers(volunteers: Iterable) -> str:
    """Write volunteers in the import's columns, so an export can be imported again."""
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer)
    writer.writerow(VOLUNTEER_COLUMNS + OPTIONAL_COLUMNS + ("status",))
    for v in volunteers:
        if v.name == ERASED_NAME:
            continue
        writer.writerow([
            v.name, v.email, v.phone or "", v.pseudonym, v.role, ";".join(v.stages or ()),
            ";".join(v.experiences or ()), ";".join(v.languages or ()), v.timezone, v.capacity,
            v.trained_on.isoformat() if v.trained_on else "",
            v.checks_expire_on.isoformat() if v.checks_expire_on else "", str(v.status),
        ])
    return buffer.getvalue()
