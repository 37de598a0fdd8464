"""CSV that is safe to open in a spreadsheet: formula-like cells are neutralised (pure).

A cell that begins with = + - @ or a tab or carriage return is read by Excel, LibreOffice
and Google Sheets as a formula, so a volunteer's name could run a command or leak other
cells when a coordinator opens the export. Such a cell is written with a leading
apostrophe, which spreadsheets hide and treat as "this is text". A cell that already
begins with an apostrophe gets one more, so `restore` can undo exactly what was added
and an export imports back to the same values.
"""
import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_ESCAPED_STARTS = (*FORMULA_STARTS, QUOTE)


def neutralise(value):
    """Return a cell value that no spreadsheet reads as a formula; non-text values pass through."""
    if isinstance(value, str) and value.startswith(_ESCAPED_STARTS):
        return QUOTE + value
    return value


def restore(text: str) -> str:
    """Undo `neutralise` on a cell read back from an exported file."""
    if text.startswith(QUOTE) and text[1:].startswith(_ESCAPED_STARTS):
        return text[1:]
    return text


class SafeWriter:
    """A csv.writer whose every cell goes through `neutralise`."""

    def __init__(self, stream, **options):
        self._writer = csv.writer(stream, **options)

    def writerow(self, row) -> None:
        """Write one row of neutralised cells."""
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows) -> None:
        """Write every row, each cell neutralised."""
        for row in rows:
            self.writerow(row)


def writer(stream, **options) -> SafeWriter:
    """Return the only CSV writer the application uses for files people open."""
    return SafeWriter(stream, **options)
