"""Sign-in for the app (not a page itself): the form, the account check on every run, and signing out.

:mod:`core.auth` decides (passwords, lockout, roles, idle timeout); this module only keeps the signed-in account in
``st.session_state`` and shows the form. ``app.py`` calls :func:`current_account` on every run and shows only
:func:`sign_in_form` until it returns an account; each page then guards itself with :func:`pages.state.require`.

With an ``[auth]`` section in ``.streamlit/secrets.toml`` the form also offers the hospital's identity provider
(``st.login``, OIDC); :mod:`core.oidc` maps its claims to a local account and role, so everything after sign-in is
the same. Signing out, or an idle session, also ends the provider's session cookie (``st.logout``): otherwise the
next run would sign the person straight back in.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime

import streamlit as st

from core import audit, oidc
from core import auth as core_auth
from core.config import get_settings
from core.db.models import utcnow
from core.explain.render import escape_markdown
from pages import state

USER_KEY, ROLE_KEY, ACTIVITY_KEY = state.AUTH_USER_KEY, state.AUTH_ROLE_KEY, "auth_last_activity"
#: Name (lower-case) -> time.time() before which this session refuses another attempt (``retry_after_s``).
RETRY_KEY = "auth_retry_until"
#: Why the session was signed out, shown once above the form.
NOTICE_KEY = "auth_notice"
#: Set when this session's provider sign-in was refused here (no role, disabled): not retried on every rerun.
OIDC_REFUSED_KEY = "auth_oidc_refused"


def oidc_providers() -> list[str | None]:
    """The OIDC providers configured in ``secrets.toml`` (``[None]``: the one default provider; ``[]``: none)."""
    if not st.secrets.load_if_toml_exists():
        return []
    section = st.secrets.get("auth")
    if not isinstance(section, Mapping) or not section:
        return []
    named = [name for name, value in section.items() if isinstance(value, Mapping)]
    return [None] if "client_id" in section or not named else named


def oidc_claims() -> dict[str, object] | None:
    """The ID token's claims when someone is signed in at the provider, else ``None``."""
    if not oidc_providers() or st.user.get("is_logged_in") is not True:
        return None
    return {key: value for key, value in st.user.to_dict().items() if key != "tokens"}


def sign_out(reason: str = "button") -> None:
    """Forget the signed-in account (audited as ``sign_out`` with ``reason``) and the session's page state."""
    user = st.session_state.get(USER_KEY)
    for key in (USER_KEY, ROLE_KEY, ACTIVITY_KEY):
        st.session_state.pop(key, None)
    state.forget_notes()
    if user:
        state.database()
        audit.record(str(user), "sign_out", f"user:{user}", {"reason": reason})
    if oidc_claims() is not None:
        st.logout()


def current_account(now: datetime | None = None) -> tuple[str, str] | None:
    """(name, role) of the signed-in account, re-read from the database on every run; ``None`` when nobody is
    signed in, the account is gone or disabled, or the session was idle too long (each of these signs out)."""
    user = st.session_state.get(USER_KEY)
    if not user:
        user = _oidc_sign_in()
    if not user:
        return None
    now = now or utcnow()
    state.database()
    info = core_auth.get_user(str(user))
    last = st.session_state.get(ACTIVITY_KEY)
    if info is None or info.disabled:
        sign_out("account_disabled" if info is not None else "account_missing")
        st.session_state[NOTICE_KEY] = "Your account is disabled or no longer exists: you were signed out."
        return None
    if not isinstance(last, datetime) or core_auth.session_expired(last, now):
        sign_out("idle")
        st.session_state[NOTICE_KEY] = f"Signed out after {get_settings().session_idle_minutes} minutes idle."
        return None
    st.session_state[ACTIVITY_KEY] = now
    st.session_state[ROLE_KEY] = info.role  # a role changed by an administrator applies at once
    return info.name, info.role


def _oidc_sign_in() -> str | None:
    """Sign in whoever the identity provider signed in (once per session), or ``None``."""
    claims = oidc_claims()
    if claims is None or st.session_state.get(OIDC_REFUSED_KEY):
        return None
    state.database()
    try:
        account = oidc.sign_in(claims)
    except oidc.OidcRefused as err:
        st.session_state[OIDC_REFUSED_KEY] = True
        st.session_state[NOTICE_KEY] = str(err)
        return None
    st.session_state.pop(NOTICE_KEY, None)
    st.session_state[USER_KEY], st.session_state[ROLE_KEY] = account.name, account.role
    st.session_state[ACTIVITY_KEY] = utcnow()
    return account.name


def attempt(name: str, password: str) -> str | None:
    """Try to sign in; on success keep the account in the session and return ``None``, else the message to show.

    A failed attempt makes this session refuse the same name for ``retry_after_s`` seconds (it does not sleep).
    """
    key = name.strip().lower()
    waits: dict[str, float] = st.session_state.setdefault(RETRY_KEY, {})
    left = waits.get(key, 0.0) - time.time()
    if left > 0:
        return f"Wait {left:.0f} s before trying again."
    state.database()
    result = core_auth.authenticate(name, password)
    if not result.ok or result.user is None:
        if result.retry_after_s > 0:
            waits[key] = time.time() + result.retry_after_s
        return result.message
    waits.pop(key, None)
    st.session_state.pop(NOTICE_KEY, None)
    st.session_state[USER_KEY] = result.user.name
    st.session_state[ROLE_KEY] = result.user.role
    st.session_state[ACTIVITY_KEY] = utcnow()
    return None


def sign_in_form() -> None:
    """The only thing shown until someone signs in."""
    st.title("Sign in to NoteLens")
    notice = st.session_state.get(NOTICE_KEY)
    if notice:
        st.info(escape_markdown(notice), icon=":material/logout:")
    with st.form("sign_in"):
        name = st.text_input("User name", key="sign_in_name", autocomplete="username")
        password = st.text_input("Password", type="password", key="sign_in_password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button("Sign in", icon=":material/login:", type="primary")
    if submitted:
        problem = attempt(name, password)
        if problem is None:
            st.rerun()
        st.error(escape_markdown(problem), icon=":material/lock:")
    providers = oidc_providers()
    if providers:
        st.divider()
        for provider in providers:
            label = "Sign in with your organisation's account" if provider is None else \
                f"Sign in with {escape_markdown(provider)}"
            st.button(label, icon=":material/badge:", key=f"oidc_{provider or 'default'}", on_click=st.login,
                      args=() if provider is None else (provider,))
        if st.session_state.get(OIDC_REFUSED_KEY):
            st.button("Sign out of the identity provider", key="oidc_logout", on_click=_oidc_sign_out)
    st.caption("Accounts are created by an administrator (`notelens users add`).")


def _oidc_sign_out() -> None:
    st.session_state.pop(OIDC_REFUSED_KEY, None)
    st.logout()
