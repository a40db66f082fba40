"""`ptclinic user add | list | disable | enable`: staff accounts from the command line."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ptclinic.cli.common import (
    EXIT_OK,
    Actions,
    CommandError,
    Passwords,
    add_command,
    log_in,
    open_database,
    print_table,
)
from ptclinic.roles import Role

if TYPE_CHECKING:  # imported by each handler: see ptclinic/cli/common.py
    from ptclinic.services.staff import NewStaff, StaffSummary

_ROLES = ", ".join(role.value for role in Role)


def register(commands: Actions[argparse.ArgumentParser]) -> None:
    user = add_command(
        commands,
        "user",
        summary="add, list, disable and enable staff accounts",
        description="Manage staff accounts. Accounts are never deleted, only disabled: their "
        "names stay on the records they signed and in the audit log.",
        example_lines=[
            'ptclinic user add alice --role admin --name "Alice Admin"',
            "ptclinic user list",
            "ptclinic user disable bob --user alice",
        ],
    )
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    add = add_command(
        actions,
        "add",
        summary="add a staff member",
        description="Add a staff member. On a new database with no staff at all, the first "
        "account must be an administrator and needs no --user. After that an administrator "
        "adds accounts: give --user and that administrator's password.\n\n"
        "Passwords are asked on the terminal (the new one twice). With --password-stdin they "
        "are read from standard input instead, one per line: first the acting administrator's "
        "password (when --user is given), then the new user's password.",
        example_lines=[
            'ptclinic user add alice --role admin --name "Alice Admin"',
            'ptclinic user add dana --role therapist --name "Dana Lee" --credentials "PT, DPT" \\',
            "    --npi 1234567893 --user alice",
            'printf \'%s\\n\' "$ADMIN_PASSWORD" "$NEW_PASSWORD" | ptclinic user add frank \\',
            '    --role front_desk --name "Frank Desk" --user alice --password-stdin',
        ],
    )
    add.add_argument("username", help="log-in name: letters, digits, . _ -, starting with a letter")
    add.add_argument("--role", required=True, help=f"one of: {_ROLES}")
    add.add_argument("--name", required=True, metavar='"FULL NAME"', help="the person's full name")
    add.add_argument("--credentials", default="", metavar="TEXT", help='e.g. "PT, DPT"')
    add.add_argument("--npi", default="", metavar="N", help="10-digit National Provider Identifier")
    add.add_argument("--user", metavar="ADMIN", help="the administrator adding the account")
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help="read passwords from standard input, one per line: the administrator's (with "
        "--user), then the new user's",
    )
    add.set_defaults(handler=run_add)

    listing = add_command(
        actions,
        "list",
        summary="list staff accounts",
        description="List every staff account with its name, role and status (active, "
        "disabled, or locked after wrong passwords). Staff lists hold no patient data, so no "
        "log-in is needed.",
        example_lines=["ptclinic user list"],
    )
    listing.set_defaults(handler=run_list)

    for verb, active in (("disable", False), ("enable", True)):
        parser = add_command(
            actions,
            verb,
            summary=f"{verb} a staff account",
            description=f"{verb.capitalize()} a staff account (administrators only). "
            + ("A disabled account cannot log in." if not active else "")
            + " The administrator's password is asked on the terminal, or read from standard "
            "input with --password-stdin.",
            example_lines=[f"ptclinic user {verb} bob --user alice"],
        )
        parser.add_argument("username", help=f"the account to {verb}")
        parser.add_argument("--user", metavar="ADMIN", help="the administrator doing it")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="read the administrator's password from standard input",
        )
        parser.set_defaults(handler=run_set_active, active=active)


def run_add(args: argparse.Namespace) -> int:
    from ptclinic.services import clinic, staff
    from ptclinic.services.errors import ValidationError

    role = args.role.strip().lower().replace("-", "_")
    if problem := staff.role_problem(role):
        raise ValidationError({"role": problem})
    passwords = Passwords(args.password_stdin)
    db = open_database(args)
    try:
        if clinic.setup_state(db).needs_administrator:
            if role != Role.ADMIN.value:
                raise CommandError(
                    "This database has no staff yet, so the first account must be an "
                    "administrator: use --role admin."
                )
            if args.user:
                raise CommandError(
                    "There are no staff accounts yet, so --user cannot be checked: leave it out "
                    "to create the first administrator."
                )
            new = _new_staff(args, role, passwords)
            created = staff.create_first_admin(db, new)
            print(f"Created the first administrator, {created.username}.")
            return EXIT_OK
        if not args.user:
            raise CommandError(
                "Staff accounts already exist: an administrator adds new ones. Give --user "
                "ADMIN_USERNAME (and that administrator's password)."
            )
        actor = log_in(db, args.user, passwords, "Adding a staff member")
        created = staff.add_staff(db, actor, _new_staff(args, role, passwords))
        print(f"Added {created.username} ({created.full_name}) as {created.role_label}.")
        return EXIT_OK
    finally:
        db.dispose()


def _new_staff(args: argparse.Namespace, role: str, passwords: Passwords) -> NewStaff:
    from ptclinic.services.staff import NewStaff

    password = passwords.ask(f"New password for {args.username}", confirm=True)
    return NewStaff(
        username=args.username,
        full_name=args.name,
        role=role,
        password=password,
        credentials=args.credentials,
        npi=args.npi,
    )


def _status(member: StaffSummary) -> str:
    if not member.active:
        return "disabled"
    if member.is_locked() and member.locked_until is not None:
        return f"locked until {member.locked_until:%Y-%m-%d %H:%M} UTC"
    return "active"


def run_list(args: argparse.Namespace) -> int:
    from ptclinic.services import staff

    db = open_database(args)
    try:
        members = staff.list_staff(db)
    finally:
        db.dispose()
    if not members:
        print('No staff accounts yet. Add the first administrator with "ptclinic user add".')
        return EXIT_OK
    rows = [
        [m.username, m.full_name, m.role_label, m.credentials, _status(m)]
        for m in sorted(members, key=lambda m: m.username)
    ]
    print_table(["Username", "Name", "Role", "Credentials", "Status"], rows, sys.stdout)
    return EXIT_OK


def run_set_active(args: argparse.Namespace) -> int:
    from ptclinic.services import staff

    db = open_database(args)
    try:
        what = "Enabling" if args.active else "Disabling"
        actor = log_in(db, args.user, Passwords(args.password_stdin), f"{what} an account")
        changed = staff.set_active(db, actor, args.username, args.active)
    finally:
        db.dispose()
    print(f"{'Enabled' if args.active else 'Disabled'} {changed.username} ({changed.full_name}).")
    return EXIT_OK
