"""Audit trail page (admins only): whether the hash chain is intact, the events filtered by actor, action, dates and
target, and a CSV copy of the filtered events.

The filtering and the CSV are :mod:`core.audit`'s (the same as ``notelens audit``); taking the copy is itself
audited (``audit_exported``, with the filter and the row count) before the file is offered.
"""

from datetime import date

import streamlit as st

from core import audit
from core.explain.render import escape_markdown
from pages import state

user, role = state.require("audit")  # first: nothing of the page for someone not signed in or not allowed
state.database()

#: Rows shown in the table (the newest); the export holds up to :data:`core.audit.MAX_SEARCH_ROWS`.
SHOWN_ROWS = 500
ANYONE = "(anyone)"
#: The prepared export: (filter it was made for, :class:`core.audit.AuditExport`).
EXPORT_KEY = "audit_export"

st.title("Audit trail")
st.caption("Who did what and when: sign-ins, user changes, feedback, note texts shown, exports. Rows are "
           "append-only and hash-chained, so a row edited or deleted in the database breaks the chain there. "
           "Times are UTC.")

chain = audit.verify()
if chain.ok:
    st.success(f"Chain intact: all {chain.rows} rows verify (checked when the page was opened).",
               icon=":material/verified:")
else:
    st.error(f"Chain broken at row {chain.first_broken_id} (of {chain.rows}): that row, or the one before it, was "
             "edited or deleted outside the app. Keep a copy of the database and investigate.",
             icon=":material/gpp_bad:")


@st.fragment
def trail() -> None:
    """Filters, table and export: a fragment, so changing a filter reruns only this part, not the chain check above
    (which reads every row: about 1 s for 20,000 rows). A fragment's rerun skips the page's first line, so it
    checks the account again itself."""
    state.require("audit")
    with st.container(border=True):
        c1, c2, c3, c4 = st.columns([2, 3, 2, 2])
        actor = c1.selectbox("Actor", [ANYONE, *audit.actors()], key="audit_actor")
        actions = c2.multiselect("Actions", audit.ACTIONS, key="audit_actions", placeholder="any action")
        since = c3.date_input("From (UTC)", value=None, key="audit_since", format="YYYY-MM-DD")
        until = c4.date_input("To (UTC, included)", value=None, key="audit_until", format="YYYY-MM-DD")
        target = st.text_input("Target contains", key="audit_target", max_chars=256,
                               placeholder="e.g. user:alice or feedback:")
    try:
        flt = audit.AuditFilter(actor=None if actor == ANYONE else actor, actions=tuple(actions),
                                since=since if isinstance(since, date) else None,
                                until=until if isinstance(until, date) else None, target_contains=target.strip())
    except ValueError as err:
        st.error(escape_markdown(str(err)), icon=":material/error:")
        return

    found = audit.search_events(flt, limit=SHOWN_ROWS)
    if found.truncated:
        st.caption(f"{found.total} events match; the newest {len(found.rows)} are shown (the export holds up to "
                   f"{audit.MAX_SEARCH_ROWS}).")
    else:
        st.caption("1 event matches." if found.total == 1 else f"{found.total} events match.")
    st.dataframe([{"id": r.id, "at": r.at, "actor": r.actor, "action": r.action, "target": r.target,
                   "details": r.details} for r in found.rows],
                 hide_index=True, width="stretch", column_config={
                     "at": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss"),
                     "details": st.column_config.JsonColumn(width="large")})

    prepared = st.session_state.get(EXPORT_KEY)
    if prepared is not None and prepared[0] != flt:  # made for another filter: not offered for this one
        st.session_state.pop(EXPORT_KEY, None)
        prepared = None
    if st.button("Prepare CSV export", icon=":material/description:", disabled=not found.total,
                 help="Writes an audit_exported event (you, this filter, the row count), then offers the file."):
        prepared = (flt, audit.export_events(flt, user))
        st.session_state[EXPORT_KEY] = prepared
    if prepared is not None:
        done = prepared[1]
        st.download_button(f"Download CSV ({done.rows} rows)", done.csv, file_name="notelens-audit.csv",
                           mime="text/csv", icon=":material/download:", on_click="ignore")
        if done.total > done.rows:
            st.caption(f"The newest {done.rows} of {done.total} matching events (narrow the filter for the rest).")


trail()
