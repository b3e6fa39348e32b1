"""Sign-in and roles: argon2id hashes, one message for unknown names and wrong passwords, lockout and its end,
disabled accounts, the first admin, the permissions matrix, and an audit event for every change and attempt."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from core import auth
from core.audit import list_events, verify
from core.config import get_settings
from core.db.engine import dispose_engine, init_db, session_scope
from core.db.models import User
from core.labels import ROLES

PASSWORD = "correct horse battery"
T0 = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(auth_db_url):
    """A migrated temporary database, also the settings' default (what callers without an engine use)."""
    return init_db(auth_db_url)


def _stored_hash(engine, name: str) -> str:
    with session_scope(engine) as session:
        return session.scalar(select(User.password_hash).where(User.name == name))


def _actions(engine) -> list[str]:
    return [e.action for e in reversed(list_events(500, engine=engine))]


# -- hashing and users ------------------------------------------------------------------------------------------
def test_passwords_are_stored_as_argon2id_hashes_that_verify(engine):
    info = auth.add_user("Alice", "clinician", PASSWORD, engine=engine)
    assert info.name == "alice" and info.role == "clinician" and not info.disabled
    stored = _stored_hash(engine, "alice")
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert auth.verify_password(stored, PASSWORD)
    assert not auth.verify_password(stored, PASSWORD + "!")
    assert not auth.verify_password("not a hash", PASSWORD)


@pytest.mark.parametrize("password", ["short", "eleven char", " " * 12, 42])
def test_bad_passwords_are_refused_with_a_clear_message(engine, password):
    with pytest.raises(ValueError, match="password"):
        auth.add_user("bob", "clinician", password, engine=engine)
    assert auth.list_users(engine=engine) == []


def test_names_and_roles_are_checked(engine):
    with pytest.raises(ValueError, match="role must be one of"):
        auth.add_user("bob", "superuser", PASSWORD, engine=engine)
    with pytest.raises(ValueError, match="user name"):
        auth.add_user("bob smith", "clinician", PASSWORD, engine=engine)
    auth.add_user("bob", "clinician", PASSWORD, engine=engine)
    with pytest.raises(ValueError, match="already exists"):
        auth.add_user("BOB", "annotator", PASSWORD, engine=engine)
    with pytest.raises(ValueError, match="no user named"):
        auth.set_role("nobody", "admin", engine=engine)


def test_user_changes_are_audited_with_their_actor(engine):
    auth.add_user("root", "admin", PASSWORD, engine=engine)
    auth.add_user("bob", "clinician", PASSWORD, actor="root", engine=engine)
    assert auth.set_role("bob", "annotator", actor="root", engine=engine).role == "annotator"
    assert auth.disable_user("bob", actor="root", engine=engine).disabled
    assert not auth.enable_user("bob", actor="root", engine=engine).disabled
    auth.set_password("bob", "another long password", actor="root", engine=engine)
    events = list(reversed(list_events(engine=engine)))
    assert [e.action for e in events] == ["user_added", "user_added", "role_changed", "user_disabled",
                                          "user_enabled", "password_changed"]
    assert [e.actor for e in events[1:]] == ["root"] * 5
    assert events[2].details == {"from": "clinician", "to": "annotator"}
    assert "another long password" not in str([e.as_dict() for e in events])
    assert verify(engine=engine).ok
    assert [u.name for u in auth.list_users(engine=engine)] == ["bob", "root"]


def test_the_last_enabled_admin_cannot_be_disabled_or_demoted(engine):
    auth.add_user("root", "admin", PASSWORD, engine=engine)
    with pytest.raises(ValueError, match="last enabled admin"):
        auth.disable_user("root", engine=engine)
    with pytest.raises(ValueError, match="last enabled admin"):
        auth.set_role("root", "clinician", engine=engine)
    auth.add_user("second", "admin", PASSWORD, engine=engine)
    assert auth.set_role("root", "clinician", engine=engine).role == "clinician"
    with pytest.raises(ValueError, match="last enabled admin"):  # now "second" is the last one
        auth.disable_user("second", engine=engine)
    assert not auth.get_user("second", engine=engine).disabled


def test_a_disabled_admin_does_not_count_as_another_admin(engine):
    auth.add_user("root", "admin", PASSWORD, engine=engine)
    auth.add_user("spare", "admin", PASSWORD, engine=engine)
    auth.disable_user("spare", actor="root", engine=engine)
    with pytest.raises(ValueError, match="last enabled admin"):
        auth.set_role("root", "annotator", engine=engine)
    auth.enable_user("spare", actor="root", engine=engine)
    assert auth.disable_user("root", actor="spare", engine=engine).disabled


def test_an_admin_cannot_disable_or_demote_themselves(engine):
    auth.add_user("root", "admin", PASSWORD, engine=engine)
    auth.add_user("other", "admin", PASSWORD, engine=engine)
    before = len(list_events(500, engine=engine))
    with pytest.raises(ValueError, match="your own account"):
        auth.disable_user("ROOT", actor="root", engine=engine)
    with pytest.raises(ValueError, match="your own role"):
        auth.set_role("root", "clinician", actor="Root", engine=engine)
    assert auth.get_user("root", engine=engine).role == "admin" and not auth.get_user("root", engine=engine).disabled
    assert len(list_events(500, engine=engine)) == before  # a refused change writes no audit event
    assert auth.set_role("root", "clinician", actor="other", engine=engine).role == "clinician"


def test_a_reset_password_is_random_shown_once_and_audited_without_it(engine):
    auth.add_user("root", "admin", PASSWORD, engine=engine)
    auth.add_user("bob", "clinician", PASSWORD, engine=engine)
    for _ in range(3):
        auth.authenticate("bob", "wrong password here", now=T0, engine=engine)
    info, first = auth.reset_password("bob", actor="root", engine=engine)
    _, second = auth.reset_password("bob", actor="root", engine=engine)
    assert first != second and len(second) >= auth.MIN_PASSWORD_CHARS and info.failed_count == 0
    assert not auth.authenticate("bob", PASSWORD, now=T0, engine=engine).ok
    assert not auth.authenticate("bob", first, now=T0 + timedelta(minutes=1), engine=engine).ok
    assert auth.authenticate("bob", second, now=T0 + timedelta(minutes=2), engine=engine).ok
    events = [e for e in list_events(500, engine=engine) if e.action == "password_changed"]
    assert [(e.actor, e.target, e.details) for e in events] == [("root", "user:bob", {"generated": True})] * 2
    assert first not in str([e.as_dict() for e in list_events(500, engine=engine)])
    with pytest.raises(ValueError, match="no user named"):
        auth.reset_password("nobody", actor="root", engine=engine)


# -- sign-in ------------------------------------------------------------------------------------------------------
def test_a_right_password_signs_in_and_is_audited(engine):
    auth.add_user("alice", "annotator", PASSWORD, engine=engine)
    result = auth.authenticate(" ALICE ", PASSWORD, now=T0, engine=engine)
    assert result.ok and result.status == "ok" and result.retry_after_s == 0
    assert result.user.name == "alice" and result.user.role == "annotator"
    assert auth.get_user("alice", engine=engine).last_sign_in == T0
    assert _actions(engine)[-1] == "sign_in"


def test_unknown_user_and_wrong_password_give_the_same_message(engine):
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    unknown = auth.authenticate("mallory", PASSWORD, now=T0, engine=engine)
    wrong = auth.authenticate("alice", "wrong password!", now=T0, engine=engine)
    assert not unknown.ok and not wrong.ok
    assert unknown.status == wrong.status == "bad_credentials"
    assert unknown.message == wrong.message == auth.BAD_CREDENTIALS
    assert unknown.user is None and wrong.user is None
    assert unknown.retry_after_s == wrong.retry_after_s > 0
    events = list_events(2, engine=engine)
    assert {e.action for e in events} == {"sign_in_failed"}
    assert {e.details["reason"] for e in events} == {"unknown_user", "bad_password"}


def test_each_failure_asks_for_a_longer_wait(engine):
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    waits = [auth.authenticate("alice", "wrong password!", now=T0, engine=engine).retry_after_s for _ in range(4)]
    assert waits == sorted(waits) and len(set(waits)) == 4


def test_five_failures_lock_the_account_until_the_lock_ends(engine):
    settings = get_settings()
    assert (settings.auth_max_failures, settings.auth_lockout_minutes) == (5, 15)
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    for i in range(4):
        assert auth.authenticate("alice", "wrong password!", now=T0 + timedelta(seconds=i), engine=engine).status \
            == "bad_credentials"
    fifth = auth.authenticate("alice", "wrong password!", now=T0 + timedelta(seconds=4), engine=engine)
    assert fifth.status == "locked" and fifth.retry_after_s == 15 * 60
    # Locked: even the right password is refused, and the message says until when.
    during = auth.authenticate("alice", PASSWORD, now=T0 + timedelta(minutes=10), engine=engine)
    assert not during.ok and during.status == "locked" and "locked until" in during.message
    assert during.retry_after_s == pytest.approx(5 * 60 + 4)
    after = auth.authenticate("alice", PASSWORD, now=T0 + timedelta(minutes=15, seconds=5), engine=engine)
    assert after.ok and after.user.failed_count == 0 and after.user.locked_until is None
    assert _actions(engine).count("sign_in_failed") == 6


def test_a_success_resets_the_count_so_failures_must_be_consecutive(engine):
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    for _ in range(4):
        auth.authenticate("alice", "wrong password!", now=T0, engine=engine)
    assert auth.authenticate("alice", PASSWORD, now=T0, engine=engine).ok
    assert auth.authenticate("alice", "wrong password!", now=T0, engine=engine).status == "bad_credentials"


def test_the_lockout_follows_the_settings(engine, monkeypatch):
    monkeypatch.setenv("NOTELENS_AUTH_MAX_FAILURES", "2")
    monkeypatch.setenv("NOTELENS_AUTH_LOCKOUT_MINUTES", "1")
    get_settings.cache_clear()
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    auth.authenticate("alice", "wrong password!", now=T0, engine=engine)
    assert auth.authenticate("alice", "wrong password!", now=T0, engine=engine).status == "locked"
    assert auth.authenticate("alice", PASSWORD, now=T0 + timedelta(seconds=61), engine=engine).ok


def test_a_disabled_user_is_refused(engine):
    auth.add_user("root", "admin", PASSWORD, engine=engine)
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    auth.disable_user("alice", engine=engine)
    right = auth.authenticate("alice", PASSWORD, now=T0, engine=engine)
    assert not right.ok and right.status == "disabled" and right.message == auth.DISABLED
    # A wrong password does not reveal that the account exists but is disabled.
    assert auth.authenticate("alice", "wrong password!", now=T0, engine=engine).message == auth.BAD_CREDENTIALS


def test_an_outdated_hash_is_upgraded_at_sign_in(engine):
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    with engine.begin() as conn:
        conn.execute(text("UPDATE users SET password_hash = :h WHERE name = 'alice'"), {"h": weak})
    assert auth.authenticate("alice", PASSWORD, now=T0, engine=engine).ok
    assert _stored_hash(engine, "alice") != weak
    assert not auth.hasher().check_needs_rehash(_stored_hash(engine, "alice"))


# -- the first admin ------------------------------------------------------------------------------------------------
def test_bootstrap_creates_admin_once_with_a_random_password(engine):
    password = auth.bootstrap_admin(engine=engine)
    assert password is not None and len(password) >= auth.MIN_PASSWORD_CHARS
    (admin,) = auth.list_users(engine=engine)
    assert (admin.name, admin.role) == ("admin", "admin")
    assert auth.authenticate("admin", password, now=T0, engine=engine).ok
    assert auth.bootstrap_admin(engine=engine) is None
    assert len(auth.list_users(engine=engine)) == 1


def test_bootstrap_never_uses_a_fixed_password(tmp_path, monkeypatch):
    passwords = set()
    for i in range(2):
        url = f"sqlite:///{tmp_path / f'db{i}.sqlite'}"
        monkeypatch.delenv(auth.ADMIN_PASSWORD_ENV, raising=False)
        passwords.add(auth.bootstrap_admin(engine=init_db(url)))
        dispose_engine(url)
    assert len(passwords) == 2 and None not in passwords


def test_bootstrap_takes_the_password_from_the_environment(engine, monkeypatch):
    monkeypatch.setenv(auth.ADMIN_PASSWORD_ENV, "from the environment")
    assert auth.bootstrap_admin(engine=engine) == "from the environment"
    assert auth.authenticate("admin", "from the environment", now=T0, engine=engine).ok
    (event,) = [e for e in list_events(engine=engine) if e.action == "user_added"]
    assert event.details == {"role": "admin", "bootstrap": True, "password": "env"}


def test_bootstrap_refuses_a_short_environment_password(engine, monkeypatch):
    monkeypatch.setenv(auth.ADMIN_PASSWORD_ENV, "admin")
    with pytest.raises(ValueError, match="at least 12"):
        auth.bootstrap_admin(engine=engine)
    assert auth.list_users(engine=engine) == []


def test_bootstrap_does_nothing_when_any_user_exists(engine):
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    assert auth.bootstrap_admin(engine=engine) is None
    assert [u.name for u in auth.list_users(engine=engine)] == ["alice"]


# -- permissions and sessions -------------------------------------------------------------------------------------
def test_the_permissions_matrix():
    assert set(auth.PERMISSIONS) == set(ROLES)
    for action in ("users", "audit", "review", "feedback_review", "promote_model"):
        assert not auth.can("clinician", action)
    assert auth.can("clinician", "run") and auth.can("clinician", "feedback")
    assert auth.can("annotator", "review") and auth.can("annotator", "feedback_review")
    assert auth.can("annotator", "annotate") and not auth.can("clinician", "annotate")
    assert auth.can("annotator", "batch") and not auth.can("clinician", "batch")
    assert not auth.can("annotator", "users") and not auth.can("annotator", "audit")
    assert not auth.can("annotator", "export") and not auth.can("clinician", "export") and auth.can("admin", "export")
    assert all(auth.can("admin", action) for action in auth.ACTIONS)
    assert not auth.can(None, "run") and not auth.can("superuser", "run")
    with pytest.raises(ValueError, match="unknown action"):
        auth.can("admin", "reveiw")


def test_each_role_may_do_what_the_roles_below_it_may():
    for lower, higher in zip(ROLES, ROLES[1:]):
        assert auth.PERMISSIONS[lower] < auth.PERMISSIONS[higher]


def test_allowed_pages():
    assert auth.allowed_pages("clinician") == ["triage", "drugs", "treatments", "model_facts", "meeting"]
    assert auth.allowed_pages("annotator") == ["triage", "drugs", "treatments", "feedback", "review",
                                                "agreement", "batch", "model_facts", "meeting"]
    assert auth.allowed_pages("admin") == list(auth.PAGE_ACTIONS)
    assert auth.allowed_pages(None) == []


def test_session_idle_timeout(monkeypatch):
    monkeypatch.delenv("NOTELENS_SESSION_IDLE_MINUTES", raising=False)
    get_settings.cache_clear()
    assert get_settings().session_idle_minutes == 30
    assert not auth.session_expired(T0, now=T0 + timedelta(minutes=29))
    assert auth.session_expired(T0, now=T0 + timedelta(minutes=31))
    monkeypatch.setenv("NOTELENS_SESSION_IDLE_MINUTES", "5")
    get_settings.cache_clear()
    assert auth.session_expired(T0, now=T0 + timedelta(minutes=6))
    monkeypatch.setenv("NOTELENS_SESSION_IDLE_MINUTES", "0")
    get_settings.cache_clear()
    with pytest.raises(ValueError, match="NOTELENS_SESSION_IDLE_MINUTES"):
        get_settings()
    get_settings.cache_clear()


def _together(n: int, call) -> list:
    """Run ``call()`` in ``n`` threads released at once; their results (errors re-raised)."""
    import threading

    results, errors = [], []
    barrier = threading.Barrier(n)

    def work() -> None:
        try:
            barrier.wait()
            results.append(call())
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


def test_concurrent_bootstraps_create_one_admin(engine):
    results = _together(4, lambda: auth.bootstrap_admin(engine=engine))
    assert sum(r is not None for r in results) == 1
    assert [u.name for u in auth.list_users(engine=engine)] == ["admin"]
    assert verify(engine=engine).as_dict() == {"ok": True, "rows": 1}


def test_concurrent_failures_are_all_counted(engine):
    auth.add_user("alice", "clinician", PASSWORD, engine=engine)
    results = _together(5, lambda: auth.authenticate("alice", "wrong password!", now=T0, engine=engine))
    assert sorted(r.status for r in results) == ["bad_credentials"] * 4 + ["locked"]
    assert auth.get_user("alice", engine=engine).failed_count == 5
    assert auth.authenticate("alice", PASSWORD, now=T0, engine=engine).status == "locked"
