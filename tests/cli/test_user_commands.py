import getpass

import pytest
from sqlalchemy import select

from ptclinic.db import Database
from ptclinic.models import AuditEvent
from ptclinic.services import auth
from tests.cli.conftest import Run
from tests.conftest import PASSWORD

ADMIN_PASSWORD = "admin password 1"


def _bootstrap(cli: Run) -> None:
    result = cli(
        "user", "add", "alice", "--role", "admin", "--name", "Alice Admin", "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "first administrator, alice" in result.out


def _actions(database_url: str) -> list[str]:
    db = Database(database_url)
    with db.session() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    db.dispose()
    return actions


def test_first_user_is_bootstrapped_without_user_and_can_log_in(
    cli: Run, database_url: str
) -> None:
    _bootstrap(cli)
    db = Database(database_url)
    assert auth.authenticate(db, "alice", ADMIN_PASSWORD).role == "admin"
    db.dispose()
    listing = cli("user", "list")
    assert listing.code == 0
    assert listing.out.splitlines()[0].split() == [
        "Username",
        "Name",
        "Role",
        "Credentials",
        "Status",
    ]
    assert "alice" in listing.out and "Alice Admin" in listing.out and "active" in listing.out


def test_first_user_must_be_an_administrator(cli: Run) -> None:
    result = cli(
        "user", "add", "dana", "--role", "therapist", "--name", "Dana", "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 2
    assert "first account must be an administrator" in result.err


def test_after_bootstrap_adding_needs_an_administrator(cli: Run, database_url: str) -> None:
    _bootstrap(cli)
    refused = cli(
        "user", "add", "bob", "--role", "front_desk", "--name", "Bob Desk", "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert refused.code == 2 and "--user" in refused.err

    wrong = cli(
        "user", "add", "bob", "--role", "front_desk", "--name", "Bob Desk", "--user", "alice",
        "--password-stdin", stdin=f"not the password\n{PASSWORD}\n",
    )  # fmt: skip
    assert wrong.code == 2
    assert "Username or password is not right" in wrong.err
    assert _actions(database_url)[-1] == "login_failed"

    added = cli(
        "user", "add", "bob", "--role", "front-desk", "--name", "Bob Desk", "--user", "alice",
        "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "Added bob (Bob Desk) as Front desk" in added.out
    db = Database(database_url)
    assert auth.authenticate(db, "bob", PASSWORD).role == "front_desk"
    db.dispose()


def test_a_non_administrator_cannot_add_staff(cli: Run) -> None:
    _bootstrap(cli)
    cli(
        "user", "add", "bob", "--role", "front_desk", "--name", "Bob Desk", "--user", "alice",
        "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    result = cli(
        "user", "add", "carl", "--role", "front_desk", "--name", "Carl", "--user", "bob",
        "--password-stdin", stdin=f"{PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 2
    assert "not allowed to manage staff" in result.err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--role", "boss"], "Role must be one of: admin, front_desk, therapist"),
        (["--role", "admin", "--npi", "123"], "An NPI has exactly 10 digits."),
    ],
)
def test_bad_input_is_explained(cli: Run, extra: list[str], message: str) -> None:
    result = cli(
        "user", "add", "alice", "--name", "Alice", *extra, "--password-stdin",
        stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 2
    assert message in result.err


def test_short_password_and_taken_username_are_refused(cli: Run) -> None:
    short = cli(
        "user", "add", "alice", "--role", "admin", "--name", "Alice", "--password-stdin",
        stdin="short\n",
    )  # fmt: skip
    assert short.code == 2 and "at least 8 characters" in short.err
    _bootstrap(cli)
    taken = cli(
        "user", "add", "alice", "--role", "admin", "--name", "Alice Again", "--user", "alice",
        "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    assert taken.code == 2 and "already taken" in taken.err


def test_standard_input_ending_early_is_explained(cli: Run) -> None:
    _bootstrap(cli)
    result = cli(
        "user", "add", "bob", "--role", "front_desk", "--name", "Bob", "--user", "alice",
        "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 2
    assert "Standard input ended" in result.err


def test_passwords_from_the_terminal_are_asked_twice(
    cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter([PASSWORD, PASSWORD + "x"])
    prompts: list[str] = []

    def fake_getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    monkeypatch.setattr("ptclinic.cli.common.Passwords._is_terminal", staticmethod(lambda: True))
    result = cli("user", "add", "alice", "--role", "admin", "--name", "Alice")
    assert result.code == 2 and "do not match" in result.err
    assert prompts == ["New password for alice: ", "New password for alice (again): "]

    answers = iter([PASSWORD, PASSWORD])
    assert cli("user", "add", "alice", "--role", "admin", "--name", "Alice").code == 0


def test_without_a_terminal_the_password_must_come_from_stdin(cli: Run) -> None:
    result = cli("user", "add", "alice", "--role", "admin", "--name", "Alice")
    assert result.code == 2
    assert "--password-stdin" in result.err


def test_disable_and_enable(cli: Run, database_url: str) -> None:
    _bootstrap(cli)
    cli(
        "user", "add", "bob", "--role", "front_desk", "--name", "Bob Desk", "--user", "alice",
        "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n{PASSWORD}\n",
    )  # fmt: skip
    disabled = cli(
        "user", "disable", "bob", "--user", "alice", "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n"
    )
    assert disabled.code == 0 and "Disabled bob" in disabled.out
    row = next(line for line in cli("user", "list").out.splitlines() if line.startswith("bob"))
    assert row.split()[-1] == "disabled"
    db = Database(database_url)
    with pytest.raises(auth.AuthenticationError, match="disabled"):
        auth.authenticate(db, "bob", PASSWORD)
    db.dispose()

    myself = cli(
        "user",
        "disable",
        "alice",
        "--user",
        "alice",
        "--password-stdin",
        stdin=f"{ADMIN_PASSWORD}\n",
    )
    assert myself.code == 2 and "your own account" in myself.err
    missing = cli("user", "disable", "bob")
    assert missing.code == 2 and "--user" in missing.err
    enabled = cli(
        "user", "enable", "bob", "--user", "alice", "--password-stdin", stdin=f"{ADMIN_PASSWORD}\n"
    )
    assert enabled.code == 0 and "Enabled bob" in enabled.out


def test_list_on_a_database_without_staff(cli: Run) -> None:
    result = cli("user", "list")
    assert result.code == 0 and "No staff accounts yet" in result.out
