"""Checking spreadsheet rows before anything is imported (pure).

Every row is checked and every problem collected, so a coordinator fixes the
whole file in one go; the importer refuses the file if any problem remains.
"""
import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email

from matcher.csvsafe import restore
from matcher.plaintext import has_control_characters


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with one row, in words."""

    row: int
    line: int
    message: str

    def __str__(self) -> str:
        return f"row {self.row} (line {self.line}): {self.message}"


@dataclass
class RowReader:
    """Reads one row's cells, collecting problems instead of stopping at the first."""

    cells: dict[str, str]
    row: int
    line: int
    problems: list[RowProblem] = field(default_factory=list)

    def problem(self, message: str) -> None:
        """Note a problem with this row."""
        self.problems.append(RowProblem(self.row, self.line, message))

    def text(self, column: str, required: bool = True, limit: int = 160) -> str | None:
        """Return a trimmed cell, noting it when required and empty or too long."""
        value = (self.cells.get(column) or "").strip()
        if not value:
            if required:
                self.problem(f"{column} is empty")
            return None
        if len(value) > limit:
            self.problem(f"{column} is longer than {limit} characters")
        if has_control_characters(value):
            self.problem(f"{column} contains a line break or control character")
            return None
        return value

    def email(self, column: str = "email") -> str | None:
        """Return a normalised email address."""
        value = self.text(column, limit=320)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError as error:
            self.problem(f"{column} '{value}' is not a valid address ({error})")
            return None

    def choice(self, column: str, vocabulary: dict) -> str | None:
        """Return a cell that must be one of the vocabulary's codes."""
        value = self.text(column)
        if value is not None and value not in vocabulary:
            self.problem(f"{column} '{value}' is not one of {', '.join(vocabulary)}")
            return None
        return value

    def choices(self, column: str, vocabulary: dict, required: bool = True) -> list[str]:
        """Return a ';'-separated list whose items must all be in the vocabulary."""
        value = self.text(column, required=required, limit=1000)
        items = [item.strip() for item in (value or "").split(";") if item.strip()]
        unknown = [item for item in items if item not in vocabulary]
        if unknown:
            self.problem(f"{column} has {', '.join(repr(u) for u in unknown)}, not in {', '.join(vocabulary)}")
        return [item for item in items if item in vocabulary]

    def timezone(self, column: str = "timezone") -> str | None:
        """Return a cell that must name an IANA time zone."""
        value = self.text(column, limit=64)
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            self.problem(f"{column} '{value}' is not a time zone name such as Europe/London")
            return None
        return value

    def integer(self, column: str, low: int, high: int) -> int | None:
        """Return a whole number within bounds."""
        value = self.text(column, limit=10)
        if value is None:
            return None
        if not value.isdigit() or not low <= int(value) <= high:
            self.problem(f"{column} '{value}' is not a whole number from {low} to {high}")
            return None
        return int(value)

    def day(self, column: str, required: bool = True) -> date | None:
        """Return an ISO date (YYYY-MM-DD)."""
        value = self.text(column, required=required, limit=32)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.problem(f"{column} '{value}' is not a date like 2026-03-31")
            return None

    def moment(self, column: str) -> datetime | None:
        """Return an ISO date or date-time as aware UTC."""
        value = self.text(column, limit=40)
        if value is None:
            return None
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            self.problem(f"{column} '{value}' is not a date like 2026-03-31")
            return None
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def read_rows(text: str, columns: tuple[str, ...]) -> tuple[list[RowReader], list[RowProblem]]:
    """Split CSV text into row readers, checking the header first."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    missing = [column for column in columns if column not in header]
    if missing:
        return [], [RowProblem(0, 1, f"the header lacks the column(s) {', '.join(missing)}")]
    reader.fieldnames = header
    rows = []
    for number, cells in enumerate(reader, start=1):
        # Cells our own export neutralised (csvsafe) read back as they were.
        row = RowReader({k: restore(v or "") for k, v in cells.items() if k is not None}, number, reader.line_num)
        if None in cells:
            row.problem("has more cells than the header has columns")
        rows.append(row)
    if not rows:
        return [], [RowProblem(0, 1, "the file has no rows")]
    return rows, []


def duplicates(rows: list[RowReader], values: list[str | None], column: str) -> None:
    """Note every row whose value repeats an earlier row's."""
    first_seen: dict[str, int] = {}
    for row, value in zip(rows, values, strict=True):
        if value is None:
            continue
        if value in first_seen:
            row.problem(f"{column} repeats row {first_seen[value]}")
        else:
            first_seen[value] = row.row


def check_file(text: str, columns: tuple[str, ...], read_row,
               vocabularies: dict, skip=None) -> tuple[list[dict], list[RowProblem]]:
    """Read every row with `read_row` (bar those `skip` picks), refuse repeated emails, collect every problem."""
    rows, problems = read_rows(text, columns)
    rows = [row for row in rows if skip is None or not skip(row)]
    details = [read_row(row, vocabularies) for row in rows]
    duplicates(rows, [d["email"] for d in details], "email")
    problems += [problem for row in rows for problem in row.problems]
    return details, problems
