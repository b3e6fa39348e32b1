"""`notelens users ...` and `notelens audit ...`: passwords from standard input, no hash ever printed, the first
admin printed once, and `audit verify` ending with one JSON line."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from core import auth
from core.cli import app
from core.db.engine import get_engine

runner = CliRunner()
PASSWORD = "correct horse battery"


@pytest.fixture
def db(auth_db_url):
    """The settings' database (what the commands use) as a fresh temporary file."""
    return auth_db_url


def _last_json(output: str) -> dict:
    return json.loads([line for line in output.strip().splitlines() if line.strip()][-1])


def test_users_add_reads_the_password_from_stdin(db):
    res = runner.invoke(app, ["users", "add", "Alice", "--role", "annotator", "--password-stdin"],
                        input=PASSWORD + "\n")
    assert res.exit_code == 0, res.output
    assert "added alice (annotator)" in res.output
    assert PASSWORD not in res.output
    assert auth.authenticate("alice", PASSWORD).ok


def test_users_add_without_stdin_asks_twice(db):
    res = runner.invoke(app, ["users", "add", "bob", "--role", "clinician"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert res.exit_code == 0, res.output
    assert res.output.count("Password") == 1 and "Repeat for confirmation" in res.output
    assert PASSWORD not in res.output
    assert auth.authenticate("bob", PASSWORD).ok


@pytest.mark.parametrize("args, password, message", [
    (["--role", "clinician"], "too short", "at least 12"),
    (["--role", "superuser"], PASSWORD, "role must be one of"),
])
def test_users_add_refuses_bad_input_with_status_2(db, args, password, message):
    res = runner.invoke(app, ["users", "add", "carol", *args, "--password-stdin"], input=password + "\n")
    assert res.exit_code == 2 and message in res.output
    assert auth.list_users() == []


def test_users_list_shows_roles_and_status_but_no_hash(db):
    runner.invoke(app, ["users", "add", "root", "--role", "admin", "--password-stdin"], input=PASSWORD + "\n")
    runner.invoke(app, ["users", "add", "alice", "--role", "clinician", "--password-stdin"], input=PASSWORD + "\n")
    assert runner.invoke(app, ["users", "set-role", "alice", "annotator"]).exit_code == 0
    assert runner.invoke(app, ["users", "disable", "alice"]).exit_code == 0
    res = runner.invoke(app, ["users", "list"])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0].split()[:3] == ["name", "role", "status"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["alice"][1:3] == ["annotator", "disabled"]
    assert rows["root"][1:3] == ["admin", "active"]
    assert "argon2" not in res.output and "$" not in res.output


def test_users_commands_on_an_unknown_user_fail_cleanly(db):
    res = runner.invoke(app, ["users", "disable", "nobody"])
    assert res.exit_code == 2 and "no user named 'nobody'" in res.output


def test_users_bootstrap_prints_a_password_only_the_first_time(db):
    first = runner.invoke(app, ["users", "bootstrap"])
    assert first.exit_code == 0, first.output
    password = first.output.split("(shown only now): ")[1].split()[0]
    assert auth.authenticate("admin", password).ok
    again = runner.invoke(app, ["users", "bootstrap"])
    assert again.exit_code == 0 and again.output == ""


def test_users_bootstrap_with_the_environment_password_does_not_print_it(db, monkeypatch):
    monkeypatch.setenv(auth.ADMIN_PASSWORD_ENV, "from the environment")
    res = runner.invoke(app, ["users", "bootstrap"])
    assert res.exit_code == 0 and auth.ADMIN_PASSWORD_ENV in res.output
    assert "from the environment" not in res.output
    assert auth.authenticate("admin", "from the environment").ok


def test_audit_verify_ends_with_json_and_fails_on_a_broken_chain(db):
    runner.invoke(app, ["users", "add", "alice", "--role", "clinician", "--password-stdin"], input=PASSWORD + "\n")
    auth.authenticate("alice", "wrong password!")
    auth.authenticate("alice", PASSWORD)
    res = runner.invoke(app, ["audit", "verify"])
    assert res.exit_code == 0, res.output
    assert _last_json(res.output) == {"ok": True, "rows": 3}

    listed = runner.invoke(app, ["audit", "list", "--limit", "2"])
    assert listed.exit_code == 0
    assert [line.split()[4] for line in listed.output.strip().splitlines()[2:]] == ["sign_in", "sign_in_failed"]

    with get_engine(db).begin() as conn:
        conn.execute(text("UPDATE audit_events SET details = '{}' WHERE id = 2"))
    broken = runner.invoke(app, ["audit", "verify"])
    assert broken.exit_code == 1
    assert _last_json(broken.output) == {"ok": False, "rows": 3, "first_broken": 2}


def test_audit_verify_on_an_upgraded_0001_database(db):
    """A database made before users existed (revision 0001) is upgraded by the command, then verifies empty."""
    from alembic import command

    from core.db.engine import alembic_config

    cfg = alembic_config(db)
    cfg.attributes["configure_logger"] = False
    command.upgrade(cfg, "0001_initial")
    res = runner.invoke(app, ["audit", "verify"])
    assert res.exit_code == 0, res.output
    assert _last_json(res.output) == {"ok": True, "rows": 0}
