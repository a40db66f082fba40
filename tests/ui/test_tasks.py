import threading

from pytestqt.qtbot import QtBot

from ptclinic.services.errors import ConflictError, ValidationError
from ptclinic.ui.tasks import UNEXPECTED_ERROR, TaskFailure, TaskRunner


def test_result_arrives_on_the_main_thread(qtbot: QtBot) -> None:
    runner = TaskRunner()
    main = threading.get_ident()
    seen: dict[str, object] = {}

    def job() -> int:
        seen["job_thread"] = threading.get_ident()
        return 42

    def done(result: int) -> None:
        seen["result"] = result
        seen["callback_thread"] = threading.get_ident()

    handle = runner.run(job, done, lambda failure: None)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert seen["result"] == 42
    assert seen["job_thread"] != main
    assert seen["callback_thread"] == main
    assert runner.pending() == 0


def test_jobs_run_one_at_a_time_in_order(qtbot: QtBot) -> None:
    runner = TaskRunner()
    order: list[int] = []
    results: list[int] = []
    running = threading.Lock()

    def job(n: int) -> int:
        assert running.acquire(blocking=False), "two jobs ran at once"
        try:
            order.append(n)
            return n
        finally:
            running.release()

    handles = [
        runner.run(lambda n=n: job(n), results.append, lambda failure: None) for n in range(10)
    ]
    qtbot.waitUntil(lambda: all(h.done for h in handles), timeout=5000)
    assert order == list(range(10))
    assert results == list(range(10))


def test_domain_errors_arrive_as_plain_text(qtbot: QtBot) -> None:
    runner = TaskRunner()
    failures: list[TaskFailure] = []

    def conflict() -> None:
        raise ConflictError("That slot is already booked.")

    def invalid() -> None:
        raise ValidationError({"last_name": "Last name is required."})

    for job in (conflict, invalid):
        handle = runner.run(job, lambda _: None, failures.append)
        with qtbot.waitSignal(handle.finished, timeout=5000):
            pass
    assert failures[0] == TaskFailure("That slot is already booked.")
    assert failures[1].message == "Last name is required."
    assert failures[1].field_errors == {"last_name": "Last name is required."}


def test_unexpected_errors_are_logged_not_shown(qtbot: QtBot, caplog) -> None:  # type: ignore[no-untyped-def]
    runner = TaskRunner()
    failures: list[TaskFailure] = []

    def broken() -> None:
        raise ZeroDivisionError("division by zero")

    handle = runner.run(broken, lambda _: None, failures.append)
    with qtbot.waitSignal(handle.finished, timeout=5000):
        pass
    assert failures == [TaskFailure(UNEXPECTED_ERROR, unexpected=True)]
    assert "ZeroDivisionError" in caplog.text
    assert runner.wait_for_done(1000)
