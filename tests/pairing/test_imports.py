"""CSV imports: every row checked first; one bad row refuses the whole file, named."""
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select

from matcher.extensions import db
from matcher.intake.models import RequestStatus, SupportRequest
from matcher.pairing.models import Volunteer, VolunteerStatus

DATA = Path(__file__).parent.parent / "data" / "csv"


def _count(model):
    return db.session.scalar(select(func.count(model.id)))


def test_volunteer_roster_imports_whole(runner):
    result = runner.invoke(args=["volunteers", "import", str(DATA / "volunteers_good.csv")])
    assert result.exit_code == 0, result.output
    assert "Imported 3 volunteers" in result.output
    alex = db.session.scalar(select(Volunteer).where(Volunteer.email == "alex@example.org"))
    assert alex.stages == ["early", "established"] and alex.status == VolunteerStatus.ACTIVE
    cam = db.session.scalar(select(Volunteer).where(Volunteer.email == "cam@example.net"))
    assert cam.status == VolunteerStatus.APPLICANT  # no training date yet


def test_one_bad_row_refuses_the_file_and_names_each_problem(runner):
    result = runner.invoke(args=["volunteers", "import", str(DATA / "volunteers_bad_row.csv")])
    assert result.exit_code == 1
    output = result.output
    assert "row 2 (line 3): role 'father' is not one of mother, partner" in output
    assert "row 3 (line 4): timezone 'Mars/Olympus'" in output
    assert "row 3 (line 4): capacity 'lots'" in output
    assert "row 3 (line 4): trained_on '31/12/2025' is not a date" in output
    assert "nothing imported" in output
    assert _count(Volunteer) == 0


def test_dry_run_checks_and_imports_nothing(runner):
    result = runner.invoke(args=["volunteers", "import", "--dry-run", str(DATA / "volunteers_good.csv")])
    assert result.exit_code == 0 and "3 volunteers checked" in result.output
    assert _count(Volunteer) == 0


def test_existing_volunteer_refuses_the_file(runner, make_volunteer):
    make_volunteer(email="bo@example.org")
    result = runner.invoke(args=["volunteers", "import", str(DATA / "volunteers_good.csv")])
    assert result.exit_code == 1 and "row 2: a volunteer with email bo@example.org already exists" in result.output
    assert _count(Volunteer) == 1


def test_missing_column_is_named(runner, tmp_path):
    path = tmp_path / "short.csv"
    path.write_text("name,email\nA,a@example.org\n")
    result = runner.invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 1 and "lacks the column(s) phone, pseudonym" in result.output


def test_waiting_list_import_keeps_original_request_dates(runner):
    result = runner.invoke(args=["requests", "import", str(DATA / "requests_good.csv")])
    assert result.exit_code == 0, result.output
    dee = db.session.scalar(select(SupportRequest).where(SupportRequest.email == "dee@example.com"))
    assert dee.status == RequestStatus.WAITING
    assert dee.requested_on == datetime(2025, 11, 3, tzinfo=UTC)


def test_waiting_list_with_a_bad_row_imports_nothing(runner):
    result = runner.invoke(args=["requests", "import", str(DATA / "requests_bad_row.csv")])
    assert result.exit_code == 1
    for expected in ("row 2 (line 3): email repeats row 1", "stage 'soon'", "'psychosis'", "requested_on 'yesterday'"):
        assert expected in result.output
    assert _count(SupportRequest) == 0


def test_roster_export_can_be_imported_again(client, make_coordinator, sign_in, make_volunteer, runner, tmp_path):
    make_volunteer(email="keep@example.org", stages=["early", "beyond"])
    sign_in(make_coordinator())
    exported = client.get("/console/volunteers.csv").get_data(as_text=True)
    assert exported.splitlines()[0].startswith("name,email,phone,pseudonym,role,stages")
    db.session.query(Volunteer).delete()
    db.session.commit()
    path = tmp_path / "roster.csv"
    path.write_text(exported)
    result = runner.invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(Volunteer)).stages == ["early", "beyond"]


def test_a_retired_or_paused_volunteer_is_not_revived_by_a_roster_round_trip(
        client, make_coordinator, sign_in, make_volunteer, runner, tmp_path):
    make_volunteer(email="gone@example.org", status=VolunteerStatus.RETIRED)
    make_volunteer(email="resting@example.org", status=VolunteerStatus.PAUSED)
    make_volunteer(email="here@example.org", status=VolunteerStatus.ACTIVE)
    sign_in(make_coordinator())
    exported = client.get("/console/volunteers.csv").get_data(as_text=True)
    db.session.query(Volunteer).delete()
    db.session.commit()
    path = tmp_path / "roster.csv"
    path.write_text(exported)
    result = runner.invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 0, result.output
    statuses = {v.email: v.status for v in db.session.scalars(select(Volunteer))}
    assert statuses == {"gone@example.org": VolunteerStatus.RETIRED, "resting@example.org": VolunteerStatus.PAUSED,
                        "here@example.org": VolunteerStatus.ACTIVE}


def test_a_status_column_can_hold_back_but_never_promote(runner, tmp_path):
    header = "name,email,phone,pseudonym,role,stages,experiences,languages,timezone,capacity,trained_on,status\n"
    rows = ("Ann Example,ann@example.org,,Ann,mother,early,,en,Europe/London,1,,active\n"
            "Bea Example,bea@example.org,,Bea,mother,early,,en,Europe/London,1,2026-01-05,sleeping\n")
    path = tmp_path / "roster.csv"
    path.write_text(header + rows)
    result = runner.invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 1
    assert "row 2 (line 3): status 'sleeping' is not one of" in result.output
    path.write_text(header + rows.replace("sleeping", "applicant"))
    result = runner.invoke(args=["volunteers", "import", str(path)])
    assert result.exit_code == 0, result.output
    statuses = {v.email: v.status for v in db.session.scalars(select(Volunteer))}
    # No training date: an applicant whatever the file says; a trained one the file holds back stays back.
    assert statuses == {"ann@example.org": VolunteerStatus.APPLICANT, "bea@example.org": VolunteerStatus.APPLICANT}
