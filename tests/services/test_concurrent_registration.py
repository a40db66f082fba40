"""Two workstations registering at the same moment never share a chart number or lose a patient."""

from concurrent.futures import ThreadPoolExecutor
from datetime import date

from ptclinic.db import Database
from ptclinic.services import patients
from ptclinic.services.actor import Actor
from tests.conftest import patient_input

WORKSTATIONS = 4
EACH = 5


def test_parallel_registrations_get_distinct_chart_numbers(
    clinic_db: Database, front_desk: Actor
) -> None:
    def workstation(n: int) -> list[str]:
        # Each "workstation" has its own engine and connection pool, as separate app copies do.
        own = Database(clinic_db.url)
        try:
            return [
                patients.register_patient(
                    own,
                    front_desk,
                    patient_input(first_name=f"Person{n}x{i}", date_of_birth=date(1970, 1, 1 + i)),
                ).chart_number
                for i in range(EACH)
            ]
        finally:
            own.dispose()

    with ThreadPoolExecutor(WORKSTATIONS) as pool:
        charts = [c for batch in pool.map(workstation, range(WORKSTATIONS)) for c in batch]
    assert len(charts) == len(set(charts)) == WORKSTATIONS * EACH
    assert sorted(int(c) for c in charts) == list(range(10001, 10001 + WORKSTATIONS * EACH))
