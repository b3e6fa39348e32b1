"""Sign-in and roles: users with argon2id password hashes, lockout after repeated failures, a role -> actions
matrix, and the first administrator. Every change and every sign-in attempt writes an audit event
(:mod:`core.audit`) in the same transaction as the change itself.

The pages call :func:`authenticate` (then honour ``retry_after_s``), keep the signed-in name in the session, re-read
it with :func:`get_user` on each run (so a disabled account or a new role takes effect at once), end the session
after :func:`session_expired`, and show a page or a button only when :func:`can` says so.

Names are case-insensitive (stored lower-case). Passwords are never stored, logged or audited: only their hash.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from core.config import get_settings
from core.db.audit import SYSTEM, append_event
from core.db.engine import session_scope, write_session
from core.db.models import User, utcnow
from core.labels import ROLES

#: Shortest and longest password accepted (long passphrases are welcome; the cap only stops absurd inputs).
MIN_PASSWORD_CHARS = 12
MAX_PASSWORD_CHARS = 1024
#: Name of the first administrator, created by :func:`bootstrap_admin`.
ADMIN_NAME = "admin"
#: Environment variable holding the first administrator's password (else a random one is generated).
ADMIN_PASSWORD_ENV = "NOTELENS_ADMIN_PASSWORD"

#: One message for an unknown name and a wrong password, so a failed sign-in does not tell which names exist.
BAD_CREDENTIALS = "Wrong user name or password."
LOCKED = "Too many failed sign-ins: this account is locked until {until} UTC."
DISABLED = "This account is disabled; ask an administrator."
#: Wait asked of the caller after the n-th consecutive failure: 1, 2, 4, 8 ... seconds, at most 30.
FAILURE_DELAY_S = 1.0
MAX_FAILURE_DELAY_S = 30.0

# -- permissions ------------------------------------------------------------------------------------------------
#: Everything a role can be allowed, with what it covers.
ACTIONS: dict[str, str] = {
    "run": "run the models on a note and download the result (the task pages)",
    "feedback": "send a verdict or a correction on a result",
    "review": "open the feedback review page (verdicts and corrections, note texts hidden)",
    "feedback_review": "show the note texts kept with feedback (each showing is audited as note_text_viewed)",
    "annotate": "answer items of the review queue (the Review page: notes to label, blind to other annotators)",
    "export": "export stored feedback and corrections (training data, with the kept note texts)",
    "users": "add, disable and re-role users",
    "audit": "read and verify the audit trail",
    "promote_model": "make a retrained model the one the pages use",
    "adjudicate": "settle review items whose annotators disagreed (sees every answer) and record the gold answer",
    "batch": "run the models on a file of many notes and download the results (the Batch page; nothing stored)",
}
_CLINICIAN = frozenset({"run", "feedback"})
#: Annotators review feedback and may show the kept note texts (each showing audited), but exporting the stored
#: feedback (training data that leaves the app) is an admin's: ``export`` is not theirs.
_ANNOTATOR = _CLINICIAN | {"review", "feedback_review", "annotate", "batch"}
_ADMIN = frozenset(ACTIONS)
#: Role -> what it may do; each role may do everything the roles before it in :data:`core.labels.ROLES` may.
#: Kept in code, not in an editable data file: widening a role should be a reviewed change.
PERMISSIONS: dict[str, frozenset[str]] = {"clinician": _CLINICIAN, "annotator": _ANNOTATOR, "admin": _ADMIN}
#: Page (file stem under ``pages/``) -> the action that opens it.
PAGE_ACTIONS: dict[str, str] = {"triage": "run", "drugs": "run", "treatments": "run", "feedback": "review",
                                "review": "annotate", "agreement": "review", "adjudicate": "adjudicate",
                                "users": "users", "audit": "audit", "exports": "export",
                                "models": "promote_model", "batch": "batch",
                                "model_facts": "run", "meeting": "run"}


def can(role: str | None, action: str) -> bool:
    """Whether ``role`` may do ``action`` (no role, or an unknown one, may do nothing).

    Raises:
        ValueError: ``action`` is not one of :data:`ACTIONS` (a typo must not silently hide a page).
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r} (one of {', '.join(ACTIONS)})")
    return action in PERMISSIONS.get(role or "", frozenset())


def allowed_pages(role: str | None) -> list[str]:
    """The pages ``role`` may open, in :data:`PAGE_ACTIONS` order."""
    return [page for page, action in PAGE_ACTIONS.items() if can(role, action)]


# -- results ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class UserInfo:
    """A user as the pages and the CLI see one (never the hash)."""

    name: str
    role: str
    disabled: bool
    created_at: datetime
    failed_count: int
    locked_until: datetime | None
    last_sign_in: datetime | None


AuthStatus = Literal["ok", "bad_credentials", "locked", "disabled"]


@dataclass(frozen=True)
class AuthResult:
    """Outcome of :func:`authenticate`. ``message`` is what to show; ``retry_after_s`` is how long the caller should
    refuse another attempt for this name (grows with each failure; the time left on a lock)."""

    ok: bool
    status: AuthStatus
    message: str
    user: UserInfo | None = None
    retry_after_s: float = 0.0


def _info(user: User) -> UserInfo:
    return UserInfo(name=user.name, role=user.role, disabled=user.disabled, created_at=user.created_at,
                    failed_count=user.failed_count, locked_until=user.locked_until, last_sign_in=user.last_sign_in)


# -- checks -----------------------------------------------------------------------------------------------------
_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")


def normalize_name(name: str) -> str:
    """``name`` trimmed and lower-cased.

    Raises:
        ValueError: not 1-64 characters of letters, digits, ``.``, ``_``, ``@``, ``-`` starting with a letter or digit.
    """
    key = name.strip().lower() if isinstance(name, str) else ""
    if not _NAME_RE.match(key):
        raise ValueError("a user name is 1 to 64 letters, digits, '.', '_', '@' or '-', "
                         "starting with a letter or digit")
    return key


def check_role(role: str) -> str:
    """``role`` if it is one of :data:`core.labels.ROLES`.

    Raises:
        ValueError: any other value.
    """
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def check_password(password: str) -> str:
    """``password`` if it is acceptable.

    Raises:
        ValueError: not a string, shorter than 12 characters, longer than 1024, or only spaces.
    """
    if not isinstance(password, str):
        raise ValueError("the password must be a string")
    if len(password) < MIN_PASSWORD_CHARS:
        raise ValueError(f"the password must have at least {MIN_PASSWORD_CHARS} characters (it has {len(password)})")
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValueError(f"the password must have at most {MAX_PASSWORD_CHARS} characters")
    if not password.strip():
        raise ValueError("the password cannot be only spaces")
    return password


# -- hashing ----------------------------------------------------------------------------------------------------
@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    """argon2id with argon2-cffi's defaults (RFC 9106's low-memory profile: 64 MiB, 3 passes)."""
    return PasswordHasher()


def hash_password(password: str) -> str:
    """The argon2id hash (``$argon2id$...``) of an acceptable password."""
    return hasher().hash(check_password(password))


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (a malformed hash never matches)."""
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hasher().hash(secrets.token_urlsafe(16))


def _failure_delay(failed_count: int) -> float:
    return min(FAILURE_DELAY_S * 2 ** max(failed_count - 1, 0), MAX_FAILURE_DELAY_S)


# -- users ------------------------------------------------------------------------------------------------------
def _find(session: Session, name: str) -> User | None:
    return session.scalar(select(User).where(User.name == name))


def _require(session: Session, name: str) -> User:
    user = _find(session, normalize_name(name))
    if user is None:
        raise ValueError(f"no user named {name.strip().lower()!r}")
    return user


def _other_active_admins(session: Session, user: User) -> int:
    return session.scalar(select(func.count()).select_from(User).where(
        User.role == "admin", User.disabled.is_(False), User.id != user.id)) or 0


def _is_self(actor: str, user: User) -> bool:
    """Whether ``actor`` (a signed-in name, or :data:`SYSTEM` for the CLI) is ``user``."""
    return isinstance(actor, str) and actor.strip().lower() == user.name


def add_user(name: str, role: str, password: str, *, actor: str = SYSTEM, engine: Engine | None = None) -> UserInfo:
    """Create a user (audited as ``user_added`` by ``actor``).

    Raises:
        ValueError: a bad name, role or password, or the name is taken.
    """
    key, role = normalize_name(name), check_role(role)
    password_hash = hash_password(password)  # before the write lock: hashing takes a moment
    with write_session(engine) as session:
        if _find(session, key) is not None:
            raise ValueError(f"a user named {key!r} already exists")
        user = User(name=key, role=role, password_hash=password_hash, disabled=False, failed_count=0)
        session.add(user)
        session.flush()
        append_event(session, actor, "user_added", f"user:{key}", {"role": role})
        return _info(user)


def get_user(name: str, *, engine: Engine | None = None) -> UserInfo | None:
    """The user called ``name`` (any case), or ``None`` (also for a name that could not exist)."""
    try:
        key = normalize_name(name)
    except ValueError:
        return None
    with session_scope(engine) as session:
        user = _find(session, key)
        return _info(user) if user is not None else None


def list_users(*, engine: Engine | None = None) -> list[UserInfo]:
    """Every user, by name."""
    with session_scope(engine) as session:
        return [_info(u) for u in session.scalars(select(User).order_by(User.name))]


def disable_user(name: str, *, actor: str = SYSTEM, engine: Engine | None = None) -> UserInfo:
    """Disable a user: they can no longer sign in (audited as ``user_disabled``).

    Raises:
        ValueError: no such user, ``actor`` is the user (an admin cannot lock themselves out from the page), or they
            are the last enabled admin (nobody could manage users any more).
    """
    with write_session(engine) as session:
        user = _require(session, name)
        if _is_self(actor, user) and not user.disabled:
            raise ValueError("you cannot disable your own account; ask another admin")
        if user.role == "admin" and not user.disabled and _other_active_admins(session, user) == 0:
            raise ValueError(f"{user.name!r} is the last enabled admin; add or enable another admin first")
        if not user.disabled:
            user.disabled = True
            append_event(session, actor, "user_disabled", f"user:{user.name}")
        return _info(user)


def enable_user(name: str, *, actor: str = SYSTEM, engine: Engine | None = None) -> UserInfo:
    """Enable a disabled user again and clear any lock (audited as ``user_enabled``).

    Raises:
        ValueError: no such user.
    """
    with write_session(engine) as session:
        user = _require(session, name)
        if user.disabled or user.locked_until is not None or user.failed_count:
            user.disabled, user.failed_count, user.locked_until = False, 0, None
            append_event(session, actor, "user_enabled", f"user:{user.name}")
        return _info(user)


def set_role(name: str, role: str, *, actor: str = SYSTEM, engine: Engine | None = None) -> UserInfo:
    """Change a user's role (audited as ``role_changed`` with the old and new roles).

    Raises:
        ValueError: no such user, an unknown role, ``actor`` demoting themselves, or it would demote the last
            enabled admin.
    """
    role = check_role(role)
    with write_session(engine) as session:
        user = _require(session, name)
        if user.role == role:
            return _info(user)
        if _is_self(actor, user) and user.role == "admin":
            raise ValueError("you cannot change your own role; ask another admin")
        if user.role == "admin" and not user.disabled and _other_active_admins(session, user) == 0:
            raise ValueError(f"{user.name!r} is the last enabled admin; make someone else admin first")
        append_event(session, actor, "role_changed", f"user:{user.name}", {"from": user.role, "to": role})
        user.role = role
        return _info(user)


def set_password(name: str, password: str, *, actor: str = SYSTEM, engine: Engine | None = None) -> UserInfo:
    """Give a user a new password and clear any lock (audited as ``password_changed``; the password is not).

    Raises:
        ValueError: no such user, or an unacceptable password.
    """
    password_hash = hash_password(password)
    with write_session(engine) as session:
        user = _require(session, name)
        user.password_hash, user.failed_count, user.locked_until = password_hash, 0, None
        append_event(session, actor, "password_changed", f"user:{user.name}")
        return _info(user)


def reset_password(name: str, *, actor: str = SYSTEM, engine: Engine | None = None) -> tuple[UserInfo, str]:
    """Give a user a new random password (:func:`generate_password`) and clear any lock; return it to show once
    (audited as ``password_changed`` with ``{"generated": true}``; the password is not).

    Raises:
        ValueError: no such user.
    """
    password = generate_password()
    password_hash = hash_password(password)
    with write_session(engine) as session:
        user = _require(session, name)
        user.password_hash, user.failed_count, user.locked_until = password_hash, 0, None
        append_event(session, actor, "password_changed", f"user:{user.name}", {"generated": True})
        return _info(user), password


def generate_password() -> str:
    """A random password (24 URL-safe characters, 144 bits) for an admin to hand over once."""
    return secrets.token_urlsafe(18)


def bootstrap_admin(password: str | None = None, *, engine: Engine | None = None) -> str | None:
    """Create the first user, ``admin``, when there is no user at all; return its password (to print once).

    The password is ``password``, else the ``NOTELENS_ADMIN_PASSWORD`` environment variable, else a random one
    (``secrets.token_urlsafe``): there is no default password. Returns ``None`` (and changes nothing) as soon as
    any user exists, so calling it at every start is harmless; two processes starting together create one admin.

    Raises:
        ValueError: the given or configured password is unacceptable (:func:`check_password`).
    """
    if list_users(engine=engine):
        return None
    source = "argument" if password else "env" if os.environ.get(ADMIN_PASSWORD_ENV) else "generated"
    password = password or os.environ.get(ADMIN_PASSWORD_ENV) or generate_password()
    password_hash = hash_password(password)
    with write_session(engine) as session:
        if session.scalar(select(func.count()).select_from(User)):
            return None
        session.add(User(name=ADMIN_NAME, role="admin", password_hash=password_hash, disabled=False, failed_count=0))
        append_event(session, SYSTEM, "user_added", f"user:{ADMIN_NAME}",
                     {"role": "admin", "bootstrap": True, "password": source})
    return password


# -- sign-in ----------------------------------------------------------------------------------------------------
def _actor_of(name: str) -> str:
    """The name as typed, for the audit row of a failed attempt (trimmed; never empty)."""
    return (name.strip()[:128] if isinstance(name, str) else "") or "(empty)"


def authenticate(name: str, password: str, now: datetime | None = None, *,
                 engine: Engine | None = None) -> AuthResult:
    """Check a sign-in attempt and record it (``sign_in`` or ``sign_in_failed`` with the reason).

    - Unknown name or wrong password: ``bad_credentials``, the same message either way (and a hash is checked
      either way, so the time taken does not tell either).
    - ``auth_max_failures`` consecutive failures (settings, default 5) lock the account for
      ``auth_lockout_minutes`` (default 15): ``locked``, whatever the password, until the lock ends; then the
      count starts again.
    - Right password on a disabled account: ``disabled`` (a wrong one still says ``bad_credentials``).

    Each failure asks the caller to wait ``retry_after_s`` (1, 2, 4 ... s; the time left on a lock). The function
    never sleeps: the page decides how to make the person wait.

    Args:
        name: the user name as typed (any case).
        password: the password as typed.
        now: the current time (tests); default: now, UTC.
        engine: database engine (default: the settings' database).
    """
    now = _aware(now)
    settings = get_settings()
    try:
        key = normalize_name(name)
    except ValueError:
        key = None
    with session_scope(engine) as session:
        found = _find(session, key) if key else None
        user_id = found.id if found is not None else None
        locked_until = found.locked_until if found is not None else None
        password_hash = found.password_hash if found is not None else None

    if user_id is None:
        verify_password(_dummy_hash(), password if isinstance(password, str) else "")
        with write_session(engine) as session:
            append_event(session, _actor_of(name), "sign_in_failed", f"user:{_actor_of(name)[:64]}",
                         {"reason": "unknown_user"})
        return AuthResult(False, "bad_credentials", BAD_CREDENTIALS, retry_after_s=_failure_delay(1))
    if locked_until is not None and now < locked_until:
        with write_session(engine) as session:
            append_event(session, key, "sign_in_failed", f"user:{key}", {"reason": "locked"})
        return _locked(locked_until, now)

    matches = isinstance(password, str) and verify_password(password_hash or "", password)  # outside the lock
    with write_session(engine) as session:
        user = session.get(User, user_id)
        if user is None:  # users are disabled, never deleted; only a hand-edited database gets here
            raise RuntimeError(f"user {key!r} vanished during sign-in")
        if user.locked_until is not None and now < user.locked_until:  # locked meanwhile by another attempt
            append_event(session, key, "sign_in_failed", f"user:{key}", {"reason": "locked"})
            return _locked(user.locked_until, now)
        if user.locked_until is not None:  # the lock has ended: a fresh count
            user.failed_count, user.locked_until = 0, None
        if matches and user.disabled:
            append_event(session, key, "sign_in_failed", f"user:{key}", {"reason": "disabled"})
            return AuthResult(False, "disabled", DISABLED, _info(user))
        if matches:
            user.failed_count, user.last_sign_in = 0, now
            if hasher().check_needs_rehash(user.password_hash):
                user.password_hash = hasher().hash(password)
            append_event(session, key, "sign_in", f"user:{key}", {"role": user.role})
            return AuthResult(True, "ok", f"Signed in as {key} ({user.role}).", _info(user))
        user.failed_count += 1
        details: dict[str, object] = {"reason": "bad_password", "failed_count": user.failed_count}
        if user.failed_count >= settings.auth_max_failures:
            user.locked_until = now + timedelta(minutes=settings.auth_lockout_minutes)
            details["locked_until"] = user.locked_until.isoformat()
        append_event(session, key, "sign_in_failed", f"user:{key}", details)
        if user.locked_until is not None:
            return _locked(user.locked_until, now)
        return AuthResult(False, "bad_credentials", BAD_CREDENTIALS, retry_after_s=_failure_delay(user.failed_count))


def _aware(moment: datetime | None) -> datetime:
    """``moment`` (default: now) as an aware UTC datetime; a naive one is taken to be UTC already."""
    if moment is None:
        return utcnow()
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _locked(until: datetime, now: datetime) -> AuthResult:
    return AuthResult(False, "locked", LOCKED.format(until=until.strftime("%Y-%m-%d %H:%M")),
                      retry_after_s=max((until - now).total_seconds(), 0.0))


def session_expired(last_activity: datetime, now: datetime | None = None) -> bool:
    """Whether a session last active at ``last_activity`` has been idle longer than ``session_idle_minutes``."""
    return _aware(now) - _aware(last_activity) > timedelta(minutes=get_settings().session_idle_minutes)
