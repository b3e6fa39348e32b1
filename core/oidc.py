"""OIDC sign-in (the web UI's ``st.login``, ``pages/auth.py``), the hospital path: who the identity provider says
someone is, and the NoteLens role its claims give them.

The UI framework does the OIDC flow itself (``[auth]`` in the app's ``secrets.toml``: ``redirect_uri``,
``cookie_secret``, ``client_id``, ``client_secret``, ``server_metadata_url``) and hands the page the ID token's
claims (``st.user``). This module turns those claims into a local account, so that everything after sign-in (role
checks on every run, feedback recorded under the account, the audit trail, an admin disabling someone) is the same
as for a local account:

- the name is the claim :attr:`core.config.Settings.oidc_name_claim` (default ``email``), lower-cased;
- the role is the highest NoteLens role that the claim :attr:`~core.config.Settings.oidc_role_claim` (default
  ``roles``; a string or a list, e.g. groups) maps to through :attr:`~core.config.Settings.oidc_role_map`; a value
  that is itself a role name maps to that role. No role, no access: nobody gets a role by default.
- the first sign-in creates the account (``user_added`` by ``oidc``, with a random password nobody is told, so a
  local sign-in with that name is impossible); the provider stays the source of the role: a changed claim changes
  the account's role at the next sign-in (``role_changed``). A disabled account is refused whatever the provider
  says.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from core import audit
from core import auth as core_auth
from core.config import Settings, get_settings
from core.labels import ROLES

#: The audit actor of what the OIDC sign-in does to accounts.
OIDC_ACTOR = "oidc"
NO_ROLE = ("Your identity provider signed you in, but gives you no NoteLens role (claim {claim!r}); "
           "ask an administrator to add you to a NoteLens group.")
NO_NAME = "Your identity provider did not send the claim {claim!r} that names you; ask an administrator."


class OidcRefused(ValueError):
    """Signed in at the provider, refused here; the message is fit to show."""


@dataclass(frozen=True)
class OidcAccount:
    """The local account an OIDC sign-in maps to."""

    name: str
    role: str
    created: bool
    role_changed: bool


def role_from_claims(claims: Mapping[str, Any], settings: Settings | None = None) -> str | None:
    """The highest role (:data:`core.labels.ROLES` order) that the role claim maps to, or ``None``."""
    settings = settings or get_settings()
    value = claims.get(settings.oidc_role_claim)
    values = [value] if isinstance(value, str) else list(value) if isinstance(value, list | tuple) else []
    mapping = dict(settings.oidc_role_map)
    roles = {mapping.get(v, v) for v in values if isinstance(v, str)} & set(ROLES)
    return max(roles, key=ROLES.index) if roles else None


def name_from_claims(claims: Mapping[str, Any], settings: Settings | None = None) -> str:
    """The account name the name claim gives (a valid :func:`core.auth.normalize_name`).

    Raises:
        OidcRefused: no such claim, or not a usable name.
    """
    settings = settings or get_settings()
    value = claims.get(settings.oidc_name_claim)
    if not isinstance(value, str) or not value.strip():
        raise OidcRefused(NO_NAME.format(claim=settings.oidc_name_claim))
    try:
        return core_auth.normalize_name(value)
    except ValueError as err:
        raise OidcRefused(f"The name your identity provider sends cannot be a NoteLens account name: {err}.") from err


def sign_in(claims: Mapping[str, Any], *, settings: Settings | None = None,
            engine: Engine | None = None) -> OidcAccount:
    """Map a provider's sign-in to a local account (created or re-roled as needed) and audit it as ``sign_in``.

    Raises:
        OidcRefused: no name or role in the claims, a disabled account, or a role change the account rules refuse
            (demoting the last enabled admin). Each refusal is audited as ``sign_in_failed``.
    """
    settings = settings or get_settings()
    name = name_from_claims(claims, settings)
    role = role_from_claims(claims, settings)
    try:
        if role is None:
            raise OidcRefused(NO_ROLE.format(claim=settings.oidc_role_claim))
        existing = core_auth.get_user(name, engine=engine)
        if existing is not None and existing.disabled:
            raise OidcRefused(core_auth.DISABLED)
        created = changed = False
        if existing is None:
            core_auth.add_user(name, role, core_auth.generate_password(), actor=OIDC_ACTOR, engine=engine)
            created = True
        elif existing.role != role:
            try:
                core_auth.set_role(name, role, actor=OIDC_ACTOR, engine=engine)
            except ValueError as err:
                raise OidcRefused(f"Your identity provider's role for you cannot be applied: {err}.") from err
            changed = True
    except OidcRefused as err:
        audit.record(name, "sign_in_failed", f"user:{name}", {"reason": "oidc_refused", "method": "oidc"},
                     engine=engine)
        raise err
    audit.record(name, "sign_in", f"user:{name}", {"role": role, "method": "oidc"}, engine=engine)
    return OidcAccount(name=name, role=role, created=created, role_changed=changed)
