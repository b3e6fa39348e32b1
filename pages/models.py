"""Models page (admins only): per task, every saved version with its training data and recorded evaluations, the
difference between two versions on the files both were measured on, the check of a version against the serving one
(:mod:`core.tasks.comparison`: both scored on the locked gold split, the synthetic held-out notes and the registered
files, with the notes that turned wrong -> right and back), and promoting or rolling back the serving one. A
candidate worse on the locked split is refused unless the admin gives an override reason.

Switches go through :mod:`core.registry`, which writes ``CURRENT`` atomically, its history and the audit event with
the signed-in admin as the actor. They run in the buttons' callbacks, before the page is drawn, after re-reading the
admin's account. The task pages cache models keyed by the serving versions (:func:`pages.state._versions`), so a
switch takes effect at their next run.
"""

from typing import Any

import plotly.graph_objects as go
import streamlit as st

from core import auth, registry
from core.explain.render import escape_markdown
from core.registry import ModelVersion
from core.tasks import TASKS, ModelMissing, comparison, get_task
from pages import state

user, role = state.require("promote_model")  # first: nothing of the page for someone not signed in or not allowed
state.database()

OUTCOME_KEY = "models_outcome"
TASK_KEY, VERSION_KEY, REASON_KEY = "models_task", "models_version", "models_reason"
COMPARE_A, COMPARE_B = "models_compare_a", "models_compare_b"
CHECK_KEY, REFUSED_KEY, OVERRIDE_KEY = "models_check", "models_refused", "models_override"
#: Figures worth a column, in this order (classification, span tagging, ranking).
HEADLINE = ("accuracy", "macro_f1", "ece", "coverage", "strict_f1", "lenient_f1", "ndcg@3", "top1_agreement", "n")


def _check_still_allowed() -> None:
    """A callback runs before the page's own check: re-read the admin, whose role may have changed since the page
    was drawn."""
    info = auth.get_user(user)
    if info is None or info.disabled or not auth.can(info.role, "promote_model"):
        raise ValueError("Your account may no longer promote models.")


def figures(metrics: dict[str, Any]) -> dict[str, Any]:
    """The headline numbers of a metrics dict: training-time ones sit under ``validation``, evaluations' at the top;
    span scores nest their F1 under ``strict`` / ``lenient``."""
    val = metrics.get("validation") if isinstance(metrics.get("validation"), dict) else metrics
    out: dict[str, Any] = {}
    for kind in ("strict", "lenient"):
        if isinstance(val.get(kind), dict) and "f1" in val[kind]:
            out[f"{kind}_f1"] = val[kind]["f1"]
    for key in HEADLINE:
        if isinstance(val.get(key), int | float) and not isinstance(val.get(key), bool):
            out[key] = val[key]
    return {k: out[k] for k in HEADLINE if k in out}


def _rounded(values: dict[str, Any]) -> dict[str, Any]:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in values.items()}


def _switch(action: str) -> None:
    """Callback: promote the picked version after checking it against the serving one (``override``: with the typed
    override reason, even if worse), or roll back, with the typed reason."""
    task = get_task(str(st.session_state.get(TASK_KEY)))
    reason = str(st.session_state.get(REASON_KEY) or "").strip()
    if action != "override":  # a new attempt; a refusal stays on screen until overridden
        st.session_state.pop(REFUSED_KEY, None)
    try:
        _check_still_allowed()
        if not reason:
            raise ValueError("Give a reason: it is kept in the model history and the audit trail.")
        if action == "rollback":
            done = registry.rollback(task, actor=user, reason=reason)
        else:
            override = str(st.session_state.get(OVERRIDE_KEY) or "").strip() if action == "override" else None
            if action == "override" and not override:
                raise ValueError("Give the override reason: why this version should serve although it scored lower.")
            checked = comparison.promote_checked(task, str(st.session_state.get(VERSION_KEY) or ""), actor=user,
                                                 reason=reason, override_reason=override)
            if checked.report is not None:
                st.session_state[CHECK_KEY] = checked.report.to_dict()
            if checked.refused is not None:
                st.session_state[REFUSED_KEY] = checked.to_dict()
                return
            assert checked.switch is not None
            done = checked.switch
    except (ValueError, ModelMissing) as err:
        st.session_state[OUTCOME_KEY] = ("error", str(err))
        return
    st.session_state.pop(REFUSED_KEY, None)
    st.session_state[REASON_KEY] = ""
    st.session_state[OVERRIDE_KEY] = ""
    st.session_state[OUTCOME_KEY] = ("success", done.message + (
        ". The task pages load it at their next run." if done.changed else ""))


def _check(task_name: str, version: str) -> None:
    """Score the picked version and the serving one on every evaluation set (recorded beside both)."""
    task = get_task(task_name)
    try:
        with st.spinner("Scoring both versions on the locked gold split, the synthetic held-out notes and the "
                        "registered files…"):
            report = comparison.compare_versions(task, *comparison.pick(task, version))
    except (ValueError, ModelMissing) as err:
        st.error(escape_markdown(str(err)), icon=":material/error:")
        return
    st.session_state[CHECK_KEY] = report.to_dict()


def _item_label(item: str, review: dict[str, int]) -> str:
    return f"`{item}`" + (f" (review item {review[item]})" if item in review else "")


def _show_check(report: dict[str, Any]) -> None:
    """A stored comparison: per set both versions side by side, the decision, and the items that changed."""
    rows = []
    for s in report["sets"]:
        for key, diff in s["difference"].items():
            rows.append({"evaluation set": s["name"], "n": s["n"], "metric": key, "serving": s["serving"][key],
                         "candidate": s["candidate"][key], "candidate - serving": diff,
                         "wrong → right": len(s["turned_right"]), "right → wrong": len(s["turned_wrong"])})
    st.dataframe(rows, hide_index=True, width="stretch")
    for note in report["notes"]:
        st.caption(escape_markdown(note))
    verdict = (f"Decision on the {report['metric']}: candidate {report['candidate_score']:.4f}, serving "
               f"{report['serving_score']:.4f}.")
    if report["worse"]:
        st.warning(escape_markdown(verdict + " The candidate is worse: promoting it needs an override reason."),
                   icon=":material/warning:")
    else:
        st.info(escape_markdown(verdict + " The candidate is not worse."), icon=":material/info:")
    with st.expander("Items that changed (note hash prefix; locked gold items with their review item)"):
        for s in report["sets"]:
            if s["turned_right"] or s["turned_wrong"]:
                st.markdown(f"**{escape_markdown(s['name'])}**")
                for title, ids in (("wrong → right", s["turned_right"]), ("right → wrong", s["turned_wrong"])):
                    if ids:
                        st.markdown(f"{title}: " + ", ".join(_item_label(i, s["review_items"]) for i in ids))


def _version_row(v: ModelVersion) -> dict[str, Any]:
    return {"version": v.version, "serving": "✓" if v.serving else "", "created": v.created, "n_train": v.n_train,
            "source": v.source, **_rounded(figures(v.metrics)), "evaluations": len(v.evaluations)}


def _per_label_chart(title: str, scores: dict[str, float]) -> None:
    names = sorted(scores)
    fig = go.Figure(go.Bar(x=[scores[n] for n in names], y=names, orientation="h"))
    fig.update_layout(title=title, xaxis_title="F1", xaxis_range=[0, 1], height=max(240, 22 * len(names)),
                      margin={"l": 10, "r": 10, "t": 40, "b": 10})
    st.plotly_chart(fig, width="stretch")


def _details(v: ModelVersion) -> None:
    """What was recorded for one version: evaluations, and the charts its metrics allow."""
    rows = [{"file": e.data, "date": e.date, "sha256": (e.sha256 or "")[:12], **_rounded(figures(e.metrics))}
            for e in v.evaluations]
    st.markdown(f"**Training**: {v.n_train} notes from `{escape_markdown(str(v.source))}`, seed {v.seed}, base "
                f"`{escape_markdown(v.base_model)}`, data hash `{v.data_hash[:12]}`, "
                f"{v.size_bytes / 1e6:.1f} MB.")
    if rows:
        st.dataframe(rows, hide_index=True, width="stretch")
    else:
        st.caption("No evaluation recorded for this version (`notelens evaluate` records one).")
    sources = [("training validation", v.metrics.get("validation") or {})]
    latest = {(e.data, e.sha256): e for e in v.evaluations}  # each check records again: chart the latest of a set
    sources += [(f"{e.data} ({e.date})", e.metrics) for e in latest.values()]
    for name, m in sources:
        if isinstance(m.get("confusion"), dict) and m["confusion"].get("matrix"):
            conf = m["confusion"]
            fig = go.Figure(go.Heatmap(z=conf["matrix"], x=conf.get("labels"), y=conf.get("labels"),
                                       colorscale="Blues"))
            fig.update_layout(title=f"Confusion matrix: {name}", xaxis_title="predicted", yaxis_title="true")
            st.plotly_chart(fig, width="stretch")
        if isinstance(m.get("reliability"), list) and m["reliability"]:
            bins = m["reliability"]
            fig = go.Figure([go.Scatter(x=[b.get("confidence") for b in bins], y=[b.get("accuracy") for b in bins],
                                        mode="lines+markers", name="model"),
                             go.Scatter(x=[0, 1], y=[0, 1], mode="lines", name="perfect", line={"dash": "dot"})])
            fig.update_layout(title=f"Reliability: {name}", xaxis_title="confidence", yaxis_title="accuracy")
            st.plotly_chart(fig, width="stretch")
        if isinstance(m.get("per_class"), dict) and m["per_class"]:
            _per_label_chart(f"F1 per service: {name}", m["per_class"])
        strict = m.get("strict") if isinstance(m.get("strict"), dict) else {}
        if isinstance(strict.get("per_label"), dict) and strict["per_label"]:
            _per_label_chart(f"Strict F1 per label: {name}",
                             {k: s.get("f1", 0.0) for k, s in strict["per_label"].items()})


def compare(a: ModelVersion, b: ModelVersion) -> list[dict[str, Any]]:
    """Headline figures of ``a`` and ``b`` on each evaluation file both were measured on (same sha256; the latest
    measurement of each), with ``b - a``; the training-time validation first."""
    pairs = [("training validation", figures(a.metrics), figures(b.metrics))]
    last_a = {e.sha256: e for e in a.evaluations if e.sha256}
    last_b = {e.sha256: e for e in b.evaluations if e.sha256}
    pairs += [(last_a[h].data, figures(last_a[h].metrics), figures(last_b[h].metrics)) for h in last_a if h in last_b]
    rows = []
    for name, fa, fb in pairs:
        for key in HEADLINE:
            if key in fa and key in fb:
                rows.append({"evaluation": name, "metric": key, "A": round(fa[key], 4), "B": round(fb[key], 4),
                             "B - A": round(fb[key] - fa[key], 4)})
    return rows


st.title("Models")
st.caption("Every saved version of each task's model, what it was trained on and how it measured; promote one to "
           "serve, or roll back to the one that served before. Each switch is audited with your name and reason, "
           "and the task pages load the new model at their next run.")

outcome = st.session_state.pop(OUTCOME_KEY, None)
if outcome is not None:
    kind, message = outcome
    if kind == "error":
        st.error(escape_markdown(message), icon=":material/error:")
    else:
        st.success(escape_markdown(message), icon=":material/check_circle:")

task_name = st.selectbox("Task", list(TASKS), key=TASK_KEY)
task = get_task(task_name)
saved = registry.versions(task)
if not saved:
    st.info(f"No saved {task_name} model yet. {escape_markdown(task.train_hint())}", icon=":material/info:")
    st.stop()

current = registry.serving(task)
st.dataframe([_version_row(v) for v in saved], hide_index=True, width="stretch")
st.caption(f"Serving: `{current or 'none'}`. {len(saved)} versions, newest first.")

by_name = {v.version: v for v in saved}
names = list(by_name)
st.subheader("A version")
chosen = by_name[st.selectbox("Version", names, index=names.index(current) if current in by_name else 0,
                              key=VERSION_KEY, help="The serving version is picked first.")]
_details(chosen)

st.subheader("Compare two versions")
left, right = st.columns(2)
a = by_name[left.selectbox("A", names, index=min(1, len(names) - 1), key=COMPARE_A)]
b = by_name[right.selectbox("B", names, index=0, key=COMPARE_B)]
diff = compare(a, b)
if diff:
    st.dataframe(diff, hide_index=True, width="stretch")
else:
    st.caption("These versions share no figures to compare.")
turned = [{k: c[k] for k in ("evaluation", "items", "wrong -> right", "right -> wrong")}
          for c in comparison.recorded_changes(a.path, b.path)]
if turned:
    st.caption(f"Items scored for both (from the checks run): how many went from wrong under {a.version} to right "
               f"under {b.version} and back.")
    st.dataframe(turned, hide_index=True, width="stretch")

st.subheader("Check against the serving model")
st.caption("Both versions scored in one run on the same examples: the locked gold split (never trained on), the "
           "synthetic held-out notes and every evaluation file registered with `notelens models register-eval`. "
           "Each measurement is recorded beside both versions; no note text is kept.")
if chosen.serving or current is None:
    st.caption("Pick a version that does not serve to check it.")
else:
    if st.button(f"Check {chosen.version} against {current}", icon=":material/compare_arrows:", key="models_check_run"):
        _check(task_name, chosen.version)
    shown = st.session_state.get(CHECK_KEY)
    if shown and (shown["task"], shown["candidate"], shown["serving"]) == (task_name, chosen.version, current):
        _show_check(shown)

st.subheader("Promote or roll back")
target = registry.rollback_target(task)
st.text_input("Reason", key=REASON_KEY, max_chars=registry.MAX_REASON,
              help="Why the switch: kept in the model history and the audit trail.")
one, two = st.columns(2)
one.button(f"Promote {chosen.version}", icon=":material/publish:", on_click=_switch, args=("promote",),
           disabled=chosen.serving, key="models_promote", help="Checked against the serving model first.")
two.button(f"Roll back to {target}" if target else "Roll back", icon=":material/undo:", on_click=_switch,
           args=("rollback",), disabled=target is None, key="models_rollback")
refused = st.session_state.get(REFUSED_KEY)
if refused and refused["version"] == chosen.version and refused["task"] == task_name:
    st.error(escape_markdown(f"{chosen.version} was not promoted: on the {refused['metric']} it scores "
                             f"{refused['candidate_score']:.4f}, lower than the serving {refused['serving']}'s "
                             f"{refused['serving_score']:.4f}. Give an override reason to promote it anyway."),
             icon=":material/block:")
    st.text_input("Override reason", key=OVERRIDE_KEY, max_chars=registry.MAX_REASON,
                  help="Why this version should serve anyway: recorded with both scores in the model history and "
                       "the audit trail.")
    st.button("Promote anyway", icon=":material/warning:", on_click=_switch, args=("override",),
              key="models_override_promote")
