from sqlalchemy import func, select, text

from ptclinic.db import Database
from ptclinic.models import Appointment, Patient
from tests.cli.conftest import Run

OVERLAPS = """
    SELECT count(*) FROM appointments a JOIN appointments b
      ON a.{column} = b.{column} AND a.id < b.id
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
"""


def test_demo_data_fills_an_empty_clinic_once(cli: Run, database_url: str) -> None:
    result = cli("demo-data", "--patients", "200", "--years", "1", "--seed", "3")
    assert result.code == 0, result.err
    assert "200 patients, 1 year of appointments (seed 3)" in result.out
    assert "Done in " in result.out and " s: 200 patients" in result.out
    assert "therapist  therapist-demo" in result.out

    db = Database(database_url)
    with db.session() as session:
        assert session.scalar(select(func.count()).select_from(Patient)) == 200
        assert (session.scalar(select(func.count()).select_from(Appointment)) or 0) > 500
        for column in ("therapist_id", "room_id", "patient_id"):
            assert session.scalar(text(OVERLAPS.format(column=column))) == 0, column
    db.dispose()

    again = cli("demo-data", "--patients", "200", "--years", "1")
    assert again.code == 2
    assert "already holds a clinic" in again.err


def test_demo_data_explains_bad_sizes(cli: Run) -> None:
    result = cli("demo-data", "--patients", "0", "--years", "1")
    assert result.code == 2
    assert "between 1 and 1,000,000" in result.err
    missing = cli("demo-data", "--patients", "10")
    assert missing.code == 2 and "--years" in missing.err
