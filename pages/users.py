"""Users page (admins only): who can sign in and with which role; add, disable or enable, change a role, reset a
password.

Every change goes through :mod:`core.auth`, which audits it with the signed-in admin as the actor and refuses to
disable or demote the last enabled admin, or the admin doing it (so the CLI obeys the same rules). Changes run in the
buttons' callbacks, before the page is drawn, so the table always shows the result. A generated password is shown
once, in the run right after the change, and is never stored or audited.
"""

from typing import Any

import streamlit as st

from core import auth
from core.db.models import utcnow
from core.explain.render import escape_markdown
from core.labels import ROLES
from pages import state

user, role = state.require("users")  # first: nothing of the page for someone not signed in or not allowed
state.database()

#: Outcome of the last change, shown once: (kind: success/error, message, one-time password or None).
OUTCOME_KEY = "users_outcome"
ADD_NAME, ADD_ROLE, ADD_PASSWORD, ADD_CONFIRM = "users_add_name", "users_add_role", "users_add_pw", "users_add_pw2"
PICK_USER, PICK_ROLE = "users_pick", "users_pick_role"


def _check_still_allowed() -> None:
    """A callback runs before the page's own check: re-read the admin, whose role may have changed since the form
    was drawn."""
    info = auth.get_user(user)
    if info is None or info.disabled or not auth.can(info.role, "users"):
        raise ValueError("Your account may no longer manage users.")


def _done(message: str, password: str | None = None) -> None:
    st.session_state[OUTCOME_KEY] = ("success", message, password)


def _failed(err: ValueError) -> None:
    st.session_state[OUTCOME_KEY] = ("error", str(err), None)


def _add() -> None:
    """Callback: add the user typed in the form, with the password typed twice or a generated one."""
    name = str(st.session_state.get(ADD_NAME) or "")
    new_role = str(st.session_state.get(ADD_ROLE) or "")
    password, confirm = (str(st.session_state.get(k) or "") for k in (ADD_PASSWORD, ADD_CONFIRM))
    st.session_state[ADD_PASSWORD] = st.session_state[ADD_CONFIRM] = ""  # never kept in the session
    try:
        _check_still_allowed()
        if password != confirm:
            raise ValueError("The two passwords differ; type the same password twice (or leave both empty).")
        one_time = None if password else auth.generate_password()
        added = auth.add_user(name, new_role, password or one_time or "", actor=user)
    except ValueError as err:
        _failed(err)
        return
    st.session_state[ADD_NAME] = ""
    _done(f"Added {added.name} ({added.role}).", one_time)


def _change(what: str) -> None:
    """Callback: apply ``what`` (role, disable, enable, reset) to the user picked in the form."""
    name = str(st.session_state.get(PICK_USER) or "")
    try:
        _check_still_allowed()
        if what == "role":
            changed = auth.set_role(name, str(st.session_state.get(PICK_ROLE) or ""), actor=user)
            _done(f"{changed.name} is now {changed.role}.")
        elif what == "disable":
            changed = auth.disable_user(name, actor=user)
            _done(f"Disabled {changed.name}: they can no longer sign in, and an open session of theirs ends at "
                  "its next page run.")
        elif what == "enable":
            changed = auth.enable_user(name, actor=user)
            _done(f"Enabled {changed.name} (and cleared any lock).")
        elif what == "reset":
            changed, password = auth.reset_password(name, actor=user)
            _done(f"New password for {changed.name} (any lock cleared).", password)
        else:
            raise ValueError(f"unknown change {what!r}")
    except ValueError as err:
        _failed(err)


def _row(info: auth.UserInfo, now: Any) -> dict[str, Any]:
    locked = info.locked_until if info.locked_until is not None and info.locked_until > now else None
    return {"name": info.name, "role": info.role, "disabled": info.disabled, "created": info.created_at,
            "last sign-in": info.last_sign_in, "failed sign-ins": info.failed_count, "locked until": locked}


st.title("Users")
st.caption("Who can sign in, and with which role: clinicians run the task pages and send feedback; annotators also "
           "review feedback and may show the kept note texts (audited); admins also manage users, read the audit "
           "trail and export stored feedback. Every change here is audited with your name. Times are UTC.")

outcome = st.session_state.pop(OUTCOME_KEY, None)
if outcome is not None:
    kind, message, one_time = outcome
    if kind == "error":
        st.error(escape_markdown(message), icon=":material/error:")
    else:
        st.success(escape_markdown(message), icon=":material/check_circle:")
    if one_time:
        st.warning("This one-time password is shown only now: copy it and hand it over in person or through a "
                   "secure channel, and ask them to change it. It is not stored anywhere readable.",
                   icon=":material/key:")
        st.code(one_time, language=None)

users = auth.list_users()
now = utcnow()
st.dataframe([_row(u, now) for u in users], hide_index=True, width="stretch",
             column_config={"created": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                            "last sign-in": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                            "locked until": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")})
active_admins = sum(u.role == "admin" and not u.disabled for u in users)
st.caption(f"{len(users)} users, {sum(u.disabled for u in users)} disabled, {active_admins} enabled admins.")

left, right = st.columns(2)
with left, st.form("users_add"):
    st.subheader("Add a user")
    st.text_input("User name", key=ADD_NAME, max_chars=64,
                  help="Letters, digits, '.', '_', '@' or '-' (case-insensitive).")
    st.selectbox("Role", ROLES, key=ADD_ROLE)
    st.text_input("Password", key=ADD_PASSWORD, type="password", max_chars=auth.MAX_PASSWORD_CHARS,
                  help=f"At least {auth.MIN_PASSWORD_CHARS} characters. Leave both boxes empty to generate a "
                       "one-time password, shown once.")
    st.text_input("Password again", key=ADD_CONFIRM, type="password", max_chars=auth.MAX_PASSWORD_CHARS)
    st.form_submit_button("Add user", icon=":material/person_add:", on_click=_add)

with right, st.form("users_change"):
    st.subheader("Change a user")
    st.selectbox("User", [u.name for u in users], key=PICK_USER)
    st.selectbox("New role", ROLES, key=PICK_ROLE)
    st.caption("You cannot disable or demote yourself, and the last enabled admin stays an enabled admin.")
    st.form_submit_button("Change role", icon=":material/badge:", on_click=_change, args=("role",))
    st.form_submit_button("Disable", icon=":material/person_off:", on_click=_change, args=("disable",))
    st.form_submit_button("Enable", icon=":material/person_check:", on_click=_change, args=("enable",))
    st.form_submit_button("Reset password", icon=":material/key:", on_click=_change, args=("reset",),
                          help="Gives them a new random password, shown once here; their old one stops working.")
