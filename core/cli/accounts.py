"""``users`` (who can sign in, with which role) and ``audit`` (the hash-chained trail)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from core.cli.common import (
    _db,
    _emit,
    _guarded,
    _table,
    _when,
    app,
)

# -- users and the audit trail ----------------------------------------------------------------------------------
users_app = typer.Typer(help="Who can sign in to the pages, and with which role (clinician, annotator, admin).",
                        no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail: who did what, when (hash-chained).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")

PasswordStdinOpt = Annotated[bool, typer.Option("--password-stdin", help="Read the password from standard input "
                                                "(one line) instead of asking for it twice.")]


def _password(from_stdin: bool) -> str:
    """The new password: standard input's first line, or typed twice without echo."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return typer.prompt("Password", hide_input=True, confirmation_prompt=True)


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="User name (letters, digits, . _ @ -; case-insensitive).")],
    role: Annotated[str, typer.Option("--role", help="clinician, annotator or admin.")],
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Add a user (the password needs at least 12 characters)."""
    from core import auth

    def run() -> None:
        _db()
        auth.normalize_name(name), auth.check_role(role)  # before asking for the password
        user = auth.add_user(name, role, _password(password_stdin))
        typer.echo(f"added {user.name} ({user.role})")

    _guarded(run)


@users_app.command("list")
def users_list() -> None:
    """Every user: role, status, last sign-in (never a password hash)."""
    from core import auth
    from core.db.models import utcnow

    def run() -> None:
        _db()
        now = utcnow()
        rows = []
        for u in auth.list_users():
            status = ("disabled" if u.disabled else f"locked until {_when(u.locked_until)}"
                      if u.locked_until is not None and u.locked_until > now else "active")
            rows.append([u.name, u.role, status, _when(u.created_at), _when(u.last_sign_in), str(u.failed_count)])
        typer.echo(_table(["name", "role", "status", "created (UTC)", "last sign-in (UTC)", "failed"], rows))

    _guarded(run)


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Disable a user: they can no longer sign in (the last enabled admin cannot be disabled)."""
    from core import auth

    def run() -> None:
        _db()
        typer.echo(f"disabled {auth.disable_user(name).name}")

    _guarded(run)


@users_app.command("enable")
def users_enable(name: Annotated[str, typer.Argument(help="User name.")]) -> None:
    """Enable a disabled user again (also ends a lockout)."""
    from core import auth

    def run() -> None:
        _db()
        typer.echo(f"enabled {auth.enable_user(name).name}")

    _guarded(run)


@users_app.command("set-role")
def users_set_role(
    name: Annotated[str, typer.Argument(help="User name.")],
    role: Annotated[str, typer.Argument(help="clinician, annotator or admin.")],
) -> None:
    """Change a user's role."""
    from core import auth

    def run() -> None:
        _db()
        user = auth.set_role(name, role)
        typer.echo(f"{user.name} is now {user.role}")

    _guarded(run)


@users_app.command("set-password")
def users_set_password(
    name: Annotated[str, typer.Argument(help="User name.")],
    password_stdin: PasswordStdinOpt = False,
) -> None:
    """Give a user a new password (also ends a lockout)."""
    from core import auth

    def run() -> None:
        _db()
        typer.echo(f"new password set for {auth.set_password(name, _password(password_stdin)).name}")

    _guarded(run)


@users_app.command("bootstrap")
def users_bootstrap() -> None:
    """Create the first user, admin, when there is no user yet (what `make run` calls; silent otherwise).

    The password comes from NOTELENS_ADMIN_PASSWORD, else a random one is printed, once."""
    import os

    from core import auth

    def run() -> None:
        _db()
        password = auth.bootstrap_admin()
        if password is None:
            return
        if os.environ.get(auth.ADMIN_PASSWORD_ENV):
            typer.echo(f"Created the first user '{auth.ADMIN_NAME}' with the password in {auth.ADMIN_PASSWORD_ENV}.")
            return
        typer.echo(f"Created the first user '{auth.ADMIN_NAME}'. Its one-time password (shown only now): {password}\n"
                   f"Sign in with it, then change it: notelens users set-password {auth.ADMIN_NAME}")

    _guarded(run)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain. Last line: {"ok": true, "rows": N}, or with "first_broken": ID and exit status 1."""
    from core import audit

    def run() -> None:
        _db()
        result = audit.verify()
        _emit(result.as_dict())
        if not result.ok:
            raise typer.Exit(1)

    _guarded(run)


@audit_app.command("list")
def audit_list(
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000, help="How many events, newest first.")] = 50,
    actor: Annotated[str | None, typer.Option("--actor", help="Only this actor's events.")] = None,
    action: Annotated[str | None, typer.Option("--action", help="Only this action (e.g. sign_in_failed).")] = None,
) -> None:
    """The latest audit events, newest first."""
    from core import audit

    def run() -> None:
        _db()
        rows = [[str(e.id), e.at.strftime("%Y-%m-%d %H:%M:%S"), e.actor, e.action, e.target,
                 json.dumps(e.details, sort_keys=True) if e.details else ""]
                for e in audit.list_events(limit, actor=actor, action=action)]
        typer.echo(_table(["id", "at (UTC)", "actor", "action", "target", "details"], rows))

    _guarded(run)
