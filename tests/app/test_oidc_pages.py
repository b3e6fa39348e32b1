"""OIDC sign-in through the app (AppTest's ``secrets`` and ``user``): the provider's button, an account and role
from the claims, refusals, and signing out of the provider too."""

from __future__ import annotations

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from core import audit, auth
from tests.app.helpers import APP, TIMEOUT, button

AUTH = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "test-cookie-secret",
        "client_id": "notelens", "client_secret": "s3cret",
        "server_metadata_url": "https://idp.hospital.invalid/.well-known/openid-configuration"}
SSO = "Sign in with your organisation's account"


@pytest.fixture(autouse=True)
def _fresh_caches():
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def app(user: dict | None = None, secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    if secrets is not None:
        at.secrets.update(secrets)
    if user is not None:
        at.user = user
    at.run()
    assert not at.exception, at.exception
    return at


def labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def test_without_an_auth_section_there_is_no_provider_button():
    at = app()
    assert [t.value for t in at.title] == ["Sign in to NoteLens"]
    assert SSO not in labels(at)


def test_with_an_auth_section_the_form_offers_the_provider_and_keeps_local_accounts():
    at = app({"is_logged_in": False}, {"auth": AUTH})
    assert [t.value for t in at.title] == ["Sign in to NoteLens"]
    assert SSO in labels(at) and "Sign in" in labels(at)  # local accounts still work offline
    assert at.text_input(key="sign_in_name") is not None


def test_named_providers_get_a_button_each():
    at = app({"is_logged_in": False}, {"auth": {"redirect_uri": AUTH["redirect_uri"], "cookie_secret": "x",
                                                "microsoft": {"client_id": "a"}, "okta": {"client_id": "b"}}})
    assert {"Sign in with microsoft", "Sign in with okta"} <= set(labels(at))


def test_a_provider_sign_in_opens_the_pages_its_role_allows():
    at = app({"is_logged_in": True, "email": "Nurse.Ada@hospital.org", "roles": ["clinician"], "name": "Ada"},
             {"auth": AUTH})
    assert at.title[0].value == "Triage a clinical note"
    assert "Signed in as nurse\\.ada\u2060@hospital\\.org (clinician)" in at.sidebar.caption[0].value  # not a link
    assert auth.get_user("nurse.ada@hospital.org").role == "clinician"
    event = audit.list_events(limit=1, actor="nurse.ada@hospital.org")[0]
    assert (event.action, event.details.get("method")) == ("sign_in", "oidc")
    button(at, "Sign out").click()  # also ends the provider's session: AppTest's user becomes signed out
    at.run()  # AppTest reruns only the page: it refuses (a real server reruns app.py, which shows the form)
    assert not at.exception, at.exception
    assert "auth_user" not in at.session_state and not at.text_area
    assert any("Sign in to use NoteLens" in e.value for e in at.error)
    assert at.user.get("is_logged_in") is False
    assert audit.list_events(limit=1, actor="nurse.ada@hospital.org")[0].action == "sign_out"


def test_a_provider_sign_in_without_a_role_is_refused_with_a_way_out():
    at = app({"is_logged_in": True, "email": "visitor@hospital.org", "roles": ["guests"]}, {"auth": AUTH})
    assert [t.value for t in at.title] == ["Sign in to NoteLens"]
    assert any("gives you no NoteLens role" in i.value for i in at.info)
    assert "Sign out of the identity provider" in labels(at)
    assert auth.get_user("visitor@hospital.org") is None
    assert not at.text_area and not at.sidebar.caption  # nothing of any page
