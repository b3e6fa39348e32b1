"""OIDC sign-in (core.oidc): claims to a local account and role, refusals, and the audit trail."""

from __future__ import annotations

import pytest

from core import audit, auth, oidc
from core.config import Settings
from core.db.engine import init_db


@pytest.fixture
def db(auth_db_url):
    """The settings' database, migrated (what sign-in writes to when given no engine)."""
    init_db(auth_db_url)
    return auth_db_url


def settings(**kw) -> Settings:
    return Settings(**{"oidc_role_map": (("grp-nl-admins", "admin"), ("grp-ward", "clinician")), **kw})


@pytest.mark.parametrize(("claim", "role"), [
    ("clinician", "clinician"),                       # a value that is a role name needs no mapping
    (["grp-ward"], "clinician"),                       # a mapped group
    (["grp-ward", "annotator", "other"], "annotator"),  # the highest of several
    (["grp-nl-admins", "grp-ward"], "admin"),
    (["other", "Admin"], None),                        # case matters: "Admin" is not a role name
    ([], None),
    (None, None),
    (7, None),
])
def test_role_is_the_highest_mapped_value(claim, role):
    claims = {"email": "a@h.org"} if claim is None else {"email": "a@h.org", "roles": claim}
    assert oidc.role_from_claims(claims, settings()) == role


def test_role_claim_name_is_a_setting():
    claims = {"email": "a@h.org", "roles": "admin", "groups": ["grp-ward"]}
    assert oidc.role_from_claims(claims, settings(oidc_role_claim="groups")) == "clinician"


def test_first_sign_in_creates_the_account_and_later_ones_follow_the_provider_role(db):
    first = oidc.sign_in({"email": "Dr.Who@Hospital.org", "roles": ["grp-ward"]}, settings=settings())
    assert (first.name, first.role, first.created, first.role_changed) == ("dr.who@hospital.org", "clinician",
                                                                            True, False)
    assert auth.get_user("dr.who@hospital.org").role == "clinician"
    again = oidc.sign_in({"email": "dr.who@hospital.org", "roles": ["clinician"]}, settings=settings())
    assert (again.created, again.role_changed) == (False, False)
    promoted = oidc.sign_in({"email": "dr.who@hospital.org", "roles": "annotator"}, settings=settings())
    assert promoted.role_changed and auth.get_user("dr.who@hospital.org").role == "annotator"
    actions = [(e.actor, e.action) for e in reversed(audit.list_events(limit=20))]
    assert actions == [("oidc", "user_added"), ("dr.who@hospital.org", "sign_in"), ("dr.who@hospital.org", "sign_in"),
                       ("oidc", "role_changed"), ("dr.who@hospital.org", "sign_in")]
    assert audit.verify().ok
    # The random password of an OIDC account is never told: a local sign-in with a guess fails.
    assert not auth.authenticate("dr.who@hospital.org", "any-guessed-password").ok


@pytest.mark.parametrize(("claims", "message"), [
    ({"email": "x@h.org", "roles": ["guests"]}, "no NoteLens role"),
    ({"email": "x@h.org"}, "no NoteLens role"),
    ({"sub": "123", "roles": "admin"}, "did not send the claim 'email'"),
    ({"email": "<img src=x onerror=alert(1)>", "roles": "admin"}, "cannot be a NoteLens account name"),
])
def test_refusals(db, claims, message):
    with pytest.raises(oidc.OidcRefused, match=message):
        oidc.sign_in(claims, settings=settings())
    assert auth.list_users() == []  # nobody is created for a refused sign-in


def test_disabled_account_is_refused_whatever_the_provider_says(db):
    auth.add_user("admin", "admin", "admin-password-123")
    oidc.sign_in({"email": "nurse@h.org", "roles": "clinician"}, settings=settings())
    auth.disable_user("nurse@h.org")
    with pytest.raises(oidc.OidcRefused, match="disabled"):
        oidc.sign_in({"email": "nurse@h.org", "roles": "admin"}, settings=settings())
    assert auth.get_user("nurse@h.org").role == "clinician"
    assert audit.list_events(limit=1)[0].action == "sign_in_failed"


def test_the_provider_cannot_demote_the_last_admin(db):
    oidc.sign_in({"email": "boss@h.org", "roles": "admin"}, settings=settings())
    with pytest.raises(oidc.OidcRefused, match="last enabled admin"):
        oidc.sign_in({"email": "boss@h.org", "roles": "clinician"}, settings=settings())
    assert auth.get_user("boss@h.org").role == "admin"


def test_role_map_setting_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("NOTELENS_OIDC_ROLE_MAP", " grp-a = admin ,grp-b=clinician,")
    assert Settings.from_env().oidc_role_map == (("grp-a", "admin"), ("grp-b", "clinician"))
    monkeypatch.setenv("NOTELENS_OIDC_ROLE_MAP", "grp-a")
    with pytest.raises(ValueError, match="value=role pairs"):
        Settings.from_env()
